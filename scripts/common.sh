# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# shellcheck shell=bash disable=SC2034
# Shared settings and helpers for the scripts in this folder; source it, do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${REPO_ROOT}/.build"
LOG_DIR="${BUILD_DIR}/logs"
PYBIN_DIR="${BUILD_DIR}/pybin"
COLLECTIONS_DIR="${BUILD_DIR}/collections"
# Copies of the work tree for ansible-test live outside any git repository (see ansible-test.sh).
TEST_COPY_ROOT="${UTORONTO_VSS_TEST_ROOT:-${TMPDIR:-/tmp}/utoronto-vss-$(printf '%s' "${REPO_ROOT}" | sha256sum | cut -c1-12)}"

# Python versions ansible-test may use for multi-version sanity tests, when installed.
EXTRA_PYTHON_VERSIONS="3.10 3.11 3.12 3.13 3.14"

say() {
    printf '\n==> %s\n' "$*"
}

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# The Python version and virtual environment of an ansible-core line.
core_python_version() {
    case "$1" in
        2.21) echo 3.12 ;;
        2.16) echo 3.11 ;;
        *) die "unknown CORE '$1' (known: 2.21, 2.16)" ;;
    esac
}

core_venv() {
    case "$1" in
        2.21) echo "${REPO_ROOT}/.venv" ;;
        2.16) echo "${REPO_ROOT}/.venv-2.16" ;;
        *) die "unknown CORE '$1' (known: 2.21, 2.16)" ;;
    esac
}

# The real interpreter for a version such as 3.12 (never a pyenv shim), or nothing.
find_python() {
    local version="$1" candidate prefix

    if command -v pyenv >/dev/null 2>&1 && prefix="$(pyenv prefix "${version}" 2>/dev/null)"; then
        candidate="${prefix%%:*}/bin/python${version}"
        if [[ -x "${candidate}" ]]; then
            echo "${candidate}"
            return 0
        fi
    fi

    for candidate in "/usr/bin/python${version}" "/usr/local/bin/python${version}"; do
        if [[ -x "${candidate}" ]]; then
            echo "${candidate}"
            return 0
        fi
    done

    if candidate="$(command -v "python${version}" 2>/dev/null)" &&
        candidate="$("${candidate}" -c 'import sys; print(sys.executable)' 2>/dev/null)" &&
        [[ -n "${candidate}" ]]; then
        echo "${candidate}"
        return 0
    fi

    return 1
}

# A folder of pythonX.Y symlinks to real interpreters: pyenv shims fail inside ansible-test,
# which drops PYENV_VERSION from the environment.
prepare_pybin() {
    local version interpreter

    mkdir -p "${PYBIN_DIR}"
    for version in ${EXTRA_PYTHON_VERSIONS}; do
        if interpreter="$(find_python "${version}")"; then
            ln -sfn "${interpreter}" "${PYBIN_DIR}/python${version}"
        else
            rm -f "${PYBIN_DIR}/python${version}"
        fi
    done
}

# ansible_collections/utoronto/vss -> repo root, so ansible-playbook finds the collection.
prepare_collection_link() {
    mkdir -p "${COLLECTIONS_DIR}/ansible_collections/utoronto"
    ln -sfn ../../../.. "${COLLECTIONS_DIR}/ansible_collections/utoronto/vss"
}

# Require a venv made by `make venv` for a core, and put it first on PATH.
activate_core() {
    local core="$1" venv

    venv="$(core_venv "${core}")"
    [[ -x "${venv}/bin/ansible-playbook" ]] || die "${venv} is missing or incomplete: run 'make venv CORE=${core}'"
    export VIRTUAL_ENV="${venv}"
    export PATH="${venv}/bin:${PYBIN_DIR}:${PATH}"
}

# Copy the files git tracks, and untracked ones it does not ignore, to a folder: copy_work_tree DEST
copy_work_tree() {
    local destination="$1"

    mkdir -p "${destination}"
    (
        cd "${REPO_ROOT}" || exit 1
        git ls-files -z --cached --others --exclude-standard --deduplicate |
            while IFS= read -r -d '' path; do
                if [[ -e "${path}" ]]; then
                    printf '%s\0' "${path}"
                fi
            done |
            tar --null -cf - -T -
    ) | tar -xf - -C "${destination}"
}
