# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Pure parts of the vm module: option checks, payload, cloud-init encoding, names, folders, look-ups."""

import base64
import copy
import gzip

import pytest
import yaml

from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.vm import (
    base_name,
    build_payload,
    candidates_text,
    check_options,
    cloud_init_text,
    encode_cloud_init,
    in_folder,
    name_filter,
    names_match,
    normalize_folder_path,
    payload_for_display,
    pick_folder,
    pick_network,
    pick_os,
    similar_labels,
)

FOLDERS = [
    {"moref": "group-v1001", "name": "Development", "path": "VSS > Development"},
    {"moref": "group-v1002", "name": "Web", "path": "VSS > Development > Web"},
    {"moref": "group-v1005", "name": "Web", "path": "VSS > Production > Web"},
    {"moref": "group-v1008", "name": "Apps", "path": "VSS > Dept > Apps"},
]
NETWORKS = [
    {"moref": "dvportgroup-11", "name": "VSS-Public"},
    {"moref": "dvportgroup-14", "name": "VSS-Backend"},
    {"moref": "dvportgroup-15", "name": "VSS-Backend"},
]
SYSTEMS = [
    {"guest_id": "ubuntu64Guest", "full_name": "Ubuntu Linux (64-bit)"},
    {"guest_id": "centos7_64Guest", "full_name": "CentOS 7 (64-bit)"},
    {"guest_id": "centos8_64Guest", "full_name": "CentOS 8 (64-bit)"},
]


def params(**changes):
    """Module parameters as AnsibleModule hands them over, with the defaults applied."""
    values = dict(
        name="web01",
        state="present",
        folder="VSS > Development > Web",
        image="images/CentOS_64-bit_vmx11.ova",
        os="centos7_64Guest",
        networks=["VSS-Public"],
        disks=[40],
        cpu=None,
        memory=None,
        usage="Test",
        client="EIS",
        description="Web server",
        power_on=None,
        notes=None,
        user_data=None,
        network_config=None,
        extra_config=None,
        firmware=None,
        storage_type=None,
        vss_service=None,
        custom_spec=None,
        wait=True,
        wait_timeout=600,
        poll_interval=5.0,
    )
    values.update(changes)
    return values


def decode(value):
    return gzip.decompress(base64.b64decode(value)).decode("utf-8")


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("2612T-web01", "web01"),
        ("2401P-ldap01", "ldap01"),
        ("2502D-build-agent", "build-agent"),
        ("2510Q-qa", "qa"),
        ("2612T-2612T-web01", "2612T-web01"),
        ("2612X-web01", "2612X-web01"),
        ("2612t-web01", "2612t-web01"),
        ("261T-web01", "261T-web01"),
        ("2612Tweb01", "2612Tweb01"),
        ("web01", "web01"),
        ("", ""),
        (None, ""),
    ],
)
def test_base_name_removes_only_the_service_prefix(full_name, expected):
    assert base_name(full_name) == expected


@pytest.mark.parametrize(
    ("record_name", "wanted", "expected"),
    [
        ("2612T-web01", "web01", True),
        ("web01", "web01", True),
        ("2612T-web01", "2612T-web01", True),
        ("2612T-web011", "web01", False),
        ("2612T-xweb01", "web01", False),
        ("2612T-Web01", "web01", False),
        (None, "web01", False),
    ],
)
def test_names_match(record_name, wanted, expected):
    assert names_match(record_name, wanted) is expected


@pytest.mark.parametrize(
    "path",
    [
        "VSS > Dept > Apps",
        "VSS > Dept > Apps ",
        "VSS > Dept > Apps >",
        "VSS>Dept>Apps",
        "  VSS >   Dept>Apps  > ",
        "VSS > Dept > > Apps",
    ],
)
def test_folder_paths_normalise_alike(path):
    assert normalize_folder_path(path) == "VSS > Dept > Apps"


def test_folder_path_keeps_spaces_inside_a_name():
    assert normalize_folder_path("VSS > My  Dept > Apps") == "VSS > My  Dept > Apps"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web01", "name,like,%web01"),
        ("win_2019", "name,like,%win_2019"),
        ("a,b;c\\d", "name,like,%a_b_c_d"),
    ],
)
def test_name_filter_widens_characters_that_would_break_the_filter(name, expected):
    assert name_filter("name", name) == expected


