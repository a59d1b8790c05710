# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The utoronto.vss.image lookup, loaded through the plugin loader and run against the emulator."""

import multiprocessing
import os
import socket
import time

import pytest
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar
from ansible.utils.display import Display

from ansible_collections.utoronto.vss.plugins.module_utils import options
from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.images import list_images, name_matches
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings

from ..environment import DOCUMENTED_ENVIRONMENT, environment_case

TOKEN = "demo-token"
OTHER_TOKEN = "other-demo-token"
# Shared by the module's tests (see tests/unit/conftest.py): twenty images, at most seven a page, so one
# listing is three GET /v2/image requests; the slow one makes concurrent callers overlap.
EMULATORS = {
    "emulator": ["--images", "8", "--page-cap", "7", "--token", TOKEN, "--token", OTHER_TOKEN],
    "slow_emulator": ["--images", "8", "--page-cap", "7", "--fault", "slow:0.4@/v2/image"],
}

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 templates every string it is given

    def trust_as_template(value):
        return value


PAGES = 3  # twenty images, seven a page
IMAGE_COUNT = 20


def run_lookup(terms=(), variables=None, **keywords):
    """Load the plugin as Ansible does for one call and run it."""
    variables = dict(variables or {})
    templar = Templar(loader=DataLoader(), variables=variables)
    lookup = lookup_loader.get("utoronto.vss.image", loader=DataLoader(), templar=templar)
    return lookup.run(list(terms), variables=variables, **keywords)


def connection(emulator, token=TOKEN):
    return {"utoronto_vss_api_url": emulator.url, "utoronto_vss_token": token}


def every_image(emulator):
    """What image_info lists with the defaults, fetched straight through the shared code."""
    settings = client_settings({"api_url": emulator.url, "token": TOKEN, "timeout": 10, "retries": 0})
    return list_images(VssClient(settings))


def test_no_term_returns_every_image_as_image_info_does(emulator):
    emulator.count("GET /v2/image")
    expected = every_image(emulator)
    assert emulator.count("GET /v2/image") == PAGES

    images = run_lookup(variables=connection(emulator))

    assert images == expected
    assert len(images) == IMAGE_COUNT
    assert all(set(image) >= {"name", "path", "source"} for image in images)
    assert emulator.count("GET /v2/image") == PAGES


def test_several_terms_are_a_sorted_union_without_duplicates(emulator):
    terms = ["ubuntu", "UBUNTU_64", "centos", "gen-0000"]
    expected_paths = sorted(
        (image["name"].casefold(), image["name"], image["path"])
        for image in every_image(emulator)
        if any(name_matches(image["name"], term) for term in terms)
    )

    images = run_lookup(terms, connection(emulator))

    assert [(image["name"].casefold(), image["name"], image["path"]) for image in images] == expected_paths
    assert len({image["path"] for image in images}) == len(images)
    assert any("ubuntu" in image["name"].lower() for image in images)
    assert any("centos" in image["name"].lower() for image in images)


def test_a_list_term_is_spread_like_several_terms(emulator):
    spread = run_lookup([["ubuntu", "centos"]], connection(emulator), cache=False)

    assert spread == run_lookup(["ubuntu", "centos"], connection(emulator), cache=False)
    assert spread


def test_an_empty_list_term_matches_nothing_and_sends_nothing(emulator):
    emulator.count("GET /v2/image")

    assert run_lookup([[]], connection(emulator)) == []
    assert run_lookup([[], []], connection(emulator), cache=False) == []
    assert emulator.count("GET /v2/image") == 0


def test_a_dict_term_is_named_as_a_dict(emulator):
    with pytest.raises(AnsibleLookupError, match=r"^option 'terms': must be a string, got dict "):
        run_lookup([{"name": "ubuntu"}], connection(emulator))


def test_no_match_is_an_empty_list(emulator):
    assert run_lookup(["no-such-image-anywhere"], connection(emulator)) == []


