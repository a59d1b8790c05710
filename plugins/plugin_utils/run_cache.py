# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""A cache shared by every process of one Ansible run (internal; no compatibility promise).

A lookup runs in a forked worker for each task and host, and a new plugin instance is made for
each call, so neither instance nor module attributes outlive one call. This cache keeps values in
the controller's per-run temporary directory (``DEFAULT_LOCAL_TMP``: made by the main process when
``ansible.constants`` is imported, inherited by every fork, removed when the run ends) through
Ansible's own ``jsonfile`` cache plugin, so every task, host and fork of the run sees the same
entries. A file lock per entry makes concurrent forks wait for one fetch instead of each fetching.

Keys are SHA-256 digests of the key parts: nothing readable about a query or its credentials is
written, and callers put only one-way digests of credentials in the parts.
"""

import contextlib
import fcntl
import hashlib
import json
import os

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.plugins.loader import cache_loader

CACHE_PLUGIN = "ansible.builtin.jsonfile"


def digest(value):
    """A hex SHA-256 digest of any JSON-serialisable value (dict keys sorted)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RunCache:
    """Entries of one namespace, kept for ``ttl`` seconds within the current run."""

    def __init__(self, namespace, ttl, debug=None):
        self.directory = os.path.join(C.DEFAULT_LOCAL_TMP, namespace)
        self.ttl = ttl
        self._debug = debug or (lambda message: None)
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        self._store = cache_loader.get(CACHE_PLUGIN, _uri=self.directory, _timeout=int(ttl), _prefix="")

    def get_or_fetch(self, key_parts, fetch):
        """The value cached for ``key_parts``, or ``fetch()``'s result, stored for the next caller.

        ``fetch`` returns a JSON-serialisable dict. Only one process at a time fetches a given key;
        the others wait for it and then read its result. A failed fetch stores nothing.
        """
        key = digest(key_parts)
        value = self._read(key)
        if value is not None:
            self._debug(f"run cache hit for {key[:12]}")
            return value

        with self._locked(key):
            value = self._read(key)
            if value is not None:
                self._debug(f"run cache hit for {key[:12]} after waiting for another process")
                return value
            self._debug(f"run cache miss for {key[:12]} in {self.directory}: fetching (kept {self.ttl}s)")
            value = fetch()
            self._store.set(key, value)
            return value

    def _read(self, key):
        if not self._store.contains(key):  # expired or absent (ansible-core 2.16 warns on a get of either)
            return None
        try:
            return self._store.get(key)
        except KeyError:
            return None
        except AnsibleError:
            # A damaged entry is removed by the cache plugin (with a warning): fetch again.
            return None

    @contextlib.contextmanager
    def _locked(self, key):
        with open(os.path.join(self.directory, f".{key}.lock"), "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
