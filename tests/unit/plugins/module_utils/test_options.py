# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto

import pytest
import requests.certs
import yaml

from ansible_collections.utoronto.vss.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.utoronto.vss.plugins.module_utils import module as module_edge
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.options import (
    CONNECTION_ENV,
    client_settings,
    connection_argument_spec,
    credentials,
    environment_value,
    url_password,
)

from ..environment import DOCUMENTED_ENVIRONMENT, environment_case
from ..modules.running import module_args

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
        (
            {"token": None},
            "token",
            "no credentials found: set 'token' (VSS_API_TOKEN or VSS_TOKEN), "
            "or 'username' (VSS_API_USER or VSS_USER) and 'password' (VSS_API_USER_PASS or VSS_USER_PASS)",
        ),
        (
            {"token": None, "username": "jm"},
            "password",
            "is required with 'username' when no token is given (VSS_API_USER_PASS or VSS_USER_PASS)",
        ),
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

    monkeypatch.setenv("VSS_API_URL", "")
    monkeypatch.setenv("VSS_ENDPOINT", "https://cloud-api.eis.utoronto.ca")
    parameters = {}

    set_fallbacks(connection_argument_spec(), parameters)

    assert parameters["api_url"] == "https://cloud-api.eis.utoronto.ca"


def test_an_empty_credential_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("VSS_API_TOKEN", "")
    monkeypatch.setenv("VSS_API_USER", "jm")
    monkeypatch.setenv("VSS_API_USER_PASS", SECRET)

    settings = client_settings(dict(GOOD, token=None))

    assert (settings["token"], settings["username"], settings["password"]) == (None, "jm", SECRET)


