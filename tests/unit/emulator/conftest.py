# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fixtures that run the real emulator as a subprocess on a free loopback port."""

import select
import signal
import subprocess
import sys
import tempfile

import pytest
import requests

TOKEN = "demo-token"
STARTUP_SECONDS = 30


class Emulator:
    """A running `python -m vss_emulator` and a `requests` session aimed at it."""

    def __init__(self, args):
        self.args = list(args)
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vss_emulator", "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("vss-emulator listening on "):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"emulator {self.args} did not start: {line!r} {self.error_output()}")

        self.url = line.split(" on ", 1)[1].strip()
        self.session = requests.Session()

    def error_output(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def call(self, method, path, token=TOKEN, **kwargs):
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url + path, headers=headers, **kwargs)

    def get(self, path, token=TOKEN, **kwargs):
        return self.call("GET", path, token=token, **kwargs)

    def data(self, path, **kwargs):
        """The `data` of a 200 reply to GET `path`."""
        response = self.get(path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def stats(self, reset=False):
        return requests.get(f"{self.url}/_emulator/stats", params={"reset": int(reset)}, timeout=10).json()

    def stop(self, sig=signal.SIGTERM):
        """Signal the process and return its exit status."""
        self.session.close()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stderr.close()
        return self.process.returncode


@pytest.fixture(scope="module")
def start_emulator():
    """Start emulators with given arguments; all are stopped when the test module ends."""
    emulators = []

    def start(*args):
        emulator = Emulator(args)
        emulators.append(emulator)
        return emulator

    yield start
    for emulator in emulators:
        emulator.stop()


@pytest.fixture(scope="module")
def emulator(request, start_emulator):
    """One emulator per test module, started with the module's `EMULATOR_ARGS`."""
    return start_emulator(*getattr(request.module, "EMULATOR_ARGS", ()))
