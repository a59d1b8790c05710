# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The utoronto.vss.image lookup, loaded through the plugin loader and run against the emulator."""

import multiprocessing
import os
import time

import pytest
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar
from ansible.utils.display import Display

from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.images import list_images, name_matches
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings

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