def test_exact_match_and_order(emulator):
    exact = run_lookup(["CentOS_64-bit_vmx11.ova"], connection(emulator), match="exact", case_sensitive=True)
    descending = run_lookup(["ova"], connection(emulator), sort="path", order="desc")

    assert [image["name"] for image in exact] == ["CentOS_64-bit_vmx11.ova"]
    paths = [image["path"] for image in descending]
    assert paths == sorted(paths, key=lambda path: (path.casefold(), path), reverse=True)


def test_calls_share_one_listing_and_sorting_happens_after_the_cache(emulator):
    emulator.count("GET /v2/image")

    ascending = run_lookup(["gen"], connection(emulator))
    first_cost = emulator.count("GET /v2/image")
    descending = run_lookup(["gen"], connection(emulator), order="desc")
    again = [run_lookup(["gen"], connection(emulator)) for call in range(5)]

    assert first_cost >= 1
    assert emulator.count("GET /v2/image") == 0
    assert descending == list(reversed(ascending))
    assert all(result == ascending for result in again)


def test_another_query_or_other_credentials_fetch_again(emulator):
    run_lookup(["gen"], connection(emulator))
    emulator.count("GET /v2/image")

    run_lookup(["gen"], connection(emulator), match="exact")
    assert emulator.count("GET /v2/image") >= 1
    run_lookup(["gen"], connection(emulator, token=OTHER_TOKEN))
    assert emulator.count("GET /v2/image") >= 1
    run_lookup(["gen", "ubuntu"], connection(emulator))
    assert emulator.count("GET /v2/image") >= 1
    run_lookup(["ubuntu", "gen"], connection(emulator))
    assert emulator.count("GET /v2/image") == 0


@pytest.mark.parametrize("keywords", [{"cache": False}, {"cache_ttl": 0}])
def test_cache_can_be_turned_off(emulator, keywords):
    emulator.count("GET /v2/image")

    for call in range(3):
        run_lookup(variables=connection(emulator), **keywords)

    assert emulator.count("GET /v2/image") == 3 * PAGES


def test_cache_off_through_a_variable(emulator):
    variables = dict(connection(emulator), utoronto_vss_image_lookup_cache=False)
    emulator.count("GET /v2/image")

    run_lookup(variables=variables)
    run_lookup(variables=variables)

    assert emulator.count("GET /v2/image") == 2 * PAGES


def test_an_expired_entry_is_fetched_again(emulator, run_environment):
    run_lookup(variables=connection(emulator), cache_ttl=30)
    emulator.count("GET /v2/image")
    entries = [path for path in (run_environment / "utoronto_vss_lookup").iterdir() if path.suffix != ".lock"]
    entries = [path for path in entries if not path.name.startswith(".")]
    assert len(entries) == 1
    old = time.time() - 31
    os.utime(entries[0], (old, old))

    run_lookup(variables=connection(emulator), cache_ttl=30)

    assert emulator.count("GET /v2/image") == PAGES


def test_the_token_is_never_written(emulator, run_environment):
    run_lookup(["ubuntu"], connection(emulator))
    run_lookup(variables=connection(emulator, token=OTHER_TOKEN))

    files = [path for path in run_environment.rglob("*") if path.is_file()]
    assert files
    for path in files:
        for token in (TOKEN, OTHER_TOKEN):
            assert token not in path.name
            assert token.encode() not in path.read_bytes()


def _lookup_in_a_fork(url, barrier, results):
    barrier.wait(timeout=30)
    images = run_lookup(variables={"utoronto_vss_api_url": url, "utoronto_vss_token": TOKEN})
    results.put(len(images))


