# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto


class ModuleDocFragment:
    """How the image_info module and the image lookup select and order images."""

    DOCUMENTATION = r"""
options:
  match:
    description:
      - How a name selects images.
      - V(contains) keeps images whose file name contains the name; V(exact) keeps the image whose file name
        is the name.
      - Every character is literal, including C(%), C(_), spaces, brackets and non-ASCII letters.
      - Names are compared in Unicode normal form C, so a name typed with combining marks (C(u) followed by
        U+0308) finds the same name stored with precomposed letters (C(ü)), and the other way round; C(ubung)
        finds neither.
    type: str
    choices: [contains, exact]
    default: contains
  case_sensitive:
    description:
      - Whether upper and lower case must agree when matching names.
      - When V(false), names compare case-insensitively (Unicode case folding), and a name holding letters is
        matched over the whole catalogue rather than through the server's filter, since the server does not
        promise how its filter treats case.
      - A name holding a character beyond ASCII is always matched over the whole catalogue, whatever this
        option says, since the server does not promise how its filter treats Unicode normal forms either.
    type: bool
    default: false
  sort:
    description:
      - Field to sort the images by, case-insensitively and in Unicode normal form C, as names are compared; ties
        are broken by O(sort)'s exact value, then by C(path).
    type: str
    choices: [name, path]
    default: name
  order:
    description:
      - V(asc) for ascending, V(desc) for descending order.
    type: str
    choices: [asc, desc]
    default: asc
  source:
    description:
      - Where to look.
      - V(image) is the catalogue of C(/v2/image), the images in the user's VSKEY-STOR space.
      - V(personal) is C(/v2/user/image/vm), the user's own OVA/OVF files, exported VMs included.
      - V(all) is both, each path once (the C(image) record wins).
      - A file just uploaded to VSKEY-STOR shows up only after the space has been synchronised.
    type: str
    choices: [image, personal, all]
    default: image
  on_incomplete:
    description:
      - What to do when the walk through the pages collects fewer images than the server announced.
      - V(warn) returns what was collected with a warning; V(fail) fails.
    type: str
    choices: [warn, fail]
    default: warn
"""
