# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The vm_batch module's edge: its documentation matches its argument_spec and its examples are YAML."""

import yaml

from ansible_collections.utoronto.vss.plugins.module_utils.options import connection_argument_spec
from ansible_collections.utoronto.vss.plugins.module_utils.vm import vm_argument_spec
from ansible_collections.utoronto.vss.plugins.module_utils.vm_batch import BATCH_OPTIONS, vm_options_spec
from ansible_collections.utoronto.vss.plugins.modules import vm_batch


def test_documented_options_are_the_argument_spec():
    documented = yaml.safe_load(vm_batch.DOCUMENTATION)["options"]
    spec = vm_batch.argument_spec()
    assert set(documented) == set(spec)
    assert not set(spec) & set(connection_argument_spec())
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("default") == option.get("default"), name


def test_the_batch_options_are_the_vm_module_s_own_and_the_rest_go_per_vm():
    vm_options = vm_argument_spec()
    assert set(BATCH_OPTIONS) - {"state"} == set(vm_batch.argument_spec()) - {"vms"}
    assert set(vm_options_spec()) == set(vm_options) - set(BATCH_OPTIONS)
    for name in set(BATCH_OPTIONS) - {"state"}:
        assert vm_batch.argument_spec()[name] == vm_options[name], name


def test_examples_are_yaml_tasks_of_the_module():
    examples = yaml.safe_load(vm_batch.EXAMPLES)
    assert len(examples[0]["utoronto.vss.vm_batch"]["vms"]) == 3
    assert examples[0]["vars"]["web"]["image"] == "images/CentOS_64-bit_vmx11.ova"
    assert all("utoronto.vss.vm_batch" in task or "ansible.builtin.debug" in task for task in examples)
    yaml.safe_load(vm_batch.RETURN)
