# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto


class ModuleDocFragment:
    """How modules wait for the change requests they start."""

    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - Seconds to wait for each change request the task starts (a deploy, a removal, a sync, an export, a
        power-off), at most.
        When they have passed, the task fails naming the last status seen; the request may still complete
        on the server.
      - Poll requests that are retried (after a lost connection, a server error or HTTP 429) count against it;
        each poll is given at most the time left (and at least one second) instead of the full O(timeout), and
        no retry is begun, nor a C(Retry-After) waited for, that would end past it.
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two looks at a request. Must be greater than 0 and less than O(wait_timeout).
    type: float
    default: 5
notes:
  - A request the service reports with a status this collection does not know is waited for until
    O(wait_timeout), and the failure then names that status.
  - Success is C(PROCESSED) or C(SCHEDULED); C(ERROR), C(ERROR_RETRY), C(REFUSED), C(CANCELLED) and C(MISSED) fail
    at once with the request's error messages.
"""
