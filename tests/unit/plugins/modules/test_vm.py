# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The vm module's edge: its documentation matches its argument_spec, and bad options fail before any request."""

import json
from unittest import mock

import pytest
import yaml
from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.utoronto.vss.plugins.doc_fragments import wait as wait_fragment
from ansible_collections.utoronto.vss.plugins.module_utils import module as module_edge
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssRequestError
from ansible_collections.utoronto.vss.plugins.module_utils.options import connection_argument_spec
from ansible_collections.utoronto.vss.plugins.module_utils.vm import vm_argument_spec
from ansible_collections.utoronto.vss.plugins.modules import vm

from .running import module_args

SENTINEL = "SENTINEL-TOKEN-vm-5d1e"


def run_module(capsys, api=None, **args):
    """Run main() with ``args``; the module's JSON result.

    Without ``api`` no VssClient may be made (making one fails the test); with it, that is the client.
    """
    args.setdefault("token", SENTINEL)
    args.setdefault("_ansible_remote_tmp", "/tmp")
    args.setdefault("_ansible_keep_remote_files", False)
    made = dict(side_effect=AssertionError("no client expected")) if api is None else dict(return_value=api)
    with module_args(args), mock.patch.object(module_edge, "VssClient", **made):
        with pytest.raises(SystemExit):
            vm.main()
    output = capsys.readouterr().out
    assert SENTINEL not in output
    return json.loads(output)


def present_args(**changes):
    values = dict(
        name="web01",
        folder="VSS > Development > Web",
        image="images/CentOS_64-bit_vmx11.ova",
        os="centos7_64Guest",
        networks=["VSS-Public"],
        disks=[40],
        client="EIS",
        description="Web server",
    )
    values.update(changes)
    return values


def test_documented_options_are_the_argument_spec():
    documented = yaml.safe_load(vm.DOCUMENTATION)["options"]
    assert "utoronto.vss.wait" in yaml.safe_load(vm.DOCUMENTATION)["extends_documentation_fragment"]
    documented.update(yaml.safe_load(wait_fragment.ModuleDocFragment.DOCUMENTATION)["options"])
    spec = vm_argument_spec()
    assert set(documented) == set(spec)
    assert not set(spec) & set(connection_argument_spec())
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("default") == option.get("default"), name
        assert documented[name].get("choices") == option.get("choices"), name
        assert documented[name].get("required", False) == option.get("required", False), name


def test_examples_and_return_are_yaml():
    examples = yaml.safe_load(vm.EXAMPLES)
    assert all("name" in task for task in examples)
    returned = yaml.safe_load(vm.RETURN)
    assert set(returned) == {"vm", "request", "msg"}
    assert set(returned["vm"]["contains"]) == {"name", "full_name", "moref", "uuid", "folder"}
    assert set(returned["request"]["contains"]) == {"id", "status", "warnings", "errors"}


@pytest.mark.parametrize("missing", ["image", "os", "networks", "disks", "client", "description"])
def test_present_needs_its_options_before_any_request(capsys, missing):
    args = present_args()
    del args[missing]
    result = run_module(capsys, **args)
    assert result["failed"] is True
    assert missing in result["msg"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (dict(poll_interval=30, wait_timeout=30), "option 'poll_interval': must be less than wait_timeout"),
        (dict(disks=[0]), "option 'disks[0]': must be at least 1"),
        (dict(networks=[{"network": "VSS-Public", "type": "rtl8139"}]), "option 'networks[0].type'"),
        (dict(user_data="a: [b"), "option 'user_data': is not valid YAML"),
        (dict(cpu={"count": 3, "cores_per_socket": 2}), "not a multiple"),
    ],
)
def test_bad_option_values_fail_before_any_request(capsys, changes, expected):
    result = run_module(capsys, **present_args(**changes))
    assert result["failed"] is True
    assert expected in result["msg"]


def test_absent_needs_only_name_and_folder(capsys):
    with mock.patch.object(vm, "VmRun") as vm_run:
        vm_run.return_value.execute.return_value = dict(changed=False, msg="no VM called web01 in the folder")
        result = run_module(
            capsys, api=mock.Mock(accepted_writes=0), name="web01", folder="Web", state="absent"
        )
    assert result["changed"] is False
    spec = vm_run.call_args[0][1]
    assert spec["state"] == "absent" and spec["name"] == "web01"


def test_a_failed_request_is_in_the_failure_result(capsys):
    request = {"id": 42, "status": "ERROR", "warnings": [], "errors": ["insufficient quota"]}
    with mock.patch.object(vm, "VmRun") as vm_run:
        vm_run.return_value.execute.side_effect = VssRequestError(
            "the deploy of web01 (request 42) ended with status ERROR: insufficient quota", request=request
        )
        result = run_module(capsys, api=mock.Mock(accepted_writes=0), **present_args())
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["request"] == request
    assert "insufficient quota" in result["msg"]


@pytest.mark.parametrize(
    ("error", "accepted_writes"),
    [
        # The error itself says the service took the change...
        (
            VssRequestError(
                "POST https://vss/v2/vm for web01 was accepted, but its reply cannot be read", changed=True
            ),
            0,
        ),
        # ...or the client saw the API accept a write before something else failed.
        (
            VssRequestError(
                "the deploy of web01 (request 42) did not finish within 600s: last status PENDING"
            ),
            1,
        ),
    ],
)
def test_a_failure_after_the_service_took_the_change_reports_changed(capsys, error, accepted_writes):
    with mock.patch.object(vm, "VmRun") as vm_run:
        vm_run.return_value.execute.side_effect = error
        result = run_module(capsys, api=mock.Mock(accepted_writes=accepted_writes), **present_args())
    assert result["failed"] is True
    assert result["changed"] is True
    assert "request" not in result


def test_check_mode_and_diff_reach_the_run(capsys):
    with mock.patch.object(vm, "VmRun") as vm_run:
        vm_run.return_value.execute.return_value = dict(changed=True, msg="would deploy web01 from x")
        run_module(
            capsys,
            api=mock.Mock(accepted_writes=0),
            _ansible_check_mode=True,
            _ansible_diff=True,
            **present_args(),
        )
    assert vm_run.call_args[1]["check_mode"] is True
    assert vm_run.call_args[1]["diff"] is True


def test_a_url_holding_a_password_fails_and_the_result_never_repeats_it(capsys):
    url = "https://jm:p@vss-api.eis.utoronto.ca"
    # Newer ansible-core shows the module's arguments in its result only when asked (at -vvv); older always.
    ask = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}
    result = run_module(capsys, api_url=url, **ask, **present_args())

    assert result["invocation"]["module_args"]["api_url"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["failed"] is True
    assert "option 'api_url': must not hold credentials" in result["msg"]
    assert "jm:p@" not in json.dumps(result)
    assert "********" not in result["msg"]
