#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: image_info
short_description: List the OVA/OVF images of a VSS account
version_added: 1.0.0
description:
  - Lists the OVA and OVF images that can be deployed as virtual machines on the University of Toronto
    VSS (ITS Private Cloud), from C(/v2/image) and, on request, the user's own files in C(/v2/user/image/vm).
  - Walks every page of the listing, so the result is complete whatever page size the server allows.
  - The C(path) of an image is the value that M(utoronto.vss.vm) deploys from.
author:
  - University of Toronto ITS Private Cloud users (@utoronto)
options:
  name:
    description:
      - Keep only the images whose file name matches this, as set by O(match) and O(case_sensitive).
      - A list of names keeps the images that match any of them.
      - With the defaults, V(ubuntu) keeps C(Ubuntu_64-bit-vmx10.ova) and C(my-ubuntu.ova) but not C(Ubunt.ova).
      - Every character is literal, so V(win_2019) does not keep C(winX2019.ova), and a comma is part of the name.
      - A name must be a string; quote names such as V('2204') in YAML. Anything else fails naming this option.
      - An empty list matches nothing and returns RV(images=[]) without sending any request, so names computed
        from an empty list never list the whole catalogue.
      - Leave it out to list every image.
    type: raw
extends_documentation_fragment:
  - utoronto.vss.connection
  - utoronto.vss.images
attributes:
  check_mode:
    support: full
    description: Only reads; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is no difference to show.
seealso:
  - plugin: utoronto.vss.image
    plugin_type: lookup
    description: The same images inside templates and task arguments.
  - module: utoronto.vss.vm
    description: Deploy a virtual machine from an image's path.
"""

EXAMPLES = r"""
- name: List every image of the account, sorted by name
  utoronto.vss.image_info:
  register: catalogue

- name: Find Ubuntu images, last name first, with credentials from variables
  utoronto.vss.image_info:
    api_url: https://vss-api.eis.utoronto.ca
    token: "{{ vss_token }}"
    name: ubuntu
    order: desc
  register: ubuntu

- name: Show the paths to deploy from
  ansible.builtin.debug:
    msg: "{{ ubuntu.images | map(attribute='path') | list }}"

- name: Look for one exact file name in the catalogue and the user's own files
  utoronto.vss.image_info:
    name: CentOS_64-bit_vmx11.ova
    match: exact
    source: all
  register: centos

- name: Set the connection once for every module of the collection
  module_defaults:
    group/utoronto.vss.vss:
      api_url: https://cloud-api.eis.utoronto.ca
      token: "{{ vss_token }}"
  block:
    - name: List the exported virtual machines
      utoronto.vss.image_info:
        source: personal
        sort: path
      register: exported
"""

RETURN = r"""
images:
  description:
    - The matching images, sorted by O(sort) in O(order), each path once.
    - Fields other than RV(images[].name), RV(images[].path) and RV(images[].source) are passed on as the server
      sent them, and may be absent on older servers.
  returned: always
  type: list
  elements: dict
  sample:
    - name: CentOS_64-bit_vmx11.ova
      path: images/CentOS_64-bit_vmx11.ova
      source: image
      id: 6
      created_on: "2016-08-11 10:12:00"
      updated_on: "2016-08-11 10:12:00"
  contains:
    name:
      description: The image's file name.
      returned: always
      type: str
      sample: CentOS_64-bit_vmx11.ova
    path:
      description: The image's full path in the storage; what a deploy uses as its source.
      returned: always
      type: str
      sample: images/CentOS_64-bit_vmx11.ova
    source:
      description: Where the image was found, V(image) or V(personal).
      returned: always
      type: str
      sample: image
"""

from ansible_collections.utoronto.vss.plugins.module_utils.images import (
    check_query,
    image_query_argument_spec,
    list_images,
    requested_names,
)
from ansible_collections.utoronto.vss.plugins.module_utils.module import VssModule, run


def list_matching_images(module):
    params = module.params
    names = requested_names(params["name"])
    query = {option: params[option] for option in image_query_argument_spec()}
    client = module.client  # the connection options are checked even when nothing is sent
    if params["name"] is not None and not names:
        # An empty list asks for no name at all, as the image lookup's empty list term does.
        check_query(
            names, query["match"], query["sort"], query["order"], query["source"], query["on_incomplete"]
        )
        return dict(changed=False, images=[])
    images = list_images(client, names, **query)
    return dict(changed=False, images=images)


def main():
    module = VssModule(
        argument_spec=dict(name=dict(type="raw"), **image_query_argument_spec()),
        supports_check_mode=True,
    )
    run(module, list_matching_images)


if __name__ == "__main__":
    main()
