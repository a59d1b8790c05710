# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Fault switches: `--fault KIND[:ARG][:COUNT][@[METHOD ]PATH]`."""

import re
from dataclasses import dataclass

FAULT_HELP = """\
fault switches (--fault, repeatable; checked in the order given, before the normal handler):
  NNN:N          the first N matching requests get status NNN (400-599) with a JSON
                 {error, message} body; NNN:forever (or bare NNN) for every request.
                 429 replies carry Retry-After: 1; 502 replies have an EMPTY body.
                 e.g. 429:3, 429:forever, 500:2, 502:1, 503:1, 504:1
  reset[:N]      drop the connection without a reply (first N requests; default all)
  slow:S[:N]     wait S seconds before answering (every request, or the first N)
  html:STATUS[:N]  answer STATUS with an HTML page; html:200 is a single-sign-on login page
  badjson[:N]    answer 200 with the real reply's JSON cut in half
  nodata[:N]     answer 200 with the real reply's JSON less its "data" key
  short-total    list replies claim a total one greater than they hold; a page past the
                 real records comes back empty
  repeat-page    every page > 1 of a list holds the records of page 1
  pagecap:N      largest per_page honoured (as --page-cap), for the matching paths only
  ignore-query   list endpoints ignore name, filter, sort, page, per_page and expand, and
                 answer every record at once (a server that neither pages nor filters)
scope: append @/v2/image to act only on that path and the paths below it, and a method
to act on one method only: "500:1@POST /v2/vm" (or 500:1@POST:/v2/vm). A fault that
fires on a request stops the later ones for it; one whose count is spent is skipped.
/_emulator/* is never faulted. Faulted requests are counted in /_emulator/stats.
"""

FLAG_KINDS = ("short-total", "repeat-page", "ignore-query")
SCOPE_PATTERN = re.compile(r"^(?:([A-Za-z]+)[ :])?(/\S*)$")


class FaultSpecError(ValueError):
    """A --fault value that cannot be read."""


@dataclass
class Fault:
    spec: str
    kind: str
    status: int = None
    seconds: float = None
    page_cap: int = None
    limit: int = None
    method: str = None
    prefix: str = None
    fired: int = 0

    def applies_to(self, method, path):
        if self.method and self.method != method:
            return False
        if not self.prefix or self.prefix == "/":
            return True
        prefix = self.prefix.rstrip("/")
        return path == prefix or path.startswith(prefix + "/")

    def take(self):
        """Count one firing; False once the first `limit` requests have had it."""
        if self.limit is not None and self.fired >= self.limit:
            return False
        self.fired += 1
        return True


def parse_count(text, spec):
    if text is None or text.lower() == "forever":
        return None
    try:
        count = int(text)
    except ValueError:
        raise FaultSpecError(f"fault '{spec}': count must be a positive integer or 'forever'") from None
    if count < 1:
        raise FaultSpecError(f"fault '{spec}': count must be a positive integer or 'forever'")
    return count


def parse_status(text, spec, lowest):
    try:
        status = int(text)
    except ValueError:
        raise FaultSpecError(f"fault '{spec}': '{text}' is not an HTTP status") from None
    if not lowest <= status <= 599:
        raise FaultSpecError(f"fault '{spec}': status must be between {lowest} and 599")
    return status


def argument(parts, position, spec, what):
    if len(parts) <= position or parts[position] == "":
        raise FaultSpecError(f"fault '{spec}' needs {what}")
    return parts[position]


def check_arity(parts, most, spec):
    if len(parts) > most:
        raise FaultSpecError(f"fault '{spec}' has too many ':' parts")


def parse_fault(spec):
    """One fault from its `--fault` text."""
    body, _at, scope = spec.partition("@")
    method = prefix = None
    if scope:
        scope_match = SCOPE_PATTERN.match(scope.strip())
        if not scope_match:
            raise FaultSpecError(f"fault '{spec}': scope must read /path or 'METHOD /path'")
        method = scope_match.group(1).upper() if scope_match.group(1) else None
        prefix = scope_match.group(2)

    parts = body.strip().split(":")
    kind = parts[0].lower()
    fault = Fault(spec=spec, kind=kind, method=method, prefix=prefix)

    if kind.isdigit():
        check_arity(parts, 2, spec)
        fault.kind = "status"
        fault.status = parse_status(kind, spec, 400)
        fault.limit = parse_count(parts[1] if len(parts) > 1 else None, spec)
    elif kind in ("reset", "badjson", "nodata"):
        check_arity(parts, 2, spec)
        fault.limit = parse_count(parts[1] if len(parts) > 1 else None, spec)
    elif kind == "slow":
        check_arity(parts, 3, spec)
        try:
            fault.seconds = float(argument(parts, 1, spec, "a number of seconds (slow:S)"))
        except ValueError:
            raise FaultSpecError(f"fault '{spec}': seconds must be a number") from None
        if fault.seconds < 0:
            raise FaultSpecError(f"fault '{spec}': seconds must not be negative")
        fault.limit = parse_count(parts[2] if len(parts) > 2 else None, spec)
    elif kind == "html":
        check_arity(parts, 3, spec)
        fault.status = parse_status(argument(parts, 1, spec, "a status (html:STATUS)"), spec, 200)
        fault.limit = parse_count(parts[2] if len(parts) > 2 else None, spec)
    elif kind == "pagecap":
        check_arity(parts, 2, spec)
        fault.page_cap = parse_count(argument(parts, 1, spec, "a number (pagecap:N)"), spec)
        if fault.page_cap is None:
            raise FaultSpecError(f"fault '{spec}': pagecap needs a number")
    elif kind in FLAG_KINDS:
        check_arity(parts, 1, spec)
    else:
        raise FaultSpecError(f"unknown fault '{spec}'; see --help for the fault switches")
    return fault
