#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Create or update .venv-bench (Python 3.12, benchmarks/requirements.txt, the emulator in editable
# mode) and run benchmarks/run.py in it: benchmarks/bench.sh [run.py options...]
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"

venv="${REPO_ROOT}/.venv-bench"
requirements="${REPO_ROOT}/benchmarks/requirements.txt"
emulator="${REPO_ROOT}/tests/emulator"
log="${LOG_DIR}/venv-bench.log"
stamp="${venv}/.utoronto-vss-inputs"

python="$(find_python 3.12)" || die "Python 3.12 is needed for the benchmark (try: pyenv install 3.12)"

mkdir -p "${LOG_DIR}"
exec 9>"${LOG_DIR}/venv-bench.lock"
flock 9

digest="$({ echo "${python}"; cat "${requirements}" "${emulator}/pyproject.toml"; } | sha256sum | cut -d' ' -f1)"
if [[ ! -f "${stamp}" || "$(cat "${stamp}")" != "${digest}" || ! -x "${venv}/bin/ansible-playbook" ]]; then
    if [[ -x "${venv}/bin/python" ]] && ! "${venv}/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then
        echo "${venv} has another Python: recreating it"
        rm -rf "${venv}"
    fi
    if [[ ! -x "${venv}/bin/python" ]]; then
        echo "creating ${venv} with ${python}"
        "${python}" -m venv "${venv}"
    fi
    echo "installing benchmarks/requirements.txt and tests/emulator into ${venv} (log: ${log#"${REPO_ROOT}"/})"
    if ! "${venv}/bin/python" -m pip install --disable-pip-version-check -r "${requirements}" -e "${emulator}" >"${log}" 2>&1; then
        tail -n 40 "${log}" >&2
        die "pip install failed for the benchmark (full log: ${log})"
    fi
    echo "${digest}" >"${stamp}"
fi
exec 9>&-

exec "${venv}/bin/python" "${REPO_ROOT}/benchmarks/run.py" "$@"
