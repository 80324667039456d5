#!/usr/bin/env bash
# ctest azure_emulator.sdk_fidelity: drives the Azure emulator with the real Azure SDK for
# JavaScript (sdk_fidelity.js). Exit 77 (ctest: skipped, shown as such) only when node is not
# installed; missing packages are a failure that names the fix.
#   run_sdk_fidelity.sh PYTHON3 EMULATOR_SCRIPT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${1:?usage: run_sdk_fidelity.sh PYTHON3 EMULATOR_SCRIPT}
emulator=${2:?usage: run_sdk_fidelity.sh PYTHON3 EMULATOR_SCRIPT}

if ! command -v node >/dev/null; then
  echo "SKIPPED: node is not installed, so the Azure SDK fidelity check cannot run"
  exit 77
fi
modules=$("$here/node_modules_dir.sh")
if [[ ! -f "$modules/.installed" ]]; then
  echo "FAILED: the Azure SDK packages are not installed in $modules: run scripts/setup" >&2
  exit 1
fi

work=$(mktemp -d /tmp/sscsi-sdk-fidelity.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$python" "$emulator" make-pki "$work/pki" >/dev/null
mkdir -p "$work/state"
# Loopback only: a proxy from the environment must not see these requests.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy
NODE_EXTRA_CA_CERTS="$work/pki/ca.crt" node "$here/sdk_fidelity.js" \
  --modules "$modules" --emulator "$emulator" --python "$python" \
  --cert "$work/pki/server.crt" --key "$work/pki/server.key" --state-dir "$work/state"
