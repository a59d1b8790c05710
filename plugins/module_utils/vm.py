# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Deploying and removing a VM from an image (internal): what the utoronto.vss.vm module does.

Data flows one way: options -> checked spec -> names resolved to morefs -> existing VM or pending
request looked up -> payload -> POST/DELETE -> request followed. Everything that needs no server is a
pure function; the server is only read until the one write a run makes, which is never repeated.
"""

import base64
import gzip
import re
import time

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import (
    check_wait_options,
    is_unfinished,
    poll_path,
    request_summary,
    submit_once,
    wait_argument_spec,
    wait_for_request,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError, VssRequestError
from ansible_collections.utoronto.vss.plugins.module_utils.images import list_images

try:
    from ansible.module_utils.common.yaml import HAS_YAML, yaml_dump, yaml_load
except ImportError:  # an ansible-core without the helper: PyYAML itself, if present
    try:
        import yaml

        HAS_YAML = True
        yaml_load = yaml.safe_load
        yaml_dump = yaml.safe_dump
    except ImportError:
        HAS_YAML = False

NAME_PREFIX = re.compile(r"^\d{4}[PDQT]-")
# What the service accepts as a name: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
FOLDER_MOREF = re.compile(r"^group-[a-z]?\d+$")
NETWORK_MOREF = re.compile(r"^(dvportgroup|network)-\d+$")
USAGES = ("Prod", "Test", "Dev", "QA")
NIC_TYPES = ("vmxnet3", "e1000e", "e1000", "vmxnet2")
DEFAULT_NIC_TYPE = "vmxnet3"
FIRMWARES = ("bios", "efi", "efi-secure")
STORAGE_TYPES = ("hdd", "ssd")
DISK_KEYS = {"capacity_gb": "int", "backing_mode": "str", "backing_sharing": "str", "scsi": "int"}
REQUIRED_WHEN_PRESENT = ("image", "os", "networks", "disks", "client", "description")
OPTIONAL_PAYLOAD_KEYS = (
    "cpu",
    "memory",
    "power_on",
    "notes",
    "firmware",
    "storage_type",
    "extra_config",
    "vss_service",
    "custom_spec",
)
CLOUD_INIT = {
    # option: (payload key, encoded field, header the text must start with)
    "user_data": ("user_data", "userdata", "#cloud-config"),
    "network_config": ("network_config", "networkconfig", None),
}
CLOUD_INIT_ENCODING = "gzip+base64"
MAX_CANDIDATES = 10
# Characters that would split a filter (',' between its parts, ';' between filters, '\' escapes in
# SQL LIKE): sent as the one-character wildcard, so the server's answer can only grow.
FILTER_UNSAFE = str.maketrans({",": "_", ";": "_", "\\": "_"})


# Names and paths


def base_name(full_name):
    """The name a user gave, from the one the service made: ``2612T-web01`` -> ``web01``."""
    return NAME_PREFIX.sub("", full_name or "", count=1)


def names_match(record_name, wanted):
    """True when a VM (or request) name is ``wanted``, with or without the service's prefix."""
    if not isinstance(record_name, str):
        return False
    return record_name == wanted or base_name(record_name) == wanted


def normalize_folder_path(path):
    """``' VSS >Dept >  Apps > '`` -> ``'VSS > Dept > Apps'``: spaces around separators and empty parts go."""
    parts = [part.strip() for part in str(path).split(">")]
    return " > ".join(part for part in parts if part)


def candidates_text(values, limit=MAX_CANDIDATES):
    """``'a', 'b', 'c'`` and, past ``limit``, how many more there are."""
    values = list(values)
    shown = ", ".join(repr(value) for value in values[:limit])
    if len(values) > limit:
        shown += f" (and {len(values) - limit} more)"
    return shown or "none"


