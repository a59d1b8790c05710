# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The emulated account: images, look-up tables, VMs and requests, all in memory.

Requests move PENDING -> IN_PROGRESS -> PROCESSED (or ERROR) as time passes: the first half of the
request delay PENDING, the second half IN_PROGRESS. `advance()` brings every request up to date and
applies the effect of those that finished; handlers call it before they read or change the state.
"""

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from vss_emulator import data
from vss_emulator.errors import ApiError, not_found

REQUEST_KINDS = ("new", "export", "image_sync", "change")
FINAL_STATUSES = ("PROCESSED", "ERROR")
POWER_ACTIONS = ("poweredOn", "poweredOff", "shutdown", "reboot", "reset", "suspend")


class DataError(ValueError):
    """The data the emulator was asked to start with is inconsistent."""


def now_stamp():
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Progress:
    """A request on its way: when it started, the error it will end in (if any), what it does at the end."""

    record: dict
    started: float
    error: str = None
    on_done: object = None


class Store:
    def __init__(
        self, user, request_delay, generated_count=0, extra_images=(), clock=time.monotonic, storage=None
    ):
        self.user = user
        self.storage = storage
        self.request_delay = request_delay
        self.clock = clock
        self.random = random.Random(2026)
        self.images = []
        self.personal_images = []
        self.unsynced_images = []
        self.vms = {}
        self.requests = {kind: {} for kind in REQUEST_KINDS}
        self.in_progress = []
        self.next_image_id = 1
        self.next_vm_number = 1001
        self.next_request_id = {kind: 1 for kind in REQUEST_KINDS}
        self.generated_names = 0

        for name, path in data.PAGE_IMAGES:
            self.add_image(name, path, personal=not path.startswith("images/"))
        for image in data.generated_images(generated_count):
            self.add_image(image["name"], image["path"])
        for image in extra_images:
            self.add_image(image["name"], image["path"], personal=image["personal"], synced=image["synced"])

        self.operating_systems = [
            {"id": position, "guest_id": guest_id, "full_name": full_name}
            for position, (guest_id, full_name) in enumerate(data.OPERATING_SYSTEMS, start=1)
        ]
        self.folders = [
            {
                "moref": moref,
                "name": path.rsplit(" > ", 1)[-1],
                "path": path,
                "parent": path.rsplit(" > ", 1)[0] if " > " in path else None,
            }
            for moref, path in data.FOLDERS
        ]
        self.networks = [
            {"moref": moref, "name": name, "description": description}
            for moref, name, description in data.NETWORKS
        ]
        for name, folder_moref, power_state, guest_id, source_image in data.VMS:
            self.create_vm(
                name,
                {
                    "folder": folder_moref,
                    "os": guest_id,
                    "source_image": source_image,
                    "power_on": power_state == "poweredOn",
                },
            )

    # Images

    def add_image(self, name, path, personal=False, synced=True, stamp=None):
        if self.image_by_path(path) is not None or any(
            image["path"] == path for image in self.unsynced_images
        ):
            raise DataError(f"image path {path!r} is listed twice")

        stamp = stamp or data.timestamp(self.next_image_id, self.next_image_id * 937)
        image = {
            "id": self.next_image_id,
            "name": name,
            "path": path,
            "created_on": stamp,
            "updated_on": stamp,
        }
        self.next_image_id += 1
        if not synced:
            self.unsynced_images.append(image)
            return image

        self.images.append(image)
        if personal:
            self.personal_images.append(image)
        return image

    def image_by_path(self, path):
        return next((image for image in self.images if image["path"] == path), None)

    # Look-up tables

    def operating_system(self, guest_id):
        return next((system for system in self.operating_systems if system["guest_id"] == guest_id), None)

    def folder(self, moref):
        return next((folder for folder in self.folders if folder["moref"] == moref), None)

    def network(self, moref):
        return next((network for network in self.networks if network["moref"] == moref), None)

    # VMs

    def new_uuid(self):
        text = str(uuid.UUID(int=self.random.getrandbits(128)))
        return "50" + text[2:]

    def generated_vm_name(self):
        self.generated_names += 1
        adjective = data.ADJECTIVES[self.generated_names % len(data.ADJECTIVES)]
        surname = data.SURNAMES[(self.generated_names // len(data.ADJECTIVES)) % len(data.SURNAMES)]
        return f"{adjective}_{surname}{self.generated_names}"

    def create_vm(self, full_name, spec):
        folder = self.folder(spec["folder"])
        stamp = now_stamp()
        vm = {
            "moref": f"vm-{self.next_vm_number}",
            "uuid": self.new_uuid(),
            "name": full_name,
            "folder": {"moref": folder["moref"], "name": folder["name"], "path": folder["path"]},
            "power_state": "poweredOn" if spec.get("power_on") else "poweredOff",
            "source_image": spec.get("source_image"),
            "os": spec.get("os"),
            "cpu": spec.get("cpu", 1),
            "cores_per_socket": spec.get("cores_per_socket", 1),
            "memory": spec.get("memory", 1),
            "disks": spec.get("disks", [40]),
            "networks": spec.get("networks", []),
            "usage": spec.get("usage", "Test"),
            "client": spec.get("client", "EIS"),
            "description": spec.get("description", ""),
            "notes": spec.get("notes"),
            "firmware": spec.get("firmware", "bios"),
            "storage_type": spec.get("storage_type", "hdd"),
            "request_id": spec.get("request_id"),
            "created_on": stamp,
            "updated_on": stamp,
        }
        self.next_vm_number += 1
        self.vms[vm["moref"]] = vm
        return vm

    def vm(self, key):
        """The VM whose moref or uuid is `key`, or a 404."""
        found = self.vms.get(key) or next((vm for vm in self.vms.values() if vm["uuid"] == key), None)
        if found is None:
            raise not_found(f"no virtual machine with moref or uuid {key!r}")
        return found

    # Requests

    def status_after(self, elapsed, error):
        if self.request_delay <= 0 or elapsed >= self.request_delay:
            return "ERROR" if error else "PROCESSED"
        return "IN_PROGRESS" if elapsed >= self.request_delay / 2 else "PENDING"

    def advance(self):
        """Bring every unfinished request's status up to date; apply the effect of those that finish."""
        now = self.clock()
        for progress in list(self.in_progress):
            record = progress.record
            status = self.status_after(now - progress.started, progress.error)
            if status == record["status"]:
                continue
            record["status"] = status
            record["updated_on"] = now_stamp()
            if status not in FINAL_STATUSES:
                continue

            self.in_progress.remove(progress)
            if progress.error:
                record["message"]["errors"].append(progress.error)
            elif progress.on_done is not None:
                progress.on_done(record)

    def submit(self, kind, fields, error=None, on_done=None):
        """A new request of `kind` holding `fields`; it finishes after the request delay."""
        request_id = self.next_request_id[kind]
        self.next_request_id[kind] += 1
        stamp = now_stamp()
        record = {
            "id": request_id,
            "status": "PENDING",
            "task_id": str(uuid.UUID(int=self.random.getrandbits(128))),
            "user": self.user,
            "created_on": stamp,
            "updated_on": stamp,
            **fields,
            "message": {"warnings": [], "errors": []},
        }
        self.requests[kind][request_id] = record
        self.in_progress.append(Progress(record, self.clock(), error, on_done))
        self.advance()
        return record

    def request(self, kind, request_id):
        record = self.requests.get(kind, {}).get(request_id)
        if record is None:
            raise not_found(f"no {kind} request with id {request_id}")
        return record

    def deploy(self, spec):
        """Submit a deploy request; the VM exists once it is PROCESSED."""
        base_name = spec["name"] or self.generated_vm_name()
        full_name = f"{datetime.now(UTC):%y%m}{spec['usage_letter']}-{base_name}"
        error = None
        if "broken" in spec["image"]["name"].lower():
            error = f"insufficient quota: cannot deploy {full_name} from {spec['source_image']}"
        fields = {
            "vm_name": full_name,
            "vm_moref": None,
            "vm_uuid": None,
            "built_from": "image",
            "source_image": spec["source_image"],
            "os": spec["os"],
            "folder": spec["folder"],
            "usage": spec["usage"],
            "client": spec["client"],
            "description": spec["description"],
            "cpu": spec["cpu"],
            "memory": spec["memory"],
            "disks": spec["disks"],
            "networks": spec["networks"],
            "power_on": spec["power_on"],
        }

        def create(record):
            vm = self.create_vm(full_name, {**spec, "request_id": record["id"]})
            record["vm_moref"], record["vm_uuid"] = vm["moref"], vm["uuid"]

        return self.submit("new", fields, error=error, on_done=create)

    def vm_fields(self, vm):
        return {"vm_moref": vm["moref"], "vm_uuid": vm["uuid"], "vm_name": vm["name"]}

    def delete_vm(self, key):
        vm = self.vm(key)
        del self.vms[vm["moref"]]
        return self.submit("change", {**self.vm_fields(vm), "attribute": "decommission", "value": None})

    def set_power(self, key, action):
        vm = self.vm(key)
        if action not in POWER_ACTIONS:
            raise ApiError(400, "InvalidParameterValue", f"value must be one of {', '.join(POWER_ACTIONS)}")
        if action in ("reboot", "reset") and vm["power_state"] != "poweredOn":
            raise ApiError(
                400, "InvalidState", f"{vm['name']} is {vm['power_state']}: {action} needs poweredOn"
            )

        resulting_states = {
            "shutdown": "poweredOff",
            "suspend": "suspended",
            "reboot": "poweredOn",
            "reset": "poweredOn",
        }
        vm["power_state"] = resulting_states.get(action, action)
        vm["updated_on"] = now_stamp()
        return self.submit("change", {**self.vm_fields(vm), "attribute": "state", "value": action})

    def export_vm(self, key):
        """Submit an export; once PROCESSED, `<uuid>/<name>.ovf` is one of the personal images.

        With a storage, the files are written there instead, and listed after the next sync.
        """
        vm = self.vm(key)
        if vm["power_state"] != "poweredOff":
            raise ApiError(
                400, "InvalidState", f"{vm['name']} is {vm['power_state']}: power it off to export it"
            )

        ovf_path = f"{vm['uuid']}/{vm['name']}.ovf"
        disk_paths = [
            f"{vm['uuid']}/{vm['name']}-{position}.vmdk" for position in range(1, len(vm["disks"]) + 1)
        ]

        def publish(record):
            if self.storage is not None:
                try:
                    record["files"] = self.storage.write_export(vm["uuid"], vm["name"], len(vm["disks"]))
                except Exception as exc:  # as in sync_storage
                    record["status"] = "ERROR"
                    record["message"]["errors"].append(f"VSKEY-STOR cannot be written: {exc}")
                return
            image = self.image_by_path(ovf_path)
            if image is None:
                self.add_image(f"{vm['name']}.ovf", ovf_path, personal=True, stamp=now_stamp())
            else:
                image["updated_on"] = now_stamp()
            record["files"] = [ovf_path, *disk_paths]

        return self.submit("export", {**self.vm_fields(vm), "files": []}, on_done=publish)

    def sync_images(self):
        """Submit a sync of the personal space; once PROCESSED, unsynced files are listed."""

        def sync(record):
            added = [image["path"] for image in self.unsynced_images]
            for image in self.unsynced_images:
                self.images.append(image)
                self.personal_images.append(image)
            self.unsynced_images = []
            record["added"] = added
            if self.storage is not None:
                self.sync_storage(record)

        return self.submit("image_sync", {"added": [], "deleted": []}, on_done=sync)

    def sync_storage(self, record):
        """List the storage's OVA/OVF files as personal images; drop those whose file is gone.

        A storage that cannot be read ends the sync in ERROR, naming the problem.
        """
        from vss_emulator.storage import PATH_PREFIX

        try:
            keys = self.storage.image_keys()
        except Exception as exc:  # boto3/botocore errors have no common base worth importing here
            record["status"] = "ERROR"
            record["message"]["errors"].append(f"VSKEY-STOR cannot be read: {exc}")
            return
        present = {PATH_PREFIX + key: key for key in keys}
        listed = {image["path"] for image in self.personal_images if image["path"].startswith(PATH_PREFIX)}
        deleted = sorted(listed - set(present))
        added = sorted(path for path in present if self.image_by_path(path) is None)
        for path in added:
            self.add_image(present[path].rsplit("/", 1)[-1], path, personal=True, stamp=now_stamp())
        self.images = [image for image in self.images if image["path"] not in deleted]
        self.personal_images = [image for image in self.personal_images if image["path"] not in deleted]
        record["added"] = record["added"] + added
        record["deleted"] = deleted
