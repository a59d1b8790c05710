# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""A loopback emulator of the VSS (ITS Private Cloud) REST API."""

__version__ = "1.0.0"
