# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The client against a scripted HTTP server on loopback (pytest-httpserver): paging, retries, errors."""

import base64
import contextlib
import json
import re
import socket
import time
from types import SimpleNamespace

import pytest
import urllib3.util.retry
from urllib3.exceptions import ProtocolError
from werkzeug import Response

from ansible_collections.utoronto.vss.plugins.module_utils.client import (
    BACKOFF_MAX,
    RETRY_AFTER_CAP,
    VssClient,
    _retry_policy,
    normalize_api_url,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssConnectionError,
    VssHTTPError,
    VssOptionError,
    VssResponseError,
)
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings

SENTINEL = "SENTINEL-TOKEN-7f3a9c"


def make_client(url, retries=3, timeout=5.0, token=SENTINEL, **extra):
    warnings = []
    values = dict(api_url=url, token=token, timeout=timeout, retries=retries, validate_certs=True, **extra)
    client = VssClient(client_settings(values), warn=warnings.append)
    return client, warnings


def envelope(data, **pages):
    body = {"_links": {}, "data": data, "meta": {"count": len(data) if isinstance(data, list) else 1}}
    if pages:
        body["meta"]["pages"] = pages
    return body


def paged_handler(images, cap, total=None, repeat=False):
    """A list endpoint that caps per_page and reports meta.pages (optionally lying about the total)."""

    def handler(request):
        page = int(request.args.get("page", 1))
        size = min(int(request.args.get("per_page", 10)), cap)
        count = len(images) if total is None else total
        pages = max(1, -(-count // size))
        start = 0 if repeat else (page - 1) * size
        rows = images[start : start + size]
        body = envelope(
            rows,
            page=page,
            pages=pages,
            per_page=size,
            total=count,
            next_url="next" if page < pages else None,
        )
        return Response(json.dumps(body), content_type="application/json")

    return handler


IMAGES = [{"name": f"img{i}.ova", "path": f"images/img{i}.ova"} for i in range(5)]


def test_page_cap_below_the_request_still_collects_everything(httpserver):
    httpserver.expect_request("/v2/image").respond_with_handler(paged_handler(IMAGES, cap=2))
    client, warnings = make_client(httpserver.url_for("/"))
    assert client.list("v2/image") == IMAGES
    assert len(httpserver.log) == 3
    assert [req.args["page"] for req, _reply in httpserver.log] == ["1", "2", "3"]
    assert all(req.args["expand"] == "1" for req, _reply in httpserver.log)
    assert warnings == []


def test_empty_last_page_with_a_larger_total_warns_or_fails(httpserver):
    httpserver.expect_request("/v2/image").respond_with_handler(paged_handler(IMAGES[:4], cap=2, total=5))
    client, warnings = make_client(httpserver.url_for("/"))
    assert len(client.list("v2/image")) == 4
    assert warnings == [
        f"GET {httpserver.url_for('/v2/image')}: collected 4 of 5 records the server announced"
    ]
    with pytest.raises(VssResponseError, match="collected 4 of 5"):
        client.list("v2/image", on_incomplete="fail")


def test_a_repeating_page_stops_the_walk_with_a_warning(httpserver):
    httpserver.expect_request("/v2/image").respond_with_handler(paged_handler(IMAGES, cap=2, repeat=True))
    client, warnings = make_client(httpserver.url_for("/"))

    records = client.list("v2/image")

    assert records == IMAGES[:2]
    assert len(httpserver.log) == 2
    assert len(warnings) == 1
    assert re.match(
        r"page 2 of GET \S+/v2/image repeats page 1: stopped the walk after 2 records of 5 announced",
        warnings[0],
    )


def test_a_repeating_page_fails_with_on_incomplete_fail(httpserver):
    httpserver.expect_request("/v2/image").respond_with_handler(paged_handler(IMAGES, cap=2, repeat=True))
    client = make_client(httpserver.url_for("/"))[0]
    with pytest.raises(VssResponseError, match="page 2 of GET .* repeats page 1"):
        client.list("v2/image", on_incomplete="fail")
    assert len(httpserver.log) == 2


def test_a_server_that_ignores_paging_gives_everything_in_one_request(httpserver):
    httpserver.expect_request("/v2/image").respond_with_json(envelope(IMAGES + IMAGES[:1]))
    client = make_client(httpserver.url_for("/"))[0]
    assert client.list("v2/image") == IMAGES
    assert len(httpserver.log) == 1


def test_item_urls_instead_of_records_are_an_unexpected_response(httpserver):
    httpserver.expect_request("/v2/image").respond_with_json(envelope(["https://x/v2/image/1"]))
    client = make_client(httpserver.url_for("/"))[0]
    with pytest.raises(VssResponseError, match="'data' holds no records"):
        client.list("v2/image")


def scripted(httpserver, replies):
    """Serve ``replies`` (werkzeug Responses) in order, then keep serving the last one."""
    queue = list(replies)

    def handler(request):
        return queue.pop(0) if len(queue) > 1 else queue[0]

    httpserver.expect_request("/v2/image").respond_with_handler(handler)


def throttled():
    return Response(
        '{"error": "throttled"}', status=429, headers={"Retry-After": "1"}, content_type="application/json"
    )


def ok():
    return Response(json.dumps(envelope(IMAGES)), content_type="application/json")


def test_429_with_retry_after_is_retried_and_honoured(httpserver):
    scripted(httpserver, [throttled(), throttled(), ok()])
    client, warnings = make_client(httpserver.url_for("/"))
    started = time.monotonic()
    assert client.get("v2/image")["data"] == IMAGES
    assert time.monotonic() - started >= 1.9
    assert len(httpserver.log) == 3
    assert len(warnings) == 2 and all("after HTTP 429" in w for w in warnings)


def test_503_once_then_success(httpserver):
    scripted(httpserver, [Response("", status=503), ok()])
    client = make_client(httpserver.url_for("/"))[0]
    assert client.get("v2/image")["data"] == IMAGES
    assert len(httpserver.log) == 2


def test_endless_429_fails_after_the_configured_attempts_without_a_last_sleep(httpserver):
    scripted(httpserver, [throttled()])
    client = make_client(httpserver.url_for("/"), retries=2)[0]
    started = time.monotonic()
    with pytest.raises(VssHTTPError, match=r"^HTTP 429 .* after 3 attempts") as caught:
        client.get("v2/image")
    assert len(httpserver.log) == 3
    assert time.monotonic() - started < 2.9
    assert caught.value.status == 429


def test_502_with_an_empty_body_is_retried_then_reported(httpserver):
    scripted(httpserver, [Response("", status=502)])
    client = make_client(httpserver.url_for("/"), retries=1)[0]
    with pytest.raises(VssHTTPError, match=r"^HTTP 502 .* after 2 attempts"):
        client.get("v2/image")


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_never_retried(httpserver, status):
    scripted(
        httpserver,
        [
            Response(
                '{"error": "nope", "message": "Nope: no"}', status=status, content_type="application/json"
            )
        ],
    )
    client = make_client(httpserver.url_for("/"))[0]
    with pytest.raises(VssHTTPError) as caught:
        client.get("v2/image")
    assert caught.value.status == status
    assert len(httpserver.log) == 1


def test_a_post_is_not_retried_after_a_5xx(httpserver):
    httpserver.expect_request("/v2/vm", method="POST").respond_with_data("", status=503)
    client = make_client(httpserver.url_for("/"))[0]
    with pytest.raises(VssHTTPError, match="HTTP 503"):
        client.post("v2/vm", {"name": "web01"})
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_write_refused_with_429_is_sent_again_after_retry_after(httpserver, method):
    queue = [
        throttled(),
        Response(json.dumps(envelope({"request": {"id": 7}})), content_type="application/json"),
    ]
    httpserver.expect_request("/v2/vm", method=method).respond_with_handler(
        lambda request: queue.pop(0) if len(queue) > 1 else queue[0]
    )
    client, warnings = make_client(httpserver.url_for("/"))

    reply = client.post("v2/vm", {"name": "web01"}) if method == "POST" else client.delete("v2/vm")

    assert reply["data"] == {"request": {"id": 7}}
    assert len(httpserver.log) == 2
    assert warnings == [f"retrying {method} /v2/vm after HTTP 429 (attempt 2)"]


def test_500_on_a_read_is_retried(httpserver):
    scripted(httpserver, [Response("oops", status=500), ok()])
    client = make_client(httpserver.url_for("/"))[0]
    assert client.get("v2/image")["data"] == IMAGES
    assert len(httpserver.log) == 2


def test_retry_after_is_capped(httpserver, monkeypatch):
    slept = []
    monkeypatch.setattr(urllib3.util.retry, "time", SimpleNamespace(sleep=slept.append, time=time.time))
    scripted(
        httpserver,
        [Response("", status=429, headers={"Retry-After": "3600"}), Response("", status=503), ok()],
    )
    client = make_client(httpserver.url_for("/"))[0]
    assert client.get("v2/image")["data"] == IMAGES
    assert slept[0] == RETRY_AFTER_CAP
    assert 0 < slept[1] <= BACKOFF_MAX
    assert len(slept) == 2


def test_a_call_given_a_timeout_retries_only_within_it(httpserver):
    scripted(httpserver, [throttled()])
    client, warnings = make_client(httpserver.url_for("/"), retries=10)
    started = time.monotonic()
    with pytest.raises(VssHTTPError, match=r"^HTTP 429 .* after 3 attempts"):
        client.get("v2/image", timeout=2.5)
    # Retry-After 1: tries at 0 s, 1 s and 2 s; a fourth would begin at 3 s, past the 2.5 s given.
    assert time.monotonic() - started < 2.5
    assert len(httpserver.log) == 3
    assert len(warnings) == 2


def test_a_retry_after_longer_than_the_time_left_is_not_waited_for(httpserver):
    scripted(httpserver, [Response("", status=429, headers={"Retry-After": "10"})])
    client = make_client(httpserver.url_for("/"))[0]
    started = time.monotonic()
    with pytest.raises(VssHTTPError, match=r"^HTTP 429 ") as caught:
        client.get("v2/image", timeout=3)
    assert caught.value.attempts == 1
    assert time.monotonic() - started < 1
    assert len(httpserver.log) == 1


def test_calls_without_a_timeout_keep_every_retry_after_a_bounded_call(httpserver):
    scripted(httpserver, [throttled(), throttled(), ok()])
    client = make_client(httpserver.url_for("/"))[0]
    with pytest.raises(VssHTTPError):
        client.get("v2/image", timeout=0.5)
    assert client.get("v2/image")["data"] == IMAGES
    assert len(httpserver.log) == 3


def test_the_first_retry_after_a_dropped_connection_is_only_a_debug_line():
    warnings, debug = [], []
    policy = _retry_policy(3, warnings.append, debug.append)
    dropped = ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer"))

    policy = policy.increment("GET", "/v2/request/new/7", error=dropped)
    assert debug == ["retrying GET /v2/request/new/7 after Connection aborted (attempt 2)"]
    assert warnings == []

    policy.increment("GET", "/v2/request/new/7", error=dropped)
    assert warnings == ["retrying GET /v2/request/new/7 after Connection aborted (attempt 3)"]


def test_a_header_the_http_library_refuses_is_one_line_without_the_value(httpserver):
    settings = dict(
        api_url=httpserver.url_for("/").rstrip("/"), token=SENTINEL + "\n", timeout=5.0, retries=0
    )
    client = VssClient(dict(settings, verify=True))
    with pytest.raises(VssConnectionError, match="a request header holds a line break") as caught:
        client.get("v2/image")
    assert SENTINEL not in str(caught.value)
    assert "\n" not in str(caught.value)
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    ("method", "reply", "accepted"),
    [
        ("POST", Response(json.dumps(envelope({"request": {"id": 7}})), content_type="application/json"), 1),
        ("DELETE", Response("", status=204), 1),
        ("POST", Response("<html><body>Sign in</body></html>", content_type="text/html"), 0),
        ("POST", Response('{"error": "nope"}', status=400, content_type="application/json"), 0),
        ("GET", Response(json.dumps(envelope(IMAGES)), content_type="application/json"), 0),
    ],
)
def test_only_writes_the_api_answered_with_success_count_as_accepted(httpserver, method, reply, accepted):
    httpserver.expect_request("/v2/vm", method=method).respond_with_response(reply)
    client = make_client(httpserver.url_for("/"))[0]
    with contextlib.suppress(VssHTTPError, VssResponseError):
        client._send(method, client.url("v2/vm"))
    assert client.accepted_writes == accepted


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            Response(
                "<html><body><h1>401</h1><p>Login required</p></body></html>",
                status=401,
                content_type="text/html",
            ),
            r"^HTTP 401 UNAUTHORIZED for GET http://\S+/v2/image: 401 Login required; check the token",
        ),
        (
            Response(
                '{"error": "forbidden", "message": "not allowed to list images"}',
                status=403,
                content_type="application/json",
            ),
            r"^HTTP 403 FORBIDDEN for GET \S+: forbidden: not allowed to list images; the account is not allowed",
        ),
        (
            Response('{"error": "not found"}', status=404, content_type="application/json"),
            r"HTTP 404 NOT FOUND .*: not found; check api_url: it must be the service root",
        ),
        (
            Response("<html><title>Sign in</title><form>SSO</form></html>", content_type="text/html"),
            r"expected JSON from GET \S+, got text/html \(HTTP 200\): Sign in SSO",
        ),
        (
            Response('{"_links": {}, "meta": {}}', content_type="application/json"),
            r"unexpected response from GET \S+: no 'data' in the reply",
        ),
        (
            Response('{"data": [1, 2', content_type="application/json"),
            r"invalid JSON from GET \S+ \(HTTP 200, 14 bytes\)",
        ),
    ],
)
def test_error_bodies_become_one_clear_line(httpserver, reply, expected):
    scripted(httpserver, [reply])
    client = make_client(httpserver.url_for("/"))[0]
    with pytest.raises((VssHTTPError, VssResponseError), match=expected) as caught:
        client.get("v2/image")
    message = str(caught.value)
    assert "\n" not in message and "<" not in message and SENTINEL not in message


