#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: vm
short_description: Deploy a virtual machine from an OVA/OVF image on VSS, or remove it
version_added: 1.0.0
description:
  - Deploys a virtual machine from an image's C(path) on the University of Toronto VSS (ITS Private Cloud)
    with C(POST /v2/vm), and follows the change request until the VM exists. Removes it with
    C(DELETE /v2/vm/<moref>).
  - Names are resolved before anything is sent; the folder through C(/v2/folder), the networks through
    C(/v2/network), the operating system through C(/v2/os). A name that matches nothing, or several things,
    fails with the candidates.
  - Idempotent by name and folder. The service puts C(YYMM) and a usage letter before the name (asking for
    C(web01) gives C(2612T-web01)); a VM counts as existing when its name, without that prefix, is O(name)
    and it is in O(folder). A deploy request still unfinished for that name and folder (from an earlier,
    interrupted run) counts as existing too, and is waited for instead of being submitted again.
  - Only the name and the folder decide whether the VM exists. The other options are used when it is
    deployed; changing them later does not redeploy or reconfigure it. A VM of that name built from
    another image gives a warning.
  - The deploy is sent once. When its outcome is unknown (no reply, or a server error), the task fails
    saying so, and the next run finds the VM or its pending request rather than deploying twice.
  - "Known limitation: a run started before the service has registered such a deploy cannot see it, and
    deploys again; wait a minute before running again after an unknown outcome."
author:
  - University of Toronto ITS Private Cloud users (@utoronto)