def test_candidates_text_is_capped():
    text = candidates_text([f"f{number:02d}" for number in range(14)], limit=10)
    assert "'f09'" in text and "'f10'" not in text and text.endswith("(and 4 more)")
    assert candidates_text([]) == "none"


def test_check_options_normalises_every_option():
    spec = check_options(
        params(
            networks=["VSS-Public", {"network": "dvportgroup-14", "type": "e1000e"}],
            disks=[40, {"capacity_gb": "100", "scsi": 1, "backing_mode": "persistent"}],
            cpu={"count": 4, "cores_per_socket": 2},
            memory="8",
            power_on=True,
            notes="hello",
            extra_config={"disk.EnableUUID": "TRUE", "x.count": 3},
            firmware="efi",
            storage_type="ssd",
            vss_service="N/A",
            custom_spec={"hostname": "web01"},
        )
    )

    assert spec["networks"] == [
        {"network": "VSS-Public", "type": "vmxnet3"},
        {"network": "dvportgroup-14", "type": "e1000e"},
    ]
    assert spec["disks"] == [
        {"capacity_gb": 40},
        {"capacity_gb": 100, "scsi": 1, "backing_mode": "persistent"},
    ]
    assert spec["cpu"] == {"count": 4, "cores_per_socket": 2}
    assert spec["memory"] == 8
    assert spec["extra_config"] == [{"disk.EnableUUID": "TRUE"}, {"x.count": 3}]


def test_check_options_for_absent_needs_only_name_and_folder():
    spec = check_options(params(state="absent", image=None, os=None, networks=None, disks=None, client=None))
    assert spec == dict(
        state="absent",
        name="web01",
        folder="VSS > Development > Web",
        wait=True,
        wait_timeout=600,
        poll_interval=5.0,
    )


@pytest.mark.parametrize(
    ("changes", "option", "problem"),
    [
        (dict(image=None), "image", "required with state=present"),
        (dict(os=""), "os", "required with state=present"),
        (dict(networks=[]), "networks", "required with state=present"),
        (dict(disks=None), "disks", "required with state=present"),
        (dict(client=None, description=None), "client", "missing: client, description"),
        (dict(name=" web01"), "name", "spaces"),
        (dict(name=""), "name", "non-empty"),
        (dict(name="web 01"), "name", "only letters, digits, '.', '_' and '-'"),
        (dict(name="web%01"), "name", "only letters, digits"),
        (dict(name="wéb01"), "name", "only letters, digits"),
        (dict(name="web01\n"), "name", "spaces"),
        (dict(name="-web01"), "name", "starting with a letter or a digit"),
        (dict(name="_web01"), "name", "starting with a letter or a digit"),
        (dict(name="w" * 64), "name", "at most 63"),
        (dict(folder=""), "folder", "non-empty"),
        (dict(disks=[0]), "disks[0]", "at least 1"),
        (dict(disks=[-5]), "disks[0]", "at least 1"),
        (dict(disks=["forty"]), "disks[0]", "whole number"),
        (dict(disks=[True]), "disks[0]", "whole number"),
        (dict(disks=[40.5]), "disks[0]", "whole number"),
        (dict(disks=[{"size": 40}]), "disks[0]", "unknown keys size"),
        (dict(disks=[{"scsi": 1}]), "disks[0].capacity_gb", "required"),
        (dict(disks=[{"capacity_gb": 40, "scsi": -1}]), "disks[0].scsi", "at least 0"),
        (dict(networks=[{}]), "networks[0].network", "non-empty"),
        (dict(networks=[5]), "networks[0]", "network name or moref"),
        (dict(networks=[{"network": "a", "type": "rtl8139"}]), "networks[0].type", "must be one of"),
        (dict(networks=[{"network": "a", "typ": "e1000"}]), "networks[0]", "unknown keys typ"),
        (dict(cpu=0), "cpu", "at least 1"),
        (dict(cpu={"cores_per_socket": 2}), "cpu.count", "required"),
        (dict(cpu={"count": 3, "cores_per_socket": 2}), "cpu", "not a multiple"),
        (dict(cpu={"count": 4, "sockets": 2}), "cpu", "unknown keys sockets"),
        (dict(memory=0), "memory", "at least 1"),
        (dict(usage="Production"), "usage", "must be one of"),
        (dict(firmware="uefi"), "firmware", "must be one of"),
        (dict(storage_type="nvme"), "storage_type", "must be one of"),
        (dict(power_on="yes"), "power_on", "true or false"),
        (dict(notes=["a"]), "notes", "string or a dict"),
        (dict(custom_spec="x"), "custom_spec", "must be a dict"),
        (dict(extra_config="a=b"), "extra_config", "dict or a list of dicts"),
        (dict(extra_config={"a": {"b": 1}}), "extra_config.a", "string, number or boolean"),
        (dict(extra_config={"a": None}), "extra_config.a", "string, number or boolean"),
        (dict(user_data="key: [unclosed"), "user_data", "not valid YAML"),
        (dict(user_data="just words"), "user_data", "holding a mapping, got str"),
        (dict(user_data=["a"]), "user_data", "YAML text or a dict"),
        (dict(network_config="- a\n- b\n"), "network_config", "holding a mapping, got list"),
        (dict(wait_timeout=0), "wait_timeout", "greater than 0"),
        (dict(poll_interval=0), "poll_interval", "greater than 0"),
        (dict(poll_interval=-1.0), "poll_interval", "greater than 0"),
        (dict(wait_timeout=30, poll_interval=30.0), "poll_interval", "less than wait_timeout"),
    ],
)
def test_check_options_refuses_bad_values_naming_the_option(changes, option, problem):
    with pytest.raises(VssOptionError) as caught:
        check_options(params(**changes))
    assert caught.value.option == option
    assert problem in str(caught.value)


