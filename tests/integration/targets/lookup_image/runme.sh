#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# The utoronto.vss.image lookup against the emulator: results and errors, one listing per run
# across hosts and forks, the controller's environment only, the default URL named when it was
# used, and no secret in -vvvv output.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

export ANSIBLE_FORKS=5
OUTPUT_DIR="${OUTPUT_DIR:-$(mktemp -d)}"
export OUTPUT_DIR

# Twelve default images, eight generated, five of ours; at most seven a page: a listing is 4 pages.
start_emulator --images 8 --page-cap 7 --extra-images images.yml

ansible-playbook -i "${INVENTORY_PATH}" basics.yml "$@"

env -u VSS_API_TOKEN ansible-playbook -i "${INVENTORY_PATH}" no_credentials.yml \
    -e "token_for_tasks=${VSS_API_TOKEN}" "$@"

# No URL on the controller: the default is used, through a proxy on a loopback port nobody listens on.
closed_port="$("${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
env -u VSS_API_URL -u VSS_ENDPOINT -u NO_PROXY -u no_proxy -u HTTP_PROXY -u http_proxy VSS_CONFIG=/nonexistent/vss-cli.yaml \
    HTTPS_PROXY="http://127.0.0.1:${closed_port}" https_proxy="http://127.0.0.1:${closed_port}" \
    ansible-playbook -i "${INVENTORY_PATH}" default_url.yml -e "url_for_tasks=${VSS_API_URL}" "$@"

# Case C04: fifty hosts, a group variable using the lookup, five tasks using the variable, and a
# catalogue of three pages (25 images, at most nine a page): three requests for the whole run.
# The tasks run on the controller only, so ten forks and no facts keep it short.
start_emulator --images 8 --page-cap 9 --extra-images images.yml
ansible-playbook -i "${INVENTORY_PATH}" -i many_hosts/inventory.ini --forks 10 many_hosts.yml \
    -e cache_expected=true "$@"

# Without the cache every use lists again: ten of the hosts are enough to show it.
ansible-playbook -i "${INVENTORY_PATH}" -i many_hosts/inventory.ini --forks 10 many_hosts.yml \
    --limit 'testhost,lookup-node-0*,lookup-node-10' \
    -e cache_expected=false -e utoronto_vss_image_lookup_cache=false "$@"

# Secrets: a sentinel token the emulator accepts, a wrong one, and a password in a URL.
sentinel="sentinel-token-$$-${RANDOM}${RANDOM}"
export SENTINEL_WRONG_TOKEN="sentinel-wrong-$$-${RANDOM}${RANDOM}"
export SENTINEL_PASSWORD="sentinel-password-$$-${RANDOM}${RANDOM}"
start_emulator --token "${sentinel}" --page-cap 7
export ANSIBLE_LOG_PATH="${OUTPUT_DIR}/secrets.log"
ansible-playbook -i "${INVENTORY_PATH}" secrets.yml -vvvv >"${OUTPUT_DIR}/secrets.out" 2>&1 || {
    tail -n 60 "${OUTPUT_DIR}/secrets.out"
    exit 1
}
unset ANSIBLE_LOG_PATH

[[ -s "${OUTPUT_DIR}/secrets.log" ]] || {
    echo "ANSIBLE_LOG_PATH wrote no log: the search below would prove nothing" >&2
    exit 1
}
for secret in "${sentinel}" "${SENTINEL_WRONG_TOKEN}" "${SENTINEL_PASSWORD}"; do
    if grep -rlF -- "${secret}" "${OUTPUT_DIR}/secrets.out" "${OUTPUT_DIR}/secrets.log"; then
        echo "a secret appeared in the -vvvv output or the log (files above)" >&2
        exit 1
    fi
done
grep -q "utoronto.vss.image: GET " "${OUTPUT_DIR}/secrets.out" || {
    echo "-vvvv output lacks the lookup's request lines: the search above proved nothing" >&2
    exit 1
}
echo "no secret in $(wc -l <"${OUTPUT_DIR}/secrets.out") lines of -vvvv output and the log"

# The run cache lived in the run's own temporary directory, which Ansible removed at the end.
cache_dir="$(sed -nE 's/.*run cache miss for [0-9a-f]+ in (.+): fetching.*/\1/p' "${OUTPUT_DIR}/secrets.out" | head -n 1)"
[[ -n "${cache_dir}" ]] || {
    echo "-vvvv output names no run cache directory" >&2
    exit 1
}
if [[ -e "${cache_dir}" ]]; then
    echo "the run cache ${cache_dir} outlived its run" >&2
    exit 1
fi
echo "the run cache ${cache_dir} was removed with its run"