options:
  name:
    description:
      - Name of the virtual machine, without the C(YYMM) and usage-letter prefix the service adds.
      - At most 63 letters, digits, C(.), C(_) and C(-), starting with a letter or a digit, as the service requires;
        any other name fails before any request.
    type: str
    required: true
  state:
    description:
      - V(present) deploys the VM from O(image) unless it exists; V(absent) removes it if it exists.
    type: str
    choices: [present, absent]
    default: present
  folder:
    description:
      - The VM folder, as a moref (V(group-v1234)), a path (V(VSS > Development > Web)) or a folder name
        that is unique among the folders the account can see.
      - Paths compare after removing spaces around the C(>) separators and a trailing separator, so
        V(VSS > Dept > Apps) and V(VSS >Dept> Apps >) name the same folder.
      - A VM of the same name in another folder is left alone.
    type: str
    required: true
  image:
    description:
      - The C(path) of the image to deploy from, as M(utoronto.vss.image_info) returns it, for example
        V(images/CentOS_64-bit_vmx11.ova) or V([vss-ISOs] VmImages/photon/photon-hw13.ova).
      - It must be listed in C(/v2/image) or C(/v2/user/image/vm); a file just uploaded shows up after a sync.
      - Required when O(state=present).
    type: str
  os:
    description:
      - The guest operating system, as a guest id such as V(ubuntu64Guest), or an OS full name such as
        V(Ubuntu Linux (64-bit)), compared without regard to case.
      - Required when O(state=present).
    type: str
  networks:
    description:
      - Network adapters, in order. Each is a network name or moref (V(dvportgroup-11)), or a dict with
        C(network) (name or moref) and C(type).
      - C(type) is one of V(vmxnet3) (the default), V(e1000e), V(e1000) and V(vmxnet2).
      - A name must be unique; when two networks share it, give the moref.
      - Required when O(state=present).
    type: list
    elements: raw
  disks:
    description:
      - Disks, in order. Each is a size in GB, or a dict with C(capacity_gb) and optionally C(backing_mode),
        C(backing_sharing) and C(scsi) (controller number).
      - Required when O(state=present).
    type: list
    elements: raw
  cpu:
    description:
      - Number of virtual CPUs, or a dict with C(count) and C(cores_per_socket); C(count) must be a multiple
        of C(cores_per_socket).
      - The service's default when not set.
    type: raw
  memory:
    description:
      - Memory in GB. The service's default when not set.
    type: int
  usage:
    description:
      - What the VM is for; the service puts its first letter in the VM's name prefix.
    type: str
    choices: [Prod, Test, Dev, QA]
    default: Test
  client:
    description:
      - The client (department) the VM is billed to, for example V(EIS).
      - Required when O(state=present).
    type: str
  description:
    description:
      - What the VM does.
      - Required when O(state=present).
    type: str
  power_on:
    description:
      - Whether to power the VM on once deployed. V(false) is sent as such; when not set, the service decides.
    type: bool
  notes:
    description:
      - Notes kept with the VM, as text or a dict of key and value.
    type: raw
  user_data:
    description:
      - Cloud-init user data, as YAML text or a dict. It must hold a mapping.
      - Text is sent as written; a dict is written out as YAML. A C(#cloud-config) first line is added when
        missing.
      - Sent gzip-compressed and base64-encoded. The diff shows only its size.
      - The value is data, not a secret, to Ansible, so it shows in the task's arguments at C(-vvv); put
        only password hashes in it, or set C(no_log) on the task.
      - Needs PyYAML on the host running the module.
    type: raw
  network_config:
    description:
      - Cloud-init network configuration (version 1 or 2), as YAML text or a dict. It must hold a mapping.
      - Sent gzip-compressed and base64-encoded, like O(user_data).
    type: raw
  extra_config:
    description:
      - VMware advanced settings, as a dict (or a list of dicts) of key and value, for example
        C(disk.EnableUUID) set to V(TRUE). Values must be strings, numbers or booleans.
    type: raw
  firmware:
    description:
      - Boot firmware. The service's default (V(bios)) when not set.
    type: str
    choices: [bios, efi, efi-secure]
  storage_type:
    description:
      - Kind of datastore. The service's default (V(hdd)) when not set.
    type: str
    choices: [hdd, ssd]
  vss_service:
    description:
      - The service (from the VSS service catalogue) the VM belongs to, by name or id.
    type: str
  custom_spec:
    description:
      - Guest customisation (host name, domain, interfaces) applied while deploying, as the service takes it.
    type: dict
  wait:
    description:
      - Whether to wait until the deploy or removal request has finished.
      - With V(false) the module returns at once with RV(request), and the VM may not exist yet.
    type: bool
    default: true
extends_documentation_fragment:
  - utoronto.vss.connection
  - utoronto.vss.wait
attributes:
  check_mode:
    support: full
    description: Resolves every name and looks the VM up (reads only); sends no deploy and no removal.
  diff_mode:
    support: full
    description: Shows the payload a deploy sends (cloud-init content as its size only), or the VM a removal removes.
seealso:
  - module: utoronto.vss.image_info
    description: Find the path of the image to deploy from.
"""

EXAMPLES = r"""
- name: Find the image to deploy from
  utoronto.vss.image_info:
    name: CentOS_64-bit_vmx11.ova
    match: exact
  register: centos

- name: Deploy a VM from that image and wait until it exists
  utoronto.vss.vm:
    name: web01
    image: "{{ centos.images[0].path }}"
    os: centos7_64Guest
    folder: VSS > Development > Web
    networks:
      - VSS-Dev-Web
    disks: [40]
    cpu: 2
    memory: 4
    client: EIS
    description: Web server, development
  register: web01

- name: Show the name the service gave it
  ansible.builtin.debug:
    msg: "{{ web01.vm.full_name }} is {{ web01.vm.moref }}"

- name: Deploy with cloud-init, two adapters and a second disk, powered on
  utoronto.vss.vm:
    name: app-01
    image: images/xenial-server-cloudimg-amd64.ova
    os: Ubuntu Linux (64-bit)
    folder: group-v1002
    usage: Prod
    networks:
      - network: VSS-Public
        type: vmxnet3
      - network: dvportgroup-14
        type: e1000e
    disks:
      - 40
      - capacity_gb: 100
        scsi: 1
    cpu:
      count: 4
      cores_per_socket: 2
    memory: 8
    power_on: true
    firmware: efi
    extra_config:
      disk.EnableUUID: "TRUE"
    client: EIS
    description: Application server
    user_data:
      users:
        - name: deploy
          ssh_authorized_keys:
            - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly deploy@example
      packages: [nginx]
    network_config:
      version: 2
      ethernets:
        ens192:
          dhcp4: true

- name: Submit a deploy without waiting, then wait for it in a later task
  utoronto.vss.vm:
    name: batch-01
    image: images/CentOS_64-bit_vmx11.ova
    os: centos7_64Guest
    folder: VSS > Development > Sandbox
    networks: [VSS-Dev-Web]
    disks: [40]
    client: EIS
    description: Batch worker
    wait: false
  register: batch

- name: Wait for the deploy submitted above (the pending request is found and followed)
  utoronto.vss.vm:
    name: batch-01
    image: images/CentOS_64-bit_vmx11.ova
    os: centos7_64Guest
    folder: VSS > Development > Sandbox
    networks: [VSS-Dev-Web]
    disks: [40]
    client: EIS
    description: Batch worker
    wait_timeout: 1200

- name: Remove the VM
  utoronto.vss.vm:
    name: web01
    folder: VSS > Development > Web
    state: absent
"""

RETURN = r"""
vm:
  description: The virtual machine the task dealt with.
  returned: always
  type: dict
  sample:
    name: web01
    full_name: 2612T-web01
    moref: vm-1004
    uuid: 50128a2e-31c4-4c2f-9a5d-0b8e6e1c2f11
    folder:
      moref: group-v1002
      name: Web
      path: VSS > Development > Web
  contains:
    name:
      description: The name as given in O(name).
      returned: always
      type: str
      sample: web01
    full_name:
      description: The name the service gave the VM, with its prefix; null when no VM exists (yet).
      returned: always
      type: str
      sample: 2612T-web01
    moref:
      description: The VM's managed object reference; null until the deploy has finished.
      returned: always
      type: str
      sample: vm-1004
    uuid:
      description: The VM's BIOS UUID, where the service reports it.
      returned: always
      type: str
      sample: 50128a2e-31c4-4c2f-9a5d-0b8e6e1c2f11
    folder:
      description: The folder O(folder) resolved to.
      returned: always
      type: dict
      sample:
        moref: group-v1002
        name: Web
        path: VSS > Development > Web
request:
  description:
    - The change request that deployed or removed the VM, as last seen.
    - Also returned when an unfinished deploy request from an earlier run was found.
  returned: when a request was submitted or found, and on failure when a request failed or timed out
  type: dict
  sample:
    id: 42
    status: PROCESSED
    warnings: []
    errors: []
  contains:
    id:
      description: The request's id, for C(/v2/request/new/<id>) or C(/v2/request/change/<id>).
      returned: always
      type: int
      sample: 42
    status:
      description: The request's status, for example C(PENDING), C(IN_PROGRESS), C(PROCESSED).
      returned: always
      type: str
      sample: PROCESSED
    warnings:
      description: Warning messages of the request.
      returned: always
      type: list
      elements: str
      sample: []
    errors:
      description: Error messages of the request.
      returned: always
      type: list
      elements: str
      sample: []
msg:
  description: What was done, or in check mode what would be done.
  returned: always
  type: str
  sample: deployed web01 from images/CentOS_64-bit_vmx11.ova
"""

from ansible_collections.utoronto.vss.plugins.module_utils.module import VssModule, run
from ansible_collections.utoronto.vss.plugins.module_utils.vm import VmRun, check_options, vm_argument_spec


def manage_vm(module):
    spec = check_options(module.params)
    vm_run = VmRun(module.client, spec, check_mode=module.check_mode, diff=module._diff, warn=module.warn)
    return vm_run.execute()


def main():
    module = VssModule(
        argument_spec=vm_argument_spec(),
        supports_check_mode=True,
        required_if=[("state", "present", ("image", "os", "networks", "disks", "client", "description"))],
    )
    run(module, manage_vm)


if __name__ == "__main__":
    main()
