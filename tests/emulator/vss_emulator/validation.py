# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Checks of a `POST /v2/vm` payload, as the service makes them, into a normalised deploy spec."""

import base64
import binascii
import gzip
import re

import yaml

from vss_emulator.errors import ApiError, bad_parameter

REQUIRED_FIELDS = ("built_from", "source_image", "os", "client", "description", "folder", "networks", "disks")
OPTIONAL_FIELDS = (
    "name",
    "usage",
    "cpu",
    "memory",
    "power_on",
    "notes",
    "firmware",
    "storage_type",
    "extra_config",
    "vss_service",
    "custom_spec",
    "user_data",
    "network_config",
)
USAGES = {"prod": ("Prod", "P"), "dev": ("Dev", "D"), "qa": ("QA", "Q"), "test": ("Test", "T")}
NIC_TYPES = ("vmxnet3", "e1000", "e1000e", "vmxnet2")
FIRMWARES = ("bios", "efi", "efi-secure")
STORAGE_TYPES = ("hdd", "ssd")
ENCODINGS = ("gzip+base64", "base64", "plain")
DISK_KEYS = ("capacity_gb", "backing_mode", "backing_sharing", "scsi")
NETWORK_KEYS = ("network", "type")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def type_name(value):
    return "null" if value is None else type(value).__name__


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def require_text(payload, key):
    value = payload[key]
    if not isinstance(value, str) or not value.strip():
        raise bad_parameter(f"{key} must be a non-empty string, got {type_name(value)}")
    return value


def require_positive_int(value, what):
    if not is_int(value) or value < 1:
        raise bad_parameter(f"{what} must be a positive integer, got {value!r}")
    return value


def require_choice(value, what, choices):
    if not isinstance(value, str) or value not in choices:
        raise bad_parameter(f"{what} must be one of {', '.join(choices)}, got {value!r}")
    return value


def check_unknown_keys(mapping, allowed, what):
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise bad_parameter(f"{what} has unknown keys {', '.join(unknown)}; allowed: {', '.join(allowed)}")


def usage_of(payload):
    value = payload.get("usage", "Test")
    if not isinstance(value, str) or value.lower() not in USAGES:
        raise bad_parameter(f"usage must be one of Prod, Test, Dev, QA, got {value!r}")
    return USAGES[value.lower()]


def cpu_of(payload):
    value = payload.get("cpu", 1)
    if is_int(value):
        return require_positive_int(value, "cpu"), 1
    if not isinstance(value, dict):
        raise bad_parameter(f"cpu must be an integer or {{count, cores_per_socket}}, got {type_name(value)}")
    check_unknown_keys(value, ("count", "cores_per_socket"), "cpu")
    count = require_positive_int(value.get("count"), "cpu.count")
    cores = require_positive_int(value.get("cores_per_socket", 1), "cpu.cores_per_socket")
    if count % cores:
        raise bad_parameter(f"cpu.count {count} is not a multiple of cpu.cores_per_socket {cores}")
    return count, cores


def disks_of(payload):
    disks = payload["disks"]
    if not isinstance(disks, list) or not disks:
        raise bad_parameter(f"disks must be a non-empty list, got {type_name(disks)}")

    sizes = []
    for position, disk in enumerate(disks):
        if isinstance(disk, dict):
            check_unknown_keys(disk, DISK_KEYS, f"disks[{position}]")
            sizes.append(require_positive_int(disk.get("capacity_gb"), f"disks[{position}].capacity_gb"))
        else:
            sizes.append(require_positive_int(disk, f"disks[{position}]"))
    return sizes


def networks_of(payload, store):
    networks = payload["networks"]
    if not isinstance(networks, list) or not networks:
        raise bad_parameter(f"networks must be a non-empty list, got {type_name(networks)}")

    adapters = []
    for position, adapter in enumerate(networks):
        if not isinstance(adapter, dict):
            raise bad_parameter(f"networks[{position}] must be {{network, type}}, got {type_name(adapter)}")
        check_unknown_keys(adapter, NETWORK_KEYS, f"networks[{position}]")
        moref = adapter.get("network")
        if not isinstance(moref, str) or store.network(moref) is None:
            raise bad_parameter(
                f"networks[{position}].network {moref!r} is not a network moref of /v2/network"
            )
        nic_type = require_choice(adapter.get("type", "vmxnet3"), f"networks[{position}].type", NIC_TYPES)
        adapters.append({"network": moref, "type": nic_type})
    return adapters


def decoded_text(value, encoding, what):
    """The text of cloud-init data in `encoding`, which must also parse as YAML."""
    try:
        if encoding == "plain":
            text = value
        else:
            raw = base64.b64decode(value, validate=True)
            if encoding == "gzip+base64":
                raw = gzip.decompress(raw)
            text = raw.decode("utf-8")
    except (binascii.Error, OSError, EOFError, UnicodeDecodeError) as exc:
        raise bad_parameter(f"{what} is not valid {encoding} data ({exc})") from None

    try:
        yaml.safe_load(text)
    except yaml.YAMLError:
        raise bad_parameter(f"{what} does not decode to YAML") from None
    return text


