#!/usr/bin/python3
"""The deployment checkers can fail: each test breaks one thing in a copy of a real rendering
(or of the Dockerfile) and expects the checker to name it. The unbroken originals pass first, so
the break is what is refused.

Environment (set by tests/deploy/CMakeLists.txt): SSCSI_DEPLOY_RENDERED, SSCSI_SOURCE_DIR,
SSCSI_HOST_BINARY, SSCSI_IMAGE_BINARIES (':'-separated).
"""

import copy
import os
import pathlib
import unittest

import check_invariants
import image_packages
import invariants
import rendering as r

RENDERED = pathlib.Path(os.environ.get("SSCSI_DEPLOY_RENDERED", ""))
SOURCE = pathlib.Path(os.environ.get("SSCSI_SOURCE_DIR", ""))
HOST = os.environ.get("SSCSI_HOST_BINARY", "")
IMAGE_BINARIES = [b for b in os.environ.get("SSCSI_IMAGE_BINARIES", "").split(":") if b]


def setUpModule():
    global CONTEXT, INDEX, DOCS
    CONTEXT = check_invariants.load_context(SOURCE, HOST)
    INDEX = r.load_index(RENDERED)
    DOCS = {name: r.load_documents(entry["path"]) for name, entry in INDEX.items()}


def host(docs):
    return r.container(r.find(docs, "DaemonSet", r.DAEMONSET), r.HOST_CONTAINER)


def set_arg(docs, flag, value):
    args = host(docs)["args"]
    for i, (name, _, _) in enumerate(r.parse_args(args)):
        if name == flag:
            args[i] = f"--{flag}={value}"
            return
    raise AssertionError(f"no --{flag} to change")


