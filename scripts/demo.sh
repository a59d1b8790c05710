#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Run examples/demo.yml against a vss-emulator on loopback: scripts/demo.sh [ansible-playbook options...]
# The emulator is stopped when the playbook ends, whether it passed or failed. The collection is taken
# from the work tree, or from DEMO_COLLECTIONS_PATH (an installed artifact, see build.sh) when set.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source "${REPO_ROOT}/tests/integration/targets/setup_vss_emulator/emulator.sh"

playbook="${REPO_ROOT}/examples/demo.yml"
[[ -f "${playbook}" ]] || die "examples/demo.yml does not exist"

activate_core 2.21
prepare_collection_link
command -v vss-emulator >/dev/null 2>&1 || die "vss-emulator is not installed in .venv: run 'make venv'"

say "starting vss-emulator"
# shellcheck disable=SC2086  # DEMO_EMULATOR_ARGS holds several vss-emulator options
start_emulator ${DEMO_EMULATOR_ARGS:-}

say "ansible-playbook examples/demo.yml (VSS_API_URL=${VSS_API_URL}, collection from ${DEMO_COLLECTIONS_PATH:-the work tree})"
export ANSIBLE_COLLECTIONS_PATH="${DEMO_COLLECTIONS_PATH:-${COLLECTIONS_DIR}}"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
cd "${REPO_ROOT}/examples"
ansible-playbook "${playbook}" "$@"
