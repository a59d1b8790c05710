#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Build the collection artifact, check what it holds, install it into an empty collections path and
# render the documentation of every module, plugin and role from there.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

dist="${BUILD_DIR}/dist"
installed="${BUILD_DIR}/installed"

activate_core 2.21
say "ansible-galaxy collection build"
rm -rf "${dist}" "${installed}"
mkdir -p "${dist}"
# Build from the files git sees, as a release from a clean clone would, not from caches in the work tree.
copy_work_tree "${dist}/source"
(cd "${dist}/source" && ansible-galaxy collection build --output-path "${dist}")
shopt -s nullglob
artifacts=("${dist}"/utoronto-vss-*.tar.gz)
shopt -u nullglob
[[ ${#artifacts[@]} -eq 1 ]] || die "expected one artifact in ${dist}, found ${#artifacts[@]}"
artifact="${artifacts[0]}"

tar -tzf "${artifact}" | sed 's|^\./||' >"${dist}/contents.txt"
for required in MANIFEST.json FILES.json meta/runtime.yml meta/execution-environment.yml README.md \
    extensions/awx/credential_type.yml docs/docsite/extra-docs.yml; do
    grep -qxF "${required}" "${dist}/contents.txt" || die "${artifact##*/} lacks ${required}"
done
unwanted="$(grep -E '(^|/)(\.venv[^/]*|\.build|tests/output|benchmarks/results|__pycache__|\.pytest_cache|\.ruff_cache|\.git|[^/]*\.egg-info)(/|$)|\.tar\.gz$|\.py[co]$' \
    "${dist}/contents.txt" || true)"
if [[ -n "${unwanted}" ]]; then
    printf '%s\n' "${unwanted}" | head -n 20 >&2
    die "${artifact##*/} holds files that do not belong in a release (see galaxy.yml build_ignore)"
fi
echo "${artifact##*/}: $(wc -l <"${dist}/contents.txt") entries, $(du -h "${artifact}" | cut -f1), no test output or venvs"

say "ansible-galaxy collection install into an empty collections path"
export ANSIBLE_COLLECTIONS_PATH="${installed}"
ansible-galaxy collection install --offline -p "${installed}" "${artifact}"
collection="${installed}/ansible_collections/utoronto/vss"

say "ansible-doc of every module, plugin and role in the installed collection"
rendered=0
for plugin_type in module lookup filter inventory callback connection test; do
    directory="${plugin_type}"
    [[ "${plugin_type}" == module ]] && directory=modules
    for source in "${collection}/plugins/${directory}"/*.py; do
        [[ -e "${source}" ]] || continue
        name="$(basename "${source}" .py)"
        [[ "${name}" == __init__ ]] && continue
        ansible-doc -t "${plugin_type}" "utoronto.vss.${name}" >"${dist}/doc-${plugin_type}-${name}.txt" 2>&1 ||
            { cat "${dist}/doc-${plugin_type}-${name}.txt" >&2; die "ansible-doc -t ${plugin_type} utoronto.vss.${name} failed"; }
        if grep -q '^\[WARNING\]\|^ERROR' "${dist}/doc-${plugin_type}-${name}.txt"; then
            cat "${dist}/doc-${plugin_type}-${name}.txt" >&2
            die "ansible-doc -t ${plugin_type} utoronto.vss.${name} printed warnings or errors"
        fi
        echo "ansible-doc -t ${plugin_type} utoronto.vss.${name}: $(wc -l <"${dist}/doc-${plugin_type}-${name}.txt") lines"
        rendered=$((rendered + 1))
    done
done
for argument_specs in "${collection}"/roles/*/meta/argument_specs.yml; do
    [[ -e "${argument_specs}" ]] || continue
    role="$(basename "$(dirname "$(dirname "${argument_specs}")")")"
    ansible-doc -t role "utoronto.vss.${role}" >"${dist}/doc-role-${role}.txt" 2>&1 ||
        { cat "${dist}/doc-role-${role}.txt" >&2; die "ansible-doc -t role utoronto.vss.${role} failed"; }
    echo "ansible-doc -t role utoronto.vss.${role}: $(wc -l <"${dist}/doc-role-${role}.txt") lines"
    rendered=$((rendered + 1))
done
[[ "${rendered}" -gt 0 ]] || die "the installed collection documents no module, plugin or role"
echo "rendered the documentation of ${rendered} modules, plugins and roles from ${artifact##*/}"

say "examples/demo.yml with the installed artifact"
DEMO_COLLECTIONS_PATH="${installed}" "${REPO_ROOT}/scripts/demo.sh"
