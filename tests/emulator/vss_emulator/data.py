# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The emulator's default data set, and the generated and extra images added to it by options."""

from pathlib import Path

import yaml

# The twelve images of the original API page, in the page's order.
PAGE_IMAGES = (
    ("1608T-stoic_carson.ovf", "5012689b-071a-145b-584a-9a9b49873510/1608T-stoic_carson.ovf"),
    ("photon-custom-hw10-1.0-13c08b6-GA.ova", "images/photon-custom-hw10-1.0-13c08b6-GA.ova"),
    ("CentOS_64-bit_vmx10.ova", "images/CentOS_64-bit_vmx10.ova"),
    ("wily-server-cloudimg-amd64.ova", "images/wily-server-cloudimg-amd64.ova"),
    ("photon-custom-hw10-1.0-13c08b6.ova", "images/photon-custom-hw10-1.0-13c08b6.ova"),
    ("CentOS_64-bit_vmx11.ova", "images/CentOS_64-bit_vmx11.ova"),
    ("Ubuntu_64-bit-vmx10.ova", "images/Ubuntu_64-bit-vmx10.ova"),
    ("xenial-server-cloudimg-amd64.ova", "images/xenial-server-cloudimg-amd64.ova"),
    ("coreos_production_vmware_ova.ova", "images/coreos_production_vmware_ova.ova"),
    ("1608T-pensive_carson.ovf", "5012e183-ad9b-f415-a1a6-e31dd5d14ba4/1608T-pensive_carson.ovf"),
    ("1608T-chef-master.ovf", "5012af5b-799e-8adb-ba90-45a226e42040/1608T-chef-master.ovf"),
    ("1608T-suspicious_meitner.ovf", "50121742-7c36-d590-8244-1eef48362adc/1608T-suspicious_meitner.ovf"),
)

# Words mixed into generated image names, so that name filters select a meaningful share of them.
GENERATED_WORDS = (
    "rocky",
    "centos",
    "rhel",
    "debian",
    "windows",
    "photon",
    "ubuntu",
    "Ubuntu-LTS",
    "jammy",
    "fedora",
    "alma",
    "coreos",
)

OPERATING_SYSTEMS = (
    ("ubuntu64Guest", "Ubuntu Linux (64-bit)"),
    ("centos7_64Guest", "CentOS 7 (64-bit)"),
    ("centos8_64Guest", "CentOS 8 (64-bit)"),
    ("rhel8_64Guest", "Red Hat Enterprise Linux 8 (64-bit)"),
    ("rhel9_64Guest", "Red Hat Enterprise Linux 9 (64-bit)"),
    ("debian12_64Guest", "Debian GNU/Linux 12 (64-bit)"),
    ("vmwarePhoton64Guest", "VMware Photon OS (64-bit)"),
    ("windows2019srv_64Guest", "Microsoft Windows Server 2019 (64-bit)"),
    ("windows2019srvNext_64Guest", "Microsoft Windows Server 2022 (64-bit)"),
    ("otherLinux64Guest", "Other Linux (64-bit)"),
    ("other3xLinux64Guest", "Other 3.x Linux (64-bit)"),
)

# Two folders are named "Web" under different parents: a name can be ambiguous where a path is not.
FOLDERS = (
    ("group-v1001", "VSS > Development"),
    ("group-v1002", "VSS > Development > Web"),
    ("group-v1003", "VSS > Development > Sandbox"),
    ("group-v1004", "VSS > Production"),
    ("group-v1005", "VSS > Production > Web"),
    ("group-v1006", "VSS > Production > Infra"),
    ("group-v1007", "VSS > Dept"),
    ("group-v1008", "VSS > Dept > Apps"),
    ("group-v1009", "VSS > Research"),
)

# Two networks share the name "VSS-Backend".
NETWORKS = (
    ("dvportgroup-11", "VSS-Public", "Public addresses, firewalled"),
    ("dvportgroup-12", "VSS-Dev-Web", "Development web tier"),
    ("dvportgroup-13", "VSS-Prod-Web", "Production web tier"),
    ("dvportgroup-14", "VSS-Backend", "Backend, building A"),
    ("dvportgroup-15", "VSS-Backend", "Backend, building B"),
    ("dvportgroup-16", "VSS-Private", "Private addresses, no route out"),
)

# VMs the user already has: (name, folder moref, power state, guest id, source image path).
VMS = (
    ("2401P-ldap01", "group-v1006", "poweredOn", "rhel9_64Guest", "images/CentOS_64-bit_vmx11.ova"),
    ("2502D-build-agent", "group-v1003", "poweredOn", "ubuntu64Guest", "images/Ubuntu_64-bit-vmx10.ova"),
    ("2503T-app-legacy", "group-v1008", "poweredOff", "centos7_64Guest", "images/CentOS_64-bit_vmx10.ova"),
)

# Words for the names of VMs deployed without a name, as the service does.
ADJECTIVES = ("stoic", "pensive", "suspicious", "brave", "eager", "quiet", "lucid", "nimble")
SURNAMES = ("carson", "meitner", "hopper", "lovelace", "turing", "noether", "franklin", "curie")


def timestamp(day_index, seconds=0):
    """A deterministic `YYYY-MM-DD HH:MM:SS` stamp, `day_index` days after 2016-08-01."""
    day = 1 + day_index % 28
    month = 8 + (day_index // 28) % 5
    hours, rest = divmod(seconds % 86400, 3600)
    minutes, secs = divmod(rest, 60)
    return f"2016-{month:02d}-{day:02d} {hours:02d}:{minutes:02d}:{secs:02d}"


def generated_images(count):
    """`count` deterministic image records (`name`, `path`) named `gen-00001-ubuntu.ova` and so on."""
    images = []
    for index in range(1, count + 1):
        word = GENERATED_WORDS[index % len(GENERATED_WORDS)]
        extension = "ovf" if index % 5 == 0 else "ova"
        name = f"gen-{index:05d}-{word}.{extension}"
        images.append({"name": name, "path": f"images/{name}"})
    return images


class ExtraImagesError(ValueError):
    """The file given to --extra-images cannot be used."""


def load_extra_images(path):
    """Read a JSON or YAML list of `{name, path, personal?, synced?}` records from `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        records = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ExtraImagesError(f"cannot read {path}: {exc}") from exc

    if not isinstance(records, list):
        raise ExtraImagesError(f"{path} must hold a list of {{name, path}} records")

    images = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ExtraImagesError(f"{path}: entry {position} is not a mapping")
        unknown = set(record) - {"name", "path", "personal", "synced"}
        if unknown:
            raise ExtraImagesError(f"{path}: entry {position} has unknown keys {sorted(unknown)}")
        name, image_path = record.get("name"), record.get("path")
        if not isinstance(name, str) or not name or not isinstance(image_path, str) or not image_path:
            raise ExtraImagesError(f"{path}: entry {position} needs a non-empty string name and path")
        personal, synced = bool(record.get("personal", False)), bool(record.get("synced", True))
        if not synced and not personal:
            raise ExtraImagesError(f"{path}: entry {position} has synced: false, which needs personal: true")
        images.append({"name": name, "path": image_path, "personal": personal, "synced": synced})
    return images
