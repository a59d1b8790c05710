#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Run ansible-test of one ansible-core line on a fresh copy of the work tree:
#   scripts/ansible-test.sh 2.21|2.16 sanity|units|integration [ansible-test options...]
# ansible-test needs the collection at .../ansible_collections/utoronto/vss, resolves symlinks, and
# takes its file list from the nearest enclosing git repository; so tracked and untracked-but-not-ignored
# files are copied to a folder of this run outside the work tree. Its tests/output is copied back to
# tests/output/<core>-<command>/ and the folder removed, so several runs can go on at once.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

core="${1:?usage: ansible-test.sh 2.21|2.16 COMMAND [OPTIONS...]}"
shift
command_name="${1:?usage: ansible-test.sh 2.21|2.16 COMMAND [OPTIONS...]}"

prepare_pybin
activate_core "${core}"

# ansible-test downloads a get-pip bootstrap for each venv it makes; give it a local stand-in
# under every pip version its source names.
ansible_test_source="$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
pip_versions="$(grep -ohE "pip='[0-9.]+'" "${ansible_test_source}/_internal/python_requirements.py" | grep -oE '[0-9.]+' | sort -u)"
[[ -n "${pip_versions}" ]] || die "cannot find the pip version ansible-test bootstraps in ${ansible_test_source}"
mkdir -p "${HOME}/.ansible/test/cache"
for pip_version in ${pip_versions}; do
    bootstrap="${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py"
    if ! cmp -s "${REPO_ROOT}/scripts/get_pip_offline.py" "${bootstrap}"; then
        cp "${REPO_ROOT}/scripts/get_pip_offline.py" "${bootstrap}.$$"
        mv -f "${bootstrap}.$$" "${bootstrap}"
    fi
done

mkdir -p "${TEST_COPY_ROOT}"
copy_root="$(mktemp -d "${TEST_COPY_ROOT}/${core}-${command_name}-XXXXXX")"
trap 'rm -rf "${copy_root}"' EXIT
copy="${copy_root}/ansible_collections/utoronto/vss"
copy_work_tree "${copy}"

cd "${copy}"
set +e
ansible-test "$@"
status=$?
set -e

if [[ -d "${copy}/tests/output" ]]; then
    mkdir -p "${REPO_ROOT}/tests/output"
    output="${REPO_ROOT}/tests/output/${core}-${command_name}"
    rm -rf "${output}"
    mkdir -p "${output}"
    # .tmp holds ansible-test's scratch files and delegation venvs: not worth keeping
    tar -C "${copy}/tests/output" --exclude=./.tmp -cf - . | tar -xf - -C "${output}"
    echo "ansible-test output: tests/output/${core}-${command_name}/"
fi
exit "${status}"