def test_concurrent_forks_fetch_once(slow_emulator, run_environment):
    context = multiprocessing.get_context("fork")
    workers = 4
    barrier, results = context.Barrier(workers), context.Queue()
    slow_emulator.count("GET /v2/image")

    processes = [
        context.Process(target=_lookup_in_a_fork, args=(slow_emulator.url, barrier, results))
        for worker in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0] * workers
    assert sorted(results.get(timeout=5) for worker in range(workers)) == [IMAGE_COUNT] * workers
    assert slow_emulator.count("GET /v2/image") == PAGES


@pytest.mark.parametrize(
    ("terms", "keywords", "option"),
    [
        ((), {"sort": "size"}, "sort"),
        ((), {"order": "up"}, "order"),
        ((), {"match": "fuzzy"}, "match"),
        ((), {"source": "everywhere"}, "source"),
        ((), {"on_incomplete": "ignore"}, "on_incomplete"),
        ((), {"case_sensitive": "maybe"}, "case_sensitive"),
        ((), {"cache": "sometimes"}, "cache"),
        ((), {"cache_ttl": "soon"}, "cache_ttl"),
        ((), {"cache_ttl": -1}, "cache_ttl"),
        ((), {"cache_ttl": 86401}, "cache_ttl"),
        ((), {"timeout": 0}, "timeout"),
        ((), {"retries": "many"}, "retries"),
        ((), {"api_url": "ftp://vss.example"}, "api_url"),
        ((), {"sorting": "name"}, "sorting"),
        (("",), {}, "terms"),
        ((None,), {}, "terms"),
        ((42,), {}, "terms"),
    ],
)
def test_a_bad_option_fails_naming_it_before_any_request(emulator, terms, keywords, option):
    emulator.count("GET /v2/image")

    with pytest.raises(AnsibleLookupError) as failure:
        run_lookup(terms, connection(emulator), **keywords)

    message = str(failure.value)
    assert message.startswith(f"option '{option}'")
    assert "\n" not in message
    assert emulator.count("GET /v2/image") == 0


def test_a_bad_variable_value_fails_naming_the_option(emulator):
    variables = dict(connection(emulator), utoronto_vss_timeout="abc")

    with pytest.raises(AnsibleLookupError, match=r"^option 'timeout' \(set by a variable"):
        run_lookup(variables=variables)


@pytest.mark.parametrize("option", ["token", "password", "otp"])
def test_a_secret_keyword_of_the_wrong_type_is_not_echoed(emulator, option):
    with pytest.raises(AnsibleLookupError) as failure:
        run_lookup(variables=connection(emulator), **{option: ["sentinel-secret-value"]})

    assert str(failure.value).startswith(f"option '{option}': must be of type str")
    assert "sentinel-secret-value" not in str(failure.value)


@pytest.mark.parametrize("option", ["token", "password"])
def test_a_secret_variable_of_the_wrong_type_is_not_echoed(emulator, option):
    variables = dict(connection(emulator), **{f"utoronto_vss_{option}": {"nested": "sentinel-secret-value"}})

    try:
        images = run_lookup(variables=variables)
    except AnsibleLookupError as error:
        assert str(error).startswith(f"option '{option}'")
        assert "sentinel-secret-value" not in str(error)
    else:  # ansible-core 2.16 turns the mapping into text: then the token is simply wrong or unused
        assert option == "password" and len(images) == IMAGE_COUNT


def test_401_is_a_lookup_error_with_the_clients_message_and_is_not_cached(emulator):
    sentinel = "sentinel-token-0123456789"
    emulator.count("GET /v2/image")

    for attempt in range(2):
        with pytest.raises(AnsibleLookupError) as failure:
            run_lookup(variables=connection(emulator, token=sentinel))
        message = str(failure.value)
        assert message.startswith(f"HTTP 401 Unauthorized for GET {emulator.url}/v2/image")
        assert "check the token" in message
        assert sentinel not in message

    assert emulator.count("GET /v2/image") == 2


