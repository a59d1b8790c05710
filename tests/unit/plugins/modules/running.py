# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Running a module's main() in a test: its arguments handed over as Ansible hands them."""

import contextlib
import json
from unittest import mock

from ansible.module_utils import basic


@contextlib.contextmanager
def module_args(args):
    """Hand ``args`` to the next AnsibleModule, on ansible-core lines with and without the testing helper."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", payload):
            yield
    else:
        with patch_module_args(args):
            yield