def cloud_init_of(payload, key, prefixes):
    """`{<prefix>, <prefix>_encoding}`, where `prefix` is one of `prefixes`; the decoded text or None."""
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_parameter(
            f"{key} must be {{{prefixes[0]}, {prefixes[0]}_encoding}}, got {type_name(value)}"
        )

    prefix = next((name for name in prefixes if name in value), prefixes[0])
    check_unknown_keys(value, (prefix, f"{prefix}_encoding"), key)
    data = value.get(prefix)
    if not isinstance(data, str) or not data:
        raise bad_parameter(f"{key}.{prefix} must be a non-empty string")
    encoding = require_choice(value.get(f"{prefix}_encoding", "plain"), f"{key}.{prefix}_encoding", ENCODINGS)
    return decoded_text(data, encoding, f"{key}.{prefix}")


def extra_config_of(payload):
    value = payload.get("extra_config")
    if value is None:
        return None
    entries = value if isinstance(value, list) else [value]
    merged = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise bad_parameter(
                f"extra_config must be a mapping or a list of mappings, got {type_name(entry)}"
            )
        for name, setting in entry.items():
            if isinstance(setting, (dict, list)):
                raise bad_parameter(f"extra_config.{name} must be a scalar")
            merged[name] = setting
    return merged


def optional_of_types(payload, key, types, what):
    value = payload.get(key)
    if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
        raise bad_parameter(f"{key} must be {what}, got {type_name(value)}")
    return value


def validate_deploy(payload, store):
    """The deploy spec of a `POST /v2/vm` payload, or an `ApiError` (400) saying what is wrong."""
    if not isinstance(payload, dict):
        raise ApiError(400, "InvalidPayload", f"expected a JSON object, got {type_name(payload)}")

    unknown = sorted(set(payload) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise ApiError(400, "InvalidParameter", f"unknown field(s): {', '.join(unknown)}")

    missing = [key for key in REQUIRED_FIELDS if payload.get(key) is None]
    if missing:
        raise ApiError(400, "MissingParameter", f"required field(s) missing: {', '.join(missing)}")

    if payload["built_from"] != "image":
        raise bad_parameter(f"built_from must be 'image' on this service, got {payload['built_from']!r}")

    source_image = require_text(payload, "source_image")
    image = store.image_by_path(source_image)
    if image is None:
        raise bad_parameter(f"source_image {source_image!r} is not a path of /v2/image or /v2/user/image/vm")

    guest_id = require_text(payload, "os")
    if store.operating_system(guest_id) is None:
        raise bad_parameter(f"os {guest_id!r} is not a guest_id of /v2/os")

    folder_moref = require_text(payload, "folder")
    if store.folder(folder_moref) is None:
        raise bad_parameter(f"folder {folder_moref!r} is not a folder moref of /v2/folder")

    name = payload.get("name")
    if name is not None and (not isinstance(name, str) or not NAME_PATTERN.match(name)):
        raise bad_parameter(
            f"name {name!r} must be 1-63 letters, digits, '.', '_' or '-', not starting with one of '._-'"
        )

    power_on = payload.get("power_on", False)
    if not isinstance(power_on, bool):
        raise bad_parameter(f"power_on must be a boolean, got {type_name(power_on)}")

    usage, usage_letter = usage_of(payload)
    cpu, cores_per_socket = cpu_of(payload)
    optional_of_types(payload, "notes", (str, dict, list), "a string, mapping or list")
    optional_of_types(payload, "vss_service", (str, int), "a string or integer")
    optional_of_types(payload, "custom_spec", (dict,), "a mapping")
    firmware = payload.get("firmware")
    if firmware is not None:
        require_choice(firmware, "firmware", FIRMWARES)
    storage_type = payload.get("storage_type")
    if storage_type is not None:
        require_choice(storage_type, "storage_type", STORAGE_TYPES)

    return {
        "name": name,
        "image": image,
        "source_image": source_image,
        "os": guest_id,
        "folder": folder_moref,
        "client": require_text(payload, "client"),
        "description": require_text(payload, "description"),
        "networks": networks_of(payload, store),
        "disks": disks_of(payload),
        "usage": usage,
        "usage_letter": usage_letter,
        "cpu": cpu,
        "cores_per_socket": cores_per_socket,
        "memory": require_positive_int(payload.get("memory", 1), "memory"),
        "power_on": power_on,
        "notes": payload.get("notes"),
        "firmware": firmware or "bios",
        "storage_type": storage_type or "hdd",
        "extra_config": extra_config_of(payload),
        "vss_service": payload.get("vss_service"),
        "custom_spec": payload.get("custom_spec"),
        "user_data": cloud_init_of(payload, "user_data", ("userdata",)),
        "network_config": cloud_init_of(payload, "network_config", ("networkconfig", "userdata")),
    }
