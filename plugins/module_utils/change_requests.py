# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Change requests of the VSS API (internal): what a submission returned, and waiting for the outcome.

A deploy, delete, export or sync answers at once with a request (``/v2/request/<kind>/<id>``) that the
service works through later. ``wait_for_request`` polls it until it succeeds or fails, or until an
overall deadline taken from a monotonic clock passes; the clock and the sleep are parameters, so the
loop can be tested without waiting.
"""

import re
import time

from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssConnectionError,
    VssHTTPError,
    VssOptionError,
    VssRequestError,
    VssResponseError,
)

SUCCESS_STATUSES = frozenset(("PROCESSED", "SCHEDULED"))
FAILURE_STATUSES = frozenset(("ERROR", "ERRORRETRY", "REFUSED", "CANCELLED", "MISSED"))
PENDING_STATUSES = frozenset(("SUBMITTED", "PENDING", "INPROGRESS", "APPROVALREQUIRED", "APPROVED"))
SUCCESS, FAILURE, PENDING, UNKNOWN = "success", "failure", "pending", "unknown"
DEFAULT_WAIT_TIMEOUT = 600
DEFAULT_POLL_INTERVAL = 5
# Poll replies that are worth another try before the deadline: the server or a proxy was unwell.
TRANSIENT_HTTP_STATUSES = frozenset((500, 502, 503, 504, 429))
# The least time a poll is given to answer, however close the deadline.
MIN_POLL_TIMEOUT = 1.0


def status_key(status):
    """A status without case, spaces, underscores or hyphens: 'In Progress' and 'IN_PROGRESS' agree."""
    return re.sub(r"[\s_-]+", "", str(status)).upper()


def classify_status(status):
    """``success``, ``failure``, ``pending`` (a status the service documents) or ``unknown``."""
    key = status_key(status)
    if key in SUCCESS_STATUSES:
        return SUCCESS
    if key in FAILURE_STATUSES:
        return FAILURE
    if key in PENDING_STATUSES:
        return PENDING
    return UNKNOWN


def is_unfinished(status):
    """True while a request may still change: a pending status, or one this code does not know."""
    return classify_status(status) in (PENDING, UNKNOWN)


def _text_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(entry) for entry in value if entry not in (None, "")]
    return [str(value)] if value != "" else []


def request_messages(record):
    """The ``warnings`` and ``errors`` of a request record, each a list of strings.

    The service puts them in ``message: {warnings, errors}``; a plain string ``message`` is taken as
    an error when the request failed and as a warning otherwise.
    """
    message = record.get("message")
    if isinstance(message, dict):
        return _text_list(message.get("warnings")), _text_list(message.get("errors"))
    if classify_status(record.get("status")) == FAILURE:
        return [], _text_list(message)
    return _text_list(message), []


def request_summary(record):
    """The ``request`` a module returns: ``id``, ``status``, ``warnings``, ``errors``."""
    warnings, errors = request_messages(record)
    return dict(id=record.get("id"), status=record.get("status"), warnings=warnings, errors=errors)


def submitted_request(reply):
    """The request a submission (POST, DELETE) started, and its link: ``(record, link)``.

    The record is ``data.request`` (``{id, status, task_id}``); the link is ``_links.request``, found
    in ``data`` or beside it, or None. An empty reply (HTTP 204) gives ``({}, None)``.
    """
    if reply in (None, {}):
        return {}, None
    data = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(data, dict):
        raise VssResponseError("unexpected response to the submission: 'data' is not an object")
    record = dict(data["request"]) if isinstance(data.get("request"), dict) else {}
    links = [entry for entry in (data.get("_links"), reply.get("_links")) if isinstance(entry, dict)]
    link = next((entry["request"] for entry in links if isinstance(entry.get("request"), str)), None)
    if record.get("id") is None and link:
        record["id"] = link.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return record, link


def poll_path(client, link, path_of_kind, request_id):
    """The API path of a request: from its link when that is on our own base URL, else built from the id.

    A link elsewhere (another host, a proxy's internal name) is not followed: the token only goes to
    the configured base URL.
    """
    base = client.base_url + "/"
    if isinstance(link, str) and link.startswith(base):
        return link[len(base) :].split("?", 1)[0].split("#", 1)[0]
    return f"{path_of_kind.rstrip('/')}/{request_id}"


def wait_for_request(
    client,
    path,
    wait_timeout=DEFAULT_WAIT_TIMEOUT,
    poll_interval=DEFAULT_POLL_INTERVAL,
    what="the request",
    warn=None,
    clock=time.monotonic,
    sleep=time.sleep,
    deadline=None,
):
    """Poll ``path`` until the request succeeds; return its last record.

    Raises ``VssRequestError`` when it fails (at once) or when ``wait_timeout`` seconds pass without
    an outcome (or by ``deadline``, a time on ``clock`` shared with other waits), naming the last status
    seen; ``VssResponseError`` when a reply holds no status.
    A poll that meets a server error or a lost connection is tried again at the next interval: the
    client's own retries and these share the one deadline.
    """
    warn = warn or (lambda message: None)
    url = client.url(path)
    if deadline is None:
        deadline = clock() + wait_timeout
    last_status, last_problem, unknown_seen, record = None, None, set(), {}
    polls = 0

    while True:
        polls += 1
        try:
            # Neither a slow reply nor the client's own retries may carry the wait past its deadline.
            body = client.get(path, timeout=max(deadline - clock(), MIN_POLL_TIMEOUT))
        except VssHTTPError as error:
            if error.status not in TRANSIENT_HTTP_STATUSES:
                request_id = _request_id(record, url)
                raise VssRequestError(
                    f"{what} (request {request_id}) was submitted, but following it failed: {error.message}",
                    request=request_summary(dict(record, id=request_id, status=last_status)),
                    hint=f"it may still complete on the server: follow request {request_id} at {url}",
                ) from None
            last_problem = str(error)
            warn(f"polling {what} failed ({error.message}); trying again until the deadline")
        except VssConnectionError as error:
            last_problem = str(error)
            warn(f"polling {what} failed ({error.message}); trying again until the deadline")
        else:
            record = _request_record(body, url)
            last_status, last_problem = record["status"], None
            outcome = classify_status(last_status)
            if outcome == SUCCESS:
                return record
            if outcome == FAILURE:
                raise VssRequestError(_failure_message(what, record), request=request_summary(record))
            if outcome == UNKNOWN and status_key(last_status) not in unknown_seen:
                unknown_seen.add(status_key(last_status))
                warn(
                    f"{what} reports status {last_status!r}, which this collection does not know; waiting on"
                )

        remaining = deadline - clock()
        if remaining <= 0:
            raise VssRequestError(
                _timeout_message(what, record, last_status, last_problem, wait_timeout, polls, url),
                request=request_summary(dict(record, id=_request_id(record, url), status=last_status)),
            )
        sleep(min(poll_interval, remaining))


def _request_record(body, url):
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise VssResponseError(f"unexpected response from GET {url}: 'data' is not a request object")
    if data.get("status") in (None, ""):
        raise VssResponseError(f"unexpected response from GET {url}: the request has no 'status'")
    return data


def _failure_message(what, record):
    warnings, errors = request_messages(record)
    text = f"{what} (request {record.get('id')}) ended with status {record.get('status')}"
    if errors:
        text += ": " + "; ".join(errors)
    if warnings:
        text += " (warnings: " + "; ".join(warnings) + ")"
    return text


def _request_id(record, url):
    """The request's id: from its record, else the last part of the URL it is polled at."""
    if record.get("id") is not None:
        return record["id"]
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else tail


def _timeout_message(what, record, last_status, last_problem, wait_timeout, polls, url):
    request_id = _request_id(record, url)
    if last_status is None:
        seen = "no status was read"
    else:
        seen = f"last status {last_status}"
        if classify_status(last_status) == UNKNOWN:
            seen += " (a status this collection does not know)"
    text = (
        f"{what} (request {request_id}) did not finish within {wait_timeout:g}s after {polls} "
        f"{'poll' if polls == 1 else 'polls'}: {seen}"
    )
    if last_problem:
        text += f"; the last poll failed: {last_problem}"
    return (
        text + f"; it may still complete on the server: follow request {request_id} at {url}, "
        "or run again with a longer wait_timeout"
    )


def check_wait_options(wait_timeout, poll_interval):
    """Fail unless both are positive numbers of seconds and ``poll_interval < wait_timeout``."""
    for option, value in (("wait_timeout", wait_timeout), ("poll_interval", poll_interval)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise VssOptionError(option, f"must be a number of seconds greater than 0, got {value!r}")
    if poll_interval >= wait_timeout:
        raise VssOptionError(
            "poll_interval", f"must be less than wait_timeout ({wait_timeout:g}s), got {poll_interval:g}"
        )


def submit_once(client, method, path, payload=None, what="the change", hint=None):
    """Send the one write (``POST``, ``PUT``, ``PATCH`` or ``DELETE``) of a step; the submitted ``(record, link)``.

    Never repeated: when its outcome is unknown (a server error, a lost connection, a reply that
    cannot be read) this raises a ``VssRequestError`` saying so, and the caller's next run must look
    before writing again. ``hint`` says what that next run does.
    """
    url = client.url(path)
    hint = hint or "it was not sent again; run the task again once the service answers"
    send = getattr(client, method.lower())
    accepted_before = client.accepted_writes
    try:
        return submitted_request(send(path) if method == "DELETE" else send(path, payload))
    except VssHTTPError as error:
        if error.status < 500:
            raise
        problem = str(error)
    except VssConnectionError as error:
        problem = str(error)
    except VssResponseError as error:
        if client.accepted_writes == accepted_before:
            # Something other than the API answered (a sign-on page, a proxy): the outcome is unknown.
            problem = str(error)
        else:
            # The API took the request (a JSON success) but said something else than it promises.
            raise VssRequestError(
                f"{method} {url} for {what} was accepted, but its reply cannot be read: {error}",
                hint=hint,
                changed=True,
            ) from None
    raise VssRequestError(
        f"{method} {url} for {what} failed and may or may not have reached the service: {problem}", hint=hint
    )


def wait_argument_spec():
    """The argument_spec of the options documented by the utoronto.vss.wait doc fragment."""
    return dict(
        wait_timeout=dict(type="int", default=DEFAULT_WAIT_TIMEOUT),
        poll_interval=dict(type="float", default=float(DEFAULT_POLL_INTERVAL)),
    )
