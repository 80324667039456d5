"""What every rendering of sscsi's deployment must say, and that the kustomization and the Helm
chart say the same. Each check returns a list of problems (strings naming the object and what is
wrong); an empty list means the rendering passes.

Used by check_invariants.py (the real renderings) and test_checkers_refuse_broken.py (broken
copies of them, each of which must be refused).
"""

import copy
import json
import re

import rendering as r

AZURE_AUDIENCE = "api://AzureADTokenExchange"
SPC_GROUP = "secrets-store.csi.x-k8s.io"
CRD_NAMES = {
    f"secretproviderclasses.{SPC_GROUP}",
    f"secretproviderclasspodstatuses.{SPC_GROUP}",
}
AKS_SELECTOR_VALUES = ("secrets-store-csi-driver", "secrets-store-provider-azure")
IMAGE_PLUGIN_DIR = "/usr/lib/sscsi/plugins"

# Least privilege, both ways: exactly these rules (apiGroup, resource) -> verbs, nothing more and
# nothing the host needs missing (deploy/manifests/rbac explains each one).
RBAC_ALWAYS = {
    ("", "events"): {"create"},
    ("", "pods"): {"get"},
    (SPC_GROUP, "secretproviderclasses"): {"get"},
    (SPC_GROUP, "secretproviderclasspodstatuses"): {"create", "get", "update"},
}
RBAC_SECRET_SYNC = {("", "secrets"): {"create", "get", "update", "delete"}}


class Context:
    """What the checks know besides the rendering itself."""

    def __init__(self, host_options, crd_documents, dockerfile_text):
        self.host_options = host_options  # names from `sscsi-host --help`
        self.crd_documents = crd_documents  # deploy/manifests/crds, parsed
        self.dockerfile = dockerfile_text


# --- CSIDriver and CRDs ------------------------------------------------------------------------


def check_csidriver(docs, entry):
    problems = []
    drivers = r.objects_of(docs, "CSIDriver")
    if len(drivers) != 1:
        return [f"CSIDriver: expected exactly one, found {len(drivers)}"]
    driver = drivers[0]
    name = driver["metadata"].get("name")
    if name != r.DRIVER_NAME:
        problems.append(f"CSIDriver: name is {name!r}, not {r.DRIVER_NAME!r}")
    spec = driver.get("spec") or {}
    expected = {
        "attachRequired": False,
        "podInfoOnMount": True,
        "requiresRepublish": True,
        "volumeLifecycleModes": ["Ephemeral"],
    }
    for field, value in expected.items():
        if spec.get(field) != value:
            problems.append(f"CSIDriver {name}: spec.{field} is {spec.get(field)!r}, "
                            f"expected {value!r}")
    audiences = [item.get("audience") for item in spec.get("tokenRequests") or []]
    if AZURE_AUDIENCE not in audiences:
        problems.append(f"CSIDriver {name}: spec.tokenRequests lacks the audience "
                        f"{AZURE_AUDIENCE} (Azure workload identity); it has {audiences}")
    in_secrets = spec.get("serviceAccountTokenInSecrets")
    if entry["source"] == "kustomize":
        # Static manifests serve every supported cluster; the field exists only from 1.35.
        if in_secrets is not None:
            problems.append(f"CSIDriver {name}: the kustomization sets "
                            "serviceAccountTokenInSecrets, which clusters before 1.35 refuse")
    else:
        version = tuple(int(x) for x in re.findall(r"[0-9]+", entry["kube_version"])[:2])
        wanted = True if version >= (1, 35) and audiences else None
        if in_secrets != wanted:
            problems.append(f"CSIDriver {name}: serviceAccountTokenInSecrets is {in_secrets!r} "
                            f"for Kubernetes {entry['kube_version']}, expected {wanted!r}")
    return problems


