#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: vm_batch
short_description: Deploy several virtual machines on VSS at once, each as M(utoronto.vss.vm) would
version_added: 1.0.0
description:
  - Deploys every VM of O(vms) that does not exist yet, in one task, the way M(utoronto.vss.vm) deploys one
    with O(utoronto.vss.vm#module:state=present). It takes the same options, is idempotent by name and folder
    in the same way, and handles the service's name prefix and unfinished deploy requests from earlier runs
    alike.
  - Every VM is checked first, on the server too (folder, operating system, networks, image). When any VM
    cannot be deployed, the task fails naming each such VM and what is wrong with it, and deploys none.
  - Then every missing VM is submitted, and only then are the requests waited for, against one deadline, so
    deploying many VMs takes about as long as the slowest deploy. Folders, networks, operating systems and
    images are listed once for all the VMs.
  - A VM whose deploy fails on the server does not stop the others; the task reports every VM in RV(vms),
    then fails naming the VMs that failed.
  - The C(utoronto.vss.deploy_from_image) role deploys its VMs with this module.
author:
  - University of Toronto ITS Private Cloud users (@utoronto)
options:
  vms:
    description:
      - The VMs to deploy, each a dict of the options of M(utoronto.vss.vm), at least C(name), C(folder),
        C(image), C(os), C(networks), C(disks), C(client) and C(description).
      - O(utoronto.vss.vm#module:state), O(utoronto.vss.vm#module:wait),
        O(utoronto.vss.vm#module:wait_timeout) and O(utoronto.vss.vm#module:poll_interval) are this module's
        own options and cannot be set per VM. Each name may appear once.
      - Each dict is checked as M(utoronto.vss.vm) checks its options; an unknown key fails naming the VM.
    type: list
    elements: dict
    required: true
  wait:
    description:
      - Whether to wait until every deploy request has finished.
      - With V(false) the module returns once every request is submitted, with each VM's RV(vms[].request).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for all the requests together, at most. Requests still unfinished then fail their
        VM, naming the last status seen; they may still complete on the server.
      - Each poll is given at most the time left (and at least one second), and no retry of a poll is begun,
        nor a C(Retry-After) waited for, that would end past it.
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two looks at a request. Must be greater than 0 and less than O(wait_timeout).
    type: float
    default: 5
extends_documentation_fragment:
  - utoronto.vss.connection
attributes:
  check_mode:
    support: full
    description: Checks every VM and looks each one up (reads only); sends no deploy.
  diff_mode:
    support: full
    description:
      - Shows the payload of every VM to deploy, by name (cloud-init content as its size only); each VM's own is
        also in RV(vms[].diff).
notes:
  - Success is C(PROCESSED) or C(SCHEDULED); C(ERROR), C(ERROR_RETRY), C(REFUSED), C(CANCELLED) and C(MISSED) fail
    that VM at once with the request's error messages.
  - Removing VMs is not batched; use M(utoronto.vss.vm) with O(utoronto.vss.vm#module:state=absent) in a loop.
seealso:
  - module: utoronto.vss.vm
    description: Deploy or remove one VM.
  - module: utoronto.vss.image_info
    description: Find the path of the image to deploy from.
"""

EXAMPLES = r"""
- name: Deploy three web servers from one image, and wait for all of them
  utoronto.vss.vm_batch:
    vms:
      - "{{ web | combine({'name': 'web01'}) }}"
      - "{{ web | combine({'name': 'web02'}) }}"
      - "{{ web | combine({'name': 'web03'}) }}"
  vars:
    web:
      image: images/CentOS_64-bit_vmx11.ova
      os: centos7_64Guest
      folder: VSS > Development > Web
      networks: [VSS-Public]
      disks: [40]
      client: EIS
      description: Web server
  register: web

- name: Show each VM's moref
  ansible.builtin.debug:
    msg: "{{ web.vms | items2dict(key_name='name', value_name='vm') }}"

- name: Deploy two different VMs, submitting both before waiting
  utoronto.vss.vm_batch:
    vms:
      - name: db01
        image: images/CentOS_64-bit_vmx11.ova
        os: centos7_64Guest
        folder: VSS > Development > Web
        networks: [VSS-Public]
        disks: [40, 200]
        memory: 16
        client: EIS
        description: Database
      - name: cache01
        image: images/xenial-server-cloudimg-amd64.ova
        os: ubuntu64Guest
        folder: VSS > Development > Web
        networks: [VSS-Public]
        disks: [20]
        client: EIS
        description: Cache
    wait_timeout: 1200
"""

RETURN = r"""
vms:
  description:
    - One entry a VM, in the order of O(vms), with what M(utoronto.vss.vm) returns for it, and whether it
      changed or failed.
  returned: always, and on failure once the VMs were checked
  type: list
  elements: dict
  sample:
    - name: web01
      changed: true
      failed: false
      msg: deployed web01 from images/CentOS_64-bit_vmx11.ova
      vm:
        name: web01
        full_name: 2612T-web01
        moref: vm-1004
        uuid: 50128a2e-31c4-4c2f-9a5d-0b8e6e1c2f11
        folder: {moref: group-v1002, name: Web, path: VSS > Development > Web}
      request: {id: 42, status: PROCESSED, warnings: [], errors: []}
  contains:
    name:
      description: The VM's name as given.
      returned: always
      type: str
      sample: web01
    changed:
      description: Whether a deploy was (or, in check mode, would be) submitted for it.
      returned: always
      type: bool
      sample: true
    failed:
      description: Whether its deploy failed, or could not be followed to the end.
      returned: always
      type: bool
      sample: false
    msg:
      description: What happened to it, in one line.
      returned: always
      type: str
      sample: deployed web01 from images/CentOS_64-bit_vmx11.ova
    vm:
      description: The VM, as RV(utoronto.vss.vm#module:vm) describes it.
      returned: always
      type: dict
      sample:
        name: web01
        full_name: 2612T-web01
        moref: vm-1004
        uuid: 50128a2e-31c4-4c2f-9a5d-0b8e6e1c2f11
        folder: {moref: group-v1002, name: Web, path: VSS > Development > Web}
    request:
      description: Its deploy request as last seen, as RV(utoronto.vss.vm#module:request) describes it.
      returned: when a request was submitted or found
      type: dict
      sample: {id: 42, status: PROCESSED, warnings: [], errors: []}
    diff:
      description: The payload of a deploy, in diff mode.
      returned: in diff mode, for a VM to deploy
      type: dict
      sample: {before: {}, after: {name: web01, built_from: image}}
failed_vms:
  description: The names of the VMs that failed.
  returned: always, and on failure once the VMs were checked
  type: list
  elements: str
  sample: [db01]
"""

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import check_wait_options
from ansible_collections.utoronto.vss.plugins.module_utils.module import VssModule, run
from ansible_collections.utoronto.vss.plugins.module_utils.vm_batch import BatchRun


def argument_spec():
    return dict(
        vms=dict(type="list", elements="dict", required=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        poll_interval=dict(type="float", default=5.0),
    )


def deploy_vms(module):
    params = module.params
    check_wait_options(params["wait_timeout"], params["poll_interval"])
    batch = {option: params[option] for option in ("wait", "wait_timeout", "poll_interval")}
    batch_run = BatchRun(
        module.client, params["vms"], batch, check_mode=module.check_mode, diff=module._diff, warn=module.warn
    )
    outcome = batch_run.execute()
    result = dict(changed=outcome["changed"], vms=outcome["vms"], failed_vms=outcome["failed"])
    payloads = {vm["name"]: vm["diff"]["after"] for vm in outcome["vms"] if vm.get("diff")}
    if payloads:
        result["diff"] = dict(before={}, after=payloads)
    if outcome["failed"]:
        failed = [vm for vm in outcome["vms"] if vm["failed"]]
        module.fail_json(
            msg=f"{len(failed)} of {len(outcome['vms'])} VMs failed: "
            + "; ".join(f"VM {vm['name']!r}: {vm['msg']}" for vm in failed),
            **result,
        )
    return dict(
        result, msg=f"{len(outcome['vms'])} VMs: {sum(vm['changed'] for vm in outcome['vms'])} changed"
    )


def main():
    module = VssModule(argument_spec=argument_spec(), supports_check_mode=True)
    run(module, deploy_vms)


if __name__ == "__main__":
    main()