def test_missing_credentials_say_where_lookups_look(emulator):
    with pytest.raises(AnsibleLookupError) as failure:
        run_lookup(variables={"utoronto_vss_api_url": emulator.url})

    message = str(failure.value)
    assert message.startswith("option 'token': no credentials found")
    assert "utoronto_vss_token" in message
    assert "VSS_API_TOKEN" in message
    assert "'environment:' does not reach lookups" in message


@pytest.mark.parametrize("name", ["VSS_API_TOKEN", "VSS_TOKEN"])
def test_each_token_environment_name_alone_is_read(emulator, monkeypatch, name):
    monkeypatch.setenv(name, TOKEN)

    assert len(run_lookup(variables={"utoronto_vss_api_url": emulator.url})) == IMAGE_COUNT


@pytest.mark.parametrize("name", ["VSS_API_URL", "VSS_ENDPOINT"])
def test_each_url_environment_name_alone_is_read(emulator, monkeypatch, name):
    monkeypatch.setenv(name, emulator.url)

    assert len(run_lookup(token=TOKEN)) == IMAGE_COUNT


@pytest.mark.parametrize(
    ("keyword", "variable", "environment", "wins"),
    [
        (TOKEN, "wrong-variable-token", "wrong-environment-token", "keyword"),
        (None, TOKEN, "wrong-environment-token", "variable"),
        (None, None, TOKEN, "environment"),
    ],
)
def test_precedence_keyword_then_variable_then_environment(
    emulator, monkeypatch, keyword, variable, environment, wins
):
    monkeypatch.setenv("VSS_API_TOKEN", environment)
    variables = {"utoronto_vss_api_url": emulator.url}
    if variable is not None:
        variables["utoronto_vss_token"] = variable
    keywords = {"token": keyword} if keyword is not None else {}

    images = run_lookup(variables=variables, cache=False, **keywords)

    assert len(images) == IMAGE_COUNT, wins


def test_our_environment_name_wins_over_the_cli_name(emulator, monkeypatch):
    monkeypatch.setenv("VSS_API_TOKEN", TOKEN)
    monkeypatch.setenv("VSS_TOKEN", "wrong-cli-token")

    assert len(run_lookup(variables={"utoronto_vss_api_url": emulator.url})) == IMAGE_COUNT


def test_an_empty_environment_variable_counts_as_unset(emulator, monkeypatch):
    monkeypatch.setenv("VSS_API_TOKEN", "")
    monkeypatch.setenv("VSS_TOKEN", TOKEN)

    assert len(run_lookup(variables={"utoronto_vss_api_url": emulator.url})) == IMAGE_COUNT


def test_an_empty_token_keyword_is_still_refused(emulator):
    with pytest.raises(AnsibleLookupError, match="option 'token': must be a non-empty string"):
        run_lookup(variables={"utoronto_vss_api_url": emulator.url}, token="")


def test_variables_are_templated_before_use(emulator):
    variables = {
        "utoronto_vss_api_url": trust_as_template("{{ emulator_url }}"),
        "utoronto_vss_token": trust_as_template("{{ vault_token }}"),
        "emulator_url": emulator.url,
        "vault_token": TOKEN,
    }

    assert len(run_lookup(variables=variables)) == IMAGE_COUNT


def test_vvv_shows_requests_pages_and_timings_but_no_token(emulator, monkeypatch, capsys):
    token = OTHER_TOKEN
    monkeypatch.setattr(Display(), "verbosity", 4)

    run_lookup(["gen"], connection(emulator, token=token))
    run_lookup(["gen"], connection(emulator, token=token))

    output = capsys.readouterr()
    shown = output.out + output.err
    assert f"GET {emulator.url}/v2/image?" in shown
    assert "records in 3 pages" in shown
    assert "run cache miss" in shown
    assert "run cache hit" in shown
    assert token not in shown