def test_credentials_have_no_fallback_the_other_settings_do():
    """A fallback would make the environment look like the task's own option to client_settings."""
    spec = connection_argument_spec()

    assert sorted(name for name, option in spec.items() if "fallback" not in option) == [
        "otp",
        "password",
        "token",
        "username",
    ]


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


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No VSS_* variable of the machine running the tests."""
    names = {name for name, option in DOCUMENTED_ENVIRONMENT} | {
        n for ns in CONNECTION_ENV.values() for n in ns
    }
    for name in names:
        monkeypatch.delenv(name, raising=False)


def module_settings(monkeypatch, args):
    """The settings a module's client gets, from the task's ``args`` and the environment, as a module run makes them."""
    monkeypatch.setattr(module_edge, "VssClient", lambda settings, warn: settings)
    with module_args(args):
        module = module_edge.VssModule(argument_spec={})
    return module.client, module


def test_the_table_is_what_the_doc_fragment_documents_for_plugins_and_modules():
    plugins = fragment("PLUGINS")
    documented = fragment("DOCUMENTATION")
    env_entries = sorted((entry["name"], option) for option, spec in plugins.items() for entry in spec["env"])

    assert env_entries == sorted(DOCUMENTED_ENVIRONMENT)
    for name, option in DOCUMENTED_ENVIRONMENT:
        assert f"E({name})" in " ".join(documented[option]["description"]), (name, option)
        assert name in CONNECTION_ENV[option], name


@pytest.mark.parametrize(("name", "option"), DOCUMENTED_ENVIRONMENT)
def test_each_documented_variable_alone_reaches_its_option_in_a_module(monkeypatch, tmp_path, name, option):
    value, args, (key, expected) = environment_case(option, tmp_path, password=SECRET)
    monkeypatch.setenv(name, value)

    settings, module = module_settings(monkeypatch, args)

    assert settings[key] == expected
    monkeypatch.delenv(name)
    try:
        without = module_settings(monkeypatch, args)[0][key]
    except VssOptionError:
        without = None  # the pair, or any credential, is then missing
    assert without != expected, "the variable made no difference"


@pytest.mark.parametrize(
    ("task", "environment", "expected"),
    [
        # The task's username and password beat a token of the environment, and the other way round.
        (
            {"username": "jm", "password": SECRET},
            {"VSS_API_TOKEN": "env-token"},
            {"token": None, "username": "jm", "password": SECRET},
        ),
        (
            {"token": "task-token"},
            {"VSS_API_USER": "env-user", "VSS_API_USER_PASS": "env-pass"},
            {"token": "task-token", "username": None, "password": None},
        ),
        ({"token": "task-token"}, {"VSS_API_TOKEN": "env-token"}, {"token": "task-token"}),
        (
            {"username": "jm", "password": SECRET},
            {"VSS_USER": "env-user", "VSS_USER_PASS": "env-pass"},
            {"username": "jm", "password": SECRET},
        ),
        # Within one source a token wins over a username and password.
        (
            {},
            {"VSS_API_TOKEN": "env-token", "VSS_API_USER": "env-user", "VSS_API_USER_PASS": "env-pass"},
            {"token": "env-token", "username": None, "password": None},
        ),
        (
            {"token": "task-token", "username": "jm", "password": SECRET},
            {},
            {"token": "task-token", "username": None, "password": None},
        ),
        # Half a pair in the task is completed from the environment; the environment's token is not used.
        (
            {"username": "jm"},
            {"VSS_API_TOKEN": "env-token", "VSS_API_USER_PASS": "env-pass"},
            {"token": None, "username": "jm", "password": "env-pass"},
        ),
        (
            {"password": SECRET},
            {"VSS_TOKEN": "env-token", "VSS_USER": "env-user"},
            {"token": None, "username": "env-user", "password": SECRET},
        ),
        # The one-time code comes from the first source that gives one.
        (
            {"username": "jm", "password": SECRET, "otp": "111111"},
            {"VSS_API_USER_OTP": "222222"},
            {"otp": "111111"},
        ),
        ({"username": "jm", "password": SECRET}, {"VSS_API_USER_OTP": "222222"}, {"otp": "222222"}),
        # The other settings, one by one: the task's option, then the environment.
        (
            {"token": "t", "api_url": "https://task.example.org"},
            {"VSS_API_URL": "https://env.example.org"},
            {"api_url": "https://task.example.org"},
        ),
        ({"token": "t", "timeout": 5}, {"VSS_TIMEOUT": "9"}, {"timeout": 5.0}),
        ({"token": "t"}, {"VSS_TIMEOUT": "9"}, {"timeout": 9.0}),
    ],
)
def test_module_precedence_task_then_environment_with_credentials_as_a_set(
    monkeypatch, task, environment, expected
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    settings, module = module_settings(monkeypatch, task)

    assert {key: settings[key] for key in expected} == expected


def test_a_lone_task_password_is_not_completed_by_an_environment_token(monkeypatch):
    monkeypatch.setenv("VSS_API_TOKEN", "env-token")

    with pytest.raises(VssOptionError, match=r"^option 'username': is required with 'password'"):
        client_settings(dict(GOOD, token=None, password=SECRET))


def test_credentials_as_a_set():
    assert credentials([{"username": "a"}, {"token": "t", "password": "p"}]) == dict(
        token=None, username="a", password="p", otp=None
    )
    assert credentials([{}, {"otp": "1"}, {"token": "t"}]) == dict(
        token="t", username=None, password=None, otp="1"
    )
    assert credentials([{"token": None}, {}]) == dict(token=None, username=None, password=None, otp=None)


def test_secrets_of_the_environment_are_hidden_like_no_log_params(monkeypatch):
    monkeypatch.setenv("VSS_API_TOKEN", f"{SECRET}-token\n")
    monkeypatch.setenv("VSS_API_USER_OTP", f"{SECRET}-otp")

    settings, module = module_settings(monkeypatch, {})

    assert settings["token"] == f"{SECRET}-token"
    assert {f"{SECRET}-token", f"{SECRET}-token\n", f"{SECRET}-otp"} <= module.no_log_values


# Tokens: surrounding whitespace goes, anything else that is not printable ASCII is refused unseen.


@pytest.mark.parametrize(("token", "expected"), [("tok\n", "tok"), (" tok ", "tok"), ("\ttok\r\n", "tok")])
def test_whitespace_around_a_token_is_removed(monkeypatch, token, expected):
    assert client_settings(dict(GOOD, token=token))["token"] == expected
    monkeypatch.setenv("VSS_API_TOKEN", token)
    assert client_settings(dict(GOOD, token=None))["token"] == expected


@pytest.mark.parametrize("token", ["t\nok", "tök", "t ok", "t\tok", "t\x7fok", "t\x1bok", " ", "\n"])
def test_a_token_with_inner_whitespace_or_control_characters_is_refused_unseen(monkeypatch, token):
    for values in (dict(GOOD, token=token), dict(GOOD, token=None)):
        monkeypatch.setenv("VSS_API_TOKEN", token)
        with pytest.raises(VssOptionError) as caught:
            client_settings(values)
        assert caught.value.option == "token"
        assert str(caught.value).startswith("option 'token': must be a non-empty string of printable ASCII")
        assert not token.strip() or (token not in str(caught.value) and repr(token) not in str(caught.value))


@pytest.mark.parametrize(("written", "expected"), [('"tok\\n"', "tok"), ('" tok "', "tok")])
def test_whitespace_around_a_vsscli_token_is_removed(monkeypatch, tmp_path, written, expected):
    config = tmp_path / "config.yaml"
    config.write_text(f"endpoints:\n  - url: https://vss-api.eis.utoronto.ca\n    token: {written}\n")
    monkeypatch.setenv("VSS_CONFIG", str(config))

    assert client_settings(dict(GOOD, token=None))["token"] == expected


@pytest.mark.parametrize("written", [f'"{SECRET}\\nok"', f'"{SECRET}ö"', f'"{SECRET} x"'])
def test_a_broken_vsscli_token_is_refused_unseen(monkeypatch, tmp_path, written):
    config = tmp_path / "config.yaml"
    config.write_text(
        f"endpoints:\n  - url: https://vss-api.eis.utoronto.ca\n    token: {written}\n", "utf-8"
    )
    monkeypatch.setenv("VSS_CONFIG", str(config))

    with pytest.raises(VssOptionError) as caught:
        client_settings(dict(GOOD, token=None))
    assert caught.value.option == "token"
    assert "the token of vss-cli profile" in str(caught.value)
    assert SECRET not in str(caught.value)
