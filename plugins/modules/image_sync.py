#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: image_sync
short_description: Synchronise the VSS image listing with the files in VSKEY-STOR
version_added: 1.0.0
description:
  - Asks the University of Toronto VSS (ITS Private Cloud) to synchronise C(/v2/user/image/vm), the listing of
    the user's own OVA/OVF files, with what is in the user's VSKEY-STOR space (C(PATCH /v2/user/image/vm)), and
    waits for the sync request (C(/v2/request/image_sync/<id>)) to finish.
  - A file uploaded to VSKEY-STOR, or written there by an export, is listed (and can be deployed from) only
    after a sync; a file removed from the storage leaves the listing at the next sync.
  - The task is changed when the sync added or deleted at least one file; a rerun with nothing new is not.
author:
  - University of Toronto ITS Private Cloud users (@utoronto)
options: {}
extends_documentation_fragment:
  - utoronto.vss.connection
  - utoronto.vss.wait
attributes:
  check_mode:
    support: full
    description:
      - Sends nothing and reports that it would sync (changed), since what a sync finds is known only once it
        has run.
  diff_mode:
    support: full
    description: Shows the paths of C(/v2/user/image/vm) before and after the sync (one extra listing each).
seealso:
  - module: utoronto.vss.image_upload
    description: Upload an OVA or OVF to VSKEY-STOR; it syncs by itself.
  - module: utoronto.vss.vm_export
    description: Export a virtual machine to OVF; it syncs by itself.
  - module: utoronto.vss.image_info
    description: List the images, the synchronised personal ones included (O(utoronto.vss.image_info#module:source=personal)).
"""

EXAMPLES = r"""
- name: List the files uploaded to VSKEY-STOR outside Ansible
  utoronto.vss.image_sync:
  register: sync

- name: Show what the sync found
  ansible.builtin.debug:
    msg: "added {{ sync.added }}, deleted {{ sync.deleted }}"

- name: Sync, waiting at most five minutes
  utoronto.vss.image_sync:
    wait_timeout: 300
    poll_interval: 2
"""

RETURN = r"""
added:
  description: Paths the sync added to C(/v2/user/image/vm), as the service reports them.
  returned: always (empty in check mode)
  type: list
  elements: str
  sample:
    - "[vssUser-xfers] jdoe/images/photon-hw13.ova"
deleted:
  description: Paths the sync removed from C(/v2/user/image/vm) because their files are gone.
  returned: always (empty in check mode)
  type: list
  elements: str
  sample: []
request:
  description: The sync request, as last seen.
  returned: when a sync was started, and on failure when it failed or timed out
  type: dict
  sample:
    id: 7
    status: PROCESSED
    warnings: []
    errors: []
  contains:
    id:
      description: The request's id, for C(/v2/request/image_sync/<id>).
      returned: always
      type: int
      sample: 7
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
  sample: "synced the personal images: 1 added, 0 deleted"
"""

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import wait_argument_spec
from ansible_collections.utoronto.vss.plugins.module_utils.image_sync import run_sync
from ansible_collections.utoronto.vss.plugins.module_utils.module import VssModule, run


def sync(module):
    client = None if module.check_mode else module.client  # check mode sends nothing
    return run_sync(client, module.params, module.check_mode, module._diff, module.warn)


def main():
    module = VssModule(argument_spec=wait_argument_spec(), supports_check_mode=True)
    run(module, sync)


if __name__ == "__main__":
    main()