def test_connection_refused_names_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(f"http://127.0.0.1:{port}", retries=1)[0]
    with pytest.raises(
        VssConnectionError, match=rf"cannot reach GET http://127.0.0.1:{port}/v2/image: .*refused"
    ):
        client.get("v2/image")


def test_a_stalled_server_fails_within_the_timeout_and_is_not_retried(httpserver):
    def stall(request):
        time.sleep(1.5)
        return ok()

    httpserver.expect_request("/v2/status").respond_with_handler(stall)
    client = make_client(httpserver.url_for("/"), timeout=0.5)[0]
    started = time.monotonic()
    with pytest.raises(VssConnectionError, match=r"no reply within 0.5s for GET \S+/v2/status"):
        client.get("v2/status")
    assert time.monotonic() - started < 1.4


def test_bearer_token_goes_to_the_api_host_only(httpserver):
    httpserver.expect_request("/v2/image").respond_with_json(envelope([]))
    httpserver.expect_request("/elsewhere").respond_with_json(envelope([]))
    client = make_client(httpserver.url_for("/"))[0]
    client.get("v2/image")
    assert client.base_url.startswith("http://localhost:")
    client.session.get(httpserver.url_for("/elsewhere").replace("localhost", "127.0.0.1"), timeout=2)
    first, second = (req for req, _reply in httpserver.log if req.path in ("/v2/image", "/elsewhere"))
    assert first.headers["Authorization"] == f"Bearer {SENTINEL}"
    assert "Authorization" not in second.headers


