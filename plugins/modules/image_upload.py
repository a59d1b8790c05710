#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: image_upload
short_description: Upload an OVA or OVF image to VSKEY-STOR, ready to deploy VSS virtual machines from
version_added: 1.0.0
description:
  - Uploads a local C(.ova) file, or an C(.ovf) descriptor with the files its C(References) name (and a C(.mf)
    manifest or C(.cert) of the same name beside it), to the user's VSKEY-STOR space, the S3-compatible storage
    of the University of Toronto VSS (ITS Private Cloud), bucket C(ut-vss).
  - Then, unless O(sync=false), synchronises the personal image listing (as M(utoronto.vss.image_sync) does) and
    returns the image record and its RV(path), which M(utoronto.vss.vm) deploys from.
  - Large files go in parts of O(part_size) MiB, read from the file as they are sent, at most four at a time, so
    memory stays bounded whatever the size. A failed upload is aborted, leaving no partial object behind (an
    object already there stays as it was); parts left by an interrupted earlier run are aborted before the next
    upload of the same file.
  - Idempotent by content. Each object carries the SHA-256 of its file in its metadata; a file whose object has
    the same size and hash is not sent again. A rerun with unchanged files sends nothing, and syncs only when the
    image is not listed yet.
  - Files are checked before anything is sent. An OVA must be a tar archive whose first member is an C(.ovf);
    an OVF must parse, and every file it references must be a plain relative name of a file beside it.
  - The referenced files go first and the descriptor last, so a sync never lists an OVF whose disks are missing.
  - The storage endpoint and keys are taken from O(s3_endpoint), O(s3_access_key) and O(s3_secret_key) (or their
    environment variables, those of C(vss-cli)); when any is missing, the rest come from the service's
    C(/v2/status/stor).
  - "Known limitation: C(/v2/status/stor) is how this collection's API emulator hands the storage settings out; it
    is not documented for the production service, where the three must be set."
  - "Known limitation: the user's space is the key prefix the service names, or, with all three storage options
    set, C(<username>/) (the user name from C(GET /v2/user)); this layout is an assumption about VSKEY-STOR."
author:
  - University of Toronto ITS Private Cloud users (@utoronto)
options:
  src:
    description:
      - Local path of the C(.ova) or C(.ovf) file to upload, on the host that runs the module.
    type: path
    required: true
  dest:
    description:
      - Folder in the user's space to upload to. Objects are stored as C(<space>/<dest>/<file name>), the files
        of an OVF under the names its C(References) give, relative to the descriptor.
      - Always relative to the user's space; leading and trailing C(/) are ignored (V(/images/) is V(images)), and
        V(.) or V(..) parts are refused.
    type: str
    default: images
  part_size:
    description:
      - Size of each part of a multipart upload, in MiB, from 5 to 5120. Files up to this size go in one request.
      - Memory use grows with it (about four parts at a time are in flight).
    type: int
    default: 16
  sync:
    description:
      - Synchronise the personal image listing after an upload (or when the image is not listed yet), and return
        RV(path).
    type: bool
    default: true
  s3_endpoint:
    description:
      - URL of VSKEY-STOR's S3 API.
      - When not given, E(VSS_S3_API) (the name C(vss-cli) uses), else what the service hands out.
    type: str
  s3_access_key:
    description:
      - S3 access key of the user's VSKEY-STOR space.
      - When not given, E(VSS_S3_ACCESS_KEY), else what the service hands out.
    type: str
  s3_secret_key:
    description:
      - S3 secret key of O(s3_access_key). Never shown in output.
      - When not given, E(VSS_S3_SECRET_KEY), else what the service hands out.
    type: str
  bucket:
    description:
      - The bucket. When not given, the one the service names, else V(ut-vss).
    type: str
extends_documentation_fragment:
  - utoronto.vss.connection
  - utoronto.vss.wait
requirements:
  - boto3 >= 1.28 (on the host that runs it)
attributes:
  check_mode:
    support: full
    description: Reads the local files and the stored objects' sizes and hashes, and reports what it would send; sends nothing.
  diff_mode:
    support: full
    description: Shows each object's size and SHA-256 before and after.
notes:
  - O(validate_certs) and O(ca_path) apply to VSKEY-STOR as they do to the API.
seealso:
  - module: utoronto.vss.image_sync
    description: Synchronise the personal image listing.
  - module: utoronto.vss.vm
    description: Deploy a virtual machine from the uploaded image's RV(path).
"""

EXAMPLES = r"""
- name: Upload an appliance and deploy from it
  utoronto.vss.image_upload:
    src: files/photon-hw13.ova
  register: photon

