# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Credentials from vss-cli's configuration file, read from temporary files; never shown in messages."""

import base64
import json
import time

import pytest
from werkzeug import Response

from ansible_collections.utoronto.vss.plugins.module_utils.client import DEFAULT_API_URL, VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.options import CONNECTION_ENV, client_settings
from ansible_collections.utoronto.vss.plugins.module_utils.vsscli_config import (
    VssCliConfigError,
    choose_profile,
    config_path,
    find_profile,
    missing_credentials,
    profile_credentials,
    read_config,
    token_expiry,
)

SECRET_PASSWORD = "SENTINEL-PASS:with-colon"
SECRET_TOKEN = "SENTINEL-TOKEN-3b7e"
CLOUD_URL = "https://cloud-api.eis.utoronto.ca"
BASE = dict(timeout=30.0, retries=0, validate_certs=True, api_url=DEFAULT_API_URL)


def auth(username, password):
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def jwt(expiry):
    """A JWT-shaped token with an ``exp`` claim; the signature part is not checked by anyone here."""

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'sub': 'jm', 'exp': expiry})}.SENTINELSIG"


def write_config(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No VSS_* variable of the machine running the tests, and a home without a vss-cli file."""
    for names in CONNECTION_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("VSS_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """A vss-cli file with three profiles, named by VSS_CONFIG."""
    path = write_config(
        tmp_path / "config.yaml",
        f"""
general:
  default_endpoint_name: cloud-api-other
  timeout: 120
endpoints:
  - name: cloud-api
    url: {CLOUD_URL}
    auth: {auth("jm", SECRET_PASSWORD)}
    token: {SECRET_TOKEN}
  - name: cloud-api-other
    url: {CLOUD_URL}/
    token: {SECRET_TOKEN}-other
  - url: https://vss-api.eis.utoronto.ca/v2
    auth: {auth("legacy", SECRET_PASSWORD)}
""",
    )
    monkeypatch.setenv("VSS_CONFIG", str(path))
    return path


def assert_no_secret(text):
    assert SECRET_PASSWORD not in text and "SENTINEL-PASS" not in text
    assert SECRET_TOKEN not in text and "SENTINELSIG" not in text
    assert auth("jm", SECRET_PASSWORD) not in text


# Where the file is


def test_config_path_defaults_to_the_home_folder_and_follows_vss_config(tmp_path):
    assert config_path({}) == str(tmp_path / "home" / ".vss-cli" / "config.yaml")
    assert config_path({"VSS_CONFIG": "~/other.yaml"}) == str(tmp_path / "home" / "other.yaml")
    assert config_path({"VSS_CONFIG": "/etc/vss.yaml"}) == "/etc/vss.yaml"


# Reading it


def test_read_config_returns_every_profile_with_auth_decoded(config_file):
    config = read_config(str(config_file))

    assert config["default_name"] == "cloud-api-other"
    assert [profile["name"] for profile in config["profiles"]] == ["cloud-api", "cloud-api-other", "vss-api"]
    first, second, third = config["profiles"]
    assert (first["username"], first["password"], first["token"]) == ("jm", SECRET_PASSWORD, SECRET_TOKEN)
    assert (second["username"], second["password"]) == (None, None)
    assert third == dict(
        name="vss-api",
        url="https://vss-api.eis.utoronto.ca/v2",
        token=None,
        username="legacy",
        password=SECRET_PASSWORD,
    )


def test_a_missing_file_is_no_configuration(tmp_path):
    assert read_config(str(tmp_path / "absent.yaml")) is None


def test_an_empty_file_has_no_profiles(tmp_path):
    assert read_config(str(write_config(tmp_path / "c.yaml", ""))) == dict(default_name=None, profiles=[])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            f"endpoints:\n  - name: a\n    url: {CLOUD_URL}\n    token: [{SECRET_TOKEN}\n",
            "is not valid YAML (line",
        ),
        (f"- {SECRET_TOKEN}\n", "must hold a mapping with 'endpoints'"),
        ("endpoints: {}\n", "'endpoints' must be a list"),
        ("general: [a]\nendpoints: []\n", "'general' must be a mapping"),
        (f"endpoints:\n  - {SECRET_TOKEN}\n", "endpoints[0] must be a mapping with 'url'"),
        (f"endpoints:\n  - token: {SECRET_TOKEN}\n", "endpoints[0] has no 'url'"),
        (f"endpoints:\n  - url: {CLOUD_URL}\n    token: 12\n", "profile 'cloud-api': 'token' must be text"),
        (
            f"endpoints:\n  - url: {CLOUD_URL}\n    auth: {SECRET_PASSWORD}\n",
            "profile 'cloud-api': 'auth' is not base64 of user:password",
        ),
        (
            f"endpoints:\n  - url: {CLOUD_URL}\n    auth: {base64.b64encode(b'SENTINEL-PASS').decode()}\n",
            "'auth' is not base64 of user:password",
        ),
    ],
)
def test_a_file_without_vsscli_layout_fails_naming_the_file_and_never_its_secrets(tmp_path, text, problem):
    path = write_config(tmp_path / "config.yaml", text)

    with pytest.raises(VssCliConfigError) as caught:
        read_config(str(path))

    message = str(caught.value)
    assert message.startswith(f"vss-cli configuration {path}: ")
    assert problem in message
    assert "vss-cli configure mk" in message
    assert_no_secret(message)


def test_a_file_that_cannot_be_read_or_decoded_fails_clearly(tmp_path):
    with pytest.raises(VssCliConfigError, match="cannot be read"):
        read_config(str(tmp_path))
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"endpoints: \xff\xfe\n")
    with pytest.raises(VssCliConfigError, match="is not UTF-8 text"):
        read_config(str(binary))


# Choosing a profile


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("cloud-api", "cloud-api"),
        ("vss-api", "vss-api"),
        # Several profiles share the URL: the default one comes first.
        (CLOUD_URL, "cloud-api-other"),
        ("HTTPS://Cloud-API.eis.utoronto.ca/v2/", "cloud-api-other"),
        ("https://vss-api.eis.utoronto.ca", "vss-api"),
        ("https://vss.example.org", None),
        ("no-such-profile", None),
        ("", None),
        (None, None),
    ],
)
def test_a_profile_is_chosen_by_name_or_url(config_file, api_url, expected):
    profile = choose_profile(read_config(str(config_file)), api_url, DEFAULT_API_URL)
    assert (profile or {}).get("name") == expected


def test_the_default_url_falls_back_to_the_default_profile():
    profiles = [
        dict(name="cloud-api", url=CLOUD_URL),
        dict(name="mine", url="https://gateway.example.org/vss"),
    ]

    named_default = choose_profile(
        dict(default_name="mine", profiles=profiles), DEFAULT_API_URL, DEFAULT_API_URL
    )
    vsscli_default = choose_profile(
        dict(default_name=None, profiles=profiles), DEFAULT_API_URL, DEFAULT_API_URL
    )
    only = choose_profile(dict(default_name=None, profiles=profiles[1:]), DEFAULT_API_URL, DEFAULT_API_URL)
    other_url = choose_profile(
        dict(default_name="mine", profiles=profiles), "https://other.example.org", DEFAULT_API_URL
    )

    assert named_default["name"] == "mine"
    assert vsscli_default["name"] == "cloud-api"
    assert only["name"] == "mine"
    assert other_url is None


def test_find_profile_says_why_nothing_was_found(config_file, tmp_path):
    profile, why_not = find_profile("https://other.example.org", DEFAULT_API_URL)
    assert profile is None
    assert why_not == (
        f"no profile of {config_file} matches api_url 'https://other.example.org' "
        "(profiles: cloud-api, cloud-api-other, vss-api)"
    )

    profile, why_not = find_profile(
        DEFAULT_API_URL, DEFAULT_API_URL, {"VSS_CONFIG": str(tmp_path / "absent")}
    )
    assert profile is None and why_not == f"no vss-cli configuration at {tmp_path / 'absent'}"


def test_a_profile_without_token_or_auth_says_so(tmp_path):
    path = write_config(tmp_path / "c.yaml", f"endpoints:\n  - name: keychain\n    url: {CLOUD_URL}\n")
    profile = find_profile("keychain", DEFAULT_API_URL, {"VSS_CONFIG": str(path)})[0]

    assert missing_credentials(profile) == (
        f"vss-cli profile 'keychain' in {path} holds neither 'token' nor 'auth' "
        "(credentials kept in a keychain are not read)"
    )


# Expired tokens


def test_token_expiry_reads_the_exp_claim_of_a_jwt_only():
    assert token_expiry(jwt(1700000000)) == 1700000000
    assert token_expiry("opaque-token") is None
    assert token_expiry("a.not-base64!.c") is None
    assert token_expiry(jwt("soon")) is None
    assert token_expiry(None) is None


def test_an_expired_token_gives_way_to_auth_or_fails_asking_for_a_renewal():
    now = time.time()
    fresh, expired = jwt(int(now) + 3600), jwt(int(now) - 60)
    profile = dict(name="p", path="/c.yaml", token=expired, username="jm", password=SECRET_PASSWORD)

    assert profile_credentials(dict(profile, token=fresh), now) == (fresh, "jm", SECRET_PASSWORD)
    assert profile_credentials(dict(profile, token="opaque"), now) == ("opaque", "jm", SECRET_PASSWORD)
    assert profile_credentials(profile, now) == (None, "jm", SECRET_PASSWORD)
    with pytest.raises(VssCliConfigError) as caught:
        profile_credentials(dict(profile, username=None, password=None), now)
    assert "the token of profile 'p' expired at " in str(caught.value)
    assert "vss-cli account get" in str(caught.value)
    assert_no_secret(str(caught.value))


# The connection options


def test_without_other_credentials_the_profile_of_api_url_gives_the_credentials(config_file):
    settings = client_settings(dict(BASE))

    assert settings["api_url"] == DEFAULT_API_URL
    assert (settings["token"], settings["username"], settings["password"]) == (
        None,
        "legacy",
        SECRET_PASSWORD,
    )


def test_when_no_profile_has_the_default_url_the_default_profile_gives_url_and_token(config_file):
    config_file.write_text(config_file.read_text().split("  - url: https://vss-api")[0])

    settings = client_settings(dict(BASE))

    assert settings["api_url"] == CLOUD_URL
    assert settings["token"] == f"{SECRET_TOKEN}-other"


def test_vss_endpoint_as_a_profile_name_picks_that_profile(config_file):
    settings = client_settings(dict(BASE, api_url="vss-api"))

    assert settings["api_url"] == "https://vss-api.eis.utoronto.ca"
    assert (settings["token"], settings["username"], settings["password"]) == (
        None,
        "legacy",
        SECRET_PASSWORD,
    )


def test_explicit_credentials_win_and_the_file_is_not_read(tmp_path, monkeypatch):
    broken = write_config(tmp_path / "broken.yaml", "endpoints: [\n")
    monkeypatch.setenv("VSS_CONFIG", str(broken))

    by_token = client_settings(dict(BASE, token="explicit-token"))
    by_password = client_settings(dict(BASE, username="me", password="pw"))

    assert (by_token["api_url"], by_token["token"]) == (DEFAULT_API_URL, "explicit-token")
    assert (by_password["username"], by_password["token"]) == ("me", None)


def test_a_profile_name_still_gives_its_url_when_credentials_come_from_elsewhere(config_file):
    settings = client_settings(dict(BASE, api_url="cloud-api", token="explicit-token"))

    assert (settings["api_url"], settings["token"]) == (CLOUD_URL, "explicit-token")


def test_a_lone_username_does_not_stop_the_fallback(config_file):
    settings = client_settings(dict(BASE, api_url="cloud-api", username="someone-else"))

    assert (settings["token"], settings["username"]) == (SECRET_TOKEN, "jm")


@pytest.mark.parametrize(
    ("api_url", "text", "reason"),
    [
        (DEFAULT_API_URL, None, "no vss-cli configuration at {path}; VSS_CONFIG names another file"),
        (
            "https://other.example.org",
            f"endpoints:\n  - name: a\n    url: {CLOUD_URL}\n    token: {SECRET_TOKEN}\n",
            "no profile of {path} matches api_url 'https://other.example.org' (profiles: a)",
        ),
        (
            DEFAULT_API_URL,
            f"general:\n  default_endpoint_name: a\nendpoints:\n  - name: a\n    url: {CLOUD_URL}\n",
            "vss-cli profile 'a' in {path} holds neither 'token' nor 'auth'",
        ),
    ],
)
def test_without_any_credentials_the_message_names_every_source(tmp_path, monkeypatch, api_url, text, reason):
    path = tmp_path / "config.yaml"
    if text is not None:
        write_config(path, text)
    monkeypatch.setenv("VSS_CONFIG", str(path))

    with pytest.raises(VssOptionError) as caught:
        client_settings(dict(BASE, api_url=api_url), where="; where to set them")

    message = str(caught.value)
    assert caught.value.option == "token"
    assert message.startswith(
        "option 'token': no credentials found: set 'token' (VSS_API_TOKEN or VSS_TOKEN)"
    )
    assert "or keep them in a vss-cli profile (" in message
    assert reason.format(path=path) in message
    assert message.endswith("; where to set them")
    assert_no_secret(message)


def test_a_broken_token_in_the_file_is_refused_without_showing_it(tmp_path, monkeypatch):
    path = write_config(
        tmp_path / "c.yaml", f'endpoints:\n  - url: {CLOUD_URL}\n    token: "{SECRET_TOKEN} x"\n'
    )
    monkeypatch.setenv("VSS_CONFIG", str(path))

    with pytest.raises(VssOptionError) as caught:
        client_settings(dict(BASE))

    assert "the token of vss-cli profile 'cloud-api'" in str(caught.value)
    assert_no_secret(str(caught.value))


def test_the_profile_url_obeys_the_http_rules(tmp_path, monkeypatch):
    path = write_config(tmp_path / "c.yaml", "endpoints:\n  - url: http://vss.example.org\n    token: t\n")
    monkeypatch.setenv("VSS_CONFIG", str(path))

    with pytest.raises(VssOptionError, match="plain http:// would send credentials unencrypted"):
        client_settings(dict(BASE))
    assert client_settings(dict(BASE, allow_http=True))["api_url"] == "http://vss.example.org"


# Against a server


def test_the_token_of_the_profile_reaches_the_server(httpserver, tmp_path, monkeypatch):
    url = httpserver.url_for("/").rstrip("/")
    path = write_config(
        tmp_path / "c.yaml", f"endpoints:\n  - name: local\n    url: {url}\n    token: {SECRET_TOKEN}\n"
    )
    monkeypatch.setenv("VSS_CONFIG", str(path))
    body = json.dumps({"_links": {}, "data": [{"name": "a.ova", "path": "images/a.ova"}], "meta": {}})
    httpserver.expect_request(
        "/v2/image", headers={"Authorization": f"Bearer {SECRET_TOKEN}"}
    ).respond_with_response(Response(body, content_type="application/json"))

    client = VssClient(client_settings(dict(BASE, api_url="local")))

    assert client.list("v2/image") == [{"name": "a.ova", "path": "images/a.ova"}]


def test_the_auth_of_the_profile_requests_a_token(httpserver, tmp_path, monkeypatch):
    url = httpserver.url_for("/").rstrip("/")
    path = write_config(
        tmp_path / "c.yaml", f"endpoints:\n  - url: {url}\n    auth: {auth('jm', SECRET_PASSWORD)}\n"
    )
    monkeypatch.setenv("VSS_CONFIG", str(path))
    basic = "Basic " + auth("jm", SECRET_PASSWORD)
    httpserver.expect_request(
        "/auth/request-token", method="POST", headers={"Authorization": basic}, json={"otp": None}
    ).respond_with_json({"token": "fresh-token"})
    httpserver.expect_request("/v2/user", headers={"Authorization": "Bearer fresh-token"}).respond_with_json(
        {"_links": {}, "data": {"username": "jm"}, "meta": {}}
    )

    client = VssClient(client_settings(dict(BASE, api_url=url)))

    assert client.get("v2/user")["data"] == {"username": "jm"}
    assert client.request_count == 2
