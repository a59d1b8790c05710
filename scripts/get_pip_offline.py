# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Install pip into the running interpreter from the wheel that ships inside ``ensurepip``.

ansible-test bootstraps pip in each virtual environment it creates by running a downloaded
``get-pip.py`` with pip's install arguments (``pip==X.Y --no-setuptools --no-wheel ...``).
This script accepts the same command line, but takes the first pip from the standard
library's bundled wheel instead of a download, then lets that pip install the requested
version from the package index. ``make`` copies it to ``~/.ansible/test/cache/get_pip_<ver>.py``.
"""

import glob
import os
import sys

GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def bundled_pip_wheel():
    import ensurepip

    wheels = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")))
    if not wheels:
        sys.exit("get_pip_offline: no pip wheel bundled with ensurepip in %s" % sys.prefix)
    return wheels[-1]


def pip_install_arguments(argv):
    requested = [argument for argument in argv if argument not in GET_PIP_ONLY_OPTIONS]

    if not any(argument.split("=")[0].split("<")[0].split(">")[0] == "pip" for argument in requested):
        requested.append("pip")

    return ["install", "--upgrade", "--force-reinstall"] + requested


def main():
    sys.path.insert(0, bundled_pip_wheel())

    from pip._internal.cli.main import main as pip_main

    sys.exit(pip_main(pip_install_arguments(sys.argv[1:])))


if __name__ == "__main__":
    main()
