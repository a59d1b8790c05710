#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# ansible-test sanity in per-test virtual environments (--venv), with no ignore entries allowed:
#   scripts/sanity.sh 2.21 [ansible-test sanity options...]
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

core="${1:?usage: sanity.sh 2.21|2.16 [OPTIONS...]}"
shift

say "ansible-test sanity --venv, ansible-core ${core}"

shopt -s nullglob
for ignore_file in "${REPO_ROOT}"/tests/sanity/ignore-*.txt; do
    if grep -HnvE '^[[:space:]]*(#|$)' "${ignore_file}" >&2; then
        die "${ignore_file#"${REPO_ROOT}"/} has entries: fix the code instead of ignoring a sanity test"
    fi
done
shopt -u nullglob

if ! command -v shellcheck >/dev/null 2>&1; then
    if [[ "${REQUIRE_SHELLCHECK:-}" == 1 ]]; then
        die "shellcheck is not installed (apt-get install shellcheck), so the shellcheck sanity test cannot run"
    fi
    echo "WARNING: shellcheck is not installed (apt-get install shellcheck): ansible-test skips the shellcheck test"
fi

exec "${REPO_ROOT}/scripts/ansible-test.sh" "${core}" sanity --venv --color no "$@"