def check_crds(docs, context):
    problems = []
    crds = {doc["metadata"]["name"]: doc for doc in r.objects_of(docs, "CustomResourceDefinition")}
    if set(crds) != CRD_NAMES:
        problems.append(f"CRDs: expected {sorted(CRD_NAMES)}, found {sorted(crds)}")
    for name, crd in crds.items():
        versions = {v.get("name"): v for v in (crd.get("spec") or {}).get("versions") or []}
        v1 = versions.get("v1") or {}
        if not (v1.get("served") and v1.get("storage")):
            problems.append(f"CRD {name}: v1 must be served and stored")
        if name.startswith("secretproviderclasses."):
            alpha = versions.get("v1alpha1") or {}
            if not alpha.get("served") or alpha.get("storage") or not alpha.get("deprecated"):
                problems.append(f"CRD {name}: v1alpha1 must be served, not stored, and "
                                "deprecated")
    # The renderings carry deploy/manifests/crds themselves, not a copy that can drift.
    for source in context.crd_documents:
        rendered = crds.get(source["metadata"]["name"])
        if rendered is not None and rendered != source:
            problems.append(f"CRD {source['metadata']['name']}: differs from "
                            "deploy/manifests/crds")
    return problems


# --- RBAC --------------------------------------------------------------------------------------


def check_rbac(docs, entry):
    problems = []
    for kind in ("Role", "RoleBinding"):
        for obj in r.objects_of(docs, kind):
            problems.append(f"{kind} {obj['metadata'].get('name')}: sscsi needs no namespaced "
                            "roles")
    wanted = dict(RBAC_ALWAYS)
    if entry["secret_sync"]:
        wanted.update(RBAC_SECRET_SYNC)
    granted = {}
    roles = {}
    for role in r.objects_of(docs, "ClusterRole"):
        name = role["metadata"].get("name")
        roles[name] = role
        if role.get("aggregationRule"):
            problems.append(f"ClusterRole {name}: aggregation would grant more than listed")
        for rule in role.get("rules") or []:
            if rule.get("nonResourceURLs") or rule.get("resourceNames"):
                problems.append(f"ClusterRole {name}: unexpected nonResourceURLs/resourceNames")
            verbs = set(rule.get("verbs") or [])
            for group in rule.get("apiGroups") or []:
                for resource in rule.get("resources") or []:
                    if "*" in (group, resource) or "*" in verbs:
                        problems.append(f"ClusterRole {name}: wildcard in {rule}")
                    granted.setdefault((group, resource), set()).update(verbs)
    for target, verbs in sorted(granted.items()):
        extra = verbs - wanted.get(target, set())
        if extra:
            problems.append(f"RBAC grants {sorted(extra)} on {target[1]} "
                            f"(group {target[0] or 'core'}) beyond least privilege")
    for target, verbs in sorted(wanted.items()):
        missing = verbs - granted.get(target, set())
        if missing:
            problems.append(f"RBAC lacks {sorted(missing)} on {target[1]} "
                            f"(group {target[0] or 'core'}), which sscsi-host uses")
    for binding in r.objects_of(docs, "ClusterRoleBinding"):
        name = binding["metadata"].get("name")
        ref = binding.get("roleRef") or {}
        if ref.get("kind") != "ClusterRole" or ref.get("name") not in roles:
            problems.append(f"ClusterRoleBinding {name}: binds {ref.get('name')!r}, not a role "
                            "of this rendering")
        subjects = [(s.get("kind"), s.get("namespace"), s.get("name"))
                    for s in binding.get("subjects") or []]
        if subjects != [("ServiceAccount", r.NAMESPACE, r.SERVICE_ACCOUNT)]:
            problems.append(f"ClusterRoleBinding {name}: subjects {subjects}, expected only "
                            f"ServiceAccount {r.NAMESPACE}/{r.SERVICE_ACCOUNT}")
    bound = {(b.get("roleRef") or {}).get("name") for b in r.objects_of(docs, "ClusterRoleBinding")}
    for name in roles:
        if name not in bound:
            problems.append(f"ClusterRole {name}: not bound to the host's ServiceAccount")
    if r.find(docs, "ServiceAccount", r.SERVICE_ACCOUNT) is None:
        problems.append(f"ServiceAccount {r.SERVICE_ACCOUNT}: missing")
    return problems


# --- DaemonSet -------------------------------------------------------------------------------


def host_volume_path(daemonset, container_spec, mount_path):
    """The node path a container path is mounted from (hostPath volumes only), or None."""
    mount = r.mount_at(container_spec, mount_path)
    if mount is None:
        return None
    source = r.volume(daemonset, mount.get("name")) or {}
    return (source.get("hostPath") or {}).get("path")


