# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The image_info module's edge: an empty list of names sends nothing, a NUL fails naming the option."""

import json
from unittest import mock

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils import module as module_edge
from ansible_collections.utoronto.vss.plugins.modules import image_info

from .running import module_args

SENTINEL = "SENTINEL-TOKEN-image-info-7c2a"
IMAGES = [
    {"name": "Ubuntu_64-bit-vmx10.ova", "path": "images/Ubuntu_64-bit-vmx10.ova"},
    {"name": "CentOS_64-bit_vmx11.ova", "path": "images/CentOS_64-bit_vmx11.ova"},
]


def run_module(capsys, **args):
    """Run main() with ``args`` against a client holding IMAGES; the JSON result and the client."""
    args.setdefault("token", SENTINEL)
    args.setdefault("_ansible_remote_tmp", "/tmp")
    args.setdefault("_ansible_keep_remote_files", False)
    client = mock.Mock()
    client.list.side_effect = lambda path, params, **kwargs: [dict(image) for image in IMAGES]
    with module_args(args), mock.patch.object(module_edge, "VssClient", return_value=client):
        with pytest.raises(SystemExit):
            image_info.main()
    output = capsys.readouterr().out
    assert SENTINEL not in output
    return json.loads(output), client


def test_an_empty_list_of_names_returns_no_image_and_sends_nothing(capsys):
    result, client = run_module(capsys, name=[])
    assert result.get("failed") is not True, result
    assert result["images"] == []
    client.list.assert_not_called()


def test_no_name_lists_every_image(capsys):
    result, client = run_module(capsys)
    assert [image["name"] for image in result["images"]] == [
        "CentOS_64-bit_vmx11.ova",
        "Ubuntu_64-bit-vmx10.ova",
    ]
    client.list.assert_called_once()


def test_an_empty_list_still_has_its_other_options_checked(capsys):
    result, client = run_module(capsys, name=[], timeout=0)
    assert result["failed"] is True
    assert result["msg"].startswith("option 'timeout': ")
    client.list.assert_not_called()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (dict(name="a\0b"), "name"),
        (dict(name=["ubuntu", "a\0b"]), "name[1]"),
        (dict(api_url="https://vss.example.org/\0"), "api_url"),
        (dict(token="tok\0en"), "token"),
    ],
)
def test_a_nul_character_fails_naming_the_option_before_anything_is_logged(capsys, args, option):
    with mock.patch.object(module_edge.AnsibleModule, "log") as log:
        result, client = run_module(capsys, **args)
    assert result["failed"] is True
    assert result["msg"] == f"option '{option}': must not contain a NUL character"
    log.assert_not_called()
    client.list.assert_not_called()
