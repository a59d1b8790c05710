# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Look-ups, the deploy request life cycle, validation, power state, export, delete and image sync."""

import base64
import gzip
import json
import re
import time
from datetime import datetime, timezone

import pytest

DELAY = 0.6
EXTRA_IMAGES = [
    {"name": "broken-appliance.ova", "path": "images/broken-appliance.ova"},
    {
        "name": "late-upload.ova",
        "path": "[vssUser-xfers] demo/images/late-upload.ova",
        "personal": True,
        "synced": False,
    },
]


def emulator_arguments(folder):
    path = folder / "extra.yml"
    path.write_text(json.dumps(EXTRA_IMAGES), encoding="utf-8")
    return ("--request-delay", str(DELAY), "--extra-images", str(path))


EMULATORS = {"emulator": emulator_arguments}


def payload(**overrides):
    body = {
        "built_from": "image",
        "source_image": "images/Ubuntu_64-bit-vmx10.ova",
        "os": "ubuntu64Guest",
        "client": "EIS",
        "description": "web server",
        "folder": "group-v1002",
        "networks": [{"network": "dvportgroup-12", "type": "vmxnet3"}],
        "disks": [40],
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def prefix(letter):
    return f"{datetime.now(timezone.utc):%y%m}{letter}-"


def submit(emulator, **overrides):
    response = emulator.call("POST", "/v2/vm", json=payload(**overrides))
    assert response.status_code == 202, response.text
    return response.json()["data"]


def wait_for(emulator, url, timeout=DELAY * 10):
    """Poll a request until it ends; its last record and the statuses seen on the way."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = emulator.session.get(url, headers={"Authorization": "Bearer demo-token"}, timeout=10).json()[
            "data"
        ]
        if not seen or seen[-1] != record["status"]:
            seen.append(record["status"])
        if record["status"] in ("PROCESSED", "ERROR"):
            return record, seen
        time.sleep(0.05)
    raise AssertionError(f"request {url} did not finish; statuses seen: {seen}")


def vms_named(emulator, name):
    return emulator.data("/v2/vm", params={"expand": 1, "filter": f"name,like,%-{name}"})


def test_os_folder_and_network_look_ups(emulator):
    systems = emulator.data("/v2/os", params={"expand": 1, "filter": "guest_id,eq,ubuntu64Guest"})
    web_folders = emulator.data("/v2/folder", params={"expand": 1, "filter": "name,eq,Web"})
    one_folder = emulator.data(
        "/v2/folder", params={"expand": 1, "filter": "path,eq,VSS > Development > Web"}
    )
    backends = emulator.data("/v2/network", params={"expand": 1, "filter": "name,eq,VSS-Backend"})

    assert [system["full_name"] for system in systems] == ["Ubuntu Linux (64-bit)"]
    assert {"rhel9_64Guest", "centos8_64Guest", "windows2019srv_64Guest", "otherLinux64Guest"} <= {
        system["guest_id"] for system in emulator.data("/v2/os", params={"expand": 1, "per_page": 100})
    }
    assert sorted(folder["path"] for folder in web_folders) == [
        "VSS > Development > Web",
        "VSS > Production > Web",
    ]
    assert [folder["moref"] for folder in one_folder] == ["group-v1002"]
    assert sorted(network["moref"] for network in backends) == ["dvportgroup-14", "dvportgroup-15"]


def test_deploy_request_goes_pending_in_progress_processed_then_the_vm_exists(emulator):
    accepted = submit(emulator, name="web01")
    request_url = accepted["_links"]["request"]
    pending = emulator.data(
        "/v2/request/new",
        params={"expand": 1, "filter": "vm_name,like,%-web01;status,in,PENDING,IN_PROGRESS"},
    )

    assert accepted["status"] == 202
    assert accepted["request"]["status"] == "PENDING"
    assert accepted["request"]["task_id"]
    assert request_url == f"{emulator.url}/v2/request/new/{accepted['request']['id']}"
    assert [record["id"] for record in pending] == [accepted["request"]["id"]]
    assert vms_named(emulator, "web01") == []

    record, seen = wait_for(emulator, request_url)

    assert seen in (["PENDING", "IN_PROGRESS", "PROCESSED"], ["IN_PROGRESS", "PROCESSED"], ["PROCESSED"])
    assert record["vm_name"] == prefix("T") + "web01"
    assert record["message"] == {"warnings": [], "errors": []}
    assert re.fullmatch(r"vm-\d+", record["vm_moref"])
    vm = vms_named(emulator, "web01")[0]
    assert vm["moref"] == record["vm_moref"]
    assert vm["uuid"] == record["vm_uuid"]
    assert vm["folder"] == {"moref": "group-v1002", "name": "Web", "path": "VSS > Development > Web"}
    assert vm["power_state"] == "poweredOff"
    assert vm["source_image"] == "images/Ubuntu_64-bit-vmx10.ova"
    assert emulator.data(f"/v2/vm/{vm['uuid']}")["moref"] == vm["moref"]


def test_usage_letters_and_generated_names(emulator):
    prod = submit(emulator, name="db01", usage="Prod")
    unnamed = submit(emulator, usage="QA", power_on=False, cpu={"count": 2, "cores_per_socket": 1})

    assert wait_for(emulator, prod["_links"]["request"])[0]["vm_name"] == prefix("P") + "db01"
    assert re.fullmatch(
        prefix("Q") + r"[a-z]+_[a-z]+\d+", wait_for(emulator, unnamed["_links"]["request"])[0]["vm_name"]
    )


def test_cloud_init_in_gzip_base64_is_accepted(emulator):
    userdata = base64.b64encode(gzip.compress(b"#cloud-config\npackages: [nginx]\n")).decode()
    network = base64.b64encode(gzip.compress(b"version: 2\n")).decode()
    accepted = submit(
        emulator,
        name="init01",
        user_data={"userdata": userdata, "userdata_encoding": "gzip+base64"},
        network_config={"networkconfig": network, "networkconfig_encoding": "gzip+base64"},
        memory=4,
        disks=[{"capacity_gb": 40}, 10],
        extra_config=[{"guestinfo.role": "web"}],
        notes="ticket 42",
        firmware="efi",
        storage_type="ssd",
        vss_service=0,
        custom_spec={"hostname": "init01"},
    )

    assert accepted["request"]["status"] == "PENDING"


def test_an_image_named_broken_ends_in_error_with_a_readable_message(emulator):
    accepted = submit(emulator, name="doomed01", source_image="images/broken-appliance.ova")

    record, seen = wait_for(emulator, accepted["_links"]["request"])

    assert seen[-1] == "ERROR"
    assert "insufficient quota" in record["message"]["errors"][0]
    assert record["vm_moref"] is None
    assert vms_named(emulator, "doomed01") == []


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"client": None}, "MissingParameter: required field(s) missing: client"),
        ({"colour": "blue"}, "InvalidParameter: unknown field(s): colour"),
        ({"built_from": "template"}, "built_from must be 'image'"),
        ({"source_image": "images/nope.ova"}, "source_image 'images/nope.ova' is not a path"),
        ({"source_image": "Ubuntu_64-bit-vmx10.ova"}, "is not a path"),
        ({"os": "plan9Guest"}, "os 'plan9Guest' is not a guest_id"),
        ({"folder": "VSS > Development > Web"}, "is not a folder moref"),
        (
            {"networks": [{"network": "VSS-Public"}]},
            "networks[0].network 'VSS-Public' is not a network moref",
        ),
        ({"networks": [{"network": "dvportgroup-11", "type": "rtl8139"}]}, "networks[0].type must be one of"),
        ({"networks": ["dvportgroup-11"]}, "networks[0] must be {network, type}"),
        ({"networks": []}, "networks must be a non-empty list"),
        ({"disks": "40"}, "disks must be a non-empty list"),
        ({"disks": [0]}, "disks[0] must be a positive integer"),
        ({"disks": [{"size": 40}]}, "disks[0] has unknown keys size"),
        ({"cpu": "2"}, "cpu must be an integer or {count, cores_per_socket}"),
        ({"cpu": {"count": 3, "cores_per_socket": 2}}, "not a multiple"),
        ({"memory": True}, "memory must be a positive integer"),
        ({"power_on": "yes"}, "power_on must be a boolean"),
        ({"usage": "Staging"}, "usage must be one of Prod, Test, Dev, QA"),
        ({"name": "web 01"}, "name 'web 01' must be"),
        ({"firmware": "uefi"}, "firmware must be one of"),
        (
            {"user_data": {"userdata": "not base64!", "userdata_encoding": "gzip+base64"}},
            "not valid gzip+base64",
        ),
        (
            {"user_data": {"userdata": "#cloud-config", "encoding": "plain"}},
            "user_data has unknown keys encoding",
        ),
        ({"extra_config": [{"a": {"b": 1}}]}, "extra_config.a must be a scalar"),
    ],
)
def test_invalid_payloads_are_400_and_create_nothing(emulator, overrides, fragment):
    before = emulator.get("/v2/request/new", params={"per_page": 1}).json()["meta"]["pages"]["total"]

    response = emulator.call("POST", "/v2/vm", json=payload(**overrides))

    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert fragment in response.json()["message"]
    assert emulator.get("/v2/request/new", params={"per_page": 1}).json()["meta"]["pages"]["total"] == before


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_400(emulator, body):
    response = emulator.call("POST", "/v2/vm", data=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["message"].startswith("InvalidPayload: ")


def test_unknown_vm_is_404(emulator):
    assert emulator.get("/v2/vm/vm-999999").status_code == 404
    assert emulator.call("DELETE", "/v2/vm/vm-999999").status_code == 404


def test_export_needs_a_powered_off_vm_and_publishes_a_personal_ovf(emulator):
    deployed = submit(emulator, name="golden01", power_on=True)
    vm_moref = wait_for(emulator, deployed["_links"]["request"])[0]["vm_moref"]
    vm = emulator.data(f"/v2/vm/{vm_moref}")

    refused = emulator.call("POST", f"/v2/vm/{vm_moref}/export")
    power_off = emulator.call("PUT", f"/v2/vm/{vm_moref}/state", json={"value": "poweredOff"})
    exported = emulator.call("POST", f"/v2/vm/{vm['uuid']}/export")

    assert vm["power_state"] == "poweredOn"
    assert refused.status_code == 400
    assert "power it off" in refused.json()["message"]
    assert power_off.status_code == 202
    assert emulator.data(f"/v2/vm/{vm_moref}/state") == {"value": "poweredOff"}
    assert exported.status_code == 202
    export_url = exported.json()["data"]["_links"]["request"]
    assert re.fullmatch(rf"{emulator.url}/v2/request/export/\d+", export_url)

    record, seen = wait_for(emulator, export_url)
    ovf_path = f"{vm['uuid']}/{vm['name']}.ovf"

    assert seen[-1] == "PROCESSED"
    assert record["files"][0] == ovf_path
    assert ovf_path in [image["path"] for image in emulator.data("/v2/user/image/vm")]
    assert ovf_path in [image["path"] for image in emulator.data("/v2/image")]
    assert submit(emulator, name="clone01", source_image=ovf_path)["status"] == 202


def test_power_state_values_are_checked(emulator):
    vm_moref = emulator.data("/v2/vm", params={"expand": 1, "filter": "name,eq,2401P-ldap01"})[0]["moref"]

    response = emulator.call("PUT", f"/v2/vm/{vm_moref}/state", json={"value": "asleep"})

    assert response.status_code == 400
    assert "poweredOff" in response.json()["message"]


def test_delete_returns_a_request_and_the_vm_is_gone(emulator):
    accepted = submit(emulator, name="temp01")
    record = wait_for(emulator, accepted["_links"]["request"])[0]

    deleted = emulator.call("DELETE", f"/v2/vm/{record['vm_uuid']}")

    assert deleted.status_code == 202
    change_url = deleted.json()["data"]["_links"]["request"]
    assert re.fullmatch(rf"{emulator.url}/v2/request/change/\d+", change_url)
    assert emulator.get(f"/v2/vm/{record['vm_moref']}").status_code == 404
    assert vms_named(emulator, "temp01") == []
    assert wait_for(emulator, change_url)[0]["attribute"] == "decommission"


def test_sync_lists_files_uploaded_since_the_last_sync(emulator):
    late_path = "[vssUser-xfers] demo/images/late-upload.ova"
    assert late_path not in [image["path"] for image in emulator.data("/v2/user/image/vm")]

    first = emulator.call("PATCH", "/v2/user/image/vm")
    first_record = wait_for(emulator, first.json()["data"]["_links"]["request"])[0]
    second = emulator.call("PATCH", "/v2/user/image/vm")
    second_record = wait_for(emulator, second.json()["data"]["_links"]["request"])[0]

    assert first.status_code == 202
    assert re.fullmatch(
        rf"{emulator.url}/v2/request/image_sync/\d+", first.json()["data"]["_links"]["request"]
    )
    assert (first_record["added"], first_record["deleted"]) == ([late_path], [])
    assert (second_record["added"], second_record["deleted"]) == ([], [])
    assert late_path in [image["path"] for image in emulator.data("/v2/user/image/vm")]


def test_vm_list_options_describe_the_deploy_payload(emulator):
    description = emulator.call("OPTIONS", "/v2/vm", token=None).json()["data"]

    assert description["methods"] == ["GET", "POST", "OPTIONS"]
    assert "source_image" in description["payload"]["required"]
    assert "user_data" in description["payload"]["optional"]
