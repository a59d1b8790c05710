# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fixtures shared by every plugin test."""

import pytest


@pytest.fixture(autouse=True)
def no_vsscli_configuration(monkeypatch, tmp_path):
    """A vss-cli file of the machine running the tests must not lend its credentials to a test."""
    monkeypatch.setenv("VSS_CONFIG", str(tmp_path / "no-vss-cli-config.yaml"))
