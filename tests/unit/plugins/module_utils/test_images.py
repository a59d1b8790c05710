# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.images import (
    check_query,
    list_images,
    name_matches,
    server_filter,
    sort_images,
)

SPECIAL = [
    "ubuntu-22.04-server.ova",
    "ubuntu-22.04-server.ova.bak",
    "kubuntu-22.04-server.ova",
    "win_2019.ova",
    "winX2019.ova",
    "My Image (v2).ova",
    "übung-ñ.ova",
    "100%_done.ova",
    "100x_done.ova",
]


@pytest.mark.parametrize(
    ("wanted", "match", "case_sensitive", "expected"),
    [
        ("ubuntu-22.04-server.ova", "exact", False, ["ubuntu-22.04-server.ova"]),
        (
            "ubuntu-22.04-server.ova",
            "contains",
            False,
            ["ubuntu-22.04-server.ova", "ubuntu-22.04-server.ova.bak", "kubuntu-22.04-server.ova"],
        ),
        ("win_2019", "contains", False, ["win_2019.ova"]),
        ("win%2019", "contains", False, []),
        ("My Image (v2)", "contains", False, ["My Image (v2).ova"]),
        ("my image (V2).ova", "exact", False, ["My Image (v2).ova"]),
        ("my image (V2).ova", "exact", True, []),
        ("ÜBUNG-Ñ", "contains", False, ["übung-ñ.ova"]),
        ("übung-ñ.ova", "exact", True, ["übung-ñ.ova"]),
        ("100%_", "contains", False, ["100%_done.ova"]),
        ("Ubuntu", "contains", True, []),
    ],
)
def test_names_are_literal(wanted, match, case_sensitive, expected):
    assert [name for name in SPECIAL if name_matches(name, wanted, match, case_sensitive)] == expected


@pytest.mark.parametrize(
    ("names", "match", "case_sensitive", "expected"),
    [
        (["ubuntu"], "contains", False, None),
        (["ubuntu"], "contains", True, "name,like,%ubuntu%"),
        (["ubuntu"], "exact", True, "name,like,ubuntu"),
        (["2019"], "contains", False, "name,like,%2019%"),
        (["22.04-"], "exact", False, "name,like,22.04-"),
        (["a,b;c"], "contains", True, "name,like,%a_b_c%"),
        (["back\\slash"], "contains", True, "name,like,%back_slash%"),
        (["\\"], "exact", False, "name,like,_"),
        (["a", "b"], "contains", True, None),
        ([], "contains", True, None),
        (["übung"], "contains", True, None),
        (["u\u0308bung"], "exact", True, None),
        (["2204-ñ"], "contains", False, None),
    ],
)
def test_server_filter_only_narrows(names, match, case_sensitive, expected):
    assert server_filter(names, match, case_sensitive) == expected


def test_the_two_unicode_forms_of_a_name_sort_together():
    images = [
        {"name": "zeta.ova", "path": "images/zeta.ova"},
        {"name": "u\u0308bung.ova", "path": "images/decomposed.ova"},
        {"name": "vm.ova", "path": "images/vm.ova"},
        {"name": "\u00fcbung.ova", "path": "images/composed.ova"},
    ]
    assert [i["path"] for i in sort_images(images, "name", "asc")] == [
        "images/vm.ova",
        "images/zeta.ova",
        "images/decomposed.ova",  # ties broken by the name as stored: "u" before "\u00fc"
        "images/composed.ova",
    ]


def test_sort_is_case_insensitive_with_deterministic_ties():
    images = [
        {"name": "b.ova", "path": "z/b.ova"},
        {"name": "B.ova", "path": "a/B.ova"},
        {"name": "a.ova", "path": "y/a.ova"},
        {"name": "b.ova", "path": "a/b.ova"},
    ]
    ascending = [(i["name"], i["path"]) for i in sort_images(images, "name", "asc")]
    assert ascending == [
        ("a.ova", "y/a.ova"),
        ("B.ova", "a/B.ova"),
        ("b.ova", "a/b.ova"),
        ("b.ova", "z/b.ova"),
    ]
    assert [i["path"] for i in sort_images(images, "path", "desc")] == [
        "z/b.ova",
        "y/a.ova",
        "a/b.ova",
        "a/B.ova",
    ]


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"names": [""]}, "name"),
        ({"names": [3]}, "name"),
        ({"match": "glob"}, "match"),
        ({"sort": "size"}, "sort"),
        ({"order": "up"}, "order"),
        ({"source": "public"}, "source"),
        ({"on_incomplete": "ignore"}, "on_incomplete"),
    ],
)
def test_bad_queries_name_the_option(kwargs, option):
    with pytest.raises(VssOptionError) as caught:
        check_query(**kwargs)
    assert caught.value.option == option
    assert str(caught.value).startswith(f"option '{option}': ")