def test_payload_holds_every_option():
    spec = check_options(
        params(
            networks=["VSS-Public", {"network": "VSS-Backend-B", "type": "e1000"}],
            disks=[40, {"capacity_gb": 100, "scsi": 1}],
            cpu=2,
            memory=4,
            usage="Prod",
            power_on=True,
            notes={"owner": "team-a"},
            extra_config=[{"disk.EnableUUID": "TRUE"}],
            firmware="efi-secure",
            storage_type="ssd",
            vss_service="Web hosting",
            custom_spec={"hostname": "web01", "domain": "example.test"},
            user_data="#cloud-config\npackages: [nginx]\n",
            network_config={"version": 2},
        )
    )

    payload = build_payload(spec, "group-v1002", "centos7_64Guest", ["dvportgroup-11", "dvportgroup-15"])

    user_data = payload.pop("user_data")
    network_config = payload.pop("network_config")
    assert payload == {
        "built_from": "image",
        "source_image": "images/CentOS_64-bit_vmx11.ova",
        "name": "web01",
        "os": "centos7_64Guest",
        "folder": "group-v1002",
        "networks": [
            {"network": "dvportgroup-11", "type": "vmxnet3"},
            {"network": "dvportgroup-15", "type": "e1000"},
        ],
        "disks": [{"capacity_gb": 40}, {"capacity_gb": 100, "scsi": 1}],
        "client": "EIS",
        "description": "Web server",
        "usage": "Prod",
        "cpu": 2,
        "memory": 4,
        "power_on": True,
        "notes": {"owner": "team-a"},
        "extra_config": [{"disk.EnableUUID": "TRUE"}],
        "firmware": "efi-secure",
        "storage_type": "ssd",
        "vss_service": "Web hosting",
        "custom_spec": {"hostname": "web01", "domain": "example.test"},
    }
    assert user_data["userdata_encoding"] == "gzip+base64"
    assert decode(user_data["userdata"]) == "#cloud-config\npackages: [nginx]\n"
    assert network_config["networkconfig_encoding"] == "gzip+base64"
    assert yaml.safe_load(decode(network_config["networkconfig"])) == {"version": 2}


def test_payload_leaves_out_unset_options_only():
    spec = check_options(params())
    payload = build_payload(spec, "group-v1002", "centos7_64Guest", ["dvportgroup-11"])
    assert set(payload) == {
        "built_from",
        "source_image",
        "name",
        "os",
        "folder",
        "networks",
        "disks",
        "client",
        "description",
        "usage",
    }
    assert payload["usage"] == "Test"


def test_zero_and_false_values_are_kept_in_the_payload():
    spec = check_options(
        params(
            power_on=False,
            disks=[{"capacity_gb": 10, "scsi": 0}],
            extra_config={"a.flag": False, "b.count": 0, "c.text": ""},
            notes="",
            vss_service="0",
        )
    )
    payload = build_payload(spec, "group-v1002", "centos7_64Guest", ["dvportgroup-11"])
    assert payload["power_on"] is False
    assert payload["disks"] == [{"capacity_gb": 10, "scsi": 0}]
    assert payload["extra_config"] == [{"a.flag": False}, {"b.count": 0}, {"c.text": ""}]
    assert payload["notes"] == ""
    assert payload["vss_service"] == "0"