def similar_labels(wanted, entries):
    """Labels of the ``(text, label)`` entries most like ``wanted``, sorted.

    Entries whose text holds ``wanted`` (any case) come first; failing those, the entries sharing the
    most words with it, so that ``Red Hat Enterprise Linux 7`` suggests the versions that exist.
    """
    folded = wanted.casefold()
    found = sorted(label for text, label in entries if folded in str(text).casefold())
    if found:
        return found

    words = set(re.findall(r"[^\W_]+", folded))
    scores = [
        (len(words & set(re.findall(r"[^\W_]+", str(text).casefold()))), label) for text, label in entries
    ]
    best = max((score for score, _label in scores), default=0)
    return sorted(label for score, label in scores if best and score == best)


# Option checks (no server needed)


def _as_int(value, option, minimum=1):
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise VssOptionError(option, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise VssOptionError(option, f"must be at least {minimum}, got {value}")
    return value


def _as_text(value, option):
    if not isinstance(value, str) or not value.strip():
        raise VssOptionError(option, "must be a non-empty string")
    return value


def check_networks(networks):
    """``[{network, type}]`` from a list of names/morefs or ``{network, type}`` dicts."""
    if not isinstance(networks, list) or not networks:
        raise VssOptionError(
            "networks", "must be a non-empty list of network names, morefs or {network, type}"
        )

    adapters = []
    for position, entry in enumerate(networks):
        option = f"networks[{position}]"
        if isinstance(entry, str):
            entry = {"network": entry}
        if not isinstance(entry, dict):
            raise VssOptionError(
                option, f"must be a network name or moref, or {{network, type}}, got {entry!r}"
            )
        unknown = sorted(set(entry) - {"network", "type"})
        if unknown:
            raise VssOptionError(option, f"unknown keys {', '.join(unknown)}; allowed: network, type")
        adapter_type = entry.get("type")
        adapter_type = DEFAULT_NIC_TYPE if adapter_type is None else adapter_type
        if adapter_type not in NIC_TYPES:
            raise VssOptionError(
                f"{option}.type", f"must be one of {', '.join(NIC_TYPES)}, got {adapter_type!r}"
            )
        adapters.append(
            {"network": _as_text(entry.get("network"), f"{option}.network"), "type": adapter_type}
        )
    return adapters


def check_disks(disks):
    """``[{capacity_gb, ...}]`` from a list of sizes in GB or dicts."""
    if not isinstance(disks, list) or not disks:
        raise VssOptionError("disks", "must be a non-empty list of sizes in GB or {capacity_gb, ...}")

    checked = []
    for position, entry in enumerate(disks):
        option = f"disks[{position}]"
        if not isinstance(entry, dict):
            checked.append({"capacity_gb": _as_int(entry, option)})
            continue
        unknown = sorted(set(entry) - set(DISK_KEYS))
        if unknown:
            raise VssOptionError(
                option, f"unknown keys {', '.join(unknown)}; allowed: {', '.join(DISK_KEYS)}"
            )
        if entry.get("capacity_gb") is None:
            raise VssOptionError(f"{option}.capacity_gb", "is required")
        disk = {}
        for key, kind in DISK_KEYS.items():
            if entry.get(key) is None:
                continue
            minimum = 1 if key == "capacity_gb" else 0
            disk[key] = _as_int(entry[key], f"{option}.{key}", minimum) if kind == "int" else entry[key]
            if kind == "str":
                _as_text(entry[key], f"{option}.{key}")
        checked.append(disk)
    return checked


def check_cpu(cpu):
    """A count of vCPUs, or ``{count, cores_per_socket}`` where the count is a multiple of the cores."""
    if cpu is None:
        return None
    if not isinstance(cpu, dict):
        return _as_int(cpu, "cpu")

    unknown = sorted(set(cpu) - {"count", "cores_per_socket"})
    if unknown:
        raise VssOptionError("cpu", f"unknown keys {', '.join(unknown)}; allowed: count, cores_per_socket")
    if cpu.get("count") is None:
        raise VssOptionError("cpu.count", "is required when cpu is a dict")
    checked = {"count": _as_int(cpu["count"], "cpu.count")}
    if cpu.get("cores_per_socket") is not None:
        cores = _as_int(cpu["cores_per_socket"], "cpu.cores_per_socket")
        if checked["count"] % cores:
            raise VssOptionError(
                "cpu", f"count {checked['count']} is not a multiple of cores_per_socket {cores}"
            )
        checked["cores_per_socket"] = cores
    return checked


def check_extra_config(extra_config):
    """``[{key: value}, ...]`` from a dict or a list of dicts whose values are scalars."""
    if extra_config is None:
        return None
    entries = extra_config if isinstance(extra_config, list) else [extra_config]

    settings = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise VssOptionError("extra_config", f"must be a dict or a list of dicts, got {entry!r}")
        for key, value in entry.items():
            if not isinstance(key, str) or not key.strip():
                raise VssOptionError("extra_config", f"keys must be non-empty strings, got {key!r}")
            if isinstance(value, (dict, list)) or value is None:
                raise VssOptionError(f"extra_config.{key}", "must be a string, number or boolean")
            settings.append({key: value})
    return settings


def cloud_init_text(option, value):
    """The YAML text of ``user_data`` or ``network_config``, checked to hold a mapping.

    A string is kept byte for byte (comments and all); a dict is written out as YAML. User data gets
    the ``#cloud-config`` first line cloud-init needs when it does not start with one already.
    """
    if value is None:
        return None
    if not HAS_YAML:
        raise VssOptionError(option, "needs the Python library PyYAML on the host running the module")
    header = CLOUD_INIT[option][2]
    if isinstance(value, dict):
        text = yaml_dump(_plain(value), default_flow_style=False, sort_keys=False, allow_unicode=True)
    elif isinstance(value, str):
        text = value
        try:
            parsed = yaml_load(text)
        except Exception as error:  # PyYAML's errors have no common base importable here
            raise VssOptionError(option, f"is not valid YAML: {_one_line(error)}") from None
        if not isinstance(parsed, dict):
            raise VssOptionError(option, f"must be YAML holding a mapping, got {type(parsed).__name__}")
    else:
        raise VssOptionError(option, f"must be YAML text or a dict, got {type(value).__name__}")
    if header and not text.lstrip().startswith(header):
        text = f"{header}\n{text}"
    return text


def _plain(value):
    """Ansible's tagged strings and mappings as plain Python types, for the YAML writer."""
    if isinstance(value, dict):
        return {str(key): _plain(entry) for key, entry in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(entry) for entry in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _one_line(error):
    return " ".join(str(error).split())


def encode_cloud_init(text):
    """base64 of gzip of the UTF-8 text, as the service takes it (gzip time stamp fixed at 0)."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"), mtime=0)).decode("ascii")


def vm_argument_spec():
    """The options of the vm module besides the connection options (the vm_batch module's VMs take them too)."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        folder=dict(type="str", required=True),
        image=dict(type="str"),
        os=dict(type="str"),
        networks=dict(type="list", elements="raw"),
        disks=dict(type="list", elements="raw"),
        cpu=dict(type="raw"),
        memory=dict(type="int"),
        usage=dict(type="str", default="Test", choices=list(USAGES)),
        client=dict(type="str"),
        description=dict(type="str"),
        power_on=dict(type="bool"),
        notes=dict(type="raw"),
        user_data=dict(type="raw"),
        network_config=dict(type="raw"),
        extra_config=dict(type="raw"),
        firmware=dict(type="str", choices=list(FIRMWARES)),
        storage_type=dict(type="str", choices=list(STORAGE_TYPES)),
        vss_service=dict(type="str"),
        custom_spec=dict(type="dict"),
        wait=dict(type="bool", default=True),
        **wait_argument_spec(),
    )


def check_options(params):
    """Check every option that needs no server; return the spec the rest of the run uses.

    Raises ``VssOptionError`` naming the option. Values are normalised (networks and disks as dicts,
    numbers from numeric strings) and zero or false values are kept.
    """
    spec = dict(state=params.get("state") or "present")
    spec["name"] = _as_text(params.get("name"), "name").strip()
    if spec["name"] != params["name"]:
        raise VssOptionError("name", "must not start or end with spaces")
    if not NAME_PATTERN.match(spec["name"]):
        raise VssOptionError(
            "name",
            "may hold only letters, digits, '.', '_' and '-', at most 63 of them, starting with a letter or a digit "
            f"(as the service requires), got {spec['name']!r}",
        )
    spec["folder"] = _as_text(params.get("folder"), "folder")

    wait_timeout, poll_interval = params.get("wait_timeout"), params.get("poll_interval")
    check_wait_options(wait_timeout, poll_interval)
    spec.update(wait=params.get("wait", True), wait_timeout=wait_timeout, poll_interval=poll_interval)
    if spec["state"] == "absent":
        return spec

    missing = [option for option in REQUIRED_WHEN_PRESENT if params.get(option) in (None, "", [])]
    if missing:
        raise VssOptionError(missing[0], f"is required with state=present (missing: {', '.join(missing)})")
    spec["image"] = _as_text(params["image"], "image")
    spec["os"] = _as_text(params["os"], "os").strip()
    spec["client"] = _as_text(params["client"], "client")
    spec["description"] = _as_text(params["description"], "description")
    spec["networks"] = check_networks(params["networks"])
    spec["disks"] = check_disks(params["disks"])
    usage = params.get("usage") or "Test"
    if usage not in USAGES:
        raise VssOptionError("usage", f"must be one of {', '.join(USAGES)}, got {usage!r}")
    spec["usage"] = usage

    spec["cpu"] = check_cpu(params.get("cpu"))
    spec["memory"] = None if params.get("memory") is None else _as_int(params["memory"], "memory")
    power_on = params.get("power_on")
    if power_on is not None and not isinstance(power_on, bool):
        raise VssOptionError("power_on", f"must be true or false, got {power_on!r}")
    spec["power_on"] = power_on
    notes = params.get("notes")
    if notes is not None and not isinstance(notes, (str, dict)):
        raise VssOptionError("notes", f"must be a string or a dict, got {type(notes).__name__}")
    spec["notes"] = notes
    for option, allowed in (("firmware", FIRMWARES), ("storage_type", STORAGE_TYPES)):
        value = params.get(option)
        if value is not None and value not in allowed:
            raise VssOptionError(option, f"must be one of {', '.join(allowed)}, got {value!r}")
        spec[option] = value
    spec["extra_config"] = check_extra_config(params.get("extra_config"))
    spec["vss_service"] = params.get("vss_service")
    custom_spec = params.get("custom_spec")
    if custom_spec is not None and not isinstance(custom_spec, dict):
        raise VssOptionError("custom_spec", f"must be a dict, got {type(custom_spec).__name__}")
    spec["custom_spec"] = custom_spec
    for option in CLOUD_INIT:
        spec[option] = cloud_init_text(option, params.get(option))
    return spec


# Payload


def build_payload(spec, folder_moref, guest_id, network_morefs):
    """The ``POST /v2/vm`` body; optional settings left out only when not set (0 and false are kept)."""
    payload = {
        "built_from": "image",
        "source_image": spec["image"],
        "name": spec["name"],
        "os": guest_id,
        "folder": folder_moref,
        "networks": [
            dict(adapter, network=moref) for adapter, moref in zip(spec["networks"], network_morefs)
        ],
        "disks": [dict(disk) for disk in spec["disks"]],
        "client": spec["client"],
        "description": spec["description"],
        "usage": spec["usage"],
    }
    for key in OPTIONAL_PAYLOAD_KEYS:
        if spec.get(key) is not None:
            payload[key] = spec[key]
    for option, (key, field, _header) in CLOUD_INIT.items():
        if spec.get(option) is not None:
            payload[key] = {field: encode_cloud_init(spec[option]), f"{field}_encoding": CLOUD_INIT_ENCODING}
    return payload


def payload_for_display(spec, payload):
    """The payload as ``--diff`` shows it: cloud-init content replaced by its size."""
    shown = dict(payload)
    for option, (key, _field, _header) in CLOUD_INIT.items():
        if key in shown:
            size = len(spec[option].encode("utf-8"))
            shown[key] = f"({size} bytes of cloud-init YAML, not shown)"
    return shown


# Name resolution against the look-up tables


def pick_folder(folders, wanted):
    """The folder ``wanted`` names: a moref, a path (``VSS > Dept > Apps``) or a unique folder name."""
    wanted = wanted.strip()
    if FOLDER_MOREF.match(wanted):
        found = [folder for folder in folders if folder.get("moref") == wanted]
        if not found:
            raise VssOptionError(
                "folder", f"no folder has the moref {wanted!r} ({len(folders)} folders visible)"
            )
        return found[0]

    def path_of(folder):
        return normalize_folder_path(folder.get("path") or folder.get("name") or "")

    if ">" in wanted:
        path = normalize_folder_path(wanted)
        found = [folder for folder in folders if path_of(folder) == path]
    else:
        found = [folder for folder in folders if folder.get("name") == wanted]
        if not found:
            found = [folder for folder in folders if path_of(folder) == wanted]
    if len(found) == 1:
        return found[0]

    if found:
        raise VssOptionError(
            "folder",
            f"{wanted!r} names {len(found)} folders: {candidates_text(sorted(path_of(f) for f in found))}",
            "give the folder's path or moref instead",
        )
    last = normalize_folder_path(wanted).rsplit(">", 1)[-1].strip().casefold()
    similar = similar_labels(
        last, [(path_of(folder).rsplit(">", 1)[-1], path_of(folder)) for folder in folders]
    )
    raise VssOptionError(
        "folder",
        f"no folder matches {wanted!r}; "
        + (f"similar: {candidates_text(similar)}" if similar else f"{len(folders)} folders visible"),
    )


def pick_network(networks, wanted, option):
    """The network ``wanted`` names: a moref, or a unique network name."""
    wanted = wanted.strip()
    if NETWORK_MOREF.match(wanted):
        found = [network for network in networks if network.get("moref") == wanted]
    else:
        found = [network for network in networks if network.get("name") == wanted]
    if len(found) == 1:
        return found[0]

    def label(network):
        return f"{network.get('name')} ({network.get('moref')})"

    if found:
        raise VssOptionError(
            option,
            f"{wanted!r} names {len(found)} networks: {candidates_text(sorted(label(n) for n in found))}",
            "give the network's moref instead",
        )
    similar = similar_labels(wanted, [(network.get("name", ""), label(network)) for network in networks])
    raise VssOptionError(
        option,
        f"no network is named {wanted!r}; "
        + (f"similar: {candidates_text(similar)}" if similar else f"{len(networks)} networks visible"),
    )


def pick_os(systems, wanted):
    """The guest id of ``wanted``: a guest id (any case) or an OS full name (any case)."""
    exact = [system for system in systems if system.get("guest_id") == wanted]
    if exact:
        return exact[0]["guest_id"]
    folded = wanted.casefold()
    for field in ("guest_id", "full_name"):
        found = {
            s["guest_id"]: s
            for s in systems
            if str(s.get(field, "")).casefold() == folded and s.get("guest_id")
        }
        if len(found) == 1:
            return next(iter(found))
        if found:
            names = sorted(f"{s.get('full_name')} ({guest_id})" for guest_id, s in found.items())
            raise VssOptionError("os", f"{wanted!r} names {len(found)} systems: {candidates_text(names)}")
    similar = similar_labels(
        wanted,
        [
            (f"{s.get('guest_id')} {s.get('full_name')}", f"{s.get('full_name')} ({s.get('guest_id')})")
            for s in systems
        ],
    )
    raise VssOptionError(
        "os",
        f"no operating system has the guest id or full name {wanted!r}; "
        + (
            f"similar: {candidates_text(similar)}" if similar else f"{len(systems)} systems known, see /v2/os"
        ),
    )


def folder_summary(folder):
    return dict(moref=folder.get("moref"), name=folder.get("name"), path=folder.get("path"))


def in_folder(record, folder):
    """True when a VM or request record is in ``folder``, or does not say where it is.

    The record's ``folder`` may be a moref, a path, a name or a ``{moref, name, path}`` dict.
    """
    where = record.get("folder")
    if where is None:
        where = record.get("folder_moref")
    if where in (None, "", {}):
        return True
    if isinstance(where, dict):
        if where.get("moref"):
            return where["moref"] == folder.get("moref")
        where = where.get("path") or where.get("name")
    if not isinstance(where, str):
        return False
    if FOLDER_MOREF.match(where):
        return where == folder.get("moref")
    if ">" in where:
        return normalize_folder_path(where) == normalize_folder_path(folder.get("path") or "")
    return where == folder.get("name")


# Reading the server


def name_filter(field, name):
    """``field,like,%name``: catches ``2612T-name`` and ``name``; the local comparison decides."""
    return f"{field},like,%{name.translate(FILTER_UNSAFE)}"


def resolve_folder(client, wanted):
    return pick_folder(client.list("v2/folder", key="moref"), wanted)


def resolve_networks(client, adapters):
    networks = client.list("v2/network", key="moref")
    return [
        pick_network(networks, adapter["network"], f"networks[{position}]")["moref"]
        for position, adapter in enumerate(adapters)
    ]


def resolve_os(client, wanted):
    return pick_os(client.list("v2/os", key="guest_id"), wanted)


def check_image(client, path):
    """Fail unless ``path`` is the path of an image in ``/v2/image`` or ``/v2/user/image/vm``."""
    file_name = path.replace("\\", "/").rsplit("/", 1)[-1]
    for names in ([file_name], []):
        images = list_images(client, names, match="exact", case_sensitive=True, source="all")
        if any(image.get("path") == path for image in images):
            return
    folded = file_name.casefold()
    similar = sorted(image["path"] for image in images if folded in str(image.get("name", "")).casefold())
    if not similar:
        similar = sorted(image["path"] for image in images if path.casefold() in image["path"].casefold())
    raise VssOptionError(
        "image",
        f"no image has the path {path!r}; "
        + (f"similar: {candidates_text(similar)}" if similar else f"{len(images)} images visible")
        + "; utoronto.vss.image_info lists the paths",
    )


def find_vms(client, name, folder):
    """The VMs called ``name`` (prefix or not) in ``folder``, and how many have that name elsewhere."""
    records = client.list("v2/vm", {"filter": name_filter("name", name)}, key="moref")
    named = [vm for vm in records if names_match(vm.get("name"), name)]
    here = [vm for vm in named if in_folder(vm, folder)]
    return here, len(named) - len(here)


def find_pending_deploys(client, name, folder):
    """Unfinished deploy requests (``/v2/request/new``) for ``name`` in ``folder``."""
    records = client.list("v2/request/new", {"filter": name_filter("vm_name", name)}, key="id")
    return [
        record
        for record in records
        if is_unfinished(record.get("status"))
        and (names_match(record.get("vm_name"), name) or names_match(record.get("name"), name))
        and in_folder(record, folder)
    ]


# The run


class VmRun:
    """One run of the vm module: ``spec`` from ``check_options``, a client, and the module's switches."""

    def __init__(
        self, client, spec, check_mode=False, diff=False, warn=None, clock=time.monotonic, sleep=time.sleep
    ):
        self.client = client
        self.spec = spec
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn or (lambda message: None)
        self.clock = clock
        self.sleep = sleep
        self.name = spec["name"]

    def execute(self):
        folder = resolve_folder(self.client, self.spec["folder"])
        if self.spec["state"] == "absent":
            return self.absent(folder)
        return self.present(folder)

    def wait(self, path, what, deadline=None):
        """Follow a request to its end, by ``deadline`` (on ``clock``) or within ``wait_timeout``."""
        return wait_for_request(
            self.client,
            path,
            self.spec["wait_timeout"],
            self.spec["poll_interval"],
            deadline=deadline,
            what=what,
            warn=self.warn,
            clock=self.clock,
            sleep=self.sleep,
        )

    def vm_result(self, folder, record=None):
        """``vm`` of the result, from a VM record or from a request record (``vm_name``, ``vm_moref``)."""
        record = record or {}
        prefix = "vm_" if "vm_name" in record or "vm_moref" in record else ""
        return dict(
            name=self.name,
            full_name=record.get(prefix + "name"),
            moref=record.get(prefix + "moref"),
            uuid=record.get(prefix + "uuid"),
            folder=folder_summary(folder),
        )

    def the_vm(self, folder):
        """The one VM of our name in the folder, or None; two or more is an error."""
        vms, elsewhere = find_vms(self.client, self.name, folder)
        if len(vms) > 1:
            names = sorted(f"{vm.get('name')} ({vm.get('moref')})" for vm in vms)
            raise VssRequestError(
                f"{len(vms)} VMs are called {self.name!r} in {folder.get('path') or folder.get('moref')}: "
                f"{candidates_text(names)}; remove the extra ones or give another name"
            )
        if elsewhere and not vms:
            self.warn(f"{elsewhere} VM(s) called {self.name!r} exist in other folders; they are left alone")
        return vms[0] if vms else None

    def the_pending_deploy(self, folder):
        pending = find_pending_deploys(self.client, self.name, folder)
        if len(pending) > 1:
            ids = ", ".join(str(record.get("id")) for record in pending)
            raise VssRequestError(
                f"{len(pending)} deploy requests for {self.name!r} are still unfinished (ids {ids}); "
                "wait for them to finish, then remove the extra VMs"
            )
        return pending[0] if pending else None

    def follow(self, record, kind, what):
        """Wait for a request found in a listing; the finished record."""
        path = poll_path(self.client, (record.get("_links") or {}).get("self"), kind, record.get("id"))
        return self.wait(path, what)

    def present(self, folder):
        existing = self.existing(folder)
        if existing is not None:
            return existing
        payload = self.payload(folder)
        result = self.deploy_result(folder, payload)
        if self.check_mode:
            return result

        result, path = self.deploy(folder, payload, result)
        if path is None or not self.spec["wait"]:
            return result
        return self.finish_deploy(folder, path, result)

    def existing(self, folder):
        """The result when the VM exists or an earlier deploy of it is unfinished (then waited for), else None."""
        vm, pending = self.find(folder)
        if vm is not None:
            return self.exists(folder, vm)
        if pending is not None:
            return self.join_pending(folder, pending)
        return None

    def find(self, folder):
        """``(the VM, its unfinished deploy request)`` in the folder; either may be None."""
        pending = self.the_pending_deploy(folder)
        return self.the_vm(folder), pending

    def exists(self, folder, vm):
        self.compare_image(vm)
        return dict(changed=False, msg=f"{vm.get('name')} already exists", vm=self.vm_result(folder, vm))

    def payload(self, folder):
        """The deploy's payload: the OS, the networks and the image resolved on the server; nothing sent."""
        guest_id = resolve_os(self.client, self.spec["os"])
        network_morefs = resolve_networks(self.client, self.spec["networks"])
        check_image(self.client, self.spec["image"])
        return build_payload(self.spec, folder["moref"], guest_id, network_morefs)

    def deploy_result(self, folder, payload):
        """The result of a deploy not yet sent: what check mode reports."""
        result = dict(
            changed=True, msg=f"would deploy {self.name} from {self.spec['image']}", vm=self.vm_result(folder)
        )
        if self.diff:
            result["diff"] = dict(before={}, after=payload_for_display(self.spec, payload))
        return result

    def deploy(self, folder, payload, result):
        """Send the deploy; ``(result, path of its request)``."""
        record, link = self.submit("POST", "v2/vm", payload)
        if record.get("id") is None:
            raise VssRequestError(f"the deploy of {self.name} was accepted, but the reply names no request")
        result = dict(
            result,
            msg=f"deploy of {self.name} submitted as request {record['id']}",
            request=request_summary(record),
        )
        return result, poll_path(self.client, link, "v2/request/new", record["id"])

    def finish_deploy(self, folder, path, result, deadline=None):
        """Wait for a submitted deploy; the final result."""
        done = self.wait(path, f"the deploy of {self.name}", deadline)
        return dict(
            result,
            msg=f"deployed {self.name} from {self.spec['image']}",
            vm=self.finished_vm(folder, done),
            request=request_summary(done),
        )

    def join_pending(self, folder, pending):
        """An unfinished deploy of our VM (an earlier run's): wait for it rather than deploy again."""
        result = self.pending_result(folder, pending)
        if self.check_mode or not self.spec["wait"]:
            return result
        return self.finish_pending(folder, pending, result)

    def pending_result(self, folder, pending):
        """The result for an unfinished deploy of our VM, before waiting for it."""
        return dict(
            changed=False,
            msg=f"deploy request {pending.get('id')} for {self.name} is {pending.get('status')}",
            vm=self.vm_result(folder, pending),
            request=request_summary(pending),
        )

    def finish_pending(self, folder, pending, result, deadline=None):
        """Wait for an unfinished deploy found in a listing; the final result."""
        path = poll_path(
            self.client, (pending.get("_links") or {}).get("self"), "v2/request/new", pending.get("id")
        )
        done = self.wait(path, f"the deploy of {self.name}", deadline)
        return dict(
            result,
            msg=f"deploy request {pending.get('id')} for {self.name}, submitted earlier, has finished",
            vm=self.finished_vm(folder, done),
            request=request_summary(done),
        )

    def finished_vm(self, folder, done):
        """``vm`` after a deploy finished; read from ``/v2/vm`` when the request does not say."""
        if done.get("vm_moref"):
            return self.vm_result(folder, done)
        vm = self.the_vm(folder)
        return self.vm_result(folder, vm or done)

    def compare_image(self, vm):
        source = vm.get("source_image")
        if source and source != self.spec["image"]:
            self.warn(
                f"{vm.get('name')} exists but was built from {source!r}, not {self.spec['image']!r}; "
                "it is left as it is (remove it with state=absent to deploy it again)"
            )

    def absent(self, folder):
        pending = self.the_pending_deploy(folder)
        vm = self.the_vm(folder)
        if vm is None and pending is None:
            return dict(
                changed=False, msg=f"no VM called {self.name} in the folder", vm=self.vm_result(folder)
            )

        if vm is None:
            if self.check_mode:
                return dict(
                    changed=True,
                    msg=f"would wait for deploy request {pending.get('id')} and remove {self.name}",
                    vm=self.vm_result(folder, pending),
                    request=request_summary(pending),
                )
            if not self.spec["wait"]:
                raise VssRequestError(
                    f"{self.name} is still being deployed (request {pending.get('id')}, {pending.get('status')}); "
                    "run again with wait=true, or once the deploy has finished"
                )
            self.follow(pending, "v2/request/new", f"the deploy of {self.name}")
            vm = self.the_vm(folder)
            if vm is None:
                raise VssRequestError(f"the deploy of {self.name} finished, but the VM is not in the folder")

        result = dict(changed=True, vm=self.vm_result(folder, vm))
        if self.diff:
            result["diff"] = dict(before=self.vm_result(folder, vm), after={})
        if self.check_mode:
            return dict(result, msg=f"would remove {vm.get('name')} ({vm.get('moref')})")

        record, link = self.submit("DELETE", f"v2/vm/{vm.get('moref') or vm.get('uuid')}")
        if record.get("id") is None:
            return dict(result, msg=f"removed {vm.get('name')}")
        result["request"] = request_summary(record)
        if not self.spec["wait"]:
            return dict(result, msg=f"removal of {vm.get('name')} submitted as request {record['id']}")
        path = poll_path(self.client, link, "v2/request/change", record["id"])
        done = self.wait(path, f"the removal of {vm.get('name')}")
        return dict(result, msg=f"removed {vm.get('name')}", request=request_summary(done))

    def submit(self, method, path, payload=None):
        """The one write of a run: ``(record, link)`` of its request (see ``submit_once``)."""
        return submit_once(
            self.client,
            method,
            path,
            payload,
            what=self.name,
            hint="it was not sent again; run the task again: it finds the VM or its pending request instead of "
            "repeating the change",
        )
