# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The Python interpreter the benchmark gives Ansible for its module processes.

run.py writes an executable copy of this file with the bench venv's Python on its first line (with
-S, so this wrapper costs a few milliseconds) and sets it as ``ansible_python_interpreter``. It
forks and execs the real interpreter with the same arguments (the AnsiballZ file), waits for it
with ``os.wait4`` and appends that process's peak resident set size in KiB (``ru_maxrss``) to the
file named by ``BENCH_RSS_LOG``: the memory of the module process alone, not of this wrapper nor
of the controller.

With ``BENCH_PROFILE`` set to a folder, the module runs under cProfile and the profile is written
there, one file per module process.
"""

import os
import sys

REAL_PYTHON = os.environ.get("BENCH_REAL_PYTHON", sys.executable)
# Runs the AnsiballZ file as __main__ under cProfile; `python -m cProfile` would hide the stdlib from it,
# since AnsiballZ drops the folder of __main__.__file__ from sys.path.
PROFILED = """
import cProfile, runpy, sys
output, sys.argv = sys.argv[1], sys.argv[2:]
profile = cProfile.Profile()
profile.enable()
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    profile.disable()
    profile.dump_stats(output)
"""


def main():
    command = [REAL_PYTHON, *sys.argv[1:]]
    profile_dir = os.environ.get("BENCH_PROFILE")
    if profile_dir:
        output = os.path.join(profile_dir, f"module-{os.getpid()}.prof")
        command = [REAL_PYTHON, "-c", PROFILED, output, *sys.argv[1:]]
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(command[0], command)
        finally:
            os._exit(127)
    _pid, status, usage = os.wait4(pid, 0)
    log = os.environ.get("BENCH_RSS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(f"{usage.ru_maxrss}\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
