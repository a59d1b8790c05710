# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""TLS: a throwaway CA (trustme) signs a loopback server's certificate."""

import json
import ssl
import warnings

import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssConnectionError, VssHTTPError
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings

TOKEN = "SENTINEL-TLS-TOKEN"
BODY = json.dumps({"_links": {}, "data": [{"name": "a.ova", "path": "images/a.ova"}], "meta": {}})


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def https_server(ca):
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(server_context)
    server = HTTPServer(host="localhost", ssl_context=server_context)
    server.expect_request("/v2/image").respond_with_response(Response(BODY, content_type="application/json"))
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def client_for(server, warn=None, **values):
    settings = client_settings(
        dict(
            {
                "api_url": server.url_for("/"),
                "token": TOKEN,
                "timeout": 5.0,
                "retries": 0,
                "validate_certs": True,
            },
            **values,
        ),
        warn=warn,
    )
    return VssClient(settings)


def test_the_ca_given_by_ca_path_is_trusted(https_server, ca_file):
    assert client_for(https_server, ca_path=ca_file).get("v2/image")["data"][0]["path"] == "images/a.ova"


def test_an_unknown_ca_fails_with_a_hint(https_server):
    with pytest.raises(
        VssConnectionError,
        match=r"^TLS verification failed for GET https://localhost:\d+/v2/image: "
        r".*; set 'ca_path'",
    ):
        client_for(https_server).get("v2/image")


def test_requests_ca_bundle_neither_adds_nor_replaces_trust(https_server, ca_file, monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    monkeypatch.setenv("CURL_CA_BUNDLE", ca_file)
    with pytest.raises(VssConnectionError, match="TLS verification failed"):
        client_for(https_server).get("v2/image")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    assert client_for(https_server, ca_path=ca_file).get("v2/image")["data"]


@pytest.mark.parametrize("disabled", [False, "no", "false", "0"])
def test_verification_off_warns_once_and_leaves_global_warning_filters_alone(https_server, disabled):
    from ansible.module_utils.parsing.convert_bool import boolean

    seen = []
    before = list(warnings.filters)
    client = client_for(https_server, warn=seen.append, validate_certs=boolean(disabled))
    with warnings.catch_warnings(record=True) as emitted:
        warnings.simplefilter("always")
        assert client.get("v2/image")["data"]
        assert client.get("v2/image")["data"]
    assert len(seen) == 1 and "verification is off" in seen[0]
    assert not [w for w in emitted if "Unverified HTTPS" in str(w.message)]
    assert warnings.filters == before


def test_a_redirect_to_another_host_does_not_carry_the_token(httpserver):
    elsewhere = httpserver.url_for("/elsewhere").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/v2/image").respond_with_response(
        Response(status=302, headers={"Location": elsewhere})
    )
    httpserver.expect_request("/elsewhere").respond_with_response(
        Response('{"error": "no token"}', status=401, content_type="application/json")
    )
    settings = client_settings(
        dict(api_url=httpserver.url_for("/"), token=TOKEN, timeout=5.0, retries=0, validate_certs=True)
    )
    with pytest.raises(VssHTTPError, match="HTTP 401") as caught:
        VssClient(settings).get("v2/image")
    assert TOKEN not in str(caught.value)
    redirected = [request for request, _reply in httpserver.log if request.path == "/elsewhere"]
    assert len(redirected) == 1 and "Authorization" not in redirected[0].headers
