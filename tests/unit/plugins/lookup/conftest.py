# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fixtures for the lookup tests: a real emulator on a free port, and a fresh run cache per test."""

import select
import subprocess
import sys
import tempfile

import pytest
import requests
from ansible import constants as C

from ansible_collections.utoronto.vss.plugins.module_utils.options import CONNECTION_ENV

TOKEN = "demo-token"
OTHER_TOKEN = "other-demo-token"
STARTUP_SECONDS = 30


class Emulator:
    """`python -m vss_emulator --port 0 ARGS` running until stop()."""

    def __init__(self, *args):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vss_emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        ready = select.select([self.process.stdout], [], [], STARTUP_SECONDS)[0]
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("vss-emulator listening on "):
            self.stop()
            raise RuntimeError(f"vss-emulator {args} did not start: {line!r}")
        self.url = line.split(" on ", 1)[1].strip()

    def image_requests(self, reset=True):
        """How many GET /v2/image requests it served since the last reset."""
        stats = requests.get(f"{self.url}/_emulator/stats", params={"reset": int(reset)}, timeout=10).json()
        return stats["by_route"].get("GET /v2/image", 0)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stderr.close()


@pytest.fixture(scope="module")
def emulator():
    """Twenty images, at most seven a page: one listing is three GET /v2/image requests."""
    server = Emulator("--images", "8", "--page-cap", "7", "--token", TOKEN, "--token", OTHER_TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def slow_emulator():
    """As `emulator`, but each image page takes a while, so concurrent callers overlap."""
    server = Emulator("--images", "8", "--page-cap", "7", "--fault", "slow:0.4@/v2/image")
    yield server
    server.stop()


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