class Invariants(unittest.TestCase):
    def broken(self, rendering_name, mutate, expected):
        docs = copy.deepcopy(DOCS[rendering_name])
        entry = INDEX[rendering_name]
        self.assertEqual(invariants.check_rendering(DOCS[rendering_name], entry, CONTEXT), [],
                         f"{rendering_name} must pass before it is broken")
        mutate(docs)
        problems = invariants.check_rendering(docs, entry, CONTEXT)
        self.assertTrue(any(expected in p for p in problems),
                        f"expected a problem mentioning {expected!r}, got {problems}")

    def test_csidriver_name(self):
        self.broken("manifests", lambda d: r.objects_of(d, "CSIDriver")[0]["metadata"].update(
            name="secrets-store.example.com"), "CSIDriver: name is")

    def test_csidriver_pod_info(self):
        self.broken("chart-default", lambda d: r.objects_of(d, "CSIDriver")[0]["spec"].update(
            podInfoOnMount=False), "spec.podInfoOnMount")

    def test_csidriver_republish(self):
        self.broken("manifests", lambda d: r.objects_of(d, "CSIDriver")[0]["spec"].update(
            requiresRepublish=False), "spec.requiresRepublish")

    def test_csidriver_lifecycle(self):
        self.broken("manifests", lambda d: r.objects_of(d, "CSIDriver")[0]["spec"].update(
            volumeLifecycleModes=["Persistent", "Ephemeral"]), "spec.volumeLifecycleModes")

    def test_token_audience(self):
        self.broken("manifests", lambda d: r.objects_of(d, "CSIDriver")[0]["spec"].pop(
            "tokenRequests"), "AzureADTokenExchange")

    def test_tokens_in_secrets_in_static_manifests(self):
        self.broken("manifests", lambda d: r.objects_of(d, "CSIDriver")[0]["spec"].update(
            serviceAccountTokenInSecrets=True), "clusters before 1.35")

    def test_tokens_in_secrets_before_1_35(self):
        self.broken("chart-kube-1.34", lambda d: r.objects_of(d, "CSIDriver")[0]["spec"].update(
            serviceAccountTokenInSecrets=True), "serviceAccountTokenInSecrets")

    def test_crd_v1alpha1_not_deprecated(self):
        def mutate(docs):
            crd = r.find(docs, "CustomResourceDefinition",
                         "secretproviderclasses.secrets-store.csi.x-k8s.io")
            for version in crd["spec"]["versions"]:
                version.pop("deprecated", None)
        self.broken("manifests", mutate, "deprecated")

    def test_crd_drift(self):
        def mutate(docs):
            crd = r.objects_of(docs, "CustomResourceDefinition")[1]
            crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["description"] = "changed"
        self.broken("chart-default", mutate, "differs from deploy/manifests/crds")

    def rule(self, docs, resource):
        for role in r.objects_of(docs, "ClusterRole"):
            for rule in role["rules"]:
                if resource in rule["resources"]:
                    return rule
        raise AssertionError(f"no rule for {resource}")

    def test_rbac_more_verbs(self):
        self.broken("manifests", lambda d: self.rule(d, "pods")["verbs"].append("list"),
                    "beyond least privilege")

    def test_rbac_wildcard(self):
        self.broken("chart-default", lambda d: self.rule(d, "events")["verbs"].append("*"),
                    "wildcard")

    def test_rbac_missing_verb(self):
        self.broken("manifests", lambda d: self.rule(
            d, "secretproviderclasspodstatuses")["verbs"].remove("update"), "lacks ['update']")

    def test_rbac_secrets_without_sync(self):
        def mutate(docs):
            docs.extend(copy.deepcopy(
                [doc for doc in DOCS["manifests-sync"]
                 if doc["metadata"]["name"].startswith("secretprovidersyncing")]))
        self.broken("manifests", mutate, "on secrets (group core) beyond least privilege")

    def test_rbac_sync_missing(self):
        def mutate(docs):
            docs[:] = [doc for doc in docs
                       if not doc["metadata"]["name"].startswith("secretprovidersyncing")]
        self.broken("chart-sync", mutate, "lacks ['create', 'delete', 'get', 'update'] on secrets")

    def test_rbac_binding_to_cluster_admin(self):
        def mutate(docs):
            binding = copy.deepcopy(r.objects_of(docs, "ClusterRoleBinding")[0])
            binding["metadata"]["name"] = "sscsi-admin"
            binding["roleRef"]["name"] = "cluster-admin"
            docs.append(binding)
        self.broken("manifests", mutate, "not a role of this rendering")

    def test_rbac_other_subject(self):
        self.broken("manifests", lambda d: r.objects_of(d, "ClusterRoleBinding")[0]["subjects"]
                    .append({"kind": "Group", "name": "system:authenticated"}), "subjects")

    def test_pod_label(self):
        def mutate(docs):
            r.find(docs, "DaemonSet", r.DAEMONSET)["spec"]["template"]["metadata"]["labels"][
                "app"] = "sscsi"
        self.broken("manifests", mutate, "app in (secrets-store-csi-driver")

    def test_propagation(self):
        def mutate(docs):
            for mount in host(docs)["volumeMounts"]:
                mount.pop("mountPropagation", None)
        self.broken("manifests", mutate, "mountPropagation: Bidirectional")

    def test_propagation_elsewhere(self):
        def mutate(docs):
            registrar = r.container(r.find(docs, "DaemonSet", r.DAEMONSET), r.REGISTRAR_CONTAINER)
            registrar["volumeMounts"][0]["mountPropagation"] = "Bidirectional"
        self.broken("chart-default", mutate, "Bidirectional propagation only")

    def test_pods_dir_not_the_nodes(self):
        def mutate(docs):
            daemonset = r.find(docs, "DaemonSet", r.DAEMONSET)
            r.volume(daemonset, "mountpoint-dir")["hostPath"]["path"] = "/var/lib/other/pods"
        self.broken("manifests", mutate, "must be the node's same directory")

    def test_not_privileged(self):
        self.broken("manifests", lambda d: host(d)["securityContext"].update(privileged=False),
                    "must be privileged")

    def test_writable_root(self):
        self.broken("chart-nondefault", lambda d: host(d)["securityContext"].update(
            readOnlyRootFilesystem=False), "readOnlyRootFilesystem")

    def test_unknown_flag(self):
        self.broken("manifests", lambda d: host(d)["args"].append(
            "--provider-volume=/var/run/secrets-store-csi-providers"), "not an sscsi-host option")

    def test_flag_twice(self):
        self.broken("chart-default", lambda d: host(d)["args"].append("-v=5"), "given twice")

    def test_entrypoint_overridden(self):
        self.broken("manifests", lambda d: host(d).update(command=["/bin/sh"]), "entrypoint")

    def test_metrics_port(self):
        self.broken("manifests", lambda d: set_arg(d, "metrics-addr", ":9095"), "listens on port")

    def test_health_port(self):
        self.broken("chart-nondefault", lambda d: host(d)["ports"][1].update(containerPort=9808),
                    "listens on port")

    def test_probe_path(self):
        self.broken("manifests", lambda d: host(d)["livenessProbe"]["httpGet"].update(
            path="/metrics"), "livenessProbe must GET /healthz")

    def test_readiness_port(self):
        self.broken("chart-default", lambda d: host(d)["readinessProbe"]["httpGet"].update(
            port="metrics"), "readinessProbe must GET /healthz")

    def test_health_on_every_address(self):
        self.broken("manifests", lambda d: set_arg(d, "health-addr", ":9808"),
                    "--health-addr must be on the loopback")

    def test_probe_not_on_the_loopback(self):
        self.broken("chart-default", lambda d: host(d)["livenessProbe"]["httpGet"].pop("host"),
                    "livenessProbe must GET host '127.0.0.1'")

    def test_plugin_config_not_in_configmap(self):
        self.broken("manifests", lambda d: set_arg(d, "plugin-config",
                                                   "azure=/etc/sscsi/plugins/azure-prod.json"),
                    "not a key of a ConfigMap")

    def test_plugin_config_not_json(self):
        self.broken("chart-default", lambda d: r.find(d, "ConfigMap", "sscsi-plugin-config")[
            "data"].update({"azure.json": "{cloudName: AzurePublicCloud"}), "is not JSON")

    def test_required_plugin_not_in_image(self):
        self.broken("manifests", lambda d: set_arg(d, "require-plugins", "azure,vault"),
                    "does not carry")

    def test_registration_path(self):
        def mutate(docs):
            registrar = r.container(r.find(docs, "DaemonSet", r.DAEMONSET), r.REGISTRAR_CONTAINER)
            registrar["args"][2] = ("--kubelet-registration-path="
                                    "/var/lib/kubelet/plugins/secrets-store/csi.sock")
        self.broken("manifests", mutate, "--kubelet-registration-path")

    def test_csi_address(self):
        def mutate(docs):
            registrar = r.container(r.find(docs, "DaemonSet", r.DAEMONSET), r.REGISTRAR_CONTAINER)
            registrar["args"][1] = "--csi-address=/csi/driver.sock"
        self.broken("chart-default", mutate, "--csi-address")

    def test_state_dir_in_container(self):
        self.broken("manifests", lambda d: set_arg(d, "state-dir", "/var/lib/sscsi"),
                    "--state-dir")

    def test_node_id(self):
        self.broken("chart-default", lambda d: set_arg(d, "nodeid", "node-1"), "--nodeid")

    def test_driver_name(self):
        self.broken("manifests", lambda d: set_arg(d, "drivername", "secrets-store.example.com"),
                    "--drivername")

    def test_plugin_dir(self):
        self.broken("manifests", lambda d: set_arg(d, "plugin-dir", "/opt/plugins"),
                    "--plugin-dir")

    def test_no_memory_limit(self):
        self.broken("manifests", lambda d: host(d)["resources"].pop("limits"), "memory limit")


