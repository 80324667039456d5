#!/usr/bin/python3
"""Checks every rendering render.py wrote against the deployment's invariants (invariants.py)
and that each chart rendering with a kustomize twin renders the same objects and flags.

  check_invariants.py --rendered DIR --source-dir REPO --host-binary PATH

Exit status 0 when everything holds; 1 with one line per problem.
"""

import argparse
import pathlib
import subprocess
import sys

import invariants
import rendering


def load_context(source_dir, host_binary):
    help_text = subprocess.run([str(host_binary), "--help"], capture_output=True, text=True,
                               check=True).stdout
    options = rendering.help_option_names(help_text)
    if len(options) < 10:
        raise SystemExit(f"{host_binary} --help listed only {sorted(options)}; cannot check flags")
    crds = []
    for path in sorted((source_dir / "deploy" / "manifests" / "crds").glob("*.yaml")):
        crds += rendering.load_documents(path)
    dockerfile = (source_dir / "deploy" / "image" / "Dockerfile").read_text(encoding="utf-8")
    return invariants.Context(options, crds, dockerfile)


def check_all(index, context):
    """{rendering name: [problems]}, including the comparisons with kustomize twins."""
    documents = {name: rendering.load_documents(entry["path"]) for name, entry in index.items()}
    results = {}
    for name, entry in index.items():
        problems = invariants.check_rendering(documents[name], entry, context)
        twin = entry.get("same_as")
        if twin:
            if twin not in documents:
                problems.append(f"{name}: its kustomize twin {twin} was not rendered")
            else:
                problems += invariants.compare(documents[twin], documents[name], twin, name)
        results[name] = problems
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rendered", type=pathlib.Path, required=True)
    parser.add_argument("--source-dir", type=pathlib.Path, required=True)
    parser.add_argument("--host-binary", type=pathlib.Path, required=True)
    args = parser.parse_args()
    context = load_context(args.source_dir, args.host_binary)
    index = rendering.load_index(args.rendered)
    failed = False
    for name, problems in check_all(index, context).items():
        twin = index[name].get("same_as")
        suffix = f", same objects and flags as {twin}" if twin else ""
        if problems:
            failed = True
            print(f"{name}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"{name}: invariants hold{suffix}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
