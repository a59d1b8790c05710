# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""A whole run of the vm module (VmRun) against an in-memory API: idempotency, check mode, waits, writes."""

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssConnectionError,
    VssHTTPError,
    VssOptionError,
    VssRequestError,
)
from ansible_collections.utoronto.vss.plugins.module_utils.vm import VmRun, check_options

BASE_URL = "https://vss.example.test"
WEB = {"moref": "group-v1002", "name": "Web", "path": "VSS > Development > Web"}
PROD_WEB = {"moref": "group-v1005", "name": "Web", "path": "VSS > Production > Web"}
IMAGE = "images/CentOS_64-bit_vmx11.ova"


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FakeApi:
    """Folders, networks, systems, images, VMs and requests in memory; every call is recorded.

    A request's statuses are scripted: each poll takes the next one, the last repeats. A deploy that
    reaches PROCESSED creates its VM, as the service does.
    """

    def __init__(self, deploy_statuses=("PENDING", "IN_PROGRESS", "PROCESSED")):
        self.base_url = BASE_URL
        self.timeout = 30.0
        self.folders = [WEB, PROD_WEB, {"moref": "group-v1008", "name": "Apps", "path": "VSS > Dept > Apps"}]
        self.networks = [{"moref": "dvportgroup-11", "name": "VSS-Public"}]
        self.systems = [{"guest_id": "centos7_64Guest", "full_name": "CentOS 7 (64-bit)"}]
        self.images = [{"name": "CentOS_64-bit_vmx11.ova", "path": IMAGE}]
        self.vms = []
        self.requests = {"new": {}, "change": {}}
        self.deploy_statuses = list(deploy_statuses)
        self.calls = []
        self.accepted_writes = 0
        self.post_error = None

    def url(self, path):
        return f"{self.base_url}/{path}"

    def writes(self):
        return [call for call in self.calls if call[0] in ("POST", "DELETE")]

    def add_vm(self, name, folder, source_image=IMAGE):
        vm = {
            "moref": f"vm-{1000 + len(self.vms)}",
            "uuid": f"5000-{len(self.vms)}",
            "name": name,
            "folder": dict(folder),
            "source_image": source_image,
        }
        self.vms.append(vm)
        return vm

    def add_request(self, kind, statuses, **fields):
        request_id = len(self.requests[kind]) + 1
        record = dict(id=request_id, status=statuses[0], message={"warnings": [], "errors": []}, **fields)
        self.requests[kind][request_id] = dict(record=record, statuses=list(statuses), on_done=None)
        return record

    def list(self, path, params=None, key="path", on_incomplete="warn"):
        self.calls.append(("LIST", path, dict(params or {})))
        tables = {
            "v2/folder": self.folders,
            "v2/network": self.networks,
            "v2/os": self.systems,
            "v2/image": self.images,
            "v2/user/image/vm": [],
            "v2/vm": self.vms,
            "v2/request/new": [entry["record"] for entry in self.requests["new"].values()],
        }
        return [dict(record) for record in tables[path]]

    def get(self, path, params=None, timeout=None):
        self.calls.append(("GET", path))
        kind, request_id = path.split("/")[2:]
        entry = self.requests[kind][int(request_id)]
        statuses = entry["statuses"]
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        entry["record"]["status"] = status
        if status == "PROCESSED" and entry["on_done"]:
            entry["on_done"](entry["record"])
            entry["on_done"] = None
        return {"data": dict(entry["record"])}

    def post(self, path, payload=None):
        self.calls.append(("POST", path, payload))
        if self.post_error:
            raise self.post_error
        self.accepted_writes += 1
        folder = next(folder for folder in self.folders if folder["moref"] == payload["folder"])
        full_name = f"2612{payload['usage'][0]}-{payload['name']}"
        record = self.add_request(
            "new",
            self.deploy_statuses,
            vm_name=full_name,
            vm_moref=None,
            vm_uuid=None,
            folder=folder["moref"],
        )

        def create(done):
            vm = self.add_vm(full_name, folder, payload["source_image"])
            done.update(vm_moref=vm["moref"], vm_uuid=vm["uuid"])

        self.requests["new"][record["id"]]["on_done"] = create
        return self.accepted("new", record)

    def delete(self, path):
        self.calls.append(("DELETE", path))
        self.accepted_writes += 1
        moref = path.rsplit("/", 1)[-1]
        vm = next(vm for vm in self.vms if vm["moref"] == moref)
        self.vms.remove(vm)
        record = self.add_request("change", ["PENDING", "PROCESSED"], vm_name=vm["name"], vm_moref=moref)
        return self.accepted("change", record)

    def accepted(self, kind, record):
        link = f"{self.base_url}/v2/request/{kind}/{record['id']}"
        return {
            "_links": {"request": link},
            "data": {
                "_links": {"request": link},
                "request": {"id": record["id"], "status": record["status"]},
            },
        }


def options(**changes):
    values = dict(
        name="web01",
        state="present",
        folder="VSS > Development > Web",
        image=IMAGE,
        os="centos7_64Guest",
        networks=["VSS-Public"],
        disks=[40],
        usage="Test",
        client="EIS",
        description="Web server",
        wait=True,
        wait_timeout=60,
        poll_interval=5.0,
    )
    values.update(changes)
    return values


