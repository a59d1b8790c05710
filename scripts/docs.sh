#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# Build the collection's documentation site into .build/docs/ (HTML in .build/docs/build/html/):
# `antsibull-docs sphinx-init --use-current` lays out the Sphinx project, its build.sh renders every
# module, plugin and role and the guides of docs/docsite/, and sphinx-build turns warnings into errors.
# It runs offline: no intersphinx inventory is downloaded, and the few references the generated pages
# make to the Ansible documentation become plain links to docs.ansible.com.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

docs_dir="${BUILD_DIR}/docs"

activate_core 2.21
prepare_collection_link
python -c 'import sphinx, sphinx_ansible_theme, sphinx_antsibull_ext' 2>/dev/null ||
    die "the documentation tools of docs/requirements.txt are missing from .venv: run 'make venv'"
export ANSIBLE_COLLECTIONS_PATH="${COLLECTIONS_DIR}"

say "antsibull-docs sphinx-init --use-current utoronto.vss"
rm -rf "${docs_dir}"
mkdir -p "${docs_dir}"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "${docs_dir}" \
    --project utoronto.vss --copyright "University of Toronto" \
    --title "utoronto.vss: Ansible collection for the VSS (ITS Private Cloud) REST API" \
    --html-short-title utoronto.vss utoronto.vss

cat >>"${docs_dir}/conf.py" <<'PYTHON'

# Offline build (scripts/docs.sh): no intersphinx inventory is fetched. Labels of the Ansible
# documentation that the generated pages refer to become links to docs.ansible.com; any other
# unknown label stays a warning, which fails the build.
intersphinx_mapping = {}
ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/latest/'
ANSIBLE_DOCS_LABELS = {
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible configuration settings'),
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
}


def _link_to_ansible_docs(app, env, node, contnode):
    from docutils import nodes

    target = ANSIBLE_DOCS_LABELS.get(node.get('reftarget'))
    if node.get('reftype') != 'ref' or target is None:
        return None
    link = nodes.reference('', '', internal=False, refuri=ANSIBLE_DOCS + target[0])
    link += contnode if node.get('refexplicit') else nodes.inline(target[1], target[1])
    return link


def setup(app):
    app.connect('missing-reference', _link_to_ansible_docs)
PYTHON

say "build.sh: antsibull-docs collection and sphinx-build -W"
bash "${docs_dir}/build.sh"
[[ -f "${docs_dir}/build/html/index.html" ]] || die "sphinx-build wrote no index.html"
shopt -s nullglob
for guide in "${REPO_ROOT}"/docs/docsite/rst/*.rst; do
    page="${docs_dir}/build/html/docsite/$(basename "${guide}" .rst).html"
    [[ -f "${page}" ]] || die "the site lacks the guide ${guide#"${REPO_ROOT}"/} (no ${page#"${REPO_ROOT}"/})"
done
shopt -u nullglob
echo "documentation site: ${docs_dir#"${REPO_ROOT}"/}/build/html/index.html ($(find "${docs_dir}/build/html" -name '*.html' | wc -l) pages)"
