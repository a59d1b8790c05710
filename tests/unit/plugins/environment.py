# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The documented environment variables of the connection options, for the module and lookup tests."""

# Written out, not derived from CONNECTION_ENV, so that a renamed variable fails the tests:
# every documented environment variable and the option it sets.
DOCUMENTED_ENVIRONMENT = [
    ("VSS_API_URL", "api_url"),
    ("VSS_ENDPOINT", "api_url"),
    ("VSS_API_TOKEN", "token"),
    ("VSS_TOKEN", "token"),
    ("VSS_API_USER", "username"),
    ("VSS_USER", "username"),
    ("VSS_API_USER_PASS", "password"),
    ("VSS_USER_PASS", "password"),
    ("VSS_API_USER_OTP", "otp"),
    ("VSS_USER_OTP", "otp"),
    ("VSS_VALIDATE_CERTS", "validate_certs"),
    ("VSS_CA_PATH", "ca_path"),
    ("VSS_TIMEOUT", "timeout"),
    ("VSS_RETRIES", "retries"),
    ("VSS_ALLOW_HTTP", "allow_http"),
]
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def environment_case(option, tmp_path, password="pw"):
    """``(value to set, the other options the task gives, (settings key, expected value))`` for ``option``."""
    token = {"token": "task-token"}
    bundle = tmp_path / "ca.pem"
    bundle.write_text(PEM)
    return {
        "api_url": ("https://vss.example.org", token, ("api_url", "https://vss.example.org")),
        "token": ("environment-token", {}, ("token", "environment-token")),
        "username": ("env-user", {"password": password}, ("username", "env-user")),
        "password": (password, {"username": "jm"}, ("password", password)),
        "otp": ("424242", {"username": "jm", "password": password}, ("otp", "424242")),
        "validate_certs": ("false", token, ("verify", False)),
        "ca_path": (str(bundle), token, ("verify", str(bundle))),
        "timeout": ("12.5", token, ("timeout", 12.5)),
        "retries": ("7", token, ("retries", 7)),
        "allow_http": (
            "true",
            dict(token, api_url="http://vss.example.org"),
            ("api_url", "http://vss.example.org"),
        ),
    }[option]
