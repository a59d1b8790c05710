# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The image resources in both query dialects, against a running emulator."""

import json

import pytest

PAGE_IMAGES = [
    ("1608T-stoic_carson.ovf", "5012689b-071a-145b-584a-9a9b49873510/1608T-stoic_carson.ovf"),
    ("photon-custom-hw10-1.0-13c08b6-GA.ova", "images/photon-custom-hw10-1.0-13c08b6-GA.ova"),
    ("CentOS_64-bit_vmx10.ova", "images/CentOS_64-bit_vmx10.ova"),
    ("wily-server-cloudimg-amd64.ova", "images/wily-server-cloudimg-amd64.ova"),
    ("photon-custom-hw10-1.0-13c08b6.ova", "images/photon-custom-hw10-1.0-13c08b6.ova"),
    ("CentOS_64-bit_vmx11.ova", "images/CentOS_64-bit_vmx11.ova"),
    ("Ubuntu_64-bit-vmx10.ova", "images/Ubuntu_64-bit-vmx10.ova"),
    ("xenial-server-cloudimg-amd64.ova", "images/xenial-server-cloudimg-amd64.ova"),
    ("coreos_production_vmware_ova.ova", "images/coreos_production_vmware_ova.ova"),
    ("1608T-pensive_carson.ovf", "5012e183-ad9b-f415-a1a6-e31dd5d14ba4/1608T-pensive_carson.ovf"),
    ("1608T-chef-master.ovf", "5012af5b-799e-8adb-ba90-45a226e42040/1608T-chef-master.ovf"),
    ("1608T-suspicious_meitner.ovf", "50121742-7c36-d590-8244-1eef48362adc/1608T-suspicious_meitner.ovf"),
]

SPECIAL_IMAGES = [
    {"name": "ubuntu-22.04-server.ova", "path": "images/ubuntu-22.04-server.ova"},
    {"name": "ubuntu-22.04-server.ova.bak", "path": "images/ubuntu-22.04-server.ova.bak"},
    {"name": "kubuntu-22.04-server.ova", "path": "images/kubuntu-22.04-server.ova"},
    {"name": "win_2019.ova", "path": "images/win_2019.ova"},
    {"name": "winX2019.ova", "path": "images/winX2019.ova"},
    {"name": "My Image (v2).ova", "path": "[public store 1] images/My Image (v2).ova"},
    {"name": "übung-ñ.ova", "path": "images/übung-ñ.ova"},
    {"name": "100%-sure.ova", "path": "images/100%-sure.ova"},
]


def special_arguments(folder):
    path = folder / "extra.json"
    path.write_text(json.dumps(SPECIAL_IMAGES), encoding="utf-8")
    return ("--extra-images", str(path))


EMULATORS = {"special": special_arguments}


@pytest.fixture
def special(shared_emulator):
    """An emulator whose catalogue also holds names with wildcards, spaces, brackets and non-ASCII."""
    return shared_emulator("special")


def names(records):
    return [record["name"] for record in records]


def expanded(emulator, **params):
    return emulator.data("/v2/image", params={"expand": 1, "per_page": 100, **params})


def test_plain_get_lists_the_twelve_images_of_the_page_in_its_order(emulator):
    response = emulator.get("/v2/image")

    assert response.status_code == 200
    body = response.json()
    assert [(image["name"], image["path"]) for image in body["data"]] == PAGE_IMAGES
    assert set(body["data"][0]) == {"id", "name", "path", "created_on", "updated_on"}
    assert body["_links"] == {"api": f"{emulator.url}/v2/", "self": f"{emulator.url}/v2/image"}
    assert body["meta"]["user"] == "demo"
    assert body["meta"]["count"] == 12
    assert body["meta"]["time"].endswith("s")
    assert "pages" not in body["meta"]


def test_personal_images_are_the_four_exported_ovfs(emulator):
    personal = emulator.data("/v2/user/image/vm")

    assert [(image["name"], image["path"]) for image in personal] == [
        image for image in PAGE_IMAGES if image[0].startswith("1608T-")
    ]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("ubuntu", ["Ubuntu_64-bit-vmx10.ova"]),
        ("CENTOS", ["CentOS_64-bit_vmx10.ova", "CentOS_64-bit_vmx11.ova"]),
        ("ubuntu-16", []),
        ("carson", ["1608T-stoic_carson.ovf", "1608T-pensive_carson.ovf"]),
    ],
)
def test_page_name_parameter_is_a_case_insensitive_substring(emulator, name, expected):
    assert names(emulator.data("/v2/image", params={"name": name})) == expected


def test_page_sort_by_name_and_by_path(emulator):
    by_name = emulator.data("/v2/image", params={"sort": "name"})
    by_path = emulator.data("/v2/image", params={"sort": "path"})

    assert names(by_name) == sorted(
        (name for name, _path in PAGE_IMAGES), key=lambda name: (name.casefold(), name)
    )
    assert [image["path"] for image in by_path] == sorted(
        (path for _name, path in PAGE_IMAGES), key=lambda path: (path.casefold(), path)
    )
    assert names(by_name)[:2] == ["1608T-chef-master.ovf", "1608T-pensive_carson.ovf"]


def test_current_dialect_without_expand_lists_item_urls(emulator):
    response = emulator.get("/v2/image", params={"per_page": 3})

    urls = response.json()["data"]
    assert urls == [f"{emulator.url}/v2/image/{number}" for number in (1, 2, 3)]
    assert (
        emulator.session.get(urls[1], headers={"Authorization": "Bearer demo-token"}).json()["data"]["name"]
        == (PAGE_IMAGES[1][0])
    )


