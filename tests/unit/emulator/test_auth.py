# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Tokens, token requests with and without a one-time code, health checks and the access log."""

import base64
import json

import pytest
import requests

SENTINEL_TOKEN = "sentinel-token-3f9a1c"
SENTINEL_PASSWORD = "sentinel-password-77e2"
SENTINEL_OTP = "918273"


def guarded_arguments(folder):
    return (
        "--token",
        SENTINEL_TOKEN,
        "--token",
        "second-token",
        "--user",
        "alice",
        "--password",
        SENTINEL_PASSWORD,
        "--otp",
        SENTINEL_OTP,
        "--log-file",
        str(folder / "access.log"),
    )


EMULATORS = {"guarded": guarded_arguments}


@pytest.fixture
def guarded(shared_emulator):
    """An emulator with two fixed tokens, a user with a one-time code, and an access log."""
    return shared_emulator("guarded")


def request_token(emulator, user, password, body):
    return requests.post(f"{emulator.url}/auth/request-token", auth=(user, password), json=body, timeout=10)


def decoded_part(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("token", [None, "", "wrong-token", "demo-token"])
def test_missing_or_wrong_token_is_401_json(guarded, token):
    response = guarded.get("/v2/image", token=token)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["error"] == "unauthorized"
    assert body["message"].startswith("Unauthorized: ")


def test_every_token_given_is_accepted(guarded):
    assert guarded.get("/v2/image", token=SENTINEL_TOKEN).status_code == 200
    assert guarded.get("/v2/image", token="second-token").status_code == 200


def test_user_endpoint_checks_the_token_and_names_the_user(guarded):
    assert guarded.data("/v2/user", token="second-token")["username"] == "alice"
    assert guarded.get("/v2/user", token="nope").status_code == 401


@pytest.mark.parametrize("path", ["/v2/ping", "/v2/status"])
def test_health_checks_need_no_token(guarded, path):
    response = guarded.get(path, token=None)

    assert response.status_code == 200
    assert set(response.json()) == {"_links", "data", "meta"}


def test_token_request_with_the_one_time_code_gives_a_usable_jwt(guarded):
    response = request_token(guarded, "alice", SENTINEL_PASSWORD, {"otp": SENTINEL_OTP})

    assert response.status_code == 200
    token = response.json()["data"]["token"]
    header, claims, signature = token.split(".")
    assert decoded_part(header) == {"alg": "HS256", "typ": "JWT"}
    assert decoded_part(claims)["sub"] == "alice"
    assert decoded_part(claims)["exp"] - decoded_part(claims)["iat"] == 24 * 3600
    assert signature
    assert guarded.get("/v2/image", token=token).status_code == 200


@pytest.mark.parametrize("body", [{"otp": "000000"}, {"otp": None}, {}, None])
def test_missing_or_wrong_one_time_code_is_401_naming_otp(guarded, body):
    response = request_token(guarded, "alice", SENTINEL_PASSWORD, body)

    assert response.status_code == 401
    assert "InvalidParameterValue: otp" in response.json()["message"]


@pytest.mark.parametrize("user, password", [("alice", "wrong"), ("bob", SENTINEL_PASSWORD)])
def test_wrong_user_or_password_is_401(guarded, user, password):
    response = request_token(guarded, user, password, {"otp": SENTINEL_OTP})

    assert response.status_code == 401
    assert response.json()["message"] == "Unauthorized: invalid username or password"


def test_token_request_without_basic_auth_is_401(guarded):
    response = requests.post(f"{guarded.url}/auth/request-token", json={"otp": SENTINEL_OTP}, timeout=10)

    assert response.status_code == 401


@pytest.mark.parametrize("body", [{"otp": None}, None])
def test_a_user_without_one_time_code_gets_a_token_with_otp_null_or_no_body(emulator, body):
    response = request_token(emulator, "demo", "demo-password", body)

    assert response.status_code == 200
    assert emulator.get("/v2/user", token=response.json()["data"]["token"]).status_code == 200


def test_access_log_records_requests_but_never_a_secret(guarded):
    issued = request_token(guarded, "alice", SENTINEL_PASSWORD, {"otp": SENTINEL_OTP}).json()["data"]["token"]
    guarded.get("/v2/image", token=issued, params={"token": SENTINEL_TOKEN, "name": "ubuntu"})
    guarded.get("/v2/image", token=SENTINEL_TOKEN, params={"password": SENTINEL_PASSWORD})
    guarded.get("/v2/image", token="wrong-token")

    log = (guarded.folder / "access.log").read_text(encoding="utf-8")
    assert '"GET /v2/image?token=REDACTED&name=ubuntu" 200' in log
    assert '"POST /auth/request-token" 200' in log
    assert '"GET /v2/image" 401' in log
    for secret in (SENTINEL_TOKEN, SENTINEL_PASSWORD, SENTINEL_OTP, issued, "alice:", "Bearer"):
        assert secret not in log
