# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
#
# make demo         create .venv, start the emulator, run examples/demo.yml against it
# make test         every check below, on both ansible-core lines, with a timed summary
# make help         the list of targets and knobs

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# CORE picks an ansible-core line: 2.21 (Python 3.12, .venv) or 2.16 (Python 3.11, .venv-2.16).
# units and integration run on both lines unless CORE is given; venv and sanity default to 2.21.
CORE ?=
CORES := $(if $(CORE),$(CORE),2.21 2.16)
MAIN_CORE := $(if $(CORE),$(CORE),2.21)

# Extra options for ansible-test, e.g. make integration ANSIBLE_TEST_ARGS='emulator_smoke -vvv'
ANSIBLE_TEST_ARGS ?=
# Extra options for ansible-playbook in the demo, e.g. make demo DEMO_ARGS=-v
DEMO_ARGS ?=
# Options for benchmarks/run.py, e.g. make bench BENCH_ARGS='--quick' or BENCH_ARGS='--repeat 5 --scenarios listing'
BENCH_ARGS ?=

VENV := .venv
ACTIVATE := export PATH="$(CURDIR)/$(VENV)/bin:$(CURDIR)/.build/pybin:$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)";
COLLECTIONS := $(CURDIR)/.build/collections

.PHONY: help venv venvs sanity units integration lint ruff shellcheck ansible-lint docs-lint docs ee changelog-lint build demo bench test clean

help:
	@echo "make demo            create .venv, start vss-emulator, run examples/demo.yml against it, stop it"
	@echo "make test            venvs, sanity, units, integration (2.21 and 2.16), lint, docs-lint, docs, ee,"
	@echo "                     changelog-lint and build, with a summary of what passed and how long it took"
	@echo "make venv            create/update .venv (CORE=2.21, the default) or .venv-2.16 (CORE=2.16)"
	@echo "make venvs           both"
	@echo "make sanity          ansible-test sanity --venv on ansible-core 2.21"
	@echo "make units           ansible-test units on 2.21 and 2.16 (CORE=... for one)"
	@echo "make integration     ansible-test integration on 2.21 and 2.16 (CORE=... for one)"
	@echo "make lint            ruff, shellcheck and ansible-lint (production profile)"
	@echo "make docs-lint       antsibull-docs lint-collection-docs --plugin-docs"
	@echo "make docs            the HTML documentation site, offline, into .build/docs/build/html/ (antsibull-docs, Sphinx)"
	@echo "make ee              ansible-builder introspect and create from meta/execution-environment.yml, into .build/ee/"
	@echo "make changelog-lint  antsibull-changelog lint"
	@echo "make build           ansible-galaxy collection build; check the artifact, install it, render its docs"
	@echo "                     and run the demo playbook from the installed copy"
	@echo "make bench           create .venv-bench, run benchmarks/run.py against vss-emulator (under 10 minutes);"
	@echo "                     medians and ratios in benchmarks/results/ (not part of make test)"
	@echo "make clean           remove .build/ and tests/output/ (venvs stay; rm -rf .venv* for those)"
	@echo "Knobs: CORE=2.21|2.16  ANSIBLE_TEST_ARGS='target -vvv'  DEMO_ARGS=-v  BENCH_ARGS='--quick'"

venv:
	@scripts/make-venv.sh $(MAIN_CORE)

venvs:
	@for core in 2.21 2.16; do scripts/make-venv.sh $$core; done

sanity: venv
	@scripts/sanity.sh $(MAIN_CORE) $(ANSIBLE_TEST_ARGS)

units:
	@status=0; for core in $(CORES); do \
		scripts/make-venv.sh $$core || { status=1; continue; }; \
		echo "==> ansible-test units, ansible-core $$core"; \
		scripts/ansible-test.sh $$core units --local --python $$(source scripts/common.sh; core_python_version $$core) \
			--color no $(ANSIBLE_TEST_ARGS) || status=1; \
	done; exit $$status

integration:
	@status=0; for core in $(CORES); do \
		scripts/make-venv.sh $$core || { status=1; continue; }; \
		echo "==> ansible-test integration, ansible-core $$core"; \
		scripts/ansible-test.sh $$core integration --local --python $$(source scripts/common.sh; core_python_version $$core) \
			--color no $(ANSIBLE_TEST_ARGS) || status=1; \
	done; exit $$status

lint: ruff shellcheck ansible-lint

ruff: venv
	@echo "==> ruff check and ruff format --check"
	@$(ACTIVATE) ruff check . && ruff format --check .

# ansible-test's shellcheck test covers *.sh files only; this adds .ci/run and follows sourced files.
shellcheck:
	@echo "==> shellcheck .ci/run scripts/*.sh tests/integration/targets/*/runme.sh"
	@command -v shellcheck >/dev/null || { echo "ERROR: shellcheck is not installed (apt-get install shellcheck)"; exit 1; }
	@shellcheck -x .ci/run scripts/*.sh tests/integration/targets/*/runme.sh

# ANSIBLE_HOME keeps the copy of this collection that ansible-lint installs for itself out of ~/.ansible.
ansible-lint: venv
	@echo "==> ansible-lint --profile production"
	@$(ACTIVATE) export ANSIBLE_HOME="$(CURDIR)/.build/ansible-home" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" NO_COLOR=1; \
		ansible-lint --offline --profile production --strict

docs-lint: venv
	@echo "==> antsibull-docs lint-collection-docs --plugin-docs"
	@$(ACTIVATE) export ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"; \
		antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
			--disallow-unknown-collection-refs --check-extra-docs-refs .

docs: venv
	@scripts/docs.sh

ee: venv
	@scripts/ee.sh

changelog-lint: venv
	@echo "==> antsibull-changelog lint"
	@$(ACTIVATE) antsibull-changelog lint && antsibull-changelog lint-changelog-yaml --strict changelogs/changelog.yaml

build: venv
	@scripts/build.sh

demo: venv
	@scripts/demo.sh $(DEMO_ARGS)

bench:
	@benchmarks/bench.sh $(BENCH_ARGS)

test:
	@scripts/test-all.sh

clean:
	rm -rf .build tests/output
