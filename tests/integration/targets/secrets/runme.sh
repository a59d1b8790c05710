#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# A sentinel token and password go through every module, the lookup and the role at -vvvv, through
# successes and failures; they must appear nowhere: output, Ansible's log, results, the emulator's log.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

sentinel_token="sentinelTK-4b7e1d"
sentinel_password="sentinelPW-93c0aa"
workdir="$(mktemp -d)"
cleanup() {
    stop_emulator
    rm -rf "${workdir}"
}
trap cleanup EXIT

start_emulator --token "${sentinel_token}" --password "${sentinel_password}" --request-delay 1 \
    --extra-images broken-images.yml --log-file "${workdir}/emulator.log"
# start_emulator replaced the EXIT trap with its own; put ours back.
trap cleanup EXIT

export ANSIBLE_LOG_PATH="${workdir}/ansible.log"
export SENTINEL_PASSWORD="${sentinel_password}"
status=0
ansible-playbook -i "${INVENTORY_PATH}" secrets.yml --diff -vvvv "$@" >"${workdir}/output" 2>&1 || status=$?
if [[ "${status}" != 0 ]]; then
    tail -n 60 "${workdir}/output"
    echo "secrets.yml failed with status ${status}" >&2
    exit 1
fi

leaks=0
for file in output ansible.log emulator.log; do
    [[ -s "${workdir}/${file}" ]] || { echo "${file} is empty: nothing was checked" >&2; exit 1; }
    for secret in "${sentinel_token}" "${sentinel_password}"; do
        if grep -F -n -e "${secret}" "${workdir}/${file}" | head -n 5; then
            echo "a secret appears in ${file}" >&2
            leaks=1
        fi
    done
done
[[ "${leaks}" == 0 ]] || exit 1
echo "no secret in $(wc -l <"${workdir}/output") lines of -vvvv output, Ansible's log or the emulator's log"