def check_daemonset(docs, entry, context):
    daemonset = r.find(docs, "DaemonSet", r.DAEMONSET)
    if daemonset is None:
        return [f"DaemonSet {r.DAEMONSET}: missing"]
    problems = []
    name = f"DaemonSet {r.DAEMONSET}"
    if daemonset["metadata"].get("namespace") != r.NAMESPACE:
        problems.append(f"{name}: namespace {daemonset['metadata'].get('namespace')!r}, "
                        f"expected {r.NAMESPACE}")
    spec = daemonset.get("spec") or {}
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not r.label_selector_matches(labels, "app", AKS_SELECTOR_VALUES):
        problems.append(f"{name}: pod labels {labels} do not match the AKS add-on's check "
                        f"'app in ({', '.join(AKS_SELECTOR_VALUES)})'")
    selector = (spec.get("selector") or {}).get("matchLabels") or {}
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        problems.append(f"{name}: selector {selector} does not select its pods' labels")
    pod = r.pod_spec(daemonset)
    if pod.get("serviceAccountName") != r.SERVICE_ACCOUNT:
        problems.append(f"{name}: serviceAccountName {pod.get('serviceAccountName')!r}, "
                        f"expected {r.SERVICE_ACCOUNT}")
    if (pod.get("nodeSelector") or {}).get("kubernetes.io/os") != "linux":
        problems.append(f"{name}: nodeSelector must keep kubernetes.io/os: linux")
    names = sorted(c.get("name") for c in pod.get("containers") or [])
    if names != sorted([r.HOST_CONTAINER, r.REGISTRAR_CONTAINER]):
        problems.append(f"{name}: containers {names}, expected {r.HOST_CONTAINER} and "
                        f"{r.REGISTRAR_CONTAINER}")
        return problems
    host = r.container(daemonset, r.HOST_CONTAINER)
    registrar = r.container(daemonset, r.REGISTRAR_CONTAINER)
    problems += check_privileges(daemonset, host, registrar)
    problems += check_host_args(docs, daemonset, host, registrar, context)
    problems += check_ports_and_probes(host, pod.get("hostNetwork") is True)
    for item in (host, registrar):
        resources = item.get("resources") or {}
        requests = resources.get("requests") or {}
        if not (requests.get("cpu") and requests.get("memory")
                and (resources.get("limits") or {}).get("memory")):
            problems.append(f"container {item['name']}: needs cpu and memory requests and a "
                            "memory limit")
    return problems


