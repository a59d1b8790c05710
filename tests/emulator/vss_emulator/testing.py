# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Helpers for tests that run the emulator: a server subprocess and a registry of shared servers.

`ansible-test units` runs every test in a forked child, so a module-scoped pytest fixture that
starts a server starts one per test and never stops it. Start shared servers with `SharedEmulators`
from the process that forks the tests instead (a `pytest_runtest_protocol` hook wrapper), and
stop them there; see tests/unit/conftest.py. Needs `requests`.
"""

import atexit
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

TOKEN = "demo-token"
STARTUP_SECONDS = 30


class Emulator:
    """A running `python -m vss_emulator` and a `requests` session aimed at it."""

    def __init__(self, args, folder=None):
        self.args = list(args)
        self.folder = folder
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vss_emulator", "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        ready, _writable, _failed = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
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

    def count(self, route, reset=True):
        """How many `route` requests ("GET /v2/image") it served since the last reset; resets by default."""
        return self.stats(reset=reset)["by_route"].get(route, 0)

    def stop(self, sig=signal.SIGTERM):
        """Signal the process and return its exit status; removes its scratch folder."""
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
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        return self.process.returncode


def launch(spec):
    """An emulator for `spec` (arguments, or a function of a fresh scratch folder returning them), or
    the error that kept it from starting."""
    folder = Path(tempfile.mkdtemp(prefix="vss-emulator-test-"))
    try:
        return Emulator(spec(folder) if callable(spec) else spec, folder)
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return exc


class SharedEmulators:
    """Servers shared by a group of tests (a test module), by name. Start and stop them only in the
    process that forks the tests; forked children find them here, already running."""

    def __init__(self):
        self.running = {}
        atexit.register(self.stop)

    def ensure(self, group, name, spec):
        """Start `name` of `group` from `spec` unless it runs already."""
        if (group, name) not in self.running:
            self.running[(group, name)] = launch(spec)

    def get(self, group, name):
        """The running emulator, the exception that kept it from starting, or None if never asked for."""
        return self.running.get((group, name))

    def stop(self, group=None):
        """Stop the emulators of `group`, or all."""
        for key in [key for key in self.running if group in (None, key[0])]:
            emulator = self.running.pop(key)
            if isinstance(emulator, Emulator):
                emulator.stop()


class S3Server:
    """A running `python -m vss_emulator.s3_server` (needs moto[server]); `url` is its endpoint."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vss_emulator.s3_server", "--port", "0"], stdout=subprocess.PIPE, text=True
        )
        ready, _writable, _failed = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("s3 server listening on "):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"the S3 server did not start: {line!r}")
        self.url = line.split(" on ", 1)[1].strip()

    def client(self):
        """A boto3 client for it (moto accepts any keys)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )

    def stop(self):
        """Stop it; its exit status (0 when it stopped cleanly)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        return self.process.returncode
