"""Reading rendered manifests (kubectl kustomize, helm template) for the deployment tests.

Run with /usr/bin/python3 and Debian's python3-yaml (scripts/setup installs it).
"""

import json
import pathlib
import re

try:
    import yaml
except ImportError as error:  # pragma: no cover - depends on the machine
    raise SystemExit(
        "tests/deploy needs PyYAML for /usr/bin/python3: install the Debian package "
        "python3-yaml (scripts/setup does)") from error

HOST_CONTAINER = "sscsi-host"
REGISTRAR_CONTAINER = "node-driver-registrar"
DAEMONSET = "sscsi-host"
DRIVER_NAME = "secrets-store.csi.k8s.io"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "secrets-store-csi-driver"


def load_documents(path):
    """Every non-empty YAML document of a file, in order."""
    with open(path, encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc]


def load_index(directory):
    """The renderings render.py wrote: name -> {file, path, source, secret_sync, ...}, merged
    from its renderings-<source>.json files."""
    directory = pathlib.Path(directory)
    index = {}
    for listing in sorted(directory.glob("renderings-*.json")):
        with open(listing, encoding="utf-8") as stream:
            index.update(json.load(stream))
    if not index:
        raise SystemExit(f"no renderings in {directory}: run the deploy.kustomize_renders and "
                         "deploy.helm_template tests first (ctest runs them as setup)")
    for entry in index.values():
        entry["path"] = directory / entry["file"]
    return index


def key(obj):
    meta = obj.get("metadata") or {}
    return (obj.get("kind"), meta.get("namespace", ""), meta.get("name"))


def objects_of(docs, kind):
    return [doc for doc in docs if doc.get("kind") == kind]


def find(docs, kind, name):
    """The one object of `kind` named `name`, or None."""
    found = [doc for doc in objects_of(docs, kind)
             if (doc.get("metadata") or {}).get("name") == name]
    return found[0] if len(found) == 1 else None


def pod_spec(daemonset):
    return ((daemonset.get("spec") or {}).get("template") or {}).get("spec") or {}


def container(daemonset, name):
    for item in pod_spec(daemonset).get("containers") or []:
        if item.get("name") == name:
            return item
    return None


def volume(daemonset, name):
    for item in pod_spec(daemonset).get("volumes") or []:
        if item.get("name") == name:
            return item
    return None


def mount_at(container_spec, mount_path):
    """The volumeMount of a container at `mount_path`, or None."""
    for item in container_spec.get("volumeMounts") or []:
        if item.get("mountPath", "").rstrip("/") == mount_path.rstrip("/"):
            return item
    return None


_ARG = re.compile(r"^(-{1,2})([A-Za-z0-9][A-Za-z0-9-]*)(?:=(.*))?$", re.S)


def parse_args(args):
    """[(name, value or None, original)] for `--name=value`, `--name` and `-v=N` arguments.

    An argument that is not in one of those forms comes back with name None.
    """
    parsed = []
    for arg in args:
        match = _ARG.match(str(arg))
        if match is None:
            parsed.append((None, None, arg))
        else:
            parsed.append((match.group(2), match.group(3), arg))
    return parsed


def arg_values(args, name):
    return [value for flag, value, _ in parse_args(args) if flag == name]


def arg_value(args, name):
    values = arg_values(args, name)
    return values[-1] if values else None


def address_port(address):
    """The port of HOST:PORT, :PORT or [IPV6]:PORT, as an int, or None."""
    match = re.search(r":([0-9]+)$", address or "")
    return int(match.group(1)) if match else None


def address_host(address):
    """The host of HOST:PORT or [IPV6]:PORT, without brackets ("" for :PORT)."""
    return re.sub(r":[0-9]*$", "", address or "").strip("[]")


_HELP_OPTION = re.compile(r"^  (-{1,2}[a-z][a-z0-9-]*)(?: \[ (--[a-z][a-z0-9-]*) \])?")


def help_option_names(help_text):
    """Option names (without dashes) defined by `sscsi-host --help`: one per option line."""
    names = set()
    for line in help_text.splitlines():
        match = _HELP_OPTION.match(line)
        if match:
            for group in match.groups():
                if group:
                    names.add(group.lstrip("-"))
    return names


def label_selector_matches(labels, key_name, values):
    """`key in (values)` against a label map."""
    return (labels or {}).get(key_name) in values
