#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Create or update the virtual environment of one ansible-core line: scripts/make-venv.sh 2.21|2.16
# Everything comes from the package index; nothing is reinstalled while the inputs are unchanged.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

core="${1:?usage: make-venv.sh 2.21|2.16}"
python_version="$(core_python_version "${core}")"
venv="$(core_venv "${core}")"
requirements="${REPO_ROOT}/tests/requirements-${core}.txt"
emulator="${REPO_ROOT}/tests/emulator"
log="${LOG_DIR}/venv-${core}.log"
stamp="${venv}/.utoronto-vss-inputs"

python="$(find_python "${python_version}")" ||
    die "Python ${python_version} is needed for ansible-core ${core} (try: pyenv install ${python_version})"

mkdir -p "${LOG_DIR}"
# One install at a time per venv, when several make runs share the work tree.
exec 9>"${LOG_DIR}/venv-${core}.lock"
flock 9
prepare_pybin
prepare_collection_link

inputs_digest() {
    {
        echo "${python}"
        cat "${requirements}" "${REPO_ROOT}/tests/requirements-common.txt"
        # docs/requirements.txt is included by tests/requirements-2.21.txt
        if [[ -f "${REPO_ROOT}/docs/requirements.txt" ]]; then
            cat "${REPO_ROOT}/docs/requirements.txt"
        fi
        if [[ -f "${emulator}/pyproject.toml" ]]; then
            cat "${emulator}/pyproject.toml"
        fi
    } | sha256sum | cut -d' ' -f1
}

digest="$(inputs_digest)"
if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${digest}" && -x "${venv}/bin/ansible-test" ]]; then
    echo "${venv} is up to date (ansible-core ${core}, Python ${python_version})"
    exit 0
fi

if [[ -x "${venv}/bin/python" ]] && ! "${venv}/bin/python" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '${python_version}'.split('.'))))"; then
    echo "${venv} has another Python: recreating it"
    rm -rf "${venv}"
fi

if [[ ! -x "${venv}/bin/python" ]]; then
    echo "creating ${venv} with ${python}"
    "${python}" -m venv "${venv}"
fi

pip_arguments=(install --disable-pip-version-check -r "${requirements}")
if [[ -f "${emulator}/pyproject.toml" ]]; then
    pip_arguments+=(-e "${emulator}")
else
    echo "NOTE: ${emulator}/pyproject.toml does not exist yet: the vss-emulator command is not installed"
fi

echo "installing tests/requirements-${core}.txt into ${venv} (log: ${log#"${REPO_ROOT}"/})"
if ! "${venv}/bin/python" -m pip "${pip_arguments[@]}" >"${log}" 2>&1; then
    grep -v "^WARNING: Location 'file:" "${log}" | tail -n 40 >&2
    die "pip install failed for ansible-core ${core} (full log: ${log})"
fi

if [[ -f "${emulator}/pyproject.toml" ]]; then
    echo "${digest}" >"${stamp}"
else
    rm -f "${stamp}"
fi
"${venv}/bin/python" -c "import ansible; print('ready: ansible-core', ansible.__version__, 'on Python', '${python_version}', 'in ${venv}')"
