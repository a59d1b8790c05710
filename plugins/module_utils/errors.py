# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The one exception family of the utoronto.vss collection (internal; no compatibility promise).

Modules turn a VssError into ``fail_json(msg=str(error))``; plugins into an ``AnsibleError``.
Messages never hold a token, a password or a one-time code.
"""


class VssError(Exception):
    """Base of every error the collection's client raises."""

    def __init__(self, message, hint=None):
        self.message = message
        self.hint = hint
        super().__init__(f"{message}; {hint}" if hint else message)


class VssOptionError(VssError):
    """A bad option value, found before any request was sent."""

    def __init__(self, option, problem, hint=None):
        self.option = option
        super().__init__(f"option '{option}': {problem}", hint)


class VssConnectionError(VssError):
    """The server could not be reached, the connection broke, TLS failed or a read timed out."""


class VssHTTPError(VssError):
    """The server answered with an error status."""

    def __init__(self, method, url, status, reason="", server_message=None, hint=None, attempts=1):
        self.method = method
        self.url = url
        self.status = status
        self.server_message = server_message
        self.attempts = attempts
        text = f"HTTP {status}{' ' + reason if reason else ''} for {method} {url}"
        if attempts > 1:
            text += f" after {attempts} attempts"
        if server_message:
            text += f": {server_message}"
        super().__init__(text, hint)


class VssResponseError(VssError):
    """The server answered, but not with what the API promises (HTML, truncated JSON, no data)."""


class VssRequestError(VssError):
    """A change request (deploy, delete, export, sync) failed, or did not finish in time.

    ``changed`` is true when the service took the change although the run cannot report its outcome.
    """

    def __init__(self, message, request=None, hint=None, changed=False):
        self.request = request or {}
        self.changed = changed
        super().__init__(message, hint)


class VssStorageError(VssError):
    """VSKEY-STOR (the S3-compatible storage) refused a request, or could not be reached."""
