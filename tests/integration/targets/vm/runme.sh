#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# The vm module against the emulator: deploy, rerun, check mode, removal, name errors, failed, slow and throttled
# requests, and writes whose outcome is unknown.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

start_emulator --request-delay 1 --extra-images extra-images.yml
ansible-playbook -i "${INVENTORY_PATH}" lifecycle.yml "$@"
ansible-playbook -i "${INVENTORY_PATH}" names.yml "$@"
ansible-playbook -i "${INVENTORY_PATH}" failed_request.yml "$@"

# Requests take 15 s: long past a 2 s wait_timeout, still pending for the runs that follow.
start_emulator --request-delay 15
ansible-playbook -i "${INVENTORY_PATH}" timeout.yml "$@"

# The first deploy is answered 503 (not sent again); the rerun's request 1 answers its first poll 500.
start_emulator --request-delay 1 --fault "503:1@POST /v2/vm" --fault "500:1@GET /v2/request/new/1"
ansible-playbook -i "${INVENTORY_PATH}" server_errors.yml "$@"

# The first deploy is answered after 4 s, past the client's timeout: the service still takes it.
start_emulator --request-delay 1 --fault "slow:4:1@POST /v2/vm"
ansible-playbook -i "${INVENTORY_PATH}" lost_reply.yml "$@"

# The first deploy is taken, but its reply has no data; the polls of the second are throttled for ever,
# and those of the third answered 404.
start_emulator --request-delay 30 --fault "nodata:1@POST /v2/vm" --fault "429:forever@GET /v2/request/new/2" \
    --fault "404:forever@GET /v2/request/new/3"
ansible-playbook -i "${INVENTORY_PATH}" throttled.yml "$@"
