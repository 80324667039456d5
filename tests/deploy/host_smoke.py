#!/usr/bin/python3
"""Starts the real sscsi-host with the arguments a rendered DaemonSet gives it, to prove that
sscsi-host accepts every flag and value and that its plugins accept the ConfigMap's JSON.

Container paths are mapped to a temp dir (the socket directory, the plugin configuration from
the rendered ConfigMap, the state directory), the image's plugin directory to the build's, the
ports to free ones; `--spc-dir` makes it standalone (no cluster). It must log "running", answer
/healthz with 200, and exit 0 on SIGTERM.

  host_smoke.py --rendered DIR --host-binary PATH --plugin-dir DIR RENDERING...
"""

import argparse
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import invariants
import rendering as r

START_TIMEOUT = 20


class Failure(Exception):
    pass


def substitute_env(value, env):
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)),
                  value)


def mapped_args(docs, work, plugin_dir):
    """The host container's arguments with container paths replaced by test paths."""
    daemonset = r.find(docs, "DaemonSet", r.DAEMONSET)
    host = r.container(daemonset, r.HOST_CONTAINER)
    env = {item["name"]: item.get("value", "") for item in host.get("env") or []}
    env["KUBE_NODE_NAME"] = "smoke-node"

    paths = {invariants.IMAGE_PLUGIN_DIR: str(plugin_dir)}
    for mount in host.get("volumeMounts") or []:
        target = work / mount["name"]
        target.mkdir(exist_ok=True)
        source = r.volume(daemonset, mount["name"]) or {}
        config_map = r.find(docs, "ConfigMap", (source.get("configMap") or {}).get("name"))
        for key, text in ((config_map or {}).get("data") or {}).items():
            (target / key).write_text(text, encoding="utf-8")
        paths.setdefault(mount["mountPath"].rstrip("/"), str(target))

    def remap(path):
        for container_path in sorted(paths, key=len, reverse=True):
            if path == container_path or path.startswith(container_path + "/"):
                return paths[container_path] + path[len(container_path):]
        raise Failure(f"no test mapping for the container path {path}")

    args = []
    for flag, value, original in r.parse_args(host.get("args") or []):
        if value is None:
            args.append(original)
            continue
        value = substitute_env(value, env)
        if flag in ("metrics-addr", "health-addr"):
            value = "127.0.0.1:0"
        elif flag == "endpoint":
            value = "unix://" + remap(value[len("unix://"):])
        elif flag == "plugin-config":
            name, _, file = value.partition("=")
            value = f"{name}={remap(file)}"
        elif value.startswith("/"):
            value = remap(value)
        args.append(f"--{flag}={value}" if not original.startswith("-v") else f"-v={value}")
    spc_dir = work / "spc"
    spc_dir.mkdir()
    return args + [f"--spc-dir={spc_dir}"]


def wait_for(log_path, process, pattern):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        match = re.search(pattern, text)
        if match:
            return match
        if process.poll() is not None:
            raise Failure(f"sscsi-host exited with {process.returncode} before {pattern!r}:\n"
                          f"{text}")
        time.sleep(0.1)
    raise Failure(f"sscsi-host did not log {pattern!r} within {START_TIMEOUT} s:\n"
                  f"{log_path.read_text(encoding='utf-8', errors='replace')}")


def smoke(name, docs, host_binary, plugin_dir):
    with tempfile.TemporaryDirectory(prefix="sscsi-smoke-") as temp:
        work = pathlib.Path(temp)
        args = mapped_args(docs, work, plugin_dir)
        log_path = work / "host.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen([str(host_binary)] + args, stdout=log, stderr=log, env=env)
        try:
            wait_for(log_path, process, r"running; stop with SIGTERM")
            port = int(wait_for(log_path, process, r"serving /healthz on \S*:([0-9]+)").group(1))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status != 200:
                    raise Failure(f"/healthz answered {answer.status}")
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=20)
            if code != 0:
                raise Failure(f"sscsi-host exited {code} after SIGTERM:\n{log_path.read_text()}")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        text = log_path.read_text(encoding="utf-8", errors="replace")
        loaded = sorted(set(re.findall(r"loaded provider (\S+) version", text)))
        print(f"{name}: sscsi-host started with {len(args)} arguments, providers {loaded}, "
              f"/healthz 200, exit 0 on SIGTERM\n  {' '.join(args)}")


def refusal(docs, host_binary, plugin_dir):
    """The same start with one bad value must fail with exit 2 naming the option: the smoke
    test sees a refusal when there is one."""
    with tempfile.TemporaryDirectory(prefix="sscsi-smoke-") as temp:
        args = mapped_args(docs, pathlib.Path(temp), plugin_dir)
        args.append("--rotation-poll-interval=soon")
        result = subprocess.run([str(host_binary)] + args, capture_output=True, text=True,
                                timeout=START_TIMEOUT, check=False)
        if result.returncode != 2 or "rotation-poll-interval" not in result.stderr + result.stdout:
            raise Failure(f"sscsi-host with --rotation-poll-interval=soon exited "
                          f"{result.returncode}, expected 2 naming the option:\n"
                          f"{result.stdout}{result.stderr}")
        print("a bad value is refused: --rotation-poll-interval=soon exits 2 naming the option")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rendered", type=pathlib.Path, required=True)
    parser.add_argument("--host-binary", type=pathlib.Path, required=True)
    parser.add_argument("--plugin-dir", type=pathlib.Path, required=True)
    parser.add_argument("renderings", nargs="+")
    args = parser.parse_args()
    index = r.load_index(args.rendered)
    try:
        for name in args.renderings:
            if name not in index:
                raise Failure(f"no rendering {name} in {args.rendered} ({sorted(index)})")
            smoke(name, r.load_documents(index[name]["path"]), args.host_binary, args.plugin_dir)
        refusal(r.load_documents(index[args.renderings[0]]["path"]), args.host_binary,
                args.plugin_dir)
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
