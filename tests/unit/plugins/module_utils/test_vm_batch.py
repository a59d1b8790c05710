# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Several VMs in one run, against the emulator: all checked first, all submitted, then all waited for."""

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError, VssResponseError
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings
from ansible_collections.utoronto.vss.plugins.module_utils.vm_batch import BatchRun


def with_broken_image(folder):
    images = folder / "images.yml"
    images.write_text("- {name: broken-appliance.ova, path: images/broken-appliance.ova}\n")
    return ["--request-delay", "0.5", "--extra-images", str(images)]


EMULATORS = {"emulator": with_broken_image, "slow_emulator": ["--request-delay", "60"]}
BATCH = dict(wait=True, wait_timeout=30, poll_interval=0.1)
COMMON = dict(
    image="images/xenial-server-cloudimg-amd64.ova",
    os="ubuntu64Guest",
    folder="VSS > Development > Web",
    networks=["VSS-Dev-Web"],
    disks=[10],
    client="EIS",
    description="batch test",
)


class RecordingClient(VssClient):
    """A real client that remembers the method and path of every request, in order."""

    def __init__(self, settings):
        super().__init__(settings)
        self.calls = []

    def _send(self, method, url, envelope=True, timeout=None, **kwargs):
        self.calls.append((method, url[len(self.base_url) :]))
        return super()._send(method, url, envelope, timeout, **kwargs)


def run(emulator, names, check_mode=False, batch=None, **changes):
    client = RecordingClient(
        client_settings({"api_url": emulator.url, "token": "demo-token", "timeout": 10, "retries": 0})
    )
    entries = [dict(COMMON, name=name, **changes.get(name, {})) for name in names]
    outcome = BatchRun(client, entries, dict(BATCH, **(batch or {})), check_mode=check_mode).execute()
    return outcome, client.calls


def test_every_vm_is_submitted_before_any_is_waited_for_and_listings_are_read_once(emulator):
    outcome, calls = run(emulator, ["bt01", "bt02", "bt03"])

    assert outcome["changed"] is True and outcome["failed"] == []
    assert [vm["name"] for vm in outcome["vms"]] == ["bt01", "bt02", "bt03"]
    assert all(vm["request"]["status"] == "PROCESSED" and vm["vm"]["moref"] for vm in outcome["vms"])
    posts = [position for position, (method, _path) in enumerate(calls) if method == "POST"]
    polls = [position for position, (_m, path) in enumerate(calls) if path.startswith("/v2/request/new/")]
    assert len(posts) == 3 and max(posts) < min(polls)
    for listing in ("/v2/folder", "/v2/network", "/v2/os"):
        assert sum(path.startswith(listing) for _method, path in calls) == 1, listing


def test_a_rerun_changes_nothing_and_sends_no_deploy(emulator):
    run(emulator, ["bt11", "bt12"])

    outcome, calls = run(emulator, ["bt11", "bt12"])

    assert outcome["changed"] is False
    assert [vm["msg"] for vm in outcome["vms"]] == [
        f"{vm['vm']['full_name']} already exists" for vm in outcome["vms"]
    ]
    assert not [call for call in calls if call[0] != "GET"]


def test_bad_vms_among_good_ones_stop_the_batch_naming_each_before_anything_is_sent(emulator):
    emulator.count("POST /v2/vm")
    with pytest.raises(VssOptionError) as caught:
        run(
            emulator,
            ["bt21", "bad name", "bt23", "bt24", "bt25"],
            bt23={"networks": ["nope"]},
            bt24={"usage": "Lab"},
            bt25={"colour": "blue"},
        )

    message = str(caught.value)
    assert message.startswith(
        "option 'vms': 4 of 5 VMs cannot be deployed (none was deployed): VM 'bad name': "
    )
    assert "; VM 'bt23': option 'networks[0]': no network is named 'nope'" in message
    assert "; VM 'bt24': value of usage must be one of: Prod, Test, Dev, QA, got: Lab" in message
    assert "; VM 'bt25': unknown option(s) colour; allowed: client, cpu, " in message
    assert "bt21" not in message
    assert emulator.count("POST /v2/vm") == 0


