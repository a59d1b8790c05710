# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Syncing the personal images (image_sync), against the real emulator."""

import json

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import check_wait_options
from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssHTTPError,
    VssOptionError,
    VssRequestError,
)
from ansible_collections.utoronto.vss.plugins.module_utils.image_sync import (
    changed_paths,
    run_sync,
    sync_images,
)
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings

testing = pytest.importorskip("vss_emulator.testing")

LATE = "[vssUser-xfers] demo/images/late.ova"
PARAMS = dict(wait_timeout=30, poll_interval=0.05)


@pytest.fixture
def start(tmp_path):
    """Start emulators with one unsynced personal file, stopped at the end of the test."""
    started = []

    def launch(*args):
        extra = tmp_path / "extra.json"
        extra.write_text(json.dumps([{"name": "late.ova", "path": LATE, "personal": True, "synced": False}]))
        started.append(testing.Emulator(["--request-delay", "0.2", "--extra-images", str(extra), *args]))
        return started[-1]

    yield launch
    for emulator in started:
        emulator.stop()


def client_for(emulator):
    return VssClient(
        client_settings({"api_url": emulator.url, "token": "demo-token", "timeout": 10, "retries": 0})
    )


def test_a_sync_reports_what_it_added_and_a_second_one_changes_nothing(start):
    emulator = start()
    client = client_for(emulator)

    first = run_sync(client, PARAMS)
    assert first["changed"] is True
    assert first["added"] == [LATE]
    assert first["deleted"] == []
    assert first["request"]["status"] == "PROCESSED"
    assert first["msg"] == "synced the personal images: 1 added, 0 deleted"

    second = run_sync(client, PARAMS)
    assert second["changed"] is False
    assert (second["added"], second["deleted"]) == ([], [])
    assert emulator.stats()["by_route"]["PATCH /v2/user/image/vm"] == 2


def test_check_mode_sends_nothing(start):
    emulator = start()
    result = run_sync(client_for(emulator), PARAMS, check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("would sync")
    assert emulator.stats()["total"] == 0


def test_the_diff_shows_the_listing_before_and_after(start):
    result = run_sync(client_for(start()), PARAMS, diff=True)
    assert LATE not in result["diff"]["before"]
    assert f"{LATE}\n" in result["diff"]["after"]
    assert result["diff"]["before_header"] == "v2/user/image/vm"


def test_a_sync_whose_submission_got_a_server_error_is_not_sent_again(start):
    emulator = start("--fault", "503:1@PATCH /v2/user/image/vm")
    with pytest.raises(VssRequestError, match="may or may not have reached the service.*not sent again"):
        sync_images(client_for(emulator), 30, 0.05)
    assert emulator.stats()["by_route"]["PATCH /v2/user/image/vm"] == 1


def test_a_refused_sync_is_the_server_s_error(start):
    emulator = start("--fault", "403:1@PATCH /v2/user/image/vm")
    with pytest.raises(VssHTTPError, match="HTTP 403"):
        sync_images(client_for(emulator), 30, 0.05)


def test_a_sync_that_does_not_finish_in_time_names_its_request(start):
    emulator = start("--request-delay", "30")
    with pytest.raises(VssRequestError, match=r"the image sync \(request 1\) did not finish within 1s"):
        sync_images(client_for(emulator), 1, 0.2)


@pytest.mark.parametrize(
    "wait_timeout, poll_interval, option",
    [(0, 1, "wait_timeout"), (10, 0, "poll_interval"), (10, 10, "poll_interval"), (True, 1, "wait_timeout")],
)
def test_wait_options_are_checked_before_anything_is_sent(wait_timeout, poll_interval, option):
    with pytest.raises(VssOptionError, match=f"^option '{option}'"):
        check_wait_options(wait_timeout, poll_interval)


def test_changed_paths_take_strings_and_records():
    assert changed_paths(None) == []
    assert changed_paths("a.ova") == ["a.ova"]
    assert changed_paths(["a.ova", {"path": "b.ovf"}, {"name": "c.ova"}, "", None]) == [
        "a.ova",
        "b.ovf",
        "c.ova",
    ]
