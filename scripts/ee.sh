#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Check meta/execution-environment.yml with ansible-builder, without building an image:
# - introspection, as an EE build that installs this collection reads it: the collection's Python
#   requirements must come out;
# - `ansible-builder create` of the file taken as an EE definition at the collection root (its paths
#   are relative to the root): the build context, in .build/ee/context, must hold those requirements.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

ee_dir="${BUILD_DIR}/ee"
source_root="${ee_dir}/collections/ansible_collections/utoronto/vss"

activate_core 2.21
command -v ansible-builder >/dev/null 2>&1 || die "ansible-builder is not installed in .venv: run 'make venv'"

rm -rf "${ee_dir}"
copy_work_tree "${source_root}"
[[ -f "${source_root}/meta/execution-environment.yml" ]] || die "meta/execution-environment.yml does not exist"

say "ansible-builder introspect (what an EE build installing utoronto.vss reads)"
ansible-builder introspect --sanitize --write-pip "${ee_dir}/introspected-requirements.txt" \
    "${ee_dir}/collections" | tee "${ee_dir}/introspect.txt"
grep -qE '^requests([^A-Za-z0-9_.-]|$)' "${ee_dir}/introspected-requirements.txt" ||
    die "introspection found no 'requests' requirement for utoronto.vss (see ${ee_dir}/introspect.txt)"

say "ansible-builder create from meta/execution-environment.yml"
cp "${source_root}/meta/execution-environment.yml" "${source_root}/execution-environment.yml"
ansible-builder create --file "${source_root}/execution-environment.yml" --context "${ee_dir}/context" \
    --output-filename Containerfile
[[ -f "${ee_dir}/context/Containerfile" ]] || die "ansible-builder create wrote no Containerfile"
grep -qE '^requests' "${ee_dir}/context/_build/requirements.txt" ||
    die "the build context's _build/requirements.txt lacks requests"
echo "build context: ${ee_dir#"${REPO_ROOT}"/}/context ($(find "${ee_dir}/context" -type f | wc -l) files)"