def run(api, check_mode=False, diff=False, **changes):
    warnings = []
    clock = FakeClock()
    vm_run = VmRun(
        api,
        check_options(options(**changes)),
        check_mode=check_mode,
        diff=diff,
        warn=warnings.append,
        clock=clock,
        sleep=clock.sleep,
    )
    return vm_run.execute(), warnings


def run_result(api, **kwargs):
    return run(api, **kwargs)[0]


def test_deploy_posts_once_and_waits_for_the_vm():
    api = FakeApi()

    result, warnings = run(api)

    assert result["changed"] is True
    assert result["msg"] == f"deployed web01 from {IMAGE}"
    assert result["vm"] == {
        "name": "web01",
        "full_name": "2612T-web01",
        "moref": "vm-1000",
        "uuid": "5000-0",
        "folder": WEB,
    }
    assert result["request"] == {"id": 1, "status": "PROCESSED", "warnings": [], "errors": []}
    posts = api.writes()
    assert len(posts) == 1
    assert (
        posts[0][2]["folder"] == "group-v1002" and posts[0][2]["networks"][0]["network"] == "dvportgroup-11"
    )
    assert warnings == []


def test_rerun_is_unchanged_and_sends_nothing():
    api = FakeApi()
    run(api)
    api.calls.clear()

    result = run_result(api, folder="VSS >Development> Web >")

    assert result["changed"] is False
    assert result["vm"]["moref"] == "vm-1000"
    assert api.writes() == []
    assert not any(call[1] in ("v2/os", "v2/network", "v2/image") for call in api.calls)


def test_vm_lookup_narrows_by_name_on_the_server():
    api = FakeApi()
    run(api)
    vm_lists = [call for call in api.calls if call[:2] == ("LIST", "v2/vm")]
    request_lists = [call for call in api.calls if call[:2] == ("LIST", "v2/request/new")]
    assert vm_lists[0][2] == {"filter": "name,like,%web01"}
    assert request_lists[0][2] == {"filter": "vm_name,like,%web01"}


def test_check_mode_resolves_everything_and_sends_nothing():
    api = FakeApi()

    result = run_result(api, check_mode=True, diff=True, user_data="#cloud-config\npassword: hunter2\n")

    assert result["changed"] is True
    assert result["msg"] == f"would deploy web01 from {IMAGE}"
    assert api.writes() == []
    read = {call[1] for call in api.calls}
    assert {"v2/folder", "v2/os", "v2/network", "v2/image", "v2/vm", "v2/request/new"} <= read
    after = result["diff"]["after"]
    assert after["source_image"] == IMAGE and after["folder"] == "group-v1002"
    assert "hunter2" not in repr(result)


def test_check_mode_is_ok_when_the_vm_exists():
    api = FakeApi()
    api.add_vm("2612T-web01", WEB)
    result = run_result(api, check_mode=True)
    assert result["changed"] is False
    assert api.writes() == []


def test_check_mode_still_reports_unknown_names():
    api = FakeApi()
    with pytest.raises(VssOptionError, match="no network is named 'Nowhere'"):
        run(api, check_mode=True, networks=["Nowhere"])
    assert api.writes() == []


def test_unknown_image_path_fails_before_the_post():
    api = FakeApi()
    with pytest.raises(VssOptionError) as caught:
        run(api, image="images/centos_64-bit_vmx11.ova")
    assert "no image has the path" in str(caught.value) and f"'{IMAGE}'" in str(caught.value)
    assert api.writes() == []


def test_a_same_named_vm_in_another_folder_is_left_alone():
    api = FakeApi()
    other = api.add_vm("2611T-web01", PROD_WEB)

    result, warnings = run(api)

    assert result["changed"] is True
    assert result["vm"]["moref"] != other["moref"]
    assert other in api.vms
    assert any("other folders" in warning for warning in warnings)


def test_two_vms_of_the_name_in_the_folder_is_an_error():
    api = FakeApi()
    api.add_vm("2611T-web01", WEB)
    api.add_vm("2612P-web01", WEB)
    with pytest.raises(VssRequestError, match="2 VMs are called 'web01'"):
        run(api)
    assert api.writes() == []


def test_a_vm_built_from_another_image_gives_a_warning_not_a_redeploy():
    api = FakeApi()
    api.add_vm("2612T-web01", WEB, source_image="images/Ubuntu_64-bit-vmx10.ova")

    result, warnings = run(api)

    assert result["changed"] is False
    assert api.writes() == []
    assert any("images/Ubuntu_64-bit-vmx10.ova" in warning for warning in warnings)


def test_names_that_only_contain_ours_are_not_ours():
    api = FakeApi()
    api.add_vm("2612T-xweb01", WEB)
    api.add_vm("2612T-web011", WEB)
    result = run_result(api)
    assert result["changed"] is True


