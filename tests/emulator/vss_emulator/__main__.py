# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
import sys

from vss_emulator.cli import main

sys.exit(main())