class FakeClient:
    """Answers list() from fixed records per path, recording the calls."""

    def __init__(self, by_path):
        self.by_path = by_path
        self.calls = []

    def list(self, path, params, key="path", on_incomplete="warn"):
        self.calls.append((path, dict(params)))
        return [dict(record) for record in self.by_path[path]]


CATALOGUE = {
    "v2/image": [
        {"name": "Ubuntu_64-bit-vmx10.ova", "path": "images/Ubuntu_64-bit-vmx10.ova"},
        {"name": "xenial-server-cloudimg-amd64.ova", "path": "images/xenial-server-cloudimg-amd64.ova"},
        {"name": "CentOS_64-bit_vmx11.ova", "path": "images/CentOS_64-bit_vmx11.ova"},
    ],
    "v2/user/image/vm": [
        {"name": "1608T-chef-master.ovf", "path": "5012af5b/1608T-chef-master.ovf"},
        {"name": "CentOS_64-bit_vmx11.ova", "path": "images/CentOS_64-bit_vmx11.ova"},
    ],
}


def test_list_images_all_sources_unique_by_path_and_tagged():
    client = FakeClient(CATALOGUE)
    images = list_images(client, source="all", sort="path", order="asc")
    assert [(i["path"], i["source"]) for i in images] == [
        ("5012af5b/1608T-chef-master.ovf", "personal"),
        ("images/CentOS_64-bit_vmx11.ova", "image"),
        ("images/Ubuntu_64-bit-vmx10.ova", "image"),
        ("images/xenial-server-cloudimg-amd64.ova", "image"),
    ]
    assert [path for path, _reply in client.calls] == ["v2/image", "v2/user/image/vm"]


def test_list_images_union_of_names_without_duplicates():
    client = FakeClient(CATALOGUE)
    images = list_images(client, ["ubuntu", "64", "xenial"], order="desc")
    assert [i["name"] for i in images] == [
        "xenial-server-cloudimg-amd64.ova",
        "Ubuntu_64-bit-vmx10.ova",
        "CentOS_64-bit_vmx11.ova",
    ]
    assert "filter" not in client.calls[0][1]


def test_list_images_keeps_local_match_when_server_filter_is_loose():
    client = FakeClient(CATALOGUE)
    assert list_images(client, ["ubuntu"], case_sensitive=True) == []
    assert client.calls[0][1]["filter"] == "name,like,%ubuntu%"


COMPOSED = "\u00fcbung-\u00f1.ova"  # übung-ñ.ova, each letter one code point (NFC)
DECOMPOSED = "u\u0308bung-n\u0303.ova"  # the same name, letters and combining marks (NFD)


@pytest.mark.parametrize("stored", [COMPOSED, DECOMPOSED])
@pytest.mark.parametrize("wanted", [COMPOSED, DECOMPOSED])
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_names_match_whatever_their_unicode_normal_form(stored, wanted, case_sensitive):
    assert name_matches(stored, wanted, "exact", case_sensitive)
    assert name_matches(stored, wanted[:7], "contains", case_sensitive)
    assert name_matches(stored.upper(), wanted, "exact", False)


@pytest.mark.parametrize("stored", [COMPOSED, DECOMPOSED])
def test_a_composed_letter_is_not_its_base_letter(stored):
    assert not name_matches(stored, "ubung", "contains")
    assert not name_matches(stored, "ub", "contains", case_sensitive=True)
    assert not name_matches(stored, "-n", "contains")


class LikeFilteringClient(FakeClient):
    """Applies a ``name,like,%text%`` or ``name,like,text`` filter code point by code point, as a
    database would."""

    def list(self, path, params, key="path", on_incomplete="warn"):
        records = super().list(path, params, key, on_incomplete)
        pattern = params.get("filter", "name,like,%%").split(",", 2)[2]
        if pattern.startswith("%") and pattern.endswith("%"):
            return [record for record in records if pattern[1:-1] in record["name"]]
        return [record for record in records if pattern == record["name"]]


@pytest.mark.parametrize("wanted", [COMPOSED, DECOMPOSED, COMPOSED[:5], DECOMPOSED[:6]])
@pytest.mark.parametrize("match", ["contains", "exact"])
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_list_images_finds_both_normal_forms_of_a_name(wanted, match, case_sensitive):
    if match == "exact" and not wanted.endswith(".ova"):
        wanted += "-\u00f1.ova" if wanted == COMPOSED[:5] else "-n\u0303.ova"
    catalogue = {
        "v2/image": [
            {"name": COMPOSED, "path": "images/" + COMPOSED},
            {"name": DECOMPOSED, "path": "jm/images/" + DECOMPOSED},
            {"name": "ubung.ova", "path": "images/ubung.ova"},
        ]
    }
    client = LikeFilteringClient(catalogue)
    images = list_images(client, [wanted], match=match, case_sensitive=case_sensitive, sort="path")
    assert [image["path"] for image in images] == ["images/" + COMPOSED, "jm/images/" + DECOMPOSED]
    assert "filter" not in client.calls[0][1]
