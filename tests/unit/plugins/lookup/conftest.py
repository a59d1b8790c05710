# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fixtures for the lookup tests: a slow shared emulator, and a fresh run cache per test.

The emulators themselves are shared by tests/unit/conftest.py, from the test module's ``EMULATORS``.
"""

import pytest
from ansible import constants as C

from ansible_collections.utoronto.vss.plugins.module_utils.options import CONNECTION_ENV


@pytest.fixture
def slow_emulator(shared_emulator):
    """As ``emulator``, but each image page takes a while, so concurrent callers overlap."""
    return shared_emulator("slow_emulator")


@pytest.fixture(autouse=True)
def run_environment(tmp_path, monkeypatch):
    """A fresh per-run temporary directory, and no VSS_* variables from the machine running the tests."""
    run_tmp = tmp_path / "ansible-local"
    run_tmp.mkdir()
    monkeypatch.setattr(C, "DEFAULT_LOCAL_TMP", str(run_tmp))
    for names in CONNECTION_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    return run_tmp
