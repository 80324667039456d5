#!/usr/bin/env bash
# Runs csi-sanity, the CSI conformance suite, against a real sscsi-host over its unix socket.
# Usage: csi_sanity.sh SSCSI_HOST MOCK_PLUGIN CSI_SANITY
# sscsi-host is a node-only driver for inline ephemeral volumes, like the upstream driver; the
# specs that cannot apply to it are skipped by name below, each with the reason.
set -euo pipefail
host_bin=$1 mock_plugin=$2 sanity_bin=$3

skips=(
  # Controller specs: like upstream, the Controller service exists only to answer
  # ControllerGetCapabilities (csi-sanity's node specs call it); volumes are inline ephemeral
  # volumes created by the kubelet, never by CreateVolume.
  'Controller Service'
  # These node specs first create a volume through the Controller (CreateVolume) and then
  # publish it: there is no such volume for an ephemeral-only driver.
  'should work'
  'should remove target path'
  'should be idempotent'
  # NodeStageVolume specs need a volume from CreateVolume as well; the kubelet never stages
  # inline ephemeral volumes (upstream skips the same: Controller|should work|NodeStageVolume).
  'NodeStageVolume'
  # ListSnapshots/CreateSnapshot need the Controller's snapshot capabilities.
  'ListSnapshots'
  'DeleteSnapshot'
  'CreateSnapshot'
  # Expansion needs EXPAND_VOLUME, which a secrets volume does not offer.
  'ExpandVolume'
)
skip_regex=$(IFS='|'; echo "${skips[*]}")

work=$(mktemp -d /tmp/sscsi-sanity.XXXXXX)
chmod 0755 "$work"
host_pid=""
cleanup() {
  [[ -n "$host_pid" ]] && kill -TERM "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

install -d -m 0755 "$work/plugins" "$work/spc"
install -m 0644 "$mock_plugin" "$work/plugins/"
"$host_bin" --endpoint "unix://$work/csi.sock" --nodeid sanity-node --plugin-dir "$work/plugins" \
  --spc-dir "$work/spc" --state-dir "$work/state" --allow-any-target \
  --metrics-addr 127.0.0.1:0 --health-addr 127.0.0.1:0 \
  -v 2 2>"$work/host.log" &
host_pid=$!
for _ in $(seq 100); do
  [[ -S "$work/csi.sock" ]] && break
  kill -0 "$host_pid" 2>/dev/null || { cat "$work/host.log"; exit 1; }
  sleep 0.1
done

status=0
"$sanity_bin" --csi.endpoint "unix://$work/csi.sock" --csi.mountdir "$work/mnt" \
  --csi.stagingdir "$work/stage" --ginkgo.skip "$skip_regex" --ginkgo.no-color \
  --ginkgo.junit-report "$work/junit.xml" || status=$?

# Guard against a vacuous pass: the run must have executed the node and identity specs.
ran=$(grep -o 'tests="[0-9]*"' "$work/junit.xml" | head -1 | grep -o '[0-9]*')
skipped=$(grep -o 'skipped="[0-9]*"' "$work/junit.xml" | head -1 | grep -o '[0-9]*')
echo "csi-sanity: $ran specs, $skipped skipped, exit $status"
if (( status != 0 )); then
  echo "--- sscsi-host log"; cat "$work/host.log"
  exit "$status"
fi
(( ran - skipped >= 12 )) || { echo "csi-sanity ran too few specs"; exit 1; }
