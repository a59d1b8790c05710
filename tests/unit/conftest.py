# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fixtures that run the real emulator as a subprocess on a free loopback port, for every unit test.

`ansible-test units` runs every test in a forked child, so a module-scoped fixture would start (and
never stop) one server per test. Instead, a test module names the emulators it shares in `EMULATORS`
(fixture name -> arguments, or a function of a scratch folder returning them); the process that runs
the tests starts each one before the first test that asks for it, hands it to the forked children,
and stops it after the module's last test. `start_emulator` starts private ones, stopped at test end.
"""

import pytest

from vss_emulator.testing import Emulator, SharedEmulators

SHARED = SharedEmulators()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Runs in the process that forks the tests: start shared emulators before, stop them after the module."""
    module = getattr(item, "module", None)
    specs = {}
    if module is not None:
        # A module with an `emulator` fixture of its own does not get the default shared one.
        specs = {"emulator": ()} if not hasattr(module, "emulator") else {}
        specs.update(getattr(module, "EMULATORS", {}))
    for name in item.fixturenames:
        if name in specs:
            SHARED.ensure(module.__name__, name, specs[name])

    yield

    if module is not None and getattr(nextitem, "module", None) is not module:
        SHARED.stop(module.__name__)


def pytest_sessionfinish():
    SHARED.stop()


@pytest.fixture
def shared_emulator(request):
    """`shared_emulator(name)`: the running emulator of the module's `EMULATORS[name]`."""

    def find(name):
        emulator = SHARED.get(request.module.__name__, name)
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