def test_current_dialect_default_page_size_is_ten(emulator):
    body = emulator.get("/v2/image", params={"expand": 1}).json()

    assert body["meta"]["count"] == 10
    assert body["meta"]["pages"]["per_page"] == 10
    assert body["meta"]["pages"]["pages"] == 2
    assert body["meta"]["pages"]["total"] == 12


@pytest.mark.parametrize(
    "filter_text, expected_ids",
    [
        ("id,eq,3", [3]),
        ("id,ne,3", [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        ("id,lt,3", [1, 2]),
        ("id,le,3", [1, 2, 3]),
        ("id,gt,10", [11, 12]),
        ("id,ge,10", [10, 11, 12]),
        ("id,in,2,4,99", [2, 4]),
        ("name,eq,CentOS_64-bit_vmx10.ova", [3]),
        ("name,eq,centos_64-bit_vmx10.ova", []),
        ("name,like,centos%", [3, 6]),
        ("name,like,%-GA.OVA", [2]),
        ("name,like,CentOS_64-bit_vmx1_.ova", [3, 6]),
        ("name,like,%ubuntu%;id,gt,5", [7]),
        ("path,like,5012%", [1, 10, 11, 12]),
        ("name,in,wily-server-cloudimg-amd64.ova,coreos_production_vmware_ova.ova", [4, 9]),
    ],
)
def test_filter_operators(emulator, filter_text, expected_ids):
    images = expanded(emulator, filter=filter_text, sort="id,asc")

    assert [image["id"] for image in images] == expected_ids


@pytest.mark.parametrize(
    "filter_text, expected",
    [
        ("name,like,win_2019.ova", ["winX2019.ova", "win_2019.ova"]),
        ("name,like,win\\_2019.ova", ["win_2019.ova"]),
        ("name,eq,win_2019.ova", ["win_2019.ova"]),
        ("name,like,100\\%%", ["100%-sure.ova"]),
        ("name,like,%ubuntu-22.04-server.ova", ["kubuntu-22.04-server.ova", "ubuntu-22.04-server.ova"]),
        ("name,eq,My Image (v2).ova", ["My Image (v2).ova"]),
        ("name,like,ÜBUNG%", ["übung-ñ.ova"]),
        ("path,eq,[public store 1] images/My Image (v2).ova", ["My Image (v2).ova"]),
    ],
)
def test_like_wildcards_and_special_characters(special, filter_text, expected):
    assert sorted(names(expanded(special, filter=filter_text))) == expected


def test_paths_and_non_ascii_names_round_trip_byte_identical(special):
    images = expanded(special, filter="name,like,%(v2)%;id,gt,12")
    unicode_images = special.data("/v2/image", params={"name": "übung"})

    assert [image["path"] for image in images] == ["[public store 1] images/My Image (v2).ova"]
    assert [image["path"] for image in unicode_images] == ["images/übung-ñ.ova"]


def test_sort_both_ways_and_on_several_keys(emulator):
    ascending = names(expanded(emulator, sort="name,asc"))
    descending = names(expanded(emulator, sort="name,desc"))
    by_kind = expanded(emulator, sort="path,asc;id,desc", filter="name,like,%photon%")

    assert ascending == list(reversed(descending))
    assert ascending == sorted(ascending, key=lambda name: (name.casefold(), name))
    assert [image["id"] for image in by_kind] == [2, 5]


def test_a_page_past_the_last_is_empty(emulator):
    body = emulator.get("/v2/image", params={"expand": 1, "page": 5}).json()

    assert body["data"] == []
    assert body["meta"]["count"] == 0
    assert body["meta"]["pages"]["next_url"] is None


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"sort": "size"}, "unknown sort field 'size'"),
        ({"sort": "name,up"}, "sort direction"),
        ({"filter": "size,eq,1"}, "unknown filter field 'size'"),
        ({"filter": "name,contains,x"}, "unknown filter operator 'contains'"),
        ({"filter": "name-like-x"}, "must read field,operator,value"),
        ({"filter": "id,gt,three"}, "expects an integer"),
        ({"page": "two"}, "page must be a positive integer"),
        ({"page": "0"}, "page must be a positive integer"),
        ({"per_page": "-5"}, "per_page must be a positive integer"),
        ({"expand": "maybe"}, "expand expects a boolean"),
    ],
)
def test_bad_list_parameters_are_400_with_a_message(emulator, params, fragment):
    response = emulator.get("/v2/image", params=params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_request"
    assert body["status"] == 400
    assert body["message"].startswith("InvalidParameterValue: ")
    assert fragment in body["message"]


def test_options_describes_methods_and_parameters_without_a_token(emulator):
    response = emulator.call("OPTIONS", "/v2/image", token=None)

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, OPTIONS"
    description = response.json()["data"]
    assert description["resource"] == "/v2/image"
    assert description["methods"] == ["GET", "OPTIONS"]
    assert {"name", "sort", "filter", "expand", "page", "per_page"} <= set(description["parameters"])
    assert description["fields"]["path"] == "str"


def test_unknown_image_id_is_404_json(emulator):
    response = emulator.get("/v2/image/999")

    assert response.status_code == 404
    assert response.json()["message"].startswith("NotFound: ")
