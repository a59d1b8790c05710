# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Uploading images (image_upload) to a real S3 server (moto) behind the real emulator."""

import hashlib
import io
import json
import tarfile

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError, VssStorageError
from ansible_collections.utoronto.vss.plugins.module_utils.options import client_settings
from ansible_collections.utoronto.vss.plugins.module_utils.storage import UploadRun, local_files

pytest.importorskip("boto3")
pytest.importorskip("moto")
testing = pytest.importorskip("vss_emulator.testing")

BUCKET = "ut-vss"
MIB = 1024 * 1024
PARAMS = dict(
    dest="images",
    part_size=5,
    sync=True,
    s3_endpoint=None,
    s3_access_key=None,
    s3_secret_key=None,
    bucket=None,
    retries=0,
    wait_timeout=30,
    poll_interval=0.05,
)
OVF = """<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>{files}</References>
  <VirtualSystem ovf:id="tiny"><Info>tiny</Info></VirtualSystem>
</Envelope>
"""


def ovf_text(*hrefs):
    return OVF.format(
        files="".join(f'<File ovf:href="{href}" ovf:id="f{n}"/>' for n, href in enumerate(hrefs))
    )


def make_ova(path, descriptor=None, extra=b"disk"):
    """A tar whose first member is the descriptor, as an OVA must be."""
    members = [("tiny.ovf", (descriptor or ovf_text("tiny-1.vmdk")).encode()), ("tiny-1.vmdk", extra)]
    with tarfile.open(path, "w") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return str(path)


@pytest.fixture
def servers():
    s3 = testing.S3Server()
    emulator = testing.Emulator(["--s3-endpoint", s3.url, "--request-delay", "0.2"])
    yield s3, emulator
    emulator.stop()
    s3.stop()


@pytest.fixture
def s3(servers):
    client = servers[0].client()
    for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=entry["Key"])
    return client


@pytest.fixture
def emulator(servers):
    servers[1].stats(reset=True)
    return servers[1]


def upload(emulator, src, check_mode=False, diff=False, **params):
    client = VssClient(
        client_settings({"api_url": emulator.url, "token": "demo-token", "timeout": 10, "retries": 0})
    )
    warnings = []
    result = UploadRun(
        client, dict(PARAMS, src=str(src), **params), check_mode, diff, warnings.append
    ).execute()
    assert "vss-emulator-secret" not in json.dumps(result)
    return result, warnings


def routes(emulator):
    return emulator.stats(reset=True)["by_route"]


