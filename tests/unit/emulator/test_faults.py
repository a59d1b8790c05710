# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Each fault switch, scoped to its own path so that one emulator serves them all, and the request counts."""

import time

import pytest
import requests

from vss_emulator.faults import FaultSpecError, parse_fault

FAULTS = (
    "--fault=429:2@/v2/os/1",
    "--fault=429:forever@/v2/os/2",
    "--fault=500:1@/v2/os/3",
    "--fault=502:1@/v2/os/4",
    "--fault=503:1@/v2/os/5",
    "--fault=504:1@/v2/os/6",
    "--fault=reset:1@/v2/os/7",
    "--fault=html:401@/v2/os/8",
    "--fault=html:200@/v2/os/9",
    "--fault=slow:0.4@/v2/os/10",
    "--fault=html:401:1@/v2/user",
    "--fault=badjson@/v2/folder",
    "--fault=nodata@/v2/network",
    "--fault=500:1@POST /v2/vm",
    "--fault=503:1@GET:/v2/request/new",
)

LIST_FAULTS = (
    "--images",
    "18",
    "--page-cap",
    "5",
    "--fault=short-total@/v2/image",
    "--fault=repeat-page@/v2/user/image/vm",
    "--fault=pagecap:2@/v2/os",
    "--fault=ignore-query@/v2/folder",
)
EMULATORS = {"emulator": FAULTS, "lists": LIST_FAULTS}


def statuses(emulator, path, times):
    return [emulator.get(path).status_code for _attempt in range(times)]


def test_429_for_the_first_n_requests_with_retry_after(emulator):
    emulator.stats(reset=True)
    first = emulator.get("/v2/os/1")

    assert first.status_code == 429
    assert first.headers["Retry-After"] == "1"
    assert first.json()["message"].startswith("TooManyRequests: ")
    assert statuses(emulator, "/v2/os/1", 2) == [429, 200]
    assert emulator.stats()["by_route"] == {"GET /v2/os/1": 3}


def test_429_forever(emulator):
    assert statuses(emulator, "/v2/os/2", 5) == [429] * 5


@pytest.mark.parametrize("path, status", [("/v2/os/3", 500), ("/v2/os/5", 503), ("/v2/os/6", 504)])
def test_5xx_once_with_a_json_body_then_the_real_reply(emulator, path, status):
    first = emulator.get(path)
    second = emulator.get(path)

    assert first.status_code == status
    assert first.json()["status"] == status
    assert first.json()["error"]
    assert second.status_code == 200
    assert second.json()["data"]["id"] == int(path.rsplit("/", 1)[1])


def test_502_has_an_empty_body(emulator):
    first = emulator.get("/v2/os/4")

    assert first.status_code == 502
    assert first.content == b""
    assert emulator.get("/v2/os/4").status_code == 200


