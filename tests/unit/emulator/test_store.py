# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Request life cycles on a controlled clock, without a server."""

import pytest

from vss_emulator.errors import ApiError
from vss_emulator.store import DataError, Store


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def deploy_spec(store, **overrides):
    spec = {
        "name": "web01",
        "image": store.image_by_path("images/Ubuntu_64-bit-vmx10.ova"),
        "source_image": "images/Ubuntu_64-bit-vmx10.ova",
        "os": "ubuntu64Guest",
        "folder": "group-v1002",
        "client": "EIS",
        "description": "web",
        "networks": [{"network": "dvportgroup-12", "type": "vmxnet3"}],
        "disks": [40],
        "usage": "Test",
        "usage_letter": "T",
        "cpu": 1,
        "cores_per_socket": 1,
        "memory": 1,
        "power_on": False,
    }
    spec.update(overrides)
    return spec


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def store(clock):
    return Store(
        "demo",
        request_delay=4,
        extra_images=[
            {"name": "broken-1.ova", "path": "images/broken-1.ova", "personal": False, "synced": True}
        ],
        clock=clock,
    )


def test_deploy_is_pending_for_half_the_delay_then_in_progress_then_processed(store, clock):
    vms_before = len(store.vms)
    record = store.deploy(deploy_spec(store))
    statuses = []
    for now in (101.9, 102.0, 103.9, 104.0, 110.0):
        clock.now = now
        store.advance()
        statuses.append(record["status"])

    assert statuses == ["PENDING", "IN_PROGRESS", "IN_PROGRESS", "PROCESSED", "PROCESSED"]
    assert len(store.vms) == vms_before + 1
    assert store.vm(record["vm_moref"])["name"] == record["vm_name"]
    assert store.vm(record["vm_uuid"])["request_id"] == record["id"]


def test_a_broken_image_ends_in_error_and_makes_no_vm(store, clock):
    vms_before = len(store.vms)
    record = store.deploy(deploy_spec(store, image=store.image_by_path("images/broken-1.ova")))
    clock.now += 4
    store.advance()

    assert record["status"] == "ERROR"
    assert record["message"]["errors"] == [
        f"insufficient quota: cannot deploy {record['vm_name']} from images/Ubuntu_64-bit-vmx10.ova"
    ]
    assert len(store.vms) == vms_before


def test_without_delay_a_request_is_processed_at_once(clock):
    store = Store("demo", request_delay=0, clock=clock)

    record = store.deploy(deploy_spec(store))

    assert record["status"] == "PROCESSED"
    assert record["vm_moref"] in store.vms


def test_export_refuses_a_powered_on_vm(store):
    powered_on = next(vm for vm in store.vms.values() if vm["power_state"] == "poweredOn")

    with pytest.raises(ApiError) as caught:
        store.export_vm(powered_on["moref"])

    assert caught.value.status == 400


def test_a_path_listed_twice_is_refused():
    with pytest.raises(DataError):
        Store(
            "demo",
            0,
            extra_images=[
                {"name": "x", "path": "images/CentOS_64-bit_vmx10.ova", "personal": False, "synced": True}
            ],
        )
