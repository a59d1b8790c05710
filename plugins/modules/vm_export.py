#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: vm_export
short_description: Export a VSS virtual machine to OVF, ready to deploy other VMs from
version_added: 1.0.0
description:
  - Exports a virtual machine of the University of Toronto VSS (ITS Private Cloud) to OVF with
    C(POST /v2/vm/<moref>/export) and waits for the export request (C(/v2/request/export/<id>)). The OVF
    descriptor and its disks land in the user's VSKEY-STOR space, in a folder named after the VM's uuid.
  - Then, unless O(sync=false), synchronises the personal image listing (as M(utoronto.vss.image_sync) does)
    and returns the RV(path) of the exported OVF, which M(utoronto.vss.vm) and the role
    C(utoronto.vss.deploy_from_image) deploy from.
  - The VM is found by O(id) (moref or uuid), or by O(name) as M(utoronto.vss.vm) matches names (with or without
    the service's C(YYMM) and usage-letter prefix), optionally within O(folder).
  - The service exports only powered-off VMs. A VM that is on is an error, unless O(power_off=true), which
    powers it off (C(PUT /v2/vm/<moref>/state), a hard power-off, not a guest shutdown) and waits for that
    first. The VM is left powered off.
  - "Idempotency: a rerun finds the earlier export and changes nothing. An export counts as there when an OVF
    in the VM's uuid folder is listed in C(/v2/user/image/vm), or when an earlier export request of the VM
    succeeded (its files are then synced and looked for). An export request of the VM still running is waited
    for instead of starting another. O(force=true) exports again, overwriting the files."
  - "Known limitation: an export whose files were removed from VSKEY-STOR but whose request succeeded still
    counts as there while its OVF is listed; run M(utoronto.vss.image_sync) first, or use O(force=true)."
author:
  - University of Toronto ITS Private Cloud users (@utoronto)
options:
  name:
    description:
      - Name of the VM, with or without the C(YYMM) and usage-letter prefix the service adds
        (V(web01) finds C(2612T-web01)).
      - Two VMs of that name fail the task with both; give O(folder) or O(id) then.
      - One of O(name) and O(id) is required.
    type: str
  id:
    description:
      - The VM's moref (V(vm-1234)) or uuid, instead of O(name).
    type: str
  folder:
    description:
      - With O(name), look only in this folder, as a moref, a path (V(VSS > Development > Web)) or a unique
        folder name, as M(utoronto.vss.vm) takes it.
    type: str
  power_off:
    description:
      - Power the VM off first when it is not powered off. With V(false), a VM that is on fails the task and
        nothing is changed.
    type: bool
    default: false
  force:
    description:
      - Export even when an export of the VM is already there (see the idempotency rules above).
    type: bool
    default: false
  sync:
    description:
      - Synchronise the personal image listing after the export, and return RV(path).
      - With V(false), RV(path) is returned only when the service lists the OVF without a sync.
    type: bool
    default: true
extends_documentation_fragment:
  - utoronto.vss.connection
  - utoronto.vss.wait
attributes:
  check_mode:
    support: full
    description: Finds the VM and an earlier export (reads only); sends no power-off, export or sync.
  diff_mode:
    support: full
    description: Shows the VM's power state and whether it is exported, before and after.
seealso:
  - module: utoronto.vss.image_sync
    description: Synchronise the personal image listing.
  - module: utoronto.vss.vm
    description: Deploy a VM from the exported OVF's RV(path).
"""

EXAMPLES = r"""
- name: Export the build VM, powering it off first
  utoronto.vss.vm_export:
    name: build-agent
    folder: VSS > Development > Sandbox
    power_off: true
  register: exported

- name: Deploy a copy from the export
  utoronto.vss.vm:
    name: build-agent-02
    image: "{{ exported.path }}"
    os: ubuntu64Guest
    folder: VSS > Development > Sandbox
    networks: [VSS-Dev-Web]
    disks: [40]
    client: EIS
    description: Second build agent, from the first one's export

- name: Export a VM by moref again, even though an export exists
  utoronto.vss.vm_export:
    id: vm-1003
    force: true
"""

RETURN = r"""
vm:
  description: The VM exported, as found before the task changed anything.
  returned: always
  type: dict
  sample:
    name: 2503T-app-legacy
    moref: vm-1003
    uuid: 50121482-3929-2d22-e255-accb1a466884
    power_state: poweredOff
  contains:
    name:
      description: The VM's full name, with the service's prefix.
      returned: always
      type: str
      sample: 2503T-app-legacy
    moref:
      description: The VM's managed object reference.
      returned: always
      type: str
      sample: vm-1003
    uuid:
      description: The VM's uuid; the export's folder in VSKEY-STOR is named after it.
      returned: always
      type: str
      sample: 50121482-3929-2d22-e255-accb1a466884
    power_state:
      description: The power state the VM was found in.
      returned: always
      type: str
      sample: poweredOff
files:
  description: The files the export wrote, relative to the user's VSKEY-STOR space, as the export request lists them.
  returned: always (empty when no export ran in this task)
  type: list
  elements: str
  sample:
    - 50121482-3929-2d22-e255-accb1a466884/2503T-app-legacy.ovf
    - 50121482-3929-2d22-e255-accb1a466884/2503T-app-legacy-1.vmdk
path:
  description:
    - The path of the exported OVF in C(/v2/user/image/vm), the value M(utoronto.vss.vm) takes as O(utoronto.vss.vm#module:image).
    - Null in check mode, and when the OVF is not listed (yet), for example with O(sync=false).
  returned: always
  type: str
  sample: "[vssUser-xfers] jdoe/50121482-3929-2d22-e255-accb1a466884/2503T-app-legacy.ovf"
image:
  description: The image record of the exported OVF, as C(/v2/user/image/vm) lists it; null when RV(path) is.
  returned: always
  type: dict
  sample:
    id: 17
    name: 2503T-app-legacy.ovf
    path: "[vssUser-xfers] jdoe/50121482-3929-2d22-e255-accb1a466884/2503T-app-legacy.ovf"
powered_off:
  description: Whether the task powered the VM off (in check mode, whether it would).
  returned: always
  type: bool
  sample: false
sync:
  description: What the sync after the export added and deleted, and its request.
  returned: when a sync ran
  type: dict
  sample:
    added:
      - "[vssUser-xfers] jdoe/50121482-3929-2d22-e255-accb1a466884/2503T-app-legacy.ovf"
    deleted: []
    request:
      id: 3
      status: PROCESSED
      warnings: []
      errors: []
request:
  description: The export request, as last seen.
  returned: when an export was submitted or found running, and on failure when a request failed or timed out
  type: dict
  sample:
    id: 5
    status: PROCESSED
    warnings: []
    errors: []
msg:
  description: What was done, or in check mode what would be done.
  returned: always
  type: str
  sample: "export of 2503T-app-legacy done: deploy from [vssUser-xfers] jdoe/5012.../2503T-app-legacy.ovf"
"""

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import wait_argument_spec
from ansible_collections.utoronto.vss.plugins.module_utils.module import VssModule, run
from ansible_collections.utoronto.vss.plugins.module_utils.vm_export import ExportRun


def argument_spec():
    return dict(
        name=dict(type="str"),
        id=dict(type="str"),
        folder=dict(type="str"),
        power_off=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        sync=dict(type="bool", default=True),
        **wait_argument_spec(),
    )


def export(module):
    export_run = ExportRun(None, module.params, module.check_mode, module._diff, module.warn)
    export_run.client = module.client  # made once the options are known to be good
    return export_run.execute()


def main():
    module = VssModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("name", "id")],
        required_one_of=[("name", "id")],
    )
    run(module, export)


if __name__ == "__main__":
    main()
