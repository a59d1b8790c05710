# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Change requests: status classification, submission replies, and the wait loop on a fake clock
(and, where the client's own retries matter, against a scripted server on loopback)."""

import time

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import (
    FAILURE,
    PENDING,
    SUCCESS,
    UNKNOWN,
    classify_status,
    is_unfinished,
    poll_path,
    request_messages,
    request_summary,
    submit_once,
    submitted_request,
    wait_for_request,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssConnectionError,
    VssHTTPError,
    VssRequestError,
    VssResponseError,
)

BASE_URL = "https://vss.example.test/gw"
REQUEST_PATH = "v2/request/new/42"


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps (or a poll takes time)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedClient:
    """Answers each GET with the next scripted reply (a status string, a body dict or an exception).

    The last entry repeats for ever. ``poll_seconds`` is how long each GET takes on the fake clock;
    like the real client, a GET given a shorter ``timeout`` gives up when it runs out.
    """

    def __init__(self, clock, script, poll_seconds=0.0):
        self.base_url = BASE_URL
        self.accepted_writes = 0
        self.timeout = 30.0
        self.timeouts = []
        self.clock = clock
        self.script = list(script)
        self.poll_seconds = poll_seconds
        self.paths = []

    def url(self, path):
        return f"{self.base_url}/{path}"

    def get(self, path, params=None, timeout=None):
        self.paths.append(path)
        self.timeouts.append(timeout)
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        if self.poll_seconds > limit:
            self.clock.now += limit
            raise VssConnectionError(f"no reply within {limit:g}s for GET {self.url(path)}")
        self.clock.now += self.poll_seconds
        entry = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(entry, Exception):
            raise entry
        if isinstance(entry, str):
            return {"data": {"id": 42, "status": entry, "message": {"warnings": [], "errors": []}}}
        return entry


def server_error(status=500):
    return VssHTTPError("GET", f"{BASE_URL}/{REQUEST_PATH}", status, "Internal Server Error", "boom")


def wait(client, clock, warnings=None, **kwargs):
    kwargs.setdefault("wait_timeout", 30)
    kwargs.setdefault("poll_interval", 5)
    sink = warnings.append if warnings is not None else None
    return wait_for_request(
        client, REQUEST_PATH, what="the deploy of web01", warn=sink, clock=clock, sleep=clock.sleep, **kwargs
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PROCESSED", SUCCESS),
        ("Processed", SUCCESS),
        ("processed", SUCCESS),
        ("SCHEDULED", SUCCESS),
        ("ERROR", FAILURE),
        ("ERROR_RETRY", FAILURE),
        ("Error Retry", FAILURE),
        ("REFUSED", FAILURE),
        ("CANCELLED", FAILURE),
        ("MISSED", FAILURE),
        ("SUBMITTED", PENDING),
        ("PENDING", PENDING),
        ("IN_PROGRESS", PENDING),
        ("In Progress", PENDING),
        ("in progress", PENDING),
        ("APPROVAL_REQUIRED", PENDING),
        ("Approved", PENDING),
        ("QUEUED_FOR_LUNCH", UNKNOWN),
        ("", UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_classify_status_ignores_case_spaces_and_underscores(status, expected):
    assert classify_status(status) == expected


@pytest.mark.parametrize(
    ("status", "unfinished"),
    [("PENDING", True), ("Something New", True), ("PROCESSED", False), ("ERROR", False)],
)
def test_unfinished_means_pending_or_unknown(status, unfinished):
    assert is_unfinished(status) is unfinished


@pytest.mark.parametrize(
    ("record", "warnings", "errors"),
    [
        (
            {"status": "ERROR", "message": {"warnings": ["slow"], "errors": ["insufficient quota"]}},
            ["slow"],
            ["insufficient quota"],
        ),
        ({"status": "ERROR", "message": "insufficient quota"}, [], ["insufficient quota"]),
        ({"status": "PROCESSED", "message": "done with notes"}, ["done with notes"], []),
        ({"status": "PROCESSED", "message": {"warnings": None, "errors": [None, ""]}}, [], []),
        ({"status": "PROCESSED"}, [], []),
    ],
)
def test_request_messages(record, warnings, errors):
    assert request_messages(record) == (warnings, errors)


def test_request_summary_has_the_four_documented_keys():
    record = {"id": 7, "status": "PENDING", "task_id": "t", "message": {"warnings": [], "errors": []}}
    assert request_summary(record) == {"id": 7, "status": "PENDING", "warnings": [], "errors": []}


def test_submitted_request_reads_the_service_reply():
    link = f"{BASE_URL}/v2/request/new/42"
    reply = {
        "_links": {"request": link},
        "data": {
            "_links": {"request": link},
            "request": {"id": 42, "status": "PENDING", "task_id": "abc"},
            "status": 202,
        },
    }
    assert submitted_request(reply) == ({"id": 42, "status": "PENDING", "task_id": "abc"}, link)


def test_submitted_request_takes_the_id_from_the_link_when_the_record_lacks_it():
    reply = {"data": {"status": 202, "_links": {"request": f"{BASE_URL}/v2/request/change/9?x=1"}}}
    record, link = submitted_request(reply)
    assert record == {"id": "9"}
    assert link.endswith("/v2/request/change/9?x=1")


def test_submitted_request_of_an_empty_reply():
    assert submitted_request({}) == ({}, None)


def test_submitted_request_without_a_data_object_is_unexpected():
    with pytest.raises(VssResponseError, match="unexpected response"):
        submitted_request({"data": ["not", "an", "object"]})


class BaseOnly:
    base_url = BASE_URL


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (f"{BASE_URL}/v2/request/new/42", "v2/request/new/42"),
        (f"{BASE_URL}/v2/request/new/42?expand=1", "v2/request/new/42"),
        ("https://elsewhere.example.test/v2/request/new/42", "v2/request/new/42"),
        ("https://vss.example.test/v2/request/new/42", "v2/request/new/42"),
        (None, "v2/request/new/42"),
    ],
)
def test_poll_path_follows_only_links_on_the_base_url(link, expected):
    assert poll_path(BaseOnly(), link, "v2/request/new", 42) == expected


def test_poll_path_keeps_a_link_path_on_the_base_url_as_given():
    assert (
        poll_path(BaseOnly(), f"{BASE_URL}/v2/request/other/5", "v2/request/new", 42) == "v2/request/other/5"
    )


def test_pending_in_progress_processed_returns_the_finished_record():
    clock = FakeClock()
    done = {"data": {"id": 42, "status": "PROCESSED", "vm_moref": "vm-1004", "vm_name": "2612T-web01"}}
    client = ScriptedClient(clock, ["PENDING", "IN_PROGRESS", done])

    record = wait(client, clock)

    assert record["vm_moref"] == "vm-1004"
    assert clock.sleeps == [5, 5]
    assert client.paths == [REQUEST_PATH] * 3


def test_older_server_spelling_of_statuses_is_understood():
    clock = FakeClock()
    client = ScriptedClient(clock, ["Pending", "In Progress", "Processed"])
    assert wait(client, clock)["status"] == "Processed"


def test_error_fails_at_once_with_id_status_and_message():
    clock = FakeClock()
    failed = {
        "data": {"id": 42, "status": "ERROR", "message": {"warnings": [], "errors": ["insufficient quota"]}}
    }
    client = ScriptedClient(clock, ["PENDING", failed, "PROCESSED"])

    with pytest.raises(VssRequestError) as caught:
        wait(client, clock)

    text = str(caught.value)
    assert "request 42" in text and "ERROR" in text and "insufficient quota" in text
    assert caught.value.request == {
        "id": 42,
        "status": "ERROR",
        "warnings": [],
        "errors": ["insufficient quota"],
    }
    assert len(client.paths) == 2
    assert clock.sleeps == [5]


@pytest.mark.parametrize("status", ["CANCELLED", "Refused", "MISSED", "ERROR_RETRY"])
def test_other_failure_statuses_fail_at_once(status):
    clock = FakeClock()
    client = ScriptedClient(clock, [status])
    with pytest.raises(VssRequestError, match=f"ended with status {status}"):
        wait(client, clock)
    assert clock.sleeps == []


def test_in_progress_for_ever_fails_at_the_deadline_saying_it_may_still_complete():
    clock = FakeClock()
    client = ScriptedClient(clock, ["IN_PROGRESS"])
    started = clock.now

    with pytest.raises(VssRequestError) as caught:
        wait(client, clock, wait_timeout=30, poll_interval=5)

    text = str(caught.value)
    assert clock.now - started == pytest.approx(30)
    assert sum(clock.sleeps) == pytest.approx(30)
    assert len(client.paths) == 7
    assert "within 30s" in text and "last status IN_PROGRESS" in text
    assert "may still complete on the server" in text and "request 42" in text
    assert caught.value.request["status"] == "IN_PROGRESS"


def test_the_last_sleep_is_no_longer_than_what_is_left():
    clock = FakeClock()
    client = ScriptedClient(clock, ["PENDING"])
    with pytest.raises(VssRequestError):
        wait(client, clock, wait_timeout=12, poll_interval=5)
    assert clock.sleeps == [5, 5, 2]


def test_an_unknown_status_keeps_waiting_and_is_named_at_the_deadline():
    clock = FakeClock()
    warnings = []
    client = ScriptedClient(clock, ["QUEUED_FOR_LUNCH"])

    with pytest.raises(VssRequestError) as caught:
        wait(client, clock, warnings)

    assert "last status QUEUED_FOR_LUNCH" in str(caught.value)
    assert "does not know" in str(caught.value)
    assert len(client.paths) == 7
    assert len([w for w in warnings if "QUEUED_FOR_LUNCH" in w]) == 1


def test_an_unknown_status_that_turns_into_success_succeeds():
    clock = FakeClock()
    client = ScriptedClient(clock, ["QUEUED_FOR_LUNCH", "PROCESSED"])
    assert wait(client, clock)["status"] == "PROCESSED"


def test_a_poll_answering_500_is_tried_again_and_the_wait_succeeds():
    clock = FakeClock()
    warnings = []
    client = ScriptedClient(clock, ["PENDING", server_error(500), "PROCESSED"])

    record = wait(client, clock, warnings)

    assert record["status"] == "PROCESSED"
    assert clock.sleeps == [5, 5]
    assert any("HTTP 500" in warning for warning in warnings)


def test_polls_failing_until_the_deadline_fail_with_the_last_problem():
    clock = FakeClock()
    client = ScriptedClient(
        clock, ["PENDING", VssConnectionError("cannot reach GET x: [Errno 111] Connection refused")]
    )

    with pytest.raises(VssRequestError) as caught:
        wait(client, clock)

    text = str(caught.value)
    assert "last status PENDING" in text and "Connection refused" in text
    assert clock.now - 1000.0 == pytest.approx(30)


def test_slow_polls_do_not_move_the_deadline():
    clock = FakeClock()
    client = ScriptedClient(clock, ["IN_PROGRESS"], poll_seconds=20)

    with pytest.raises(
        VssRequestError, match="did not finish within 30s after 2 polls: last status IN_PROGRESS"
    ):
        wait(client, clock, wait_timeout=30, poll_interval=5)

    # The first poll answers after 20 s; the second, begun at 25 s, is given the 5 s left and gives up.
    assert len(client.paths) == 2
    assert clock.sleeps == [5]
    assert clock.now - 1000.0 == pytest.approx(30)


def test_each_poll_is_given_no_more_than_the_time_left():
    clock = FakeClock()
    client = ScriptedClient(clock, ["IN_PROGRESS"], poll_seconds=1)

    with pytest.raises(VssRequestError):
        wait(client, clock, wait_timeout=5, poll_interval=1.8)

    # 5 s left for the first poll (not the client's 30 s), 2.2 s for the second, the 1 s floor for the last
    assert client.timeouts == pytest.approx([5, 2.2, 1.0])


def test_a_wait_that_never_read_a_status_still_returns_the_request_id():
    clock = FakeClock()
    client = ScriptedClient(clock, [server_error(503)])

    with pytest.raises(VssRequestError) as caught:
        wait(client, clock, wait_timeout=10, poll_interval=5)

    assert caught.value.request["id"] == 42
    assert caught.value.request["status"] is None
    assert "(request 42)" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_while_polling_are_not_retried(status):
    clock = FakeClock()
    client = ScriptedClient(clock, [server_error(status), "PROCESSED"])
    with pytest.raises(VssRequestError) as caught:
        wait(client, clock)
    assert len(client.paths) == 1
    # The request was submitted: the failure says so, and how to follow it, rather than blaming api_url.
    assert str(caught.value).startswith(
        f"the deploy of web01 (request 42) was submitted, but following it failed: HTTP {status}"
    )
    assert str(caught.value).endswith(
        f"it may still complete on the server: follow request 42 at {BASE_URL}/{REQUEST_PATH}"
    )
    assert caught.value.request == dict(id=42, status=None, warnings=[], errors=[])


@pytest.mark.parametrize(
    "body",
    [{"data": {"id": 42}}, {"data": {"id": 42, "status": None}}, {"data": ["x"]}, {"nodata": True}],
)
def test_a_poll_without_a_status_is_an_unexpected_response(body):
    clock = FakeClock()
    client = ScriptedClient(clock, [body])
    with pytest.raises(VssResponseError, match="unexpected response"):
        wait(client, clock)


def real_client(httpserver, retries=4):
    from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient

    url = httpserver.url_for("/").rstrip("/")
    return VssClient(dict(api_url=url, token="t0ken", timeout=5.0, retries=retries, verify=True))


def test_the_client_retrying_a_throttled_poll_does_not_carry_the_wait_past_its_deadline(httpserver):
    httpserver.expect_request("/" + REQUEST_PATH).respond_with_data(
        "", status=429, headers={"Retry-After": "10"}
    )
    client = real_client(httpserver, retries=4)
    started = time.monotonic()

    with pytest.raises(VssRequestError, match="did not finish within 2s .* the last poll failed: HTTP 429"):
        wait_for_request(client, REQUEST_PATH, wait_timeout=2, poll_interval=0.5)

    assert time.monotonic() - started < 3.5


def test_a_write_whose_reply_cannot_be_read_is_reported_as_taken_and_not_sent_again(httpserver):
    httpserver.expect_request("/v2/vm", method="POST").respond_with_json({"status": "ok"})
    client = real_client(httpserver)

    with pytest.raises(VssRequestError) as caught:
        submit_once(client, "POST", "v2/vm", {"name": "web01"}, what="web01", hint="run the task again")

    assert str(caught.value) == (
        f"POST {client.url('v2/vm')} for web01 was accepted, but its reply cannot be read: unexpected "
        f"response from POST {client.url('v2/vm')}: no 'data' in the reply; run the task again"
    )
    assert caught.value.changed is True
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_write_answered_with_a_server_error_is_not_sent_again(httpserver, status):
    httpserver.expect_request("/v2/vm/vm-1", method="DELETE").respond_with_data("", status=status)
    client = real_client(httpserver)

    with pytest.raises(
        VssRequestError, match=f"may or may not have reached the service: HTTP {status}"
    ) as caught:
        submit_once(client, "DELETE", "v2/vm/vm-1", what="web01")

    assert caught.value.changed is False
    assert len(httpserver.log) == 1


def test_a_write_answered_by_a_sign_on_page_may_not_have_reached_the_service(httpserver):
    httpserver.expect_request("/v2/vm", method="POST").respond_with_data(
        "<html><body><form>Sign in</form></body></html>", content_type="text/html"
    )
    client = real_client(httpserver)

    with pytest.raises(
        VssRequestError, match="may or may not have reached the service: expected JSON"
    ) as caught:
        submit_once(client, "POST", "v2/vm", {"name": "web01"}, what="web01")

    assert caught.value.changed is False
    assert client.accepted_writes == 0