def test_a_pending_deploy_from_an_earlier_run_is_waited_for_not_resubmitted():
    api = FakeApi()
    pending = api.add_request(
        "new",
        ["IN_PROGRESS", "IN_PROGRESS", "PROCESSED"],
        vm_name="2612T-web01",
        vm_moref=None,
        folder=WEB["moref"],
    )
    api.requests["new"][pending["id"]]["on_done"] = lambda done: done.update(
        vm_moref="vm-2000", vm_uuid="u-2000"
    )

    result = run_result(api)

    assert api.writes() == []
    assert result["changed"] is False
    assert result["vm"]["moref"] == "vm-2000"
    assert result["request"]["status"] == "PROCESSED"


def test_a_pending_deploy_in_another_folder_does_not_count():
    api = FakeApi()
    api.add_request("new", ["IN_PROGRESS"], vm_name="2612T-web01", folder=PROD_WEB["moref"])
    result = run_result(api)
    assert result["changed"] is True
    assert len(api.writes()) == 1


def test_a_failed_earlier_deploy_does_not_count():
    api = FakeApi()
    api.add_request("new", ["ERROR"], vm_name="2612T-web01", folder=WEB["moref"])
    result = run_result(api)
    assert result["changed"] is True


def test_a_deploy_ending_in_error_fails_with_its_message():
    api = FakeApi(deploy_statuses=["PENDING", "ERROR"])
    original_post = api.post

    def post(path, payload=None):
        reply = original_post(path, payload)
        api.requests["new"][1]["record"]["message"] = {"warnings": [], "errors": ["insufficient quota"]}
        return reply

    api.post = post
    with pytest.raises(VssRequestError) as caught:
        run(api)
    assert "request 1" in str(caught.value) and "ERROR" in str(caught.value)
    assert "insufficient quota" in str(caught.value)


def test_a_deploy_that_never_finishes_fails_at_the_deadline():
    api = FakeApi(deploy_statuses=["IN_PROGRESS"])
    with pytest.raises(VssRequestError, match="may still complete on the server"):
        run(api, wait_timeout=30, poll_interval=5.0)
    assert len(api.writes()) == 1


def test_wait_false_returns_the_request_at_once():
    api = FakeApi()
    result = run_result(api, wait=False)
    assert result["changed"] is True
    assert result["request"]["id"] == 1 and result["request"]["status"] == "PENDING"
    assert result["vm"]["moref"] is None
    assert not any(call[0] == "GET" for call in api.calls)


@pytest.mark.parametrize(
    "error",
    [
        VssConnectionError("no reply within 30s for POST https://vss.example.test/v2/vm"),
        VssHTTPError("POST", "https://vss.example.test/v2/vm", 502, "Bad Gateway"),
    ],
)
def test_a_post_with_an_unknown_outcome_is_not_repeated(error):
    api = FakeApi()
    api.post_error = error

    with pytest.raises(VssRequestError) as caught:
        run(api)

    assert len(api.writes()) == 1
    assert "may or may not have reached the service" in str(caught.value)
    assert "run the task again" in str(caught.value)


def test_a_post_refused_by_the_service_fails_as_it_is():
    api = FakeApi()
    api.post_error = VssHTTPError("POST", "https://vss.example.test/v2/vm", 400, "Bad Request", "bad folder")
    with pytest.raises(VssHTTPError, match="bad folder"):
        run(api)
    assert len(api.writes()) == 1


def test_absent_removes_the_vm_and_waits():
    api = FakeApi()
    api.add_vm("2612T-web01", WEB)

    result = run_result(api, state="absent")

    assert result["changed"] is True
    assert api.writes() == [("DELETE", "v2/vm/vm-1000")]
    assert result["request"]["status"] == "PROCESSED"
    assert ("GET", "v2/request/change/1") in api.calls
    assert api.vms == []


def test_absent_in_check_mode_sends_nothing():
    api = FakeApi()
    api.add_vm("2612T-web01", WEB)
    result = run_result(api, state="absent", check_mode=True, diff=True)
    assert result["changed"] is True and result["msg"] == "would remove 2612T-web01 (vm-1000)"
    assert result["diff"]["before"]["moref"] == "vm-1000" and result["diff"]["after"] == {}
    assert api.writes() == []


def test_absent_when_missing_is_ok():
    api = FakeApi()
    api.add_vm("2612T-web01", PROD_WEB)
    result = run_result(api, state="absent")
    assert result["changed"] is False
    assert api.writes() == []


def test_absent_waits_for_a_pending_deploy_then_removes_it():
    api = FakeApi()
    pending = api.add_request("new", ["IN_PROGRESS", "PROCESSED"], vm_name="2612T-web01", folder=WEB["moref"])
    api.requests["new"][pending["id"]]["on_done"] = lambda done: api.add_vm("2612T-web01", WEB)

    result = run_result(api, state="absent")

    assert result["changed"] is True
    assert api.writes() == [("DELETE", "v2/vm/vm-1000")]


def test_absent_without_wait_refuses_to_race_a_pending_deploy():
    api = FakeApi()
    api.add_request("new", ["IN_PROGRESS"], vm_name="2612T-web01", folder=WEB["moref"])
    with pytest.raises(VssRequestError, match="still being deployed"):
        run(api, state="absent", wait=False)
    assert api.writes() == []
