# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Exporting a VM (vm_export), against the real emulator: finding the VM, power, reruns, sync, path."""

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings
from ansible_collections.utoronto.vss.plugins.module_utils.vm_export import (
    ExportRun,
    export_images,
    path_names_file,
)

testing = pytest.importorskip("vss_emulator.testing")

PARAMS = dict(
    name=None,
    id=None,
    folder=None,
    power_off=False,
    force=False,
    sync=True,
    wait_timeout=30,
    poll_interval=0.05,
)


@pytest.fixture
def emulator():
    server = testing.Emulator(["--request-delay", "0.2"])
    yield server
    server.stop()


def run(emulator, check_mode=False, diff=False, **params):
    client = VssClient(
        client_settings({"api_url": emulator.url, "token": "demo-token", "timeout": 10, "retries": 0})
    )
    warnings = []
    result = ExportRun(client, dict(PARAMS, **params), check_mode, diff, warnings.append).execute()
    return result, warnings


def writes(emulator):
    routes = emulator.stats(reset=True)["by_route"]
    return {route: count for route, count in routes.items() if not route.startswith(("GET", "OPTIONS"))}


def test_a_powered_off_vm_found_by_name_is_exported_and_its_ovf_path_returned(emulator):
    result, warnings = run(emulator, name="app-legacy")

    vm = result["vm"]
    assert (vm["name"], vm["moref"], vm["power_state"]) == ("2503T-app-legacy", "vm-1003", "poweredOff")
    ovf = f"{vm['uuid']}/2503T-app-legacy.ovf"
    assert result["changed"] is True
    assert result["powered_off"] is False
    assert result["files"] == [ovf, f"{vm['uuid']}/2503T-app-legacy-1.vmdk"]
    assert result["path"] == ovf
    assert result["image"]["name"] == "2503T-app-legacy.ovf"
    assert result["request"]["status"] == "PROCESSED"
    assert result["sync"]["request"]["status"] == "PROCESSED"
    assert warnings == []
    assert writes(emulator) == {"POST /v2/vm/vm-1003/export": 1, "PATCH /v2/user/image/vm": 1}


def test_a_rerun_finds_the_export_and_changes_nothing_unless_forced(emulator):
    first, _warnings = run(emulator, id="vm-1003")
    emulator.stats(reset=True)

    again, _warnings = run(emulator, id="vm-1003")
    assert again["changed"] is False
    assert again["path"] == first["path"]
    assert again["msg"].endswith("(force=true exports it again)")
    assert writes(emulator) == {}

    forced, _warnings = run(emulator, id=first["vm"]["uuid"], force=True, sync=False)
    assert forced["changed"] is True
    assert forced["path"] == first["path"]  # listed without a sync by this emulator
    assert writes(emulator) == {"POST /v2/vm/vm-1003/export": 1}


def test_a_powered_on_vm_is_an_error_that_changes_nothing(emulator):
    with pytest.raises(
        VssOptionError, match=r"option 'power_off': 2401P-ldap01 is poweredOn.*power_off=true"
    ):
        run(emulator, name="ldap01")
    assert writes(emulator) == {}


def test_power_off_true_powers_it_off_first(emulator):
    result, _warnings = run(emulator, name="ldap01", power_off=True, diff=True)
    assert result["powered_off"] is True
    assert result["vm"]["power_state"] == "poweredOn"
    assert result["diff"] == {
        "before": {"power_state": "poweredOn", "exported": False},
        "after": {"power_state": "poweredOff", "exported": True},
    }
    assert emulator.data("/v2/vm/vm-1001")["power_state"] == "poweredOff"
    assert writes(emulator) == {
        "PUT /v2/vm/vm-1001/state": 1,
        "POST /v2/vm/vm-1001/export": 1,
        "PATCH /v2/user/image/vm": 1,
    }


def test_check_mode_finds_the_vm_and_sends_nothing(emulator):
    result, _warnings = run(emulator, name="ldap01", power_off=True, check_mode=True)
    assert result["changed"] is True
    assert result["msg"] == "would power off and export 2401P-ldap01 to OVF"
    assert result["path"] is None
    assert writes(emulator) == {}
    assert emulator.data("/v2/vm/vm-1001")["power_state"] == "poweredOn"


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(name="nosuchvm"), "option 'name': no VM is called 'nosuchvm'"),
        (dict(name="app-legacy", folder="VSS > Production > Web"), "no VM is called 'app-legacy' in"),
        (dict(id="vm-9999"), "option 'id': no VM has the moref or uuid 'vm-9999'"),
        (dict(id="vm-1003", folder="Web"), "option 'folder': narrows a look-up by name"),
        (dict(name=" "), "option 'name': must be a non-empty string"),
        (dict(name="x", wait_timeout=1, poll_interval=2), "option 'poll_interval': must be less than"),
    ],
)
def test_bad_options_fail_with_one_line_naming_the_option(emulator, params, message):
    with pytest.raises(VssOptionError, match=message):
        run(emulator, **params)
    assert writes(emulator) == {}


def test_export_paths_are_matched_with_or_without_the_space_prefix():
    assert path_names_file("u/x.ovf", "u/x.ovf")
    assert path_names_file("[vssUser-xfers] jdoe/u/x.ovf", "u/x.ovf")
    assert path_names_file("[vssUser-xfers] u/x.ovf", "u/x.ovf")
    assert not path_names_file("[vssUser-xfers] jdoe/vu/x.ovf", "u/x.ovf")
    images = [{"path": "[s] j/u1/a.ovf"}, {"path": "[s] j/u1/a-1.vmdk"}, {"path": "[s] j/u2/b.ovf"}]
    assert export_images(images, "u1") == [images[0]]
    assert export_images(images, "u1", ["u2/b.ovf", "u2/b-1.vmdk"]) == [images[2]]


def test_with_storage_an_export_not_synced_yet_is_found_by_its_request_and_synced_on_the_rerun():
    pytest.importorskip("boto3")
    pytest.importorskip("moto")
    s3 = testing.S3Server()
    emulator = testing.Emulator(["--s3-endpoint", s3.url, "--request-delay", "0.2"])
    try:
        first, warnings = run(emulator, id="vm-1003", sync=False)
        assert first["changed"] is True
        assert first["path"] is None
        assert first["msg"].endswith("its OVF is listed after a sync (utoronto.vss.image_sync)")
        assert warnings == []
        emulator.stats(reset=True)

        again, _warnings = run(emulator, id="vm-1003")
        uuid = first["vm"]["uuid"]
        assert again["changed"] is False
        assert again["path"] == f"[vssUser-xfers] demo/{uuid}/2503T-app-legacy.ovf"
        assert again["sync"]["added"] == [again["path"]]
        assert writes(emulator) == {"PATCH /v2/user/image/vm": 1}
    finally:
        emulator.stop()
        s3.stop()


def test_a_server_that_cannot_filter_export_requests_by_vm_uuid_is_read_whole():
    emulator_with_fault = testing.Emulator(
        ["--request-delay", "0.2", "--fault", "400:1@GET /v2/request/export"]
    )
    try:
        result, _warnings = run(emulator_with_fault, id="vm-1003")
        assert result["changed"] is True
        assert emulator_with_fault.stats()["by_route"]["GET /v2/request/export"] == 2
    finally:
        emulator_with_fault.stop()
