# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The edges of image_sync, vm_export and image_upload: missing libraries and bad options, before any request."""

import json
from unittest import mock

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils import module as module_edge
from ansible_collections.utoronto.vss.plugins.modules import image_sync, image_upload, vm_export

from .running import module_args

SENTINEL = "SENTINEL-TOKEN-lifecycle-7a2c"
SECRET = "SENTINEL-S3-SECRET-91f0"


def run_module(capsys, plugin, **args):
    """Run ``plugin.main()`` with ``args`` and no reachable API (making a client fails the test)."""
    args.setdefault("token", SENTINEL)
    args.setdefault("_ansible_remote_tmp", "/tmp")
    args.setdefault("_ansible_keep_remote_files", False)
    with (
        module_args(args),
        mock.patch.object(module_edge, "VssClient", side_effect=AssertionError("no client expected")),
    ):
        with pytest.raises(SystemExit):
            plugin.main()
    output = capsys.readouterr().out
    assert SENTINEL not in output and SECRET not in output
    return json.loads(output)


def test_image_upload_without_boto3_fails_with_one_line_naming_it(capsys, tmp_path):
    with mock.patch.object(image_upload, "HAS_BOTO3", False):
        result = run_module(capsys, image_upload, src=str(tmp_path / "x.ova"), s3_secret_key=SECRET)
    assert result["failed"] is True
    assert "Failed to import the required Python library (boto3)" in result["msg"]
    assert "\n" not in result["msg"]


def test_image_upload_refuses_a_file_that_is_not_an_image_before_any_request(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    result = run_module(capsys, image_upload, src=str(tmp_path / "notes.txt"))
    assert result["msg"] == "option 'src': 'notes.txt' is neither an .ova nor an .ovf file"


def test_vm_export_needs_a_name_or_an_id(capsys):
    result = run_module(capsys, vm_export)
    assert result["failed"] is True
    assert "one of the following is required: name, id" in result["msg"]


def test_vm_export_takes_a_name_or_an_id_not_both(capsys):
    result = run_module(capsys, vm_export, name="web01", id="vm-1")
    assert "mutually exclusive: name|id" in result["msg"]


def test_image_sync_in_check_mode_makes_no_client(capsys):
    result = run_module(capsys, image_sync, _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("would sync")
