#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# The deploy_from_image role against the emulator: one VM, three at once, rerun, check mode,
# --check, names given as YAML numbers, a failing VM among good ones, no match, ambiguous match, bad input
# (role variables of the wrong type named; bad VMs among good ones: nothing
# posted, every bad VM named; bad wait settings named once).
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

start_emulator --request-delay 1 --extra-images images.yml
ansible-playbook -i "${INVENTORY_PATH}" deploy.yml "$@"
ansible-playbook -i "${INVENTORY_PATH}" refusals.yml "$@"
ansible-playbook -i "${INVENTORY_PATH}" check-mode.yml --check "$@"
