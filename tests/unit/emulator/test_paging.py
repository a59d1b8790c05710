# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Paging with a server cap below the page size asked for: 250 generated images plus the twelve."""

import re

EMULATORS = {"emulator": ("--images", "250", "--page-cap", "7")}
TOTAL = 262
PAGES = 38


def page(emulator, number, **params):
    response = emulator.get("/v2/image", params={"expand": 1, "per_page": 100, "page": number, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_every_image_is_collected_by_walking_pages_built_by_the_client(emulator):
    emulator.stats(reset=True)
    paths = []
    first = page(emulator, 1)
    pages = first["meta"]["pages"]["pages"]
    for number in range(1, pages + 1):
        paths.extend(image["path"] for image in page(emulator, number, sort="path,asc")["data"])

    assert pages == PAGES
    assert len(paths) == TOTAL
    assert len(set(paths)) == TOTAL
    assert paths == sorted(paths, key=lambda path: (path.casefold(), path))
    assert emulator.stats()["by_route"] == {"GET /v2/image": PAGES + 1}


def test_page_metadata_on_the_first_a_middle_and_the_last_page(emulator):
    base = f"{emulator.url}/v2/image"
    first = page(emulator, 1)["meta"]
    middle = page(emulator, 2)["meta"]
    last = page(emulator, PAGES)

    assert first["count"] == 7
    assert first["pages"] == {
        "page": 1,
        "pages": PAGES,
        "per_page": 7,
        "total": TOTAL,
        "first_url": f"{base}?page=1&per_page=7",
        "last_url": f"{base}?page={PAGES}&per_page=7",
        "next_url": f"{base}?page=2&per_page=7",
        "prev_url": None,
    }
    assert middle["pages"]["prev_url"] == f"{base}?page=1&per_page=7"
    assert middle["pages"]["next_url"] == f"{base}?page=3&per_page=7"
    assert last["meta"]["count"] == TOTAL - (PAGES - 1) * 7
    assert last["meta"]["pages"]["next_url"] is None
    assert last["meta"]["pages"]["prev_url"] == f"{base}?page={PAGES - 1}&per_page=7"


def test_page_urls_do_not_carry_filter_sort_or_expand(emulator):
    pages = page(emulator, 1, filter="name,like,%ubuntu%", sort="name,desc")["meta"]["pages"]

    assert "filter" not in pages["next_url"]
    assert "sort" not in pages["next_url"]
    assert "expand" not in pages["next_url"]


def test_generated_names_mix_words_so_filters_select_a_share(emulator):
    everything = emulator.data("/v2/image")
    generated = [image["name"] for image in everything if image["name"].startswith("gen-")]
    ubuntu = emulator.data("/v2/image", params={"name": "ubuntu"})

    assert len(generated) == 250
    assert all(re.fullmatch(r"gen-\d{5}-[A-Za-z-]+\.ov[af]", name) for name in generated)
    assert {"gen-00042-ubuntu.ova", "gen-00043-Ubuntu-LTS.ova", "gen-00045-fedora.ovf"} <= set(generated)
    assert 20 < len(ubuntu) < 60
    words = {re.fullmatch(r"gen-\d{5}-(.+)\.ov[af]", image["name"]).group(1) for image in ubuntu[1:]}
    assert ubuntu[0]["name"] == "Ubuntu_64-bit-vmx10.ova"
    assert words == {"ubuntu", "Ubuntu-LTS"}


def test_a_filtered_walk_collects_exactly_the_matches(emulator):
    matches = emulator.data("/v2/image", params={"name": "centos"})
    first = page(emulator, 1, filter="name,like,%centos%")
    collected = list(first["data"])
    for number in range(2, first["meta"]["pages"]["pages"] + 1):
        collected.extend(page(emulator, number, filter="name,like,%centos%")["data"])

    assert first["meta"]["pages"]["total"] == len(matches)
    assert sorted(image["path"] for image in collected) == sorted(image["path"] for image in matches)
