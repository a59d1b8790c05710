# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fixtures that run the real emulator as a subprocess on a free loopback port.

`ansible-test units` runs every test in a forked child, so a module-scoped fixture would start (and
never stop) one server per test. Instead, a test module names the emulators it shares in `EMULATORS`
(fixture name -> arguments, or a function of a scratch folder returning them); the process that runs
the tests starts each one before the first test that asks for it, hands it to the forked children,
and stops it after the module's last test. `start_emulator` starts private ones, stopped at test end.
"""

import atexit
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

TOKEN = "demo-token"
STARTUP_SECONDS = 30
SHARED = {}


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
    """An emulator for an `EMULATORS` entry, or the error that kept it from starting."""
    folder = Path(tempfile.mkdtemp(prefix="vss-emulator-test-"))
    try:
        return Emulator(spec(folder) if callable(spec) else spec, folder)
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return exc


def stop_shared(module_name=None):
    for key in [key for key in SHARED if module_name in (None, key[0])]:
        emulator = SHARED.pop(key)
        if isinstance(emulator, Emulator):
            emulator.stop()


atexit.register(stop_shared)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Runs in the process that forks the tests: start shared emulators before, stop them after the module."""
    module = getattr(item, "module", None)
    specs = {"emulator": (), **getattr(module, "EMULATORS", {})}
    for name in item.fixturenames:
        if name in specs and (module.__name__, name) not in SHARED:
            SHARED[(module.__name__, name)] = launch(specs[name])

    yield

    if module is not None and getattr(nextitem, "module", None) is not module:
        stop_shared(module.__name__)


def pytest_sessionfinish():
    stop_shared()


@pytest.fixture
def shared_emulator(request):
    """`shared_emulator(name)`: the running emulator of the module's `EMULATORS[name]`."""

    def find(name):
        emulator = SHARED.get((request.module.__name__, name))
        if emulator is None:
            pytest.fail(f"{request.module.__name__} has no EMULATORS entry {name!r}")
        if not isinstance(emulator, Emulator):
            pytest.fail(f"emulator {name!r} did not start: {emulator}")
        return emulator

    return find


@pytest.fixture
def emulator(shared_emulator):
    """The module's `EMULATORS["emulator"]`, by default a server with no options."""
    return shared_emulator("emulator")


@pytest.fixture
def start_emulator():
    """Start private emulators with given arguments; they are stopped when the test ends."""
    emulators = []

    def start(*args):
        emulators.append(Emulator(args))
        return emulators[-1]

    yield start
    for private in emulators:
        private.stop()
