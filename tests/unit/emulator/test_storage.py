# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The emulator with `--s3-endpoint`: syncs list the user's space in a real S3 server, exports write to it."""

import subprocess
import sys
import time

import pytest

from vss_emulator.testing import S3Server

pytest.importorskip("boto3")
pytest.importorskip("moto")

BUCKET = "ut-vss"


class Bucket(S3Server):
    """The S3 server, with a client for it and the keys of the bucket."""

    def __init__(self):
        super().__init__()
        self.client = self.client()

    def keys(self):
        return sorted(
            entry["Key"] for entry in self.client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        )


@pytest.fixture
def s3():
    server = Bucket()
    yield server
    assert server.stop() == 0


@pytest.fixture
def stored(s3, start_emulator):
    return start_emulator("--s3-endpoint", s3.url, "--request-delay", "0.2", "--s3-access-key", "AK")


def finished(emulator, kind, reply):
    assert reply.status_code == 202, reply.text
    request_id = reply.json()["data"]["request"]["id"]
    deadline = time.monotonic() + 10
    while True:
        record = emulator.data(f"/v2/request/{kind}/{request_id}")
        if record["status"] in ("PROCESSED", "ERROR") or time.monotonic() > deadline:
            return record
        time.sleep(0.05)


def sync(emulator):
    return finished(emulator, "image_sync", emulator.call("PATCH", "/v2/user/image/vm"))


def personal_paths(emulator):
    return [image["path"] for image in emulator.data("/v2/user/image/vm")]


def test_the_bucket_is_created_and_the_status_endpoint_hands_out_the_storage(s3, stored):
    assert BUCKET in [bucket["Name"] for bucket in s3.client.list_buckets()["Buckets"]]
    storage = stored.data("/v2/status/stor")
    assert storage["status"] == "operational"
    assert storage["s3"] == {
        "endpoint": s3.url,
        "bucket": BUCKET,
        "prefix": "demo/",
        "region": "us-east-1",
        "access_key": "AK",
        "secret_key": "vss-emulator-secret",
    }
    assert stored.get("/v2/status/stor", token=None).status_code == 401


def test_without_storage_the_status_endpoint_is_not_found(emulator):
    response = emulator.get("/v2/status/stor")
    assert response.status_code == 404
    assert response.json()["message"].startswith("NotFound:")


def test_a_sync_lists_new_images_of_the_space_and_drops_those_gone(s3, stored):
    s3.client.put_object(Bucket=BUCKET, Key="demo/images/Photon v2.OVA", Body=b"ova")
    s3.client.put_object(Bucket=BUCKET, Key="demo/images/notes.txt", Body=b"not an image")
    s3.client.put_object(Bucket=BUCKET, Key="other/images/theirs.ova", Body=b"another user's")

    first = sync(stored)
    assert first["status"] == "PROCESSED"
    assert first["added"] == ["[vssUser-xfers] demo/images/Photon v2.OVA"]
    assert first["deleted"] == []
    image = next(i for i in stored.data("/v2/user/image/vm") if i["path"] == first["added"][0])
    assert image["name"] == "Photon v2.OVA"
    assert image["path"] in [i["path"] for i in stored.data("/v2/image")]

    again = sync(stored)
    assert (again["added"], again["deleted"]) == ([], [])

    s3.client.delete_object(Bucket=BUCKET, Key="demo/images/Photon v2.OVA")
    gone = sync(stored)
    assert (gone["added"], gone["deleted"]) == ([], ["[vssUser-xfers] demo/images/Photon v2.OVA"])
    assert first["added"][0] not in personal_paths(stored)
    # The page's four exported OVFs are not in the storage, and stay listed.
    assert len(personal_paths(stored)) == 4


def test_an_export_writes_its_files_to_the_space_and_a_sync_lists_the_ovf(s3, stored):
    vm = next(vm for vm in stored.data("/v2/vm") if vm["power_state"] == "poweredOff")
    export = finished(stored, "export", stored.call("POST", f"/v2/vm/{vm['moref']}/export"))

    folder = vm["uuid"]
    assert export["status"] == "PROCESSED"
    assert export["files"] == [f"{folder}/{vm['name']}.ovf", f"{folder}/{vm['name']}-1.vmdk"]
    assert s3.keys() == [f"demo/{path}" for path in sorted(export["files"])]
    descriptor = s3.client.get_object(Bucket=BUCKET, Key=f"demo/{folder}/{vm['name']}.ovf")["Body"].read()
    assert f'ovf:href="{vm["name"]}-1.vmdk"'.encode() in descriptor
    ovf_path = f"[vssUser-xfers] demo/{folder}/{vm['name']}.ovf"
    assert ovf_path not in personal_paths(stored)

    assert sync(stored)["added"] == [ovf_path]
    assert ovf_path in personal_paths(stored)


def test_a_storage_that_went_away_ends_the_sync_in_error(s3, stored):
    s3.stop()
    record = sync(stored)
    assert record["status"] == "ERROR"
    assert record["message"]["errors"][0].startswith("VSKEY-STOR cannot be read:")


def test_an_unreachable_s3_server_stops_the_start_with_status_1():
    process = subprocess.run(
        [sys.executable, "-m", "vss_emulator", "--s3-endpoint", "http://127.0.0.1:9", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 1
    assert "cannot use the S3 server http://127.0.0.1:9" in process.stderr
    assert process.stdout == ""