def test_a_name_given_twice_is_refused(emulator):
    with pytest.raises(
        VssOptionError, match="VM 'bt31': option 'name': is given to another VM of the batch too"
    ):
        run(emulator, ["bt31", "bt31"])


def test_a_name_with_the_service_s_prefix_counts_as_the_same_name(emulator):
    with pytest.raises(
        VssOptionError, match="VM 'bt32': option 'name': is given to another VM of the batch too"
    ):
        run(emulator, ["2612T-bt32", "bt32"])


@pytest.fixture
def slow_emulator(shared_emulator):
    """Deploys take a minute here."""
    return shared_emulator("slow_emulator")


def test_requests_unfinished_at_the_shared_deadline_each_name_the_configured_wait_timeout(slow_emulator):
    outcome, _calls = run(slow_emulator, ["bt71", "bt72"], batch={"wait_timeout": 1, "poll_interval": 0.4})

    first, second = outcome["vms"]
    assert outcome["failed"] == ["bt71", "bt72"]
    assert (
        "the deploy of bt71 (request " in first["msg"] and " did not finish within 1s after " in first["msg"]
    )
    # the deadline had passed when bt72's turn came: one look, and the same wait_timeout named
    assert " did not finish within 1s after 1 poll: last status " in second["msg"]
    assert first["request"]["id"] != second["request"]["id"]


def test_a_failing_deploy_is_reported_beside_the_good_ones(emulator):
    outcome, _calls = run(emulator, ["bt41", "bt42"], bt42={"image": "images/broken-appliance.ova"})

    good, broken = outcome["vms"]
    assert outcome["failed"] == ["bt42"]
    assert good["failed"] is False and good["request"]["status"] == "PROCESSED"
    assert broken["failed"] is True and broken["changed"] is True
    assert "ended with status ERROR" in broken["msg"] and broken["request"]["status"] == "ERROR"


def test_check_mode_resolves_everything_and_sends_nothing(emulator):
    outcome, calls = run(emulator, ["bt51", "bt52"], check_mode=True)

    assert outcome["changed"] is True
    assert [vm["msg"] for vm in outcome["vms"]] == [
        "would deploy bt51 from images/xenial-server-cloudimg-amd64.ova",
        "would deploy bt52 from images/xenial-server-cloudimg-amd64.ova",
    ]
    assert all(method == "GET" for method, _path in calls)


def test_without_wait_every_request_is_returned_as_submitted(emulator):
    outcome, calls = run(emulator, ["bt61", "bt62"], batch={"wait": False})

    assert [vm["msg"].startswith("deploy of ") for vm in outcome["vms"]] == [True, True]
    assert all(vm["request"]["id"] is not None for vm in outcome["vms"])
    assert not [path for _method, path in calls if path.startswith("/v2/request/new/")]


class UnreadableDeployReplies(RecordingClient):
    """The service takes each deploy, but the reply arrives without its 'data'."""

    def post(self, path, payload=None):
        super().post(path, payload)
        raise VssResponseError(f"unexpected response from POST {self.url(path)}: no 'data' in the reply")


def test_a_deploy_taken_without_a_readable_reply_is_changed_failed_and_found_by_the_rerun(emulator):
    settings = client_settings({"api_url": emulator.url, "token": "demo-token", "timeout": 10, "retries": 0})
    client = UnreadableDeployReplies(settings)
    outcome = BatchRun(client, [dict(COMMON, name="bt81")], dict(BATCH)).execute()

    (vm,) = outcome["vms"]
    assert outcome["failed"] == ["bt81"] and outcome["changed"] is True
    assert vm["failed"] is True and vm["changed"] is True
    assert "was accepted, but its reply cannot be read" in vm["msg"] and "run the task again" in vm["msg"]
    assert sum(method == "POST" for method, _path in client.calls) == 1

    rerun, calls = run(emulator, ["bt81"])
    assert rerun["failed"] == [] and rerun["vms"][0]["changed"] is False
    assert not any(method == "POST" for method, _path in calls)