def check_privileges(daemonset, host, registrar):
    problems = []
    if (host.get("securityContext") or {}).get("privileged") is not True:
        problems.append(f"container {r.HOST_CONTAINER}: must be privileged (mount(2) with "
                        "Bidirectional propagation)")
    if (registrar.get("securityContext") or {}).get("privileged"):
        problems.append(f"container {r.REGISTRAR_CONTAINER}: must not be privileged")
    bidirectional = [(c["name"], m.get("mountPath"))
                     for c in r.pod_spec(daemonset).get("containers") or []
                     for m in c.get("volumeMounts") or []
                     if m.get("mountPropagation") == "Bidirectional"]
    pods_mounts = [m for m in host.get("volumeMounts") or []
                   if (m.get("mountPath") or "").rstrip("/").endswith("/pods")]
    if len(pods_mounts) != 1:
        problems.append(f"container {r.HOST_CONTAINER}: expected one mount of the kubelet's "
                        f"pods directory, found {len(pods_mounts)}")
    else:
        mount = pods_mounts[0]
        node_path = host_volume_path(daemonset, host, mount["mountPath"])
        if mount.get("mountPropagation") != "Bidirectional":
            problems.append(f"container {r.HOST_CONTAINER}: the kubelet pods directory "
                            f"{mount['mountPath']} needs mountPropagation: Bidirectional")
        if node_path is None or node_path.rstrip("/") != mount["mountPath"].rstrip("/"):
            problems.append(f"container {r.HOST_CONTAINER}: {mount['mountPath']} must be the "
                            f"node's same directory (hostPath), not {node_path!r}: target paths "
                            "in CSI requests are node paths")
    if any(who != r.HOST_CONTAINER or not where.rstrip("/").endswith("/pods")
           for who, where in bidirectional):
        problems.append(f"Bidirectional propagation only for the host's pods directory, found "
                        f"{bidirectional}")
    for item in (host, registrar):
        if (item.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
            problems.append(f"container {item['name']}: readOnlyRootFilesystem must be true")
    return problems


def env_value(container_spec, name):
    for item in container_spec.get("env") or []:
        if item.get("name") == name:
            return item
    return None


def check_host_args(docs, daemonset, host, registrar, context):
    problems = []
    args = host.get("args") or []
    who = f"container {r.HOST_CONTAINER}"
    if host.get("command"):
        problems.append(f"{who}: must not override the image's entrypoint ({host['command']})")
    seen = set()
    for flag, _, original in r.parse_args(args):
        if flag is None:
            problems.append(f"{who}: argument {original!r} is not --NAME[=VALUE]")
        elif flag not in context.host_options:
            problems.append(f"{who}: {original!r} is not an sscsi-host option "
                            "(`sscsi-host --help`)")
        elif flag in seen and flag != "plugin-config":
            problems.append(f"{who}: {flag} is given twice")
        seen.add(flag)

    endpoint = r.arg_value(args, "endpoint")
    endpoint_env = env_value(host, "CSI_ENDPOINT") or {}
    socket = (endpoint_env.get("value") or "") if endpoint == "$(CSI_ENDPOINT)" else endpoint or ""
    if not socket.startswith("unix:///"):
        problems.append(f"{who}: --endpoint must be a unix:// socket, got {endpoint!r} "
                        f"(CSI_ENDPOINT {endpoint_env.get('value')!r})")
    else:
        socket_path = socket[len("unix://"):]
        socket_dir = socket_path.rsplit("/", 1)[0]
        node_dir = host_volume_path(daemonset, host, socket_dir)
        registrar_args = registrar.get("args") or []
        registration = r.arg_value(registrar_args, "kubelet-registration-path")
        if node_dir is None:
            problems.append(f"{who}: the socket directory {socket_dir} is not a hostPath mount")
        elif registration != node_dir.rstrip("/") + "/" + socket_path.rsplit("/", 1)[1]:
            problems.append(f"{r.REGISTRAR_CONTAINER}: --kubelet-registration-path "
                            f"{registration!r} is not the host's socket on the node "
                            f"({node_dir.rstrip('/')}/{socket_path.rsplit('/', 1)[1]})")
        csi_address = r.arg_value(registrar_args, "csi-address") or ""
        csi_dir, _, csi_socket = csi_address.rpartition("/")
        if (host_volume_path(daemonset, registrar, csi_dir or "/") != node_dir
                or csi_socket != socket_path.rsplit("/", 1)[1]):
            problems.append(f"{r.REGISTRAR_CONTAINER}: --csi-address {csi_address!r} is not the "
                            "host's socket")
        registration_dir = host_volume_path(daemonset, registrar, "/registration") or ""
        if not registration_dir.rstrip("/").endswith("/plugins_registry"):
            problems.append(f"{r.REGISTRAR_CONTAINER}: /registration must be the kubelet's "
                            f"plugins_registry directory, not {registration_dir!r}")

    node_id = env_value(host, "KUBE_NODE_NAME") or {}
    field = ((node_id.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
    if r.arg_value(args, "nodeid") != "$(KUBE_NODE_NAME)" or field != "spec.nodeName":
        problems.append(f"{who}: --nodeid must be $(KUBE_NODE_NAME) from spec.nodeName")
    driver = r.arg_value(args, "drivername") or r.DRIVER_NAME
    csidriver_names = [d["metadata"].get("name") for d in r.objects_of(docs, "CSIDriver")]
    if [driver] != csidriver_names:
        problems.append(f"{who}: --drivername {driver!r} is not the CSIDriver's name "
                        f"{csidriver_names}")

    state_dir = r.arg_value(args, "state-dir")
    if not state_dir or host_volume_path(daemonset, host, state_dir) is None:
        problems.append(f"{who}: --state-dir {state_dir!r} must be a hostPath mount, so mount "
                        "records outlive the container like the mounts they describe")

    plugin_dir = r.arg_value(args, "plugin-dir")
    if plugin_dir != IMAGE_PLUGIN_DIR or f"/out{IMAGE_PLUGIN_DIR}" not in context.dockerfile:
        problems.append(f"{who}: --plugin-dir {plugin_dir!r} is not where deploy/image/"
                        f"Dockerfile installs the plugins ({IMAGE_PLUGIN_DIR})")
    node_plugins = r.mount_at(host, plugin_dir or IMAGE_PLUGIN_DIR) is not None
    image_plugins = re.search(r'^ARG PLUGINS="([^"]*)"', context.dockerfile, re.M)
    image_plugins = set(image_plugins.group(1).split()) if image_plugins else set()
    for value in r.arg_values(args, "require-plugins"):
        for plugin in filter(None, (value or "").split(",")):
            if not node_plugins and plugin not in image_plugins:
                problems.append(f"{who}: --require-plugins names {plugin!r}, which the image "
                                f"does not carry (Dockerfile PLUGINS: {sorted(image_plugins)})")
    problems += check_plugin_configs(docs, daemonset, host, args)
    return problems


def check_plugin_configs(docs, daemonset, host, args):
    """Each --plugin-config NAME=FILE must be a key of a ConfigMap this rendering mounts."""
    problems = []
    for value in r.arg_values(args, "plugin-config"):
        name, _, file = (value or "").partition("=")
        directory, _, base = file.rpartition("/")
        mount = r.mount_at(host, directory) if directory else None
        source = (r.volume(daemonset, mount.get("name")) or {}) if mount else {}
        config_map = r.find(docs, "ConfigMap", (source.get("configMap") or {}).get("name"))
        data = (config_map or {}).get("data") or {}
        if base not in data:
            problems.append(f"container {r.HOST_CONTAINER}: --plugin-config {value!r}: {file} is "
                            "not a key of a ConfigMap mounted by this rendering")
            continue
        try:
            parsed = json.loads(data[base])
        except ValueError as error:
            problems.append(f"ConfigMap {config_map['metadata']['name']}: {base} is not JSON "
                            f"({error})")
            continue
        if not isinstance(parsed, dict):
            problems.append(f"ConfigMap {config_map['metadata']['name']}: {base} must hold a JSON "
                            f"object for provider {name}")
    return problems


def named_port(container_spec, name):
    for port in container_spec.get("ports") or []:
        if port.get("name") == name:
            return port.get("containerPort")
    return None


def check_ports_and_probes(host, host_network):
    """Ports follow the flags; the probes GET /healthz where the host serves it. On the node's
    network /healthz stays on the loopback (SECURITY.md section 2): the kubelet's probes run in
    the node's network namespace and reach it there, nobody else does."""
    problems = []
    who = f"container {r.HOST_CONTAINER}"
    args = host.get("args") or []
    for flag, port_name in (("metrics-addr", "metrics"), ("health-addr", "healthz")):
        value = r.arg_value(args, flag)
        if value is None:
            problems.append(f"{who}: --{flag} must be given (the {port_name} port is derived "
                            "from it)")
            continue
        if r.address_port(value) != named_port(host, port_name):
            problems.append(f"{who}: --{flag}={value} listens on port {r.address_port(value)}, "
                            f"but containerPort {port_name} is {named_port(host, port_name)}")
    health = named_port(host, "healthz")
    health_host = r.address_host(r.arg_value(args, "health-addr"))
    if host_network and health_host not in ("127.0.0.1", "::1", "localhost"):
        problems.append(f"{who}: with hostNetwork, --health-addr must be on the loopback "
                        f"(127.0.0.1:PORT), not {health_host or 'every address'!r}: /healthz "
                        "would be open to the network")
    for probe_name in ("livenessProbe", "readinessProbe"):
        probe = (host.get(probe_name) or {}).get("httpGet") or {}
        port = probe.get("port")
        if probe.get("path") != "/healthz" or port not in ("healthz", health):
            problems.append(f"{who}: {probe_name} must GET /healthz on the healthz port, not "
                            f"{probe.get('path')!r} on {port!r}")
        if health_host not in ("", "0.0.0.0", "::") and probe.get("host") != health_host:
            problems.append(f"{who}: {probe_name} must GET host {health_host!r}, where "
                            f"--health-addr listens, not {probe.get('host') or 'the pod IP'!r}")
    return problems


# --- kustomization and chart say the same ------------------------------------------------------


def normalized(docs):
    """Objects by (kind, namespace, name) with what legitimately differs removed: labels and
    annotations (compared separately as subsets), the chart's Kubernetes-version-dependent
    serviceAccountTokenInSecrets (check_csidriver covers it), ConfigMap JSON as parsed values,
    and the order of containers, volumes and volume mounts (a kustomize patch may prepend)."""
    result = {}
    for doc in docs:
        obj = copy.deepcopy(doc)
        meta = obj.get("metadata") or {}
        meta.pop("labels", None)
        meta.pop("annotations", None)
        if obj.get("kind") == "CSIDriver":
            (obj.get("spec") or {}).pop("serviceAccountTokenInSecrets", None)
        if obj.get("kind") == "ConfigMap":
            obj["data"] = {k: json.loads(v) if k.endswith(".json") else v
                           for k, v in (obj.get("data") or {}).items()}
        if obj.get("kind") == "DaemonSet":
            template = obj["spec"]["template"]
            template.get("metadata", {}).pop("labels", None)
            template.get("metadata", {}).pop("annotations", None)
            pod = template["spec"]
            pod["containers"] = sorted(pod.get("containers") or [], key=lambda c: c.get("name", ""))
            for item in pod["containers"]:
                item["volumeMounts"] = sorted(item.get("volumeMounts") or [],
                                              key=lambda m: m.get("mountPath", ""))
            pod["volumes"] = sorted(pod.get("volumes") or [], key=lambda v: v.get("name", ""))
        result[r.key(obj)] = obj
    return result


def differences(left, right, path=""):
    """Paths where two JSON-like values differ (at most a few, for the report)."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for k in sorted(set(left) | set(right), key=str):
            if k not in left or k not in right:
                found.append(f"{path}.{k}: only in {'chart' if k in right else 'manifests'}")
            else:
                found += differences(left[k], right[k], f"{path}.{k}")
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        found = []
        for i, (a, b) in enumerate(zip(left, right)):
            found += differences(a, b, f"{path}[{i}]")
        return found
    return [] if left == right else [f"{path}: manifests {left!r}, chart {right!r}"]


def compare(manifest_docs, chart_docs, manifest_name, chart_name):
    problems = []
    where = f"{chart_name} vs {manifest_name}"
    manifest_ds = r.find(manifest_docs, "DaemonSet", r.DAEMONSET)
    chart_ds = r.find(chart_docs, "DaemonSet", r.DAEMONSET)
    if manifest_ds and chart_ds:
        manifest_args = (r.container(manifest_ds, r.HOST_CONTAINER) or {}).get("args")
        chart_args = (r.container(chart_ds, r.HOST_CONTAINER) or {}).get("args")
        if manifest_args != chart_args:
            problems.append(f"{where}: sscsi-host is not given the same flags: manifests "
                            f"{manifest_args}, chart {chart_args}")
        for part in ("labels", "annotations"):
            wanted = (manifest_ds["spec"]["template"].get("metadata") or {}).get(part) or {}
            have = (chart_ds["spec"]["template"].get("metadata") or {}).get(part) or {}
            missing = {k: v for k, v in wanted.items() if have.get(k) != v}
            if missing:
                problems.append(f"{where}: the chart's pods lack the {part} {missing}")
    left, right = normalized(manifest_docs), normalized(chart_docs)
    for k in sorted(set(left) | set(right), key=str):
        if k not in right:
            problems.append(f"{where}: {k[0]} {k[2]} is only in the manifests")
        elif k not in left:
            problems.append(f"{where}: {k[0]} {k[2]} is only in the chart")
        else:
            for difference in differences(left[k], right[k])[:5]:
                problems.append(f"{where}: {k[0]} {k[2]}{difference}")
    return problems


def check_rendering(docs, entry, context):
    return (check_csidriver(docs, entry) + check_crds(docs, context) + check_rbac(docs, entry)
            + check_daemonset(docs, entry, context))
