# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The outermost ASGI layer: path prefix, request counting, fault switches and the access log."""

import asyncio
import json
import logging
import time
from collections import Counter
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from vss_emulator.errors import error_body

EMULATOR_PATHS = "/_emulator/"
SENSITIVE_QUERY_NAMES = ("token", "access_token", "password", "passwd", "otp", "secret", "key", "auth")

SSO_LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | University of Toronto</title></head>
<body><main><h1>UTORid sign in</h1>
<form method="post" action="/idp/profile/SAML2/Redirect/SSO?execution=e1s1">
<label>UTORid <input name="j_username"></label>
<label>Password <input name="j_password" type="password"></label>
<button type="submit" name="_eventId_proceed">Log in</button>
</form></main></body></html>
"""

ERROR_PAGE = """<html>
<head><title>{status} {reason}</title></head>
<body>
<center><h1>{status} {reason}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


class RequestStats:
    """How many requests were served, by `METHOD path`."""

    def __init__(self):
        self.by_route = Counter()

    def count(self, method, path):
        self.by_route[f"{method} {path}"] += 1

    def snapshot(self, reset=False):
        by_route = dict(sorted(self.by_route.items()))
        if reset:
            self.by_route.clear()
        return {"total": sum(by_route.values()), "by_route": by_route}


def redacted_query(query_string):
    pairs = parse_qsl(query_string, keep_blank_values=True)
    safe_pairs = [
        (name, "REDACTED" if any(word in name.lower() for word in SENSITIVE_QUERY_NAMES) else value)
        for name, value in pairs
    ]
    return urlencode(safe_pairs)


def reason_phrase(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def send_reply(send, status, body, content_type, extra_headers=()):
    headers = [(b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode()))
    headers.extend((name.encode(), value.encode()) for name, value in extra_headers)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_json(send, status, content, extra_headers=()):
    body = json.dumps(content).encode()
    await send_reply(send, status, body, "application/json", extra_headers)


async def drop_connection(send):
    """Close the client's connection with no reply, through the server's transport for this request."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("reset fault: the server's transport is not reachable")
    transport.abort()
    for _turn in range(3):
        await asyncio.sleep(0)


def cut_json(body):
    """The first half of a JSON reply: invalid JSON for any non-trivial body."""
    return body[: max(1, len(body) // 2)]


def without_data(body):
    try:
        content = json.loads(body)
    except ValueError:
        content = {}
    if not isinstance(content, dict):
        content = {}
    content.pop("data", None)
    content.setdefault("_links", {})
    content.setdefault("meta", {})
    return json.dumps(content).encode()


class Gateway:
    """Wraps the VSS application. `faults` are `Fault`s; `access_log` is a logger or None."""

    def __init__(self, app, faults, stats, page_cap, access_log=None, path_prefix=""):
        self.app = app
        self.faults = faults
        self.stats = stats
        self.page_cap = page_cap
        self.access_log = access_log
        self.path_prefix = path_prefix.rstrip("/")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        scope["vss.started"] = started
        method, path = scope["method"], scope["path"]
        outcome = {"status": None, "fault": None}

        async def recording_send(message):
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
            await send(message)

        try:
            await self.dispatch(scope, receive, send, recording_send, outcome)
        finally:
            self.log(scope, method, path, outcome, started)

    async def dispatch(self, scope, receive, raw_send, send, outcome):
        path = scope["path"]
        if self.path_prefix:
            if path != self.path_prefix and not path.startswith(self.path_prefix + "/"):
                message = f"NotFound: this server answers under {self.path_prefix}/ only"
                await send_json(send, 404, error_body(404, message))
                return
            scope["root_path"] = scope.get("root_path", "") + self.path_prefix
            path = path[len(self.path_prefix) :] or "/"

        if path.startswith(EMULATOR_PATHS):
            await self.app(scope, receive, send)
            return

        method = scope["method"]
        self.stats.count(method, path)
        shape = {"page_cap": self.page_cap}
        transform = None
        for fault in self.faults:
            if not fault.applies_to(method, path):
                continue
            if fault.kind == "pagecap":
                shape["page_cap"] = fault.page_cap
                continue
            if fault.kind in ("short-total", "repeat-page", "ignore-query"):
                shape[fault.kind.replace("-", "_")] = True
                continue
            if not fault.take():
                continue

            outcome["fault"] = fault.spec
            if fault.kind == "slow":
                await asyncio.sleep(fault.seconds)
            elif fault.kind in ("badjson", "nodata"):
                transform = transform or fault.kind
            else:
                await self.answer_fault(fault, raw_send, send)
                return

        scope["vss.list_shape"] = shape
        if transform is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self.transforming_send(send, transform))

    async def answer_fault(self, fault, raw_send, send):
        if fault.kind == "reset":
            await drop_connection(raw_send)
            return

        status = fault.status
        if fault.kind == "html":
            page = (
                SSO_LOGIN_PAGE
                if status == 200
                else ERROR_PAGE.format(status=status, reason=reason_phrase(status))
            )
            await send_reply(send, status, page.encode(), "text/html; charset=utf-8")
        elif status == 502:
            await send_reply(send, status, b"", None)
        else:
            category = reason_phrase(status).replace(" ", "")
            message = f"{category}: injected fault {fault.spec} (firing {fault.fired})"
            headers = [("retry-after", "1")] if status == 429 else []
            await send_json(send, status, error_body(status, message), headers)

    @staticmethod
    def transforming_send(send, transform):
        chunks = []

        async def buffered_send(message):
            if message["type"] == "http.response.start":
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            altered = cut_json(body) if transform == "badjson" else without_data(body)
            await send_reply(send, 200, altered, "application/json")

        return buffered_send

    def log(self, scope, method, path, outcome, started):
        if self.access_log is None:
            return
        client = scope.get("client") or ("-", 0)
        query = redacted_query(scope.get("query_string", b"").decode("latin-1"))
        target = f"{path}?{query}" if query else path
        status = outcome["status"] if outcome["status"] is not None else "dropped"
        elapsed = (time.perf_counter() - started) * 1000
        fault = f" fault={outcome['fault']}" if outcome["fault"] else ""
        self.access_log.info('%s "%s %s" %s %.1fms%s', client[0], method, target, status, elapsed, fault)


def access_logger(path):
    """A logger writing one line per request to `path`; it is handed no headers, so no token."""
    logger = logging.getLogger("vss_emulator.access")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    return logger
