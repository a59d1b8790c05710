#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Bad input through the real Ansible edge: each case fails with one line naming the option, and none
# of them sends a request that could change anything.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

start_emulator --request-delay 1
ansible-playbook -i "${INVENTORY_PATH}" bad_input.yml "$@"