def lookup_settings(variables=None, **keywords):
    """The settings the lookup's client would get, without sending a request."""
    variables = dict(variables or {})
    templar = Templar(loader=DataLoader(), variables=variables)
    lookup = lookup_loader.get("utoronto.vss.image", loader=DataLoader(), templar=templar)
    seen = []
    lookup._images = lambda settings, names, query, cache_ttl: seen.append(settings) or []
    lookup.run([], variables=variables, **keywords)
    return seen[0]


@pytest.mark.parametrize(("name", "option"), DOCUMENTED_ENVIRONMENT)
def test_each_documented_variable_alone_reaches_its_option_in_the_lookup(monkeypatch, tmp_path, name, option):
    value, keywords, (key, expected) = environment_case(option, tmp_path)
    monkeypatch.setenv(name, value)

    assert lookup_settings(**keywords)[key] == expected
    monkeypatch.delenv(name)
    try:
        without = lookup_settings(**keywords)[key]
    except AnsibleLookupError:
        without = None  # the pair, or any credential, is then missing
    assert without != expected, "the variable made no difference"


@pytest.mark.parametrize(
    ("keywords", "variables", "environment", "expected"),
    [
        # Credentials are a set: a username and password from a higher source beat a lower token...
        (
            {"username": "jm", "password": "pw"},
            {"utoronto_vss_token": "var-token"},
            {},
            {"token": None, "username": "jm", "password": "pw"},
        ),
        (
            {},
            {"utoronto_vss_username": "jm", "utoronto_vss_password": "pw"},
            {"VSS_API_TOKEN": "env-token"},
            {"token": None, "username": "jm", "password": "pw"},
        ),
        (
            {"username": "jm", "password": "pw"},
            {},
            {"VSS_TOKEN": "env-token"},
            {"token": None, "username": "jm", "password": "pw"},
        ),
        # ... and a higher token beats a lower username and password.
        (
            {"token": "kw-token"},
            {"utoronto_vss_username": "jm", "utoronto_vss_password": "pw"},
            {},
            {"token": "kw-token", "username": None, "password": None},
        ),
        (
            {},
            {"utoronto_vss_token": "var-token"},
            {"VSS_API_USER": "env-user", "VSS_API_USER_PASS": "env-pass"},
            {"token": "var-token", "username": None, "password": None},
        ),
        # One kind against itself: keyword, then variable, then environment.
        (
            {"token": "kw-token"},
            {"utoronto_vss_token": "var-token"},
            {"VSS_API_TOKEN": "env-token"},
            {"token": "kw-token"},
        ),
        ({}, {"utoronto_vss_token": "var-token"}, {"VSS_API_TOKEN": "env-token"}, {"token": "var-token"}),
        (
            {"password": "kw-pass"},
            {"utoronto_vss_username": "var-user", "utoronto_vss_password": "var-pass"},
            {},
            {"username": "var-user", "password": "kw-pass"},
        ),
        # Half a pair is completed from a lower source; that source's token is not used.
        (
            {},
            {"utoronto_vss_username": "jm"},
            {"VSS_API_TOKEN": "env-token", "VSS_API_USER_PASS": "env-pass"},
            {"token": None, "username": "jm", "password": "env-pass"},
        ),
        # The one-time code comes from the first source that gives one.
        (
            {"username": "jm", "password": "pw"},
            {"utoronto_vss_otp": "111111"},
            {"VSS_API_USER_OTP": "222222"},
            {"otp": "111111"},
        ),
        # The other settings, one by one.
        (
            {"token": "t", "url": "https://keyword.example.org"},
            {"utoronto_vss_api_url": "https://var.example.org"},
            {"VSS_API_URL": "https://env.example.org"},
            {"api_url": "https://keyword.example.org", "default_api_url": False},
        ),
        (
            {"token": "t"},
            {"utoronto_vss_api_url": "https://var.example.org"},
            {"VSS_API_URL": "https://env.example.org"},
            {"api_url": "https://var.example.org"},
        ),
        (
            {"token": "t"},
            {},
            {"VSS_ENDPOINT": "https://env.example.org"},
            {"api_url": "https://env.example.org"},
        ),
        ({"token": "t"}, {}, {}, {"api_url": "https://vss-api.eis.utoronto.ca", "default_api_url": True}),
        ({"token": "t"}, {"utoronto_vss_timeout": 5}, {"VSS_TIMEOUT": "9"}, {"timeout": 5.0}),
    ],
)
def test_lookup_precedence_keyword_variable_environment_with_credentials_as_a_set(
    monkeypatch, keywords, variables, environment, expected
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    settings = lookup_settings(variables, **keywords)

    assert {key: settings[key] for key in expected} == expected


def test_surrounding_whitespace_of_a_token_is_removed(emulator, monkeypatch):
    monkeypatch.setenv("VSS_API_TOKEN", f" {TOKEN}\n")

    assert len(run_lookup(variables={"utoronto_vss_api_url": emulator.url}, cache=False)) == IMAGE_COUNT
    assert len(run_lookup(token=f"{TOKEN}\n", url=emulator.url, cache=False)) == IMAGE_COUNT


def closed_loopback_url():
    """A loopback URL nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


DEFAULT_NOTE = "api_url was not set ("


def test_a_failure_against_the_default_url_says_it_was_the_default(monkeypatch):
    default = closed_loopback_url()
    monkeypatch.setattr(options, "DEFAULT_API_URL", default)
    sentinel = "sentinel-token-default-url"

    with pytest.raises(AnsibleLookupError) as failure:
        run_lookup(variables={"utoronto_vss_token": sentinel, "utoronto_vss_retries": 0})

    message = str(failure.value)
    assert message.startswith(f"cannot reach GET {default}/v2/image")
    assert "api_url was not set (no lookup keyword, utoronto_vss_api_url variable, VSS_API_URL" in message
    assert f"so the default {default} was used" in message
    assert message.endswith("a task's 'environment:' does not reach lookups, which run on the controller")
    assert "\n" not in message
    assert sentinel not in message


def test_a_401_from_the_default_url_says_it_was_the_default(emulator, monkeypatch):
    monkeypatch.setattr(options, "DEFAULT_API_URL", emulator.url)

    with pytest.raises(AnsibleLookupError) as failure:
        run_lookup(token="wrong-token", cache=False)

    message = str(failure.value)
    assert message.startswith(f"HTTP 401 Unauthorized for GET {emulator.url}/v2/image")
    assert f"so the default {emulator.url} was used" in message
    assert "\n" not in message


def test_a_default_url_that_works_needs_no_note(emulator, monkeypatch):
    monkeypatch.setattr(options, "DEFAULT_API_URL", emulator.url)

    assert len(run_lookup(token=TOKEN, cache=False)) == IMAGE_COUNT


@pytest.mark.parametrize("where", ["keyword", "variable", "environment", "vss-cli"])
def test_a_failure_against_a_url_that_was_set_has_no_default_note(monkeypatch, tmp_path, where):
    url = closed_loopback_url()
    monkeypatch.setattr(options, "DEFAULT_API_URL", closed_loopback_url())
    keywords, variables = {"retries": 0}, {"utoronto_vss_token": "t"}
    if where == "keyword":
        keywords["api_url"] = url
    elif where == "variable":
        variables["utoronto_vss_api_url"] = url
    elif where == "environment":
        monkeypatch.setenv("VSS_API_URL", url)
    else:
        config = tmp_path / "config.yaml"  # no profile has the default URL: the cloud-api profile is taken
        config.write_text(f"endpoints:\n  - name: cloud-api\n    url: {url}\n    token: t\n")
        monkeypatch.setenv("VSS_CONFIG", str(config))
        variables = {}

    with pytest.raises(AnsibleLookupError) as failure:
        run_lookup(variables=variables, **keywords)

    assert str(failure.value).startswith(f"cannot reach GET {url}/v2/image")
    assert DEFAULT_NOTE not in str(failure.value)