def test_username_password_and_otp_are_exchanged_for_a_token(httpserver):
    httpserver.expect_request("/auth/request-token", method="POST", json={"otp": "123456"}).respond_with_json(
        {"data": {"token": "fresh-token"}}
    )
    httpserver.expect_request("/v2/user", headers={"Authorization": "Bearer fresh-token"}).respond_with_json(
        envelope({"username": "demo"})
    )
    client = make_client(httpserver.url_for("/"), token=None, username="demo", password="pw", otp="123456")[0]
    assert client.get("v2/user")["data"] == {"username": "demo"}
    token_request = httpserver.log[0][0]
    assert token_request.authorization.username == "demo"
    assert client.accepted_writes == 0  # asking for a token changes nothing


def test_a_password_beyond_ascii_is_sent_as_utf8(httpserver):
    httpserver.expect_request("/auth/request-token", method="POST").respond_with_json(
        {"data": {"token": "t"}}
    )
    client = make_client(httpserver.url_for("/"), token=None, username="jöe", password="päss-ñ")[0]
    client.request_token()
    sent = httpserver.log[0][0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode("jöe:päss-ñ".encode("utf-8")).decode("ascii")


def test_a_token_asked_for_during_a_bounded_call_keeps_that_call_s_deadline(httpserver):
    httpserver.expect_request("/auth/request-token", method="POST").respond_with_json(
        {"data": {"token": "t"}}
    )
    scripted(httpserver, [throttled()])
    client = make_client(httpserver.url_for("/"), token=None, username="demo", password="pw", retries=10)[0]
    started = time.monotonic()
    with pytest.raises(VssHTTPError, match=r"^HTTP 429 .* after 3 attempts"):
        client.get("v2/image", timeout=2.5)
    assert time.monotonic() - started < 2.5


def test_a_wrong_otp_says_so(httpserver):
    httpserver.expect_request("/auth/request-token", method="POST").respond_with_json(
        {"error": "unauthorized", "message": "InvalidParameterValue: otp"}, status=401
    )
    client = make_client(httpserver.url_for("/"), token=None, username="demo", password="pw")[0]
    with pytest.raises(
        VssHTTPError, match="InvalidParameterValue: otp; the one-time code is missing or wrong"
    ):
        client.get("v2/user")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://vss-api.eis.utoronto.ca", "https://vss-api.eis.utoronto.ca"),
        ("https://vss-api.eis.utoronto.ca/", "https://vss-api.eis.utoronto.ca"),
        ("https://vss-api.eis.utoronto.ca/v2/", "https://vss-api.eis.utoronto.ca"),
        ("https://gw.example.org:8443/vss/", "https://gw.example.org:8443/vss"),
        ("HTTPS://VSS-API.eis.utoronto.ca", "https://vss-api.eis.utoronto.ca"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:8080/v2", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_api_url_is_normalised(url, expected):
    assert normalize_api_url(url) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://jm:s3cret-pass@vss-api.eis.utoronto.ca", "must not hold credentials"),
        ("http://vss-api.eis.utoronto.ca", "plain http:// would send credentials unencrypted"),
        ("ftp://vss-api.eis.utoronto.ca", "must start with https://"),
        ("vss-api.eis.utoronto.ca", "must start with https://"),
        ("https://vss-api.eis.utoronto.ca/?x=1", "query string"),
        ("https://vss-api.eis.utoronto.ca:99999", "not a valid URL"),
        ("", "must be a URL"),
        ("https://exa mple.com", "must not hold spaces or control characters"),
        ("https://vss-api.eis.utoronto.ca/v\t2", "must not hold spaces or control characters"),
        ("https://ex%ample.com", "names no valid host: 'ex%ample.com'"),
        ("https://a..b", "names no valid host"),
    ],
)
def test_bad_api_urls_are_refused_without_echoing_secrets(url, problem):
    with pytest.raises(VssOptionError, match=problem) as caught:
        normalize_api_url(url)
    assert caught.value.option == "api_url"
    assert "s3cret" not in str(caught.value)


def test_plain_http_elsewhere_is_allowed_only_on_request():
    assert normalize_api_url("http://vss.internal", allow_http=True) == "http://vss.internal"
