#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# `make test`: every step runs even when an earlier one failed; a summary with times closes the run
# and the exit status is non-zero if any step failed. Set TEST_STEPS to run a subset, by name.
set -uo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

all_steps=(
    "venv-2.21:venv CORE=2.21"
    "venv-2.16:venv CORE=2.16"
    "sanity-2.21:sanity CORE=2.21"
    "units-2.21:units CORE=2.21"
    "units-2.16:units CORE=2.16"
    "integration-2.21:integration CORE=2.21"
    "integration-2.16:integration CORE=2.16"
    "ruff:ruff"
    "shellcheck:shellcheck"
    "ansible-lint:ansible-lint"
    "docs-lint:docs-lint"
    "docs:docs"
    "ee:ee"
    "changelog-lint:changelog-lint"
    "build:build"
)
selected="${TEST_STEPS:-}"

results=()
failed=0
skipped=0
failed_venvs=""
started=${SECONDS}
cd "${REPO_ROOT}" || exit 1

for step in "${all_steps[@]}"; do
    name="${step%%:*}"
    read -r -a make_arguments <<<"${step#*:}"
    if [[ -n "${selected}" && " ${selected} " != *" ${name} "* ]]; then
        continue
    fi
    needed_venv="venv-2.21"
    [[ "${name}" == *-2.16 ]] && needed_venv="venv-2.16"
    if [[ "${name}" != venv-* && " ${failed_venvs} " == *" ${needed_venv} "* ]]; then
        results+=("${name}:skipped (${needed_venv} failed):-")
        skipped=$((skipped + 1))
        continue
    fi

    printf '\n######## %s (make %s) ########\n' "${name}" "${make_arguments[*]}"
    step_started=${SECONDS}
    if "${MAKE:-make}" --no-print-directory "${make_arguments[@]}"; then
        outcome=passed
    else
        outcome=FAILED
        failed=$((failed + 1))
        [[ "${name}" == venv-* ]] && failed_venvs+=" ${name}"
    fi
    results+=("${name}:${outcome}:$((SECONDS - step_started))")
done

printf '\n######## summary ########\n'
for result in "${results[@]}"; do
    IFS=: read -r name outcome seconds <<<"${result}"
    printf '%-20s %-30s %5ss\n' "${name}" "${outcome}" "${seconds}"
done
printf '%-20s %-30s %5ss\n' total "$([[ ${failed} -eq 0 ]] && echo passed || echo FAILED)" "$((SECONDS - started))"
printf 'steps: %d passed, %d failed, %d skipped\n' "$((${#results[@]} - failed - skipped))" "${failed}" "${skipped}"
[[ ${failed} -eq 0 && ${skipped} -eq 0 ]]
