#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# The integration harness itself: the emulator starts, serves the default catalogue to
# ansible.builtin.uri, refuses a wrong token, counts what it served, and stops.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

start_emulator --token demo-token
ansible-playbook -i "${INVENTORY_PATH}" smoke.yml "$@"

image_listings="$(emulator_request_count "GET /v2/image")"
if [[ "${image_listings}" != 2 ]]; then
    echo "expected the emulator to count 2 GET /v2/image requests, it counted ${image_listings}" >&2
    exit 1
fi
echo "emulator counted ${image_listings} image listings"
