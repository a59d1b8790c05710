# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Synchronising the user's VSKEY-STOR space with ``/v2/user/image/vm`` (internal).

``PATCH /v2/user/image/vm`` starts a sync request (``/v2/request/image_sync/<id>``); once it has
succeeded it names the files it ``added`` to the listing and those it ``deleted`` from it. The
image_sync, vm_export and image_upload modules all sync through ``sync_images``.
"""

import time

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    check_wait_options,
    poll_path,
    request_summary,
    submit_once,
    wait_for_request,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssRequestError

PERSONAL_IMAGES = "v2/user/image/vm"
SYNC_REQUESTS = "v2/request/image_sync"


def changed_paths(value):
    """The paths of a sync request's ``added`` or ``deleted``: strings, or records with a ``path``."""
    if value in (None, ""):
        return []
    entries = value if isinstance(value, list) else [value]
    paths = []
    for entry in entries:
        if isinstance(entry, dict):
            entry = entry.get("path") or entry.get("name")
        if entry not in (None, ""):
            paths.append(str(entry))
    return paths


def personal_paths(client):
    """The paths listed in ``/v2/user/image/vm``, sorted."""
    return sorted(str(record.get("path")) for record in client.list(PERSONAL_IMAGES, key="path"))


def sync_images(
    client,
    wait_timeout=DEFAULT_WAIT_TIMEOUT,
    poll_interval=DEFAULT_POLL_INTERVAL,
    warn=None,
    clock=time.monotonic,
    sleep=time.sleep,
):
    """Start a sync, wait for it, and return ``{added, deleted, request}``."""
    record, link = submit_once(client, "PATCH", PERSONAL_IMAGES, what="the sync of the personal images")
    if record.get("id") is None:
        raise VssRequestError("the image sync was accepted, but the reply names no request to follow")
    path = poll_path(client, link, SYNC_REQUESTS, record["id"])
    done = wait_for_request(
        client, path, wait_timeout, poll_interval, what="the image sync", warn=warn, clock=clock, sleep=sleep
    )
    return dict(
        added=changed_paths(done.get("added")),
        deleted=changed_paths(done.get("deleted")),
        request=request_summary(done),
    )


def run_sync(client, params, check_mode=False, diff=False, warn=None, clock=time.monotonic, sleep=time.sleep):
    """What the image_sync module does: the result dict of one run."""
    check_wait_options(params["wait_timeout"], params["poll_interval"])
    if check_mode:
        return dict(
            changed=True,
            added=[],
            deleted=[],
            msg="would sync the personal images (PATCH /v2/user/image/vm); what it adds is known only then",
        )
    before = personal_paths(client) if diff else None
    synced = sync_images(client, params["wait_timeout"], params["poll_interval"], warn, clock, sleep)
    result = dict(
        synced,
        changed=bool(synced["added"] or synced["deleted"]),
        msg=f"synced the personal images: {len(synced['added'])} added, {len(synced['deleted'])} deleted",
    )
    if diff:
        result["diff"] = dict(
            before_header=PERSONAL_IMAGES,
            after_header=PERSONAL_IMAGES,
            before="".join(f"{path}\n" for path in before),
            after="".join(f"{path}\n" for path in personal_paths(client)),
        )
    return result


class ChangeRun:
    """A module run that starts change requests and waits for them; the base of the export and upload runs."""

    def __init__(
        self, client, params, check_mode=False, diff=False, warn=None, clock=time.monotonic, sleep=time.sleep
    ):
        check_wait_options(params["wait_timeout"], params["poll_interval"])
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn or (lambda message: None)
        self.clock = clock
        self.sleep = sleep

    def wait(self, path, what):
        return wait_for_request(
            self.client,
            path,
            self.params["wait_timeout"],
            self.params["poll_interval"],
            what=what,
            warn=self.warn,
            clock=self.clock,
            sleep=self.sleep,
        )

    def sync(self):
        return sync_images(
            self.client,
            self.params["wait_timeout"],
            self.params["poll_interval"],
            self.warn,
            self.clock,
            self.sleep,
        )