- name: Deploy a VM from the uploaded image
  utoronto.vss.vm:
    name: photon01
    image: "{{ photon.path }}"
    os: vmwarePhoton64Guest
    folder: VSS > Development > Web
    networks: [VSS-Dev-Web]
    disks: [20]
    client: EIS
    description: Photon appliance

- name: Upload an OVF and its disks in 64 MiB parts, with the storage keys from a vault
  utoronto.vss.image_upload:
    src: /srv/exports/build/build.ovf
    dest: images/build
    part_size: 64
    s3_endpoint: https://vskey-stor.eis.utoronto.ca
    s3_access_key: "{{ vault_vss_s3_access_key }}"
    s3_secret_key: "{{ vault_vss_s3_secret_key }}"
"""

RETURN = r"""
path:
  description:
    - The uploaded image's path in C(/v2/user/image/vm), the value M(utoronto.vss.vm) takes as O(utoronto.vss.vm#module:image).
    - Null when the image is not listed (yet), for example in check mode before a first upload, or with O(sync=false).
  returned: always
  type: str
  sample: "[vssUser-xfers] jdoe/images/photon-hw13.ova"
image:
  description: The image record, as C(/v2/user/image/vm) lists it; null when RV(path) is.
  returned: always
  type: dict
  sample:
    id: 15
    name: photon-hw13.ova
    path: "[vssUser-xfers] jdoe/images/photon-hw13.ova"
bucket:
  description: The bucket uploaded to.
  returned: always
  type: str
  sample: ut-vss
key:
  description: The object key of the OVA or of the OVF descriptor.
  returned: always
  type: str
  sample: jdoe/images/photon-hw13.ova
files:
  description: Every file of the image, the descriptor last.
  returned: always
  type: list
  elements: dict
  sample:
    - src: /home/jdoe/files/photon-hw13.ova
      key: jdoe/images/photon-hw13.ova
      size: 302776320
      sha256: 8d2f6c0a4bb2f5b1a4c7d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8
      uploaded: true
  contains:
    src:
      description: The local file.
      returned: always
      type: str
      sample: /home/jdoe/files/photon-hw13.ova
    key:
      description: Its object key.
      returned: always
      type: str
      sample: jdoe/images/photon-hw13.ova
    size:
      description: Its size in bytes.
      returned: always
      type: int
      sample: 302776320
    sha256:
      description: The SHA-256 of its content, in hexadecimal; also in the object's metadata.
      returned: always
      type: str
      sample: 8d2f6c0a4bb2f5b1a4c7d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8
    uploaded:
      description: Whether it was sent (in check mode, would be), false when the stored object had the same content.
      returned: always
      type: bool
      sample: true
sync:
  description: What the sync added and deleted, and its request.
  returned: when a sync ran
  type: dict
  sample:
    added:
      - "[vssUser-xfers] jdoe/images/photon-hw13.ova"
    deleted: []
    request:
      id: 3
      status: PROCESSED
      warnings: []
      errors: []
msg:
  description: What was done, or in check mode what would be done.
  returned: always
  type: str
  sample: "uploaded 1 of 1 files (s3://ut-vss/jdoe/images/photon-hw13.ova at https://vskey-stor.eis.utoronto.ca)"
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import wait_argument_spec
from ansible_collections.utoronto.vss.plugins.module_utils.module import VssModule, run
from ansible_collections.utoronto.vss.plugins.module_utils.storage import (
    BOTO3_IMPORT_ERROR,
    DEFAULT_DEST,
    DEFAULT_PART_SIZE_MB,
    HAS_BOTO3,
    UploadRun,
    storage_argument_spec,
)


def argument_spec():
    return dict(
        src=dict(type="path", required=True),
        dest=dict(type="str", default=DEFAULT_DEST),
        part_size=dict(type="int", default=DEFAULT_PART_SIZE_MB),
        sync=dict(type="bool", default=True),
        **storage_argument_spec(),
        **wait_argument_spec(),
    )


def upload(module):
    upload_run = UploadRun(None, module.params, module.check_mode, module._diff, module.warn)
    upload_run.client = module.client  # made once the options are known to be good
    return upload_run.execute()


def main():
    module = VssModule(argument_spec=argument_spec(), supports_check_mode=True)
    if not HAS_BOTO3:
        module.fail_json(msg=missing_required_lib("boto3"), exception=BOTO3_IMPORT_ERROR)
    run(module, upload)


if __name__ == "__main__":
    main()
