#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# The image life cycle against the emulator and a real S3 server on loopback: upload an OVA made here,
# sync, find it, deploy from it, export that VM, deploy from the export; then the same again, which
# changes nothing (storage settings from the service the first time, from VSS_S3_* the second).
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

start_s3_server
start_emulator --request-delay 0.4 --s3-endpoint "${VSS_S3_SERVER_URL}" --s3-access-key lifecycle-key \
    --s3-secret-key lifecycle-secret-never-shown

# A small valid OVA: a tar whose first member is the OVF descriptor, then the disk it references.
workdir="$(mktemp -d)"
trap 'stop_emulators; rm -rf "${workdir}"' EXIT
cat >"${workdir}/lifecycle-tiny.ovf" <<'OVF'
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>
    <File ovf:href="lifecycle-tiny-1.vmdk" ovf:id="file1"/>
  </References>
  <VirtualSystem ovf:id="lifecycle-tiny"><Info>A tiny appliance for the tests</Info></VirtualSystem>
</Envelope>
OVF
printf 'not really a disk\n' >"${workdir}/lifecycle-tiny-1.vmdk"
tar -cf "${workdir}/lifecycle-tiny.ova" -C "${workdir}" lifecycle-tiny.ovf lifecycle-tiny-1.vmdk
export LIFECYCLE_OVA="${workdir}/lifecycle-tiny.ova"

ansible-playbook -i "${INVENTORY_PATH}" lifecycle.yml -e '{"rerun": false}' "$@" | tee "${workdir}/first.log"

export VSS_S3_API="${VSS_S3_SERVER_URL}" VSS_S3_ACCESS_KEY=lifecycle-key VSS_S3_SECRET_KEY=lifecycle-secret-never-shown
if ! ansible-playbook -i "${INVENTORY_PATH}" lifecycle.yml -e '{"rerun": true}' -vvv "$@" >"${workdir}/rerun.log"; then
    grep -E '^(TASK|fatal|failed|\[ERROR\])|"(msg|assertion)"' "${workdir}/rerun.log" | tail -n 40 >&2
    exit 1
fi
tail -n 4 "${workdir}/rerun.log"

# The secret key never shows, not even at -vvv.
if grep -q lifecycle-secret-never-shown "${workdir}/first.log" "${workdir}/rerun.log"; then
    echo "the S3 secret key appeared in the output" >&2
    exit 1
fi

# Nothing changed on the rerun, not a single task.
grep -qE '^testhost +: ok=[0-9]+ +changed=0 ' "${workdir}/rerun.log" || {
    echo "the rerun changed something" >&2
    exit 1
}
