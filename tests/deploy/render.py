#!/usr/bin/python3
"""Renders deploy/manifests (kubectl kustomize) and deploy/helm/sscsi (helm lint, helm template)
into a directory the other deployment tests read, with an index of what each file is.

  render.py kustomize     --source-dir REPO --out DIR [--kubectl PATH]
  render.py helm-template --source-dir REPO --out DIR --helm PATH --kube-version vX.Y.Z
  render.py helm-lint     --source-dir REPO --helm PATH --kube-version vX.Y.Z

Exit status 0 when every rendering (or lint) succeeded; 1 with the failing command's output.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys

import rendering

# The chart's values that match the kustomize overlays below, object for object.
HELM_SYNC = ["--set", "syncSecret.enabled=true"]
HELM_NODE_PLUGINS = ["--set", "plugins.nodeDir=/etc/sscsi/plugins.d"]


class Failure(Exception):
    pass


def run(command, expect_success=True):
    """Runs `command`; returns stdout. Raises Failure with the output when the exit status is not
    what `expect_success` says."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if (result.returncode == 0) != expect_success:
        raise Failure(
            f"{' '.join(command)}: exit {result.returncode}, expected "
            f"{'success' if expect_success else 'failure'}\n{result.stdout}{result.stderr}")
    return result.stdout + (result.stderr if not expect_success else "")


def require_tool(path, what, hint):
    resolved = shutil.which(path) if path else None
    if not resolved:
        raise Failure(f"{what} not found ({path or 'not configured'}): {hint}")
    return resolved


def write(out, name, text, entry, index):
    """Writes one rendering and records it; refuses an empty or unparsable one."""
    file = f"{name}.yaml"
    (out / file).write_text(text, encoding="utf-8")
    docs = rendering.load_documents(out / file)
    if not docs:
        raise Failure(f"{name}: the rendering is empty")
    entry.update(file=file, objects=len(docs))
    index[name] = entry
    print(f"{name}: {len(docs)} objects -> {out / file}")


def overlay(out, manifests, name, components):
    """A kustomization in OUT/overlays/NAME: deploy/manifests plus the given components, as a
    user's overlay would be (kustomize wants relative paths)."""
    directory = out / "overlays" / name
    directory.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(manifests, directory)
    lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization",
             "resources:", f"  - {relative}", "components:"]
    lines += [f"  - {relative}/components/{component}" for component in components]
    (directory / "kustomization.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def kustomize(args):
    kubectl = require_tool(args.kubectl, "kubectl", "kubectl is needed for `kubectl kustomize`")
    manifests = args.source_dir / "deploy" / "manifests"
    out = args.out
    index = {}
    renderings = [
        ("manifests", manifests, False),
        ("manifests-sync", overlay(out, manifests, "sync", ["sync-secret"]), True),
        ("manifests-node-plugins",
         overlay(out, manifests, "node-plugins", ["node-plugins"]), False),
    ]
    for name, directory, secret_sync in renderings:
        text = run([kubectl, "kustomize", str(directory)])
        write(out, name, text, {"source": "kustomize", "secret_sync": secret_sync}, index)
    (out / "renderings-kustomize.json").write_text(json.dumps(index, indent=2), encoding="utf-8")


def helm_base(args, kube_version):
    chart = args.source_dir / "deploy" / "helm" / "sscsi"
    return [args.helm, "template", "sscsi", str(chart), "--namespace", rendering.NAMESPACE,
            "--include-crds", "--kube-version", kube_version]


def helm_template(args):
    require_tool(args.helm, "helm", "scripts/setup builds it (or set SSCSI_HELM)")
    nondefault = str(args.source_dir / "tests" / "deploy" / "values-nondefault.yaml")
    out = args.out
    index = {}
    # (name, extra arguments, Secret sync on, Kubernetes version, kustomize twin)
    renderings = [
        ("chart-default", [], False, args.kube_version, "manifests"),
        ("chart-sync", HELM_SYNC, True, args.kube_version, "manifests-sync"),
        ("chart-node-plugins", HELM_NODE_PLUGINS, False, args.kube_version,
         "manifests-node-plugins"),
        ("chart-nondefault", ["--values", nondefault], True, args.kube_version, None),
        # Before 1.35 the CSIDriver must not ask for tokens in the CSI secrets.
        ("chart-kube-1.34", [], False, "v1.34.0", None),
    ]
    for name, extra, secret_sync, kube_version, twin in renderings:
        text = run(helm_base(args, kube_version) + extra)
        entry = {"source": "helm", "secret_sync": secret_sync, "kube_version": kube_version}
        if twin:
            entry["same_as"] = twin
        write(out, name, text, entry, index)
    # Rendering can fail: the chart refuses an address without a port (the schema does too).
    for value in ("linux.metricsAddr=localhost", "plugins.config.bad/name.x=1"):
        output = run(helm_base(args, args.kube_version) + ["--set", value], expect_success=False)
        print(f"helm template refuses {value}, as it should: "
              f"{output.strip().splitlines()[-1] if output.strip() else '(no message)'}")
    (out / "renderings-helm.json").write_text(json.dumps(index, indent=2), encoding="utf-8")


def helm_lint(args):
    require_tool(args.helm, "helm", "scripts/setup builds it (or set SSCSI_HELM)")
    chart = str(args.source_dir / "deploy" / "helm" / "sscsi")
    nondefault = str(args.source_dir / "tests" / "deploy" / "values-nondefault.yaml")
    base = [args.helm, "lint", "--strict", chart, "--kube-version", args.kube_version]
    for extra in ([], ["--values", nondefault], HELM_SYNC, HELM_NODE_PLUGINS):
        print(run(base + extra).strip())
    # Lint can fail: values.schema.json refuses a verbosity the host does not have.
    output = run(base + ["--set", "logVerbosity=9"], expect_success=False)
    if "logVerbosity" not in output:
        raise Failure(f"helm lint refused logVerbosity=9 without naming it:\n{output}")
    print("helm lint refuses logVerbosity=9, as it should")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["kustomize", "helm-template", "helm-lint"])
    parser.add_argument("--source-dir", type=pathlib.Path, required=True)
    parser.add_argument("--out", type=pathlib.Path)
    parser.add_argument("--kubectl", default=os.environ.get("SSCSI_KUBECTL") or "kubectl")
    parser.add_argument("--helm", help="$SSCSI_HELM, when set, wins (as SSCSI_KUBE_BIN_DIR)")
    parser.add_argument("--kube-version")
    args = parser.parse_args()
    if os.environ.get("SSCSI_HELM"):
        args.helm = os.environ["SSCSI_HELM"]
    try:
        if args.command == "helm-lint":
            helm_lint(args)
        else:
            if args.out is None:
                raise Failure("--out is required")
            args.out.mkdir(parents=True, exist_ok=True)
            {"kustomize": kustomize, "helm-template": helm_template}[args.command](args)
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