class SameObjects(unittest.TestCase):
    def compare(self, mutate, expected):
        manifests, chart = DOCS["manifests"], copy.deepcopy(DOCS["chart-default"])
        self.assertEqual(invariants.compare(manifests, chart, "manifests", "chart-default"), [])
        mutate(chart)
        problems = invariants.compare(manifests, chart, "manifests", "chart-default")
        self.assertTrue(any(expected in p for p in problems),
                        f"expected a problem mentioning {expected!r}, got {problems}")

    def test_different_flags(self):
        self.compare(lambda d: set_arg(d, "enable-secret-rotation", "true"), "same flags")

    def test_missing_object(self):
        self.compare(lambda d: d.remove(r.objects_of(d, "ServiceAccount")[0]),
                     "only in the manifests")

    def test_extra_object(self):
        self.compare(lambda d: d.append({"apiVersion": "v1", "kind": "Service",
                                         "metadata": {"name": "sscsi-metrics",
                                                      "namespace": "kube-system"}}),
                     "only in the chart")

    def test_missing_pod_label(self):
        self.compare(lambda d: r.find(d, "DaemonSet", r.DAEMONSET)["spec"]["template"][
            "metadata"]["labels"].pop("app.kubernetes.io/component"), "lack the labels")

    def test_different_resources(self):
        self.compare(lambda d: host(d)["resources"]["requests"].update(memory="32Mi"),
                     "resources.requests.memory")

    def test_different_plugin_config(self):
        self.compare(lambda d: r.find(d, "ConfigMap", "sscsi-plugin-config")["data"].update(
            {"azure.json": '{"cloudName": "AzureChinaCloud"}'}), "ConfigMap sscsi-plugin-config")


class ImagePackages(unittest.TestCase):
    def setUp(self):
        path = SOURCE / "deploy" / "image" / "Dockerfile"
        self.dockerfile = path.read_text(encoding="utf-8")
        self.assertTrue(IMAGE_BINARIES, "SSCSI_IMAGE_BINARIES names no binaries")
        self.assertEqual(image_packages.check(self.dockerfile, IMAGE_BINARIES)[0], [])

    def refused(self, text, expected):
        problems = image_packages.check(text, IMAGE_BINARIES)[0]
        self.assertTrue(any(expected in p for p in problems),
                        f"expected a problem mentioning {expected!r}, got {problems}")

    def test_missing_library_package(self):
        self.refused(self.dockerfile.replace("      libgrpc29 \\\n", ""), "lacks libgrpc29")

    def test_missing_ca_certificates(self):
        self.refused(self.dockerfile.replace("      ca-certificates \\\n", ""),
                     "lacks ca-certificates")

    def test_unneeded_package(self):
        self.refused(self.dockerfile.replace("      libc6 \\\n", "      libc6 \\\n      curl \\\n"),
                     "keep the runtime image minimal")

    def test_other_release_name(self):
        self.refused(self.dockerfile.replace("libssl3 ", "libssl1.1 "), "lacks libssl3")

    def test_no_runtime_stage(self):
        self.refused(self.dockerfile.replace(" AS runtime", " AS final"), "no stage named runtime")


if __name__ == "__main__":
    unittest.main(verbosity=2)
