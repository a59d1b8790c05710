#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# image_info against the emulator: filters, sorting, sources, paging under a cap, errors, check mode.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

start_emulator --images 250 --page-cap 7 --extra-images special-images.yml
ansible-playbook -i "${INVENTORY_PATH}" listing.yml "$@"

start_emulator --fault ignore-query
ansible-playbook -i "${INVENTORY_PATH}" unpaged.yml "$@"

start_emulator --fault short-total
ansible-playbook -i "${INVENTORY_PATH}" short_total.yml "$@"