def test_an_ova_is_uploaded_synced_and_its_path_returned_and_a_rerun_sends_nothing(emulator, s3, tmp_path):
    ova = make_ova(tmp_path / "tiny.ova")
    digest = hashlib.sha256(open(ova, "rb").read()).hexdigest()

    first, warnings = upload(emulator, ova)
    assert first["changed"] is True
    assert first["key"] == "demo/images/tiny.ova"
    assert first["path"] == "[vssUser-xfers] demo/images/tiny.ova"
    assert first["image"]["name"] == "tiny.ova"
    assert first["files"] == [
        dict(
            src=ova,
            key="demo/images/tiny.ova",
            size=len(open(ova, "rb").read()),
            sha256=digest,
            uploaded=True,
        )
    ]
    assert first["sync"]["added"] == [first["path"]]
    assert s3.head_object(Bucket=BUCKET, Key="demo/images/tiny.ova")["Metadata"] == {"sha256": digest}
    assert warnings == []
    assert routes(emulator)["PATCH /v2/user/image/vm"] == 1

    again, _warnings = upload(emulator, ova, diff=True)
    assert again["changed"] is False
    assert again["path"] == first["path"]
    assert again["files"][0]["uploaded"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert "PATCH /v2/user/image/vm" not in routes(emulator)


def test_changed_content_is_sent_again(emulator, s3, tmp_path):
    ova = make_ova(tmp_path / "tiny.ova")
    upload(emulator, ova)
    make_ova(tmp_path / "tiny.ova", extra=b"another disk")
    result, _warnings = upload(emulator, ova, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] != result["diff"]["after"]
    stored = s3.head_object(Bucket=BUCKET, Key="demo/images/tiny.ova")
    assert stored["Metadata"]["sha256"] == result["files"][0]["sha256"]


def test_an_ovf_goes_with_its_referenced_files_the_descriptor_last(emulator, s3, tmp_path):
    (tmp_path / "disks").mkdir()
    (tmp_path / "disks" / "tiny-1.vmdk").write_bytes(b"disk one")
    (tmp_path / "tiny-2.vmdk").write_bytes(b"disk two")
    (tmp_path / "tiny.mf").write_text("SHA256(tiny.ovf)= 00\n")
    descriptor = tmp_path / "tiny.ovf"
    descriptor.write_text(ovf_text("disks/tiny-1.vmdk", "tiny-2.vmdk", "tiny-2.vmdk"))

    result, _warnings = upload(emulator, descriptor, dest="/images/linux/")
    keys = [entry["key"] for entry in result["files"]]
    assert keys == [
        "demo/images/linux/disks/tiny-1.vmdk",
        "demo/images/linux/tiny-2.vmdk",
        "demo/images/linux/tiny.mf",
        "demo/images/linux/tiny.ovf",
    ]
    assert sorted(entry["Key"] for entry in s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == sorted(keys)
    assert result["path"] == "[vssUser-xfers] demo/images/linux/tiny.ovf"


def test_a_large_file_goes_in_parts(emulator, s3, tmp_path):
    ova = make_ova(tmp_path / "big.ova", extra=b"x" * (11 * MIB))
    result, _warnings = upload(emulator, ova, part_size=5)
    head = s3.head_object(Bucket=BUCKET, Key="demo/images/big.ova")
    assert head["ETag"].strip('"').endswith("-3")
    assert head["ContentLength"] == result["files"][0]["size"]
    assert upload(emulator, ova, part_size=5)[0]["changed"] is False


def test_a_failed_multipart_upload_leaves_nothing_behind(emulator, s3, tmp_path, monkeypatch):
    ova = make_ova(tmp_path / "big.ova", extra=b"x" * (11 * MIB))
    made = UploadRun.storage

    def failing_storage(run):
        storage = made(run)
        parts = []

        def fail_on_second_part(**_kwargs):
            parts.append(1)
            if len(parts) == 2:
                raise OSError("disk read error")

        storage.client.meta.events.register("before-call.s3.UploadPart", fail_on_second_part)
        return storage

    monkeypatch.setattr(UploadRun, "storage", failing_storage)
    with pytest.raises(
        VssStorageError, match=r"^upload to s3://ut-vss/demo/images/big.ova at http.*disk read error"
    ):
        upload(emulator, ova, part_size=5)
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
    assert "PATCH /v2/user/image/vm" not in routes(emulator)


def test_parts_left_by_an_interrupted_run_are_aborted(emulator, s3, tmp_path):
    ova = make_ova(tmp_path / "tiny.ova")
    s3.create_multipart_upload(Bucket=BUCKET, Key="demo/images/tiny.ova")
    result, warnings = upload(emulator, ova)
    assert result["changed"] is True
    assert warnings == [
        f"aborted an unfinished upload of s3://ut-vss/demo/images/tiny.ova at {emulator_s3_url(emulator)} left by an earlier run"
    ]
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def emulator_s3_url(emulator):
    return emulator.data("/v2/status/stor")["s3"]["endpoint"]


def test_check_mode_reports_what_it_would_send_and_sends_nothing(emulator, s3, tmp_path):
    ova = make_ova(tmp_path / "tiny.ova")
    result, _warnings = upload(emulator, ova, check_mode=True)
    assert result["changed"] is True
    assert result["msg"].startswith("would upload 1 of 1 files to s3://ut-vss/demo/images/tiny.ova")
    assert result["path"] is None
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
    assert "PATCH /v2/user/image/vm" not in routes(emulator)


def test_storage_options_win_over_what_the_service_hands_out(servers, emulator, s3, tmp_path):
    ova = make_ova(tmp_path / "tiny.ova")
    result, _warnings = upload(
        emulator, ova, s3_endpoint=servers[0].url, s3_access_key="mine", s3_secret_key="also-mine", sync=False
    )
    assert result["key"] == "demo/images/tiny.ova"
    used = routes(emulator)
    assert "GET /v2/status/stor" not in used
    assert used["GET /v2/user"] == 1


def test_without_storage_settings_anywhere_the_error_names_the_options(tmp_path):
    emulator = testing.Emulator([])
    try:
        with pytest.raises(
            VssOptionError, match=r"^option 's3_endpoint': the storage settings are not all set"
        ):
            upload(emulator, make_ova(tmp_path / "tiny.ova"))
    finally:
        emulator.stop()


@pytest.mark.parametrize(
    "files, src, message",
    [
        ({}, "missing.ova", "'.*missing.ova' is not a file"),
        ({"notes.txt": b"x"}, "notes.txt", "'notes.txt' is neither an .ova nor an .ovf file"),
        ({"bad.ova": b"not a tar at all" * 64}, "bad.ova", "'bad.ova' is not an OVA"),
        ({"bad.ovf": b"<Envelope"}, "bad.ovf", "'bad.ovf' is not a readable OVF descriptor"),
        (
            {"up.ovf": ovf_text("../up.vmdk").encode()},
            "up.ovf",
            "'up.ovf' references '../up.vmdk': only plain relative",
        ),
        (
            {"url.ovf": ovf_text("http://x/y.vmdk").encode()},
            "url.ovf",
            "'url.ovf' references 'http://x/y.vmdk'",
        ),
        (
            {"lost.ovf": ovf_text("lost.vmdk").encode()},
            "lost.ovf",
            "'lost.ovf' references 'lost.vmdk', which is not a file",
        ),
    ],
)
def test_bad_files_fail_before_anything_is_sent(tmp_path, files, src, message):
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(VssOptionError, match=f"^option 'src': {message}"):
        local_files(str(tmp_path / src))


def test_an_ova_must_start_with_its_descriptor(tmp_path):
    path = tmp_path / "backwards.ova"
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("disk.vmdk")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"disk"))
    with pytest.raises(VssOptionError, match="first member must be the .ovf descriptor, found 'disk.vmdk'"):
        local_files(str(path))


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(dest="../elsewhere"), "option 'dest': must be a relative folder"),
        (dict(dest="/"), "option 'dest': must be a relative folder"),
        (dict(part_size=4), "option 'part_size': must be a whole number of MiB from 5 to 5120"),
        (dict(part_size=True), "option 'part_size'"),
        (dict(wait_timeout=0), "option 'wait_timeout'"),
    ],
)
def test_bad_options_fail_before_anything_is_sent(tmp_path, params, message):
    ova = make_ova(tmp_path / "tiny.ova")
    with pytest.raises(VssOptionError, match=f"^{message}"):
        UploadRun(None, dict(PARAMS, src=ova, **params))
