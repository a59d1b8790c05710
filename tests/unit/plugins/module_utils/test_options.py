# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto

import pytest
import requests.certs
import yaml

from ansible_collections.utoronto.vss.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.options import (
    CONNECTION_ENV,
    client_settings,
    connection_argument_spec,
    environment_value,
    url_password,
)

SECRET = "SENTINEL-SECRET-91c2"
GOOD = dict(
    api_url="https://vss-api.eis.utoronto.ca",
    token="abc.def.ghi",
    timeout=30.0,
    retries=4,
    validate_certs=True,
)


@pytest.mark.parametrize(
    ("changes", "option", "problem"),
    [
        ({"token": ""}, "token", "must be a non-empty string"),
        ({"token": None}, "token", "no credentials found: set 'token' (VSS_API_TOKEN, VSS_TOKEN)"),
        ({"token": None, "username": "jm"}, "password", "is required with 'username' when no token is given"),
        (
            {"token": None, "password": SECRET},
            "username",
            "is required with 'password' when no token is given",
        ),
        ({"token": "tök"}, "token", "printable ASCII characters"),
        ({"token": "abc def"}, "token", "without spaces or line breaks"),
        ({"token": "abc\ndef"}, "token", "without spaces or line breaks"),
        ({"token": None, "username": " ", "password": SECRET}, "username", "must not be empty"),
        ({"timeout": 0}, "timeout", "greater than 0"),
        ({"timeout": -1.5}, "timeout", "greater than 0"),
        ({"timeout": True}, "timeout", "number of seconds"),
        ({"timeout": "30"}, "timeout", "number of seconds"),
        ({"retries": -1}, "retries", "from 0 to 20"),
        ({"retries": 100}, "retries", "from 0 to 20"),
        ({"retries": 2.5}, "retries", "whole number"),
        ({"api_url": "not a url"}, "api_url", "must start with https://"),
        ({"api_url": f"https://jm:{SECRET}@vss-api.eis.utoronto.ca"}, "api_url", "must not hold credentials"),
        ({"ca_path": "/nonexistent/ca.pem"}, "ca_path", "not a readable file"),
        ({"ca_path": "/"}, "ca_path", "not a readable file"),
    ],
)
def test_bad_connection_values_fail_before_any_request(changes, option, problem):
    with pytest.raises(VssOptionError) as caught:
        client_settings(dict(GOOD, **changes))
    assert caught.value.option == option
    assert problem in str(caught.value)
    assert SECRET not in str(caught.value) and "abc def" not in str(caught.value)


def test_where_is_appended_to_the_missing_credentials_message():
    with pytest.raises(VssOptionError, match="; lookups read the controller's environment$"):
        client_settings(dict(GOOD, token=None), where="; lookups read the controller's environment")


def test_requests_ca_bundle_in_the_environment_does_not_replace_verification(monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "other.pem"))
    assert client_settings(GOOD)["verify"] == requests.certs.where()


def test_ca_path_and_disabled_verification(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert client_settings(dict(GOOD, ca_path=str(bundle)))["verify"] == str(bundle)
    warnings = []
    assert client_settings(dict(GOOD, validate_certs=False), warn=warnings.append)["verify"] is False
    assert len(warnings) == 1 and "verification is off" in warnings[0]


def test_username_and_password_are_enough():
    settings = client_settings(dict(GOOD, token=None, username="jm", password=SECRET, otp="123456"))
    assert (settings["token"], settings["username"], settings["otp"]) == (None, "jm", "123456")


def fragment(part):
    return yaml.safe_load(getattr(ModuleDocFragment, part))["options"]


def test_doc_fragment_documents_exactly_the_argument_spec():
    documented = fragment("DOCUMENTATION")
    spec = connection_argument_spec()
    assert set(documented) == set(spec) == set(CONNECTION_ENV)
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("default") == option.get("default"), name
        assert documented[name].get("aliases", []) == option.get("aliases", []), name
        for variable in CONNECTION_ENV[name]:
            assert f"E({variable})" in " ".join(documented[name]["description"]), (name, variable)


def test_plugin_env_sources_give_the_same_precedence_as_modules():
    """Ansible config takes the last env variable found; env_fallback the first. The lists are mirrors."""
    plugins = fragment("PLUGINS")
    assert set(plugins) == set(CONNECTION_ENV)
    for name, variables in CONNECTION_ENV.items():
        assert [entry["name"] for entry in plugins[name]["env"]] == list(reversed(variables)), name
        assert plugins[name]["vars"] == [{"name": f"utoronto_vss_{name}"}], name


def test_secrets_are_no_log():
    spec = connection_argument_spec()
    assert [name for name, option in spec.items() if option.get("no_log")] == ["token", "password", "otp"]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"VSS_API_TOKEN": "ours", "VSS_TOKEN": "cli"}, "ours"),
        ({"VSS_TOKEN": "cli"}, "cli"),
        ({"VSS_API_TOKEN": "", "VSS_TOKEN": "cli"}, "cli"),
        ({"VSS_API_TOKEN": "", "VSS_TOKEN": ""}, None),
        ({}, None),
    ],
)
def test_environment_value_takes_the_first_variable_set_and_not_empty(environ, expected):
    assert environment_value("token", environ) == expected


def test_module_fallback_treats_an_empty_variable_as_unset(monkeypatch):
    from ansible.module_utils.common.parameters import set_fallbacks

    monkeypatch.setenv("VSS_API_TOKEN", "")
    monkeypatch.setenv("VSS_API_USER", "jm")
    spec = connection_argument_spec()
    parameters = {}

    set_fallbacks(spec, parameters)

    assert "token" not in parameters
    assert parameters["username"] == "jm"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"https://jm:{SECRET}@vss-api.eis.utoronto.ca", SECRET),
        ("https://jm@vss-api.eis.utoronto.ca", None),
        ("https://vss-api.eis.utoronto.ca", None),
        ("https://[broken", None),
        (None, None),
    ],
)
def test_url_password_finds_the_password_to_hide(url, expected):
    assert url_password(url) == expected


def test_a_ca_path_without_a_certificate_is_refused(tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")

    with pytest.raises(VssOptionError, match=r"^option 'ca_path': holds no PEM certificate"):
        client_settings(dict(GOOD, ca_path=str(key)))


def test_verification_off_warns_for_https_only():
    warnings = []
    client_settings(dict(GOOD, validate_certs=False), warn=warnings.append)
    client_settings(dict(GOOD, validate_certs=False, api_url="http://127.0.0.1:8080"), warn=warnings.append)

    assert len(warnings) == 1
    assert warnings[0].startswith("TLS certificate verification is off for https://vss-api.eis.utoronto.ca")