def test_build_payload_does_not_share_lists_with_the_spec():
    spec = check_options(params())
    before = copy.deepcopy(spec)
    payload = build_payload(spec, "group-v1002", "centos7_64Guest", ["dvportgroup-11"])
    payload["disks"][0]["capacity_gb"] = 999
    payload["networks"][0]["type"] = "e1000"
    assert spec == before


@pytest.mark.parametrize(
    "text",
    [
        "#cloud-config\nusers:\n  - name: deploy\n# a comment kept\n",
        '#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: "übung ñ ✓\\n"\n',
        "#cloud-config\n" + "runcmd:\n" + "".join(f"  - echo line {n}\n" for n in range(500)),
    ],
)
def test_cloud_init_text_round_trips_byte_for_byte(text):
    kept = cloud_init_text("user_data", text)
    assert kept == text
    assert decode(encode_cloud_init(kept)) == text


def test_user_data_without_header_gets_one():
    assert cloud_init_text("user_data", "packages: [nginx]\n") == "#cloud-config\npackages: [nginx]\n"


def test_user_data_dict_is_written_as_yaml_with_header():
    data = {"users": [{"name": "deploy", "groups": ["sudo"]}], "package_update": False, "note": "übung"}
    text = cloud_init_text("user_data", data)
    assert text.startswith("#cloud-config\n")
    assert yaml.safe_load(decode(encode_cloud_init(text))) == data


def test_network_config_gets_no_header():
    text = cloud_init_text("network_config", {"version": 2, "ethernets": {"ens192": {"dhcp4": True}}})
    assert not text.startswith("#")
    assert yaml.safe_load(text) == {"version": 2, "ethernets": {"ens192": {"dhcp4": True}}}


def test_encoding_is_deterministic():
    assert encode_cloud_init("a: 1\n") == encode_cloud_init("a: 1\n")


def test_display_payload_hides_cloud_init_content_and_shows_its_size():
    secret = "#cloud-config\nchpasswd:\n  list: |\n    root:S3cret-Do-Not-Show\n"
    spec = check_options(params(user_data=secret, network_config="version: 2\n"))
    payload = build_payload(spec, "group-v1002", "centos7_64Guest", ["dvportgroup-11"])

    shown = payload_for_display(spec, payload)

    assert shown["user_data"] == f"({len(secret.encode())} bytes of cloud-init YAML, not shown)"
    assert shown["network_config"] == "(11 bytes of cloud-init YAML, not shown)"
    assert "S3cret" not in repr(shown)
    assert isinstance(payload["user_data"], dict)


@pytest.mark.parametrize(
    ("wanted", "moref"),
    [
        ("group-v1008", "group-v1008"),
        ("VSS > Dept > Apps", "group-v1008"),
        ("VSS > Dept > Apps ", "group-v1008"),
        ("VSS>Dept>Apps>", "group-v1008"),
        ("Apps", "group-v1008"),
        ("VSS > Development > Web", "group-v1002"),
        ("Development", "group-v1001"),
    ],
)
def test_pick_folder(wanted, moref):
    assert pick_folder(FOLDERS, wanted)["moref"] == moref


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (
            "Web",
            ["names 2 folders", "'VSS > Development > Web'", "'VSS > Production > Web'", "path or moref"],
        ),
        ("VSS > Dept > Ops", ["no folder matches 'VSS > Dept > Ops'", "4 folders visible"]),
        ("VSS > Dept > app", ["no folder matches", "similar: 'VSS > Dept > Apps'"]),
        ("group-v9999", ["no folder has the moref 'group-v9999'"]),
    ],
)
def test_pick_folder_errors_list_candidates(wanted, expected):
    with pytest.raises(VssOptionError) as caught:
        pick_folder(FOLDERS, wanted)
    assert caught.value.option == "folder"
    for text in expected:
        assert text in str(caught.value)