def test_reset_drops_the_connection_without_a_reply(emulator):
    emulator.stats(reset=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{emulator.url}/v2/os/7", headers={"Authorization": "Bearer demo-token"}, timeout=10)

    assert emulator.get("/v2/os/7").status_code == 200
    assert emulator.stats()["by_route"] == {"GET /v2/os/7": 2}


def test_html_error_page(emulator):
    response = emulator.get("/v2/os/8")

    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<h1>401 Unauthorized</h1>" in response.text


def test_html_200_is_a_single_sign_on_page(emulator):
    response = emulator.get("/v2/os/9")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<form" in response.text
    assert "sign in" in response.text.lower()


def test_html_with_a_count_stops_after_it(emulator):
    assert emulator.get("/v2/user").headers["Content-Type"].startswith("text/html")
    assert emulator.get("/v2/user").json()["data"]["username"] == "demo"


def test_slow_delays_each_reply(emulator):
    started = time.monotonic()
    response = emulator.get("/v2/os/10")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.4


def test_badjson_is_200_with_truncated_json(emulator):
    response = emulator.get("/v2/folder")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.text.startswith('{"_links":')
    with pytest.raises(ValueError):
        response.json()


def test_nodata_is_200_json_without_data(emulator):
    response = emulator.get("/v2/network", params={"expand": 1})

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["meta"]["pages"]["total"] == 6


def test_a_fault_scoped_to_a_method_leaves_the_other_methods_alone(emulator):
    assert emulator.get("/v2/vm").status_code == 200
    assert emulator.call("POST", "/v2/vm", json={}).status_code == 500
    assert emulator.call("POST", "/v2/vm", json={}).status_code == 400
    assert emulator.get("/v2/request/new").status_code == 503
    assert emulator.get("/v2/request/new").status_code == 200


def test_unscoped_paths_are_untouched(emulator):
    assert emulator.get("/v2/os").status_code == 200
    assert emulator.get("/v2/image").status_code == 200


def test_stats_count_by_route_and_reset(emulator):
    emulator.stats(reset=True)
    emulator.get("/v2/image")
    emulator.get("/v2/image", params={"name": "x"})
    emulator.get("/v2/image", token="wrong")
    emulator.get("/v2/os/2")
    emulator.call("OPTIONS", "/v2/image", token=None)

    counted = emulator.stats(reset=True)
    after_reset = emulator.stats()

    assert counted == {
        "total": 5,
        "by_route": {"GET /v2/image": 3, "GET /v2/os/2": 1, "OPTIONS /v2/image": 1},
    }
    assert after_reset == {"total": 0, "by_route": {}}


@pytest.fixture
def lists(shared_emulator):
    """18 generated images make 30 in all: with a cap of 5, exactly six full pages."""
    return shared_emulator("lists")


def test_short_total_claims_one_more_and_the_extra_page_is_empty(lists):
    first = lists.get("/v2/image", params={"expand": 1, "per_page": 5}).json()
    last = lists.get("/v2/image", params={"expand": 1, "per_page": 5, "page": 7}).json()

    assert first["meta"]["pages"]["total"] == 31
    assert first["meta"]["pages"]["pages"] == 7
    assert last["data"] == []
    assert last["meta"]["pages"]["next_url"] is None


def test_repeat_page_returns_page_one_for_later_pages(lists):
    first = lists.data("/v2/user/image/vm", params={"expand": 1, "per_page": 2})
    second = lists.data("/v2/user/image/vm", params={"expand": 1, "per_page": 2, "page": 2})

    assert len(first) == 2
    assert second == first


def test_pagecap_fault_caps_one_path(lists):
    capped = lists.get("/v2/os", params={"expand": 1, "per_page": 100}).json()["meta"]
    other = lists.get("/v2/network", params={"expand": 1, "per_page": 100}).json()["meta"]

    assert capped["pages"]["per_page"] == 2
    assert capped["count"] == 2
    assert other["pages"]["per_page"] == 5


def test_ignore_query_answers_every_record_at_once(lists):
    body = lists.get(
        "/v2/folder", params={"filter": "name,eq,Web", "per_page": 2, "sort": "name,desc"}
    ).json()

    assert len(body["data"]) == 9
    assert body["data"][0]["moref"] == "group-v1001"
    assert "pages" not in body["meta"]


@pytest.mark.parametrize(
    "spec, kind, status, limit, method, prefix",
    [
        ("429:3", "status", 429, 3, None, None),
        ("503", "status", 503, None, None, None),
        ("500:forever@/v2/image", "status", 500, None, None, "/v2/image"),
        ("500:1@post /v2/vm", "status", 500, 1, "POST", "/v2/vm"),
        ("reset:2", "reset", None, 2, None, None),
        ("html:200", "html", 200, None, None, None),
        ("badjson:1", "badjson", None, 1, None, None),
    ],
)
def test_fault_specs_are_read(spec, kind, status, limit, method, prefix):
    fault = parse_fault(spec)

    assert (fault.kind, fault.status, fault.limit, fault.method, fault.prefix) == (
        kind,
        status,
        limit,
        method,
        prefix,
    )


def test_slow_and_pagecap_specs_carry_their_numbers():
    assert parse_fault("slow:1.5:2").seconds == 1.5
    assert parse_fault("slow:1.5:2").limit == 2
    assert parse_fault("pagecap:7").page_cap == 7


@pytest.mark.parametrize(
    "spec",
    [
        "429:x",
        "429:0",
        "200:1",
        "999",
        "slow",
        "slow:-1",
        "html",
        "html:99",
        "pagecap:0",
        "bogus",
        "500:1@v2",
        "short-total:3",
    ],
)
def test_bad_fault_specs_are_refused(spec):
    with pytest.raises(FaultSpecError):
        parse_fault(spec)
