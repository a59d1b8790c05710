# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The HTTP client of the utoronto.vss collection (internal; no compatibility promise).

One ``requests.Session`` per run: bearer token (or username/password/one-time code exchanged for
one), TLS folded into one ``verify`` value, a finite timeout, retries with jittered backoff for
throttling and unavailability only, and pages walked to the end. Every failure is a ``VssError``.
"""

import ipaddress
import json
import re
import time
import traceback
import warnings
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssConnectionError,
    VssHTTPError,
    VssOptionError,
    VssResponseError,
)

try:
    import requests
    import requests.certs
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning, ReadTimeoutError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

DEFAULT_API_URL = "https://vss-api.eis.utoronto.ca"
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 4
DEFAULT_PAGE_SIZE = 500
RETRY_AFTER_CAP = 30
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 10
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
# Host names: dot-separated labels of letters (any script, for internationalised names), digits, '-' and '_'.
HOST_PATTERN = re.compile(r"(?:[^\W_]|[-_])+(?:\.(?:[^\W_]|[-_])+)*\.?")
WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
MAX_PAGES = 10000

HINTS = {
    401: "check the token (or username and password); tokens last about 24 hours",
    403: "the account is not allowed to do this; ask the VSS administrators for access",
    404: "check api_url: it must be the service root, such as https://vss-api.eis.utoronto.ca, without /v2",
    429: "the service is throttling requests; try again later or raise 'retries'",
}
OTP_HINT = "the one-time code is missing or wrong: set 'otp' (VSS_API_USER_OTP) to a fresh code"
UNAVAILABLE_HINT = "the service or a proxy in front of it is unavailable; try again later"


def excerpt(text, limit=160):
    """A short, tag-free, one-line excerpt of a response body."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text or "")
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def server_message(response):
    """The server's own words from an error reply: its JSON message, or a text excerpt."""
    try:
        body = response.json()
    except ValueError:
        return excerpt(response.text)
    if not isinstance(body, dict):
        return excerpt(response.text)
    error, message = body.get("error"), body.get("message")
    if error and message and str(error).lower() not in str(message).lower():
        return excerpt(f"{error}: {message}", 300)
    return excerpt(str(message or error or response.text), 300)


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_api_url(value, allow_http=False, sends_credentials=True):
    """Check the service root URL and return it without a trailing slash or /v2."""
    if not isinstance(value, str) or not value.strip():
        raise VssOptionError("api_url", "must be a URL such as https://vss-api.eis.utoronto.ca")
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise VssOptionError("api_url", "is not a valid URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise VssOptionError("api_url", "must start with https:// and name a host")
    if any(character.isspace() or not character.isprintable() for character in value.strip()):
        raise VssOptionError("api_url", "must not hold spaces or control characters")
    if not HOST_PATTERN.fullmatch(parts.hostname) and not _is_ip(parts.hostname):
        raise VssOptionError("api_url", f"names no valid host: {parts.hostname!r}")
    if parts.username is not None or parts.password is not None:
        raise VssOptionError(
            "api_url", "must not hold credentials; use 'token', or 'username' and 'password'"
        )
    if parts.query or parts.fragment:
        raise VssOptionError("api_url", "must not hold a query string or fragment")
    if parts.scheme == "http" and sends_credentials and not allow_http and not is_loopback(parts.hostname):
        raise VssOptionError(
            "api_url",
            f"plain http:// would send credentials unencrypted to {parts.hostname}",
            "use https://, or set allow_http=true if this is really wanted",
        )
    path = parts.path.rstrip("/")
    if path.endswith("/v2"):
        path = path[:-3]
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _short_reason(error):
    """The useful end of a requests/urllib3 exception chain, e.g. '[Errno 111] Connection refused'."""
    text = str(error)
    match = re.search(r"\[Errno -?\d+\][^'\")]*", text)
    if match:
        return match.group(0).strip()
    for marker in ("Connection aborted.", "RemoteDisconnected", "certificate verify failed", "timed out"):
        if marker in text:
            return marker.rstrip(".")
    return type(error).__name__


if HAS_REQUESTS:

    class _Retry(Retry):
        """urllib3 Retry that reports each retry, caps Retry-After, never retries read timeouts,
        retries HTTP 429 for every method (the server did not act on the request), and gives up
        rather than wait past ``deadline`` (a ``time.monotonic()`` time, or None)."""

        warn = None
        debug = None
        deadline = None

        def new(self, **kwargs):
            fresh = super().new(**kwargs)
            fresh.warn, fresh.debug, fresh.deadline = self.warn, self.debug, self.deadline
            return fresh

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
            if isinstance(error, ReadTimeoutError):
                raise error
            fresh = super().increment(method, url, response, error, _pool, _stacktrace)
            if (
                self.deadline is not None
                and time.monotonic() + fresh.planned_sleep(response) >= self.deadline
            ):
                # No time is left for the wait and another try: end as if the attempts were used up.
                return fresh.new(total=0).increment(method, url, response, error, _pool, _stacktrace)
            cause = f"HTTP {response.status}" if response is not None else _short_reason(error)
            attempt = len(fresh.history) + 1
            report = self.warn
            if response is None and attempt == 2:
                # A kept-alive connection the server closed meanwhile: usual, and mended by one more try.
                report = self.debug
            if report is not None:
                report(f"retrying {method} {url.split('?')[0]} after {cause} (attempt {attempt})")
            return fresh

        def planned_sleep(self, response=None):
            """The seconds ``sleep`` would wait before the next try: Retry-After when given, else backoff."""
            if response is not None and self.respect_retry_after_header:
                seconds = self.get_retry_after(response)
                if seconds:
                    return seconds
            return self.get_backoff_time()

        def is_retry(self, method, status_code, has_retry_after=False):
            # HTTP 429 refuses a request without acting on it: even a deploy or delete can be sent again.
            if status_code == 429 and self.total:
                return True
            return super().is_retry(method, status_code, has_retry_after)

        def get_retry_after(self, response):
            seconds = super().get_retry_after(response)
            return None if seconds is None else min(seconds, RETRY_AFTER_CAP)


def _retry_policy(retries, warn, debug):
    settings = dict(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=5,
        backoff_factor=BACKOFF_FACTOR,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset(("GET", "HEAD", "OPTIONS")),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    try:
        policy = _Retry(backoff_jitter=BACKOFF_FACTOR, backoff_max=BACKOFF_MAX, **settings)
    except TypeError:  # urllib3 < 2: no jitter, fixed backoff cap
        policy = _Retry(**settings)
    policy.warn, policy.debug = warn, debug
    return policy


class VssClient:
    """A session with the VSS REST API.

    ``settings`` holds the connection options (see ``options.CONNECTION_SPEC``); ``warn`` and
    ``debug`` are callables taking one line of text (never a secret).
    """

    def __init__(self, settings, warn=None, debug=None):
        if not HAS_REQUESTS:
            raise VssOptionError(
                "requests", "the Python library 'requests' is required on the host running this"
            )
        self._warn = warn or (lambda message: None)
        self._debug = debug or (lambda message: None)
        self.timeout = settings["timeout"]
        self.base_url = settings["api_url"]
        self._token = settings.get("token")
        self._username = settings.get("username")
        self._password = settings.get("password")
        self._otp = settings.get("otp")
        self.session = requests.Session()
        # Passed with every request: a session-level value would yield to REQUESTS_CA_BUNDLE.
        self.verify = settings["verify"]
        self.session.headers.update({"Accept": "application/json", "User-Agent": "utoronto.vss-ansible"})
        self._retry = _retry_policy(settings["retries"], self._warn, self._debug)
        adapter = HTTPAdapter(max_retries=self._retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.auth = self._authorize
        self.request_count = 0
        # Writes the API itself answered with success (JSON or no content): the run changed something,
        # whatever happens after. A sign-on page or a proxy answering 200 is not the API.
        self.accepted_writes = 0

    def url(self, path):
        return self.base_url + "/" + path.lstrip("/")

    def _authorize(self, prepared):
        """requests auth hook: only requests to our own base URL ever carry the token."""
        if prepared.url.startswith(self.base_url + "/"):
            prepared.headers["Authorization"] = "Bearer " + self._bearer()
        return prepared

    def _bearer(self):
        if not self._token:
            self._token = self.request_token()
        return self._token

    def request_token(self):
        """Exchange username, password and one-time code for a token (POST /auth/request-token)."""
        url = self.url("auth/request-token")
        # UTF-8, as RFC 7617 recommends (requests would send other characters than ASCII as Latin-1).
        credentials = (self._username.encode("utf-8"), self._password.encode("utf-8"))
        # This runs inside another request's auth hook: keep that request's retry deadline.
        outer_deadline = self._retry.deadline
        try:
            body = self._send(
                "POST", url, auth=credentials, json={"otp": self._otp or None}, envelope=False, changes=False
            )
        finally:
            self._retry.deadline = outer_deadline
        if not isinstance(body, dict):
            raise VssResponseError(f"unexpected response from POST {url}: not a JSON object")
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        token = body.get("token") or data.get("token")
        if not isinstance(token, str) or not token:
            raise VssResponseError(f"unexpected response from POST {url}: no token in the reply")
        return token

    def get(self, path, params=None, timeout=None):
        """GET ``path``. ``timeout`` (seconds) bounds this one call, its retries and their waits
        included: no retry is begun that could not end in time, and no attempt waits for a reply
        longer than the client's own timeout or the time left."""
        return self._send("GET", self.url(path), params=params, timeout=timeout)

    def post(self, path, payload=None):
        return self._send("POST", self.url(path), json=payload)

    def put(self, path, payload=None):
        return self._send("PUT", self.url(path), json=payload)

    def patch(self, path, payload=None):
        return self._send("PATCH", self.url(path), json=payload)

    def delete(self, path):
        return self._send("DELETE", self.url(path))

    def _send(self, method, url, envelope=True, timeout=None, changes=None, **kwargs):
        """One request; ``changes`` (by default: for POST, PUT, PATCH, DELETE) counts its success in
        ``accepted_writes``."""
        shown = url + (
            "?" + "&".join(f"{k}={v}" for k, v in kwargs["params"].items()) if kwargs.get("params") else ""
        )
        started = time.monotonic()
        self._retry.deadline = None if timeout is None else started + timeout
        timeout = self.timeout if timeout is None else min(timeout, self.timeout)
        try:
            with warnings.catch_warnings():
                # The user turned verification off and was warned once; this stays local to our requests.
                warnings.simplefilter("ignore", InsecureRequestWarning)
                response = self.session.request(
                    method, url, timeout=(timeout, timeout), verify=self.verify, **kwargs
                )
        except requests.exceptions.SSLError as error:
            raise VssConnectionError(
                f"TLS verification failed for {method} {url}: {_short_reason(error)}",
                "set 'ca_path' to the CA bundle that signed the server's certificate",
            ) from None
        except (requests.exceptions.ReadTimeout, ReadTimeoutError):
            raise VssConnectionError(
                f"no reply within {timeout:g}s for {method} {url}", "raise 'timeout' or try again later"
            ) from None
        except requests.exceptions.RequestException as error:
            raise VssConnectionError(
                f"cannot reach {method} {url}: {_short_reason(error)}", "check api_url and the network"
            ) from None
        except ValueError:
            # http.client refuses a header value with a line break, and quotes it: never show that text.
            raise VssConnectionError(
                f"cannot send {method} {url}: a request header holds a line break or a control character",
                "check the token and the other options for stray characters",
            ) from None
        self.request_count += 1
        attempts = len(response.raw.retries.history) + 1 if getattr(response.raw, "retries", None) else 1
        self._debug(f"{method} {shown} -> {response.status_code} in {time.monotonic() - started:.3f}s")
        if response.status_code >= 400:
            message = server_message(response)
            hint = HINTS.get(response.status_code)
            if response.status_code >= 500:
                hint = UNAVAILABLE_HINT
            if message and "InvalidParameterValue: otp" in message:
                hint = OTP_HINT
            raise VssHTTPError(method, url, response.status_code, response.reason, message, hint, attempts)
        if changes is None:
            changes = method in WRITE_METHODS
        if changes and (not response.content or "json" in response.headers.get("Content-Type", "")):
            self.accepted_writes += 1
        if response.status_code == 204 or not response.content:
            return {}
        return self._decode(method, url, response, envelope)

    @staticmethod
    def _decode(method, url, response, envelope):
        kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
        if "json" not in kind:
            raise VssResponseError(
                f"expected JSON from {method} {url}, got {kind} (HTTP {response.status_code}): "
                f"{excerpt(response.text, 100)}",
                "a proxy or single sign-on page may have answered: check api_url",
            )
        try:
            body = json.loads(response.text)
        except ValueError:
            raise VssResponseError(
                f"invalid JSON from {method} {url} (HTTP {response.status_code}, {len(response.content)} bytes)"
            ) from None
        if envelope and (not isinstance(body, dict) or "data" not in body):
            raise VssResponseError(f"unexpected response from {method} {url}: no 'data' in the reply")
        return body

    def list(self, path, params=None, key="path", page_size=DEFAULT_PAGE_SIZE, on_incomplete="warn"):
        """Every record of a list endpoint, walking all pages; duplicates (by ``key``) dropped.

        Each page's URL is built here (same filter and sort, ``expand=1``), never taken from
        ``next_url``. A server that ignores paging answers everything at once, which is fine.
        """
        query = dict(params or {}, expand=1, per_page=page_size)
        records, seen, previous, total, repeated = [], set(), None, None, False
        for page in range(1, MAX_PAGES + 1):
            body = self.get(path, dict(query, page=page))
            rows = body["data"]
            if not isinstance(rows, list):
                raise VssResponseError(f"unexpected response from GET {self.url(path)}: 'data' is not a list")
            if any(not isinstance(row, dict) for row in rows):
                raise VssResponseError(
                    f"unexpected response from GET {self.url(path)}: 'data' holds no records"
                )
            keys = [row.get(key) for row in rows]
            if page > 1 and rows and keys == previous:
                repeated = True
                self._incomplete(
                    on_incomplete,
                    f"page {page} of GET {self.url(path)} repeats page {page - 1}: stopped the walk "
                    f"after {len(records)} records"
                    + (f" of {total} announced" if isinstance(total, int) else "")
                    + "; the server seems to ignore 'page': report it to the VSS administrators",
                )
                break
            previous = keys
            for row, row_key in zip(rows, keys):
                marker = row_key if row_key is not None else json.dumps(row, sort_keys=True)
                if marker not in seen:
                    seen.add(marker)
                    records.append(row)
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            pages = meta.get("pages") if isinstance(meta.get("pages"), dict) else None
            if pages is None:
                break
            if total is not None and pages.get("total") not in (None, total):
                self._warn(
                    f"GET {self.url(path)}: the total changed from {total} to {pages['total']} during the walk"
                )
            total = pages.get("total", total)
            last = pages.get("pages")
            if (
                not rows
                or (isinstance(last, int) and page >= last)
                or (last is None and not pages.get("next_url"))
            ):
                break
        else:
            raise VssResponseError(f"GET {self.url(path)}: more than {MAX_PAGES} pages, stopped")
        self._debug(f"GET {self.url(path)}: {len(records)} records in {page} pages")
        if isinstance(total, int) and len(records) < total and not repeated:
            self._incomplete(
                on_incomplete,
                f"GET {self.url(path)}: collected {len(records)} of {total} records the server announced",
            )
        return records

    def _incomplete(self, on_incomplete, message):
        """A walk that could not collect everything: a failure or a warning, as ``on_incomplete`` says."""
        if on_incomplete == "fail":
            raise VssResponseError(message)
        self._warn(message)