@pytest.mark.parametrize(
    ("wanted", "moref"), [("VSS-Public", "dvportgroup-11"), ("dvportgroup-15", "dvportgroup-15")]
)
def test_pick_network(wanted, moref):
    assert pick_network(NETWORKS, wanted, "networks[0]")["moref"] == moref


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (
            "VSS-Backend",
            ["names 2 networks", "VSS-Backend (dvportgroup-14)", "VSS-Backend (dvportgroup-15)", "moref"],
        ),
        ("vss-pub", ["no network is named 'vss-pub'", "similar: 'VSS-Public (dvportgroup-11)'"]),
        ("Nowhere", ["no network is named 'Nowhere'", "3 networks visible"]),
        ("dvportgroup-99", ["no network is named 'dvportgroup-99'"]),
    ],
)
def test_pick_network_errors_list_candidates(wanted, expected):
    with pytest.raises(VssOptionError) as caught:
        pick_network(NETWORKS, wanted, "networks[1]")
    assert caught.value.option == "networks[1]"
    for text in expected:
        assert text in str(caught.value)


@pytest.mark.parametrize(
    ("wanted", "guest_id"),
    [
        ("ubuntu64Guest", "ubuntu64Guest"),
        ("UBUNTU64GUEST", "ubuntu64Guest"),
        ("Ubuntu Linux (64-bit)", "ubuntu64Guest"),
        ("centos 7 (64-bit)", "centos7_64Guest"),
    ],
)
def test_pick_os(wanted, guest_id):
    assert pick_os(SYSTEMS, wanted) == guest_id


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (
            "centos",
            [
                "no operating system",
                "'CentOS 7 (64-bit) (centos7_64Guest)'",
                "'CentOS 8 (64-bit) (centos8_64Guest)'",
            ],
        ),
        ("plan9Guest", ["no operating system has the guest id or full name 'plan9Guest'", "3 systems known"]),
    ],
)
def test_pick_os_errors_list_candidates(wanted, expected):
    with pytest.raises(VssOptionError) as caught:
        pick_os(SYSTEMS, wanted)
    for text in expected:
        assert text in str(caught.value)


def test_pick_os_with_a_shared_full_name_is_ambiguous():
    systems = SYSTEMS + [{"guest_id": "ubuntuGuest", "full_name": "Ubuntu Linux (64-bit)"}]
    with pytest.raises(VssOptionError, match="names 2 systems"):
        pick_os(systems, "Ubuntu Linux (64-bit)")


WEB = FOLDERS[1]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"folder": {"moref": "group-v1002", "name": "Web", "path": "VSS > Development > Web"}}, True),
        ({"folder": {"moref": "group-v1005", "name": "Web", "path": "VSS > Production > Web"}}, False),
        ({"folder": "group-v1002"}, True),
        ({"folder": "group-v1005"}, False),
        ({"folder": "VSS > Development > Web "}, True),
        ({"folder": "VSS > Production > Web"}, False),
        ({"folder": {"path": "VSS>Development>Web"}}, True),
        ({"folder": "Web"}, True),
        ({"folder_moref": "group-v1005"}, False),
        ({}, True),
        ({"folder": None}, True),
    ],
)
def test_in_folder(record, expected):
    assert in_folder(record, WEB) is expected


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("web", ["VSS-Dev-Web (12)", "VSS-Prod-Web (13)"]),
        ("Red Hat Enterprise Linux 7 (64-bit)", ["RHEL 8 (rhel8)", "RHEL 9 (rhel9)"]),
        ("Plan Nine from Bell Labs", []),
    ],
)
def test_similar_labels_prefer_substrings_then_shared_words(wanted, expected):
    entries = [
        ("VSS-Dev-Web", "VSS-Dev-Web (12)"),
        ("VSS-Prod-Web", "VSS-Prod-Web (13)"),
        ("Red Hat Enterprise Linux 8 (64-bit)", "RHEL 8 (rhel8)"),
        ("Red Hat Enterprise Linux 9 (64-bit)", "RHEL 9 (rhel9)"),
        ("Ubuntu Linux (64-bit)", "Ubuntu (ubuntu64Guest)"),
    ]
    assert similar_labels(wanted, entries) == expected


def test_an_unknown_os_version_suggests_the_versions_that_exist():
    systems = SYSTEMS + [{"guest_id": "rhel8_64Guest", "full_name": "Red Hat Enterprise Linux 8 (64-bit)"}]
    with pytest.raises(VssOptionError) as caught:
        pick_os(systems, "Red Hat Enterprise Linux 7 (64-bit)")
    assert "similar: 'Red Hat Enterprise Linux 8 (64-bit) (rhel8_64Guest)'" in str(caught.value)
