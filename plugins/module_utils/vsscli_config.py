# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Credentials kept by vss-cli, the official command line client (internal; no compatibility promise).

vss-cli keeps its profiles ("endpoints") in ``~/.vss-cli/config.yaml``, or in the file named by
``VSS_CONFIG``::

    general:
      default_endpoint_name: cloud-api
    endpoints:
      - name: cloud-api
        url: https://cloud-api.eis.utoronto.ca
        auth: <base64 of user:password>
        token: <a token>

The connection options fall back to one of these profiles when no token and no username/password
came from options, variables or the environment. Nothing read from the file is ever shown: messages
name the file, the profile and the URL only.
"""

import base64
import binascii
import json
import os
import time
from urllib.parse import urlsplit

from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssError


def _yaml_loader():
    """PyYAML's safe loader, or None without PyYAML. Imported on first use: most runs read no vss-cli file."""
    from ansible.module_utils.common.yaml import HAS_YAML, yaml_load

    return yaml_load if HAS_YAML else None


CONFIG_ENV = "VSS_CONFIG"
DEFAULT_CONFIG_PATH = os.path.join("~", ".vss-cli", "config.yaml")
# The profile vss-cli itself falls back to when general.default_endpoint_name is not set.
VSSCLI_DEFAULT_PROFILE = "cloud-api"
MAX_CONFIG_BYTES = 1024 * 1024


class VssCliConfigError(VssError):
    """The vss-cli configuration file exists but cannot be used."""

    def __init__(self, path, problem):
        self.path = path
        super().__init__(
            f"vss-cli configuration {path}: {problem}",
            "fix it with 'vss-cli configure mk', point VSS_CONFIG at another file, "
            "or give 'token' (or 'username' and 'password') another way",
        )


def config_path(environ=None):
    """The file vss-cli reads: ``VSS_CONFIG`` when set, else ``~/.vss-cli/config.yaml``."""
    environ = os.environ if environ is None else environ
    return os.path.expanduser(environ.get(CONFIG_ENV) or DEFAULT_CONFIG_PATH)


def is_url(value):
    return isinstance(value, str) and "://" in value


def same_url(first, second):
    """True when two API URLs name the same service root (case of scheme and host, trailing / and /v2 aside)."""

    def canonical(url):
        parts = urlsplit(url.strip())
        path = parts.path.rstrip("/")
        if path.endswith("/v2"):
            path = path[:-3]
        return parts.scheme.lower(), (parts.netloc or "").lower(), path

    try:
        return canonical(first) == canonical(second)
    except ValueError:
        return False


def _host_label(url):
    """vss-cli's name for a profile that has none: the first label of the URL's host name."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.split(".")[0]


def _decode_auth(path, name, auth):
    """(username, password) from ``auth``: base64 of ``user:password``. Never shows the value."""
    try:
        text = base64.b64decode(auth.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise VssCliConfigError(path, f"profile '{name}': 'auth' is not base64 of user:password") from None
    username, separator, password = text.partition(":")
    if not separator or not username or not password:
        raise VssCliConfigError(path, f"profile '{name}': 'auth' is not base64 of user:password")
    return username, password


def _text(path, where, value):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise VssCliConfigError(path, f"{where} must be text")
    return value.strip() or None


def read_config(path):
    """The profiles of the vss-cli file at ``path``, or None when there is no such file.

    Returns ``dict(default_name, profiles)``; each profile is a dict with ``name``, ``url``, ``token``,
    ``username`` and ``password`` (None when absent). Raises ``VssCliConfigError`` for a file that
    exists but cannot be read or does not have vss-cli's layout.
    """
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as config_file:
            raw = config_file.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise VssCliConfigError(path, f"cannot be read ({error.strerror or type(error).__name__})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise VssCliConfigError(path, f"is larger than {MAX_CONFIG_BYTES} bytes")
    yaml_load = _yaml_loader()
    if yaml_load is None:
        raise VssCliConfigError(path, "reading it needs the Python library PyYAML")

    try:
        document = yaml_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise VssCliConfigError(path, "is not UTF-8 text") from None
    except Exception as error:  # PyYAML's errors have no common base importable here
        # The parser's own text quotes the offending line, which may hold a token: give the line number only.
        mark = getattr(error, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise VssCliConfigError(path, f"is not valid YAML{line}") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise VssCliConfigError(path, "must hold a mapping with 'endpoints' (vss-cli's layout)")

    general = document.get("general")
    general = {} if general is None else general
    if not isinstance(general, dict):
        raise VssCliConfigError(path, "'general' must be a mapping")
    endpoints = document.get("endpoints")
    endpoints = [] if endpoints is None else endpoints
    if not isinstance(endpoints, list):
        raise VssCliConfigError(path, "'endpoints' must be a list")

    profiles = []
    for position, endpoint in enumerate(endpoints):
        where = f"endpoints[{position}]"
        if not isinstance(endpoint, dict):
            raise VssCliConfigError(path, f"{where} must be a mapping with 'url'")
        url = _text(path, f"{where}.url", endpoint.get("url"))
        if url is None:
            raise VssCliConfigError(path, f"{where} has no 'url'")
        name = _text(path, f"{where}.name", endpoint.get("name")) or _host_label(url)
        token = _text(path, f"profile '{name}': 'token'", endpoint.get("token"))
        auth = _text(path, f"profile '{name}': 'auth'", endpoint.get("auth"))
        username, password = _decode_auth(path, name, auth) if auth else (None, None)
        profiles.append(dict(name=name, url=url, token=token, username=username, password=password))

    default_name = _text(path, "general.default_endpoint_name", general.get("default_endpoint_name"))
    return dict(default_name=default_name, profiles=profiles)


def choose_profile(config, api_url, default_api_url):
    """The profile ``api_url`` asks for, or None.

    ``api_url`` may be a profile name (as ``VSS_ENDPOINT`` may be for vss-cli) or a URL. A URL picks
    the profiles with that URL (the default profile first when several share it). When ``api_url``
    is the collection's default URL and no profile has it, the file's default profile is taken
    (``general.default_endpoint_name``, else ``cloud-api`` as vss-cli does, else the only profile).
    """
    profiles = config["profiles"]
    default_names = [name for name in (config["default_name"], VSSCLI_DEFAULT_PROFILE) if name]

    def named(name):
        return next((profile for profile in profiles if profile["name"] == name), None)

    if not isinstance(api_url, str) or not api_url.strip():
        return None
    wanted = api_url.strip()
    if not is_url(wanted):
        return named(wanted)

    matching = [profile for profile in profiles if same_url(profile["url"], wanted)]
    for name in default_names:
        profile = next((profile for profile in matching if profile["name"] == name), None)
        if profile is not None:
            return profile
    if matching:
        return matching[0]

    if not same_url(wanted, default_api_url):
        return None
    for name in default_names:
        if named(name) is not None:
            return named(name)
    return profiles[0] if len(profiles) == 1 else None


def find_profile(api_url, default_api_url, environ=None):
    """``(profile, reason)``: the vss-cli profile for ``api_url``, or None and why none was found.

    The profile may hold no credentials (vss-cli can keep them in a keychain instead); see
    ``profile_credentials``.
    """
    path = config_path(environ)
    config = read_config(path)
    if config is None:
        return None, f"no vss-cli configuration at {path}"

    profile = choose_profile(config, api_url, default_api_url)
    if profile is None:
        names = ", ".join(profile["name"] for profile in config["profiles"]) or "none"
        return None, f"no profile of {path} matches api_url {api_url!r} (profiles: {names})"
    return dict(profile, path=path), None


def token_expiry(token):
    """The ``exp`` claim (seconds since the epoch) of a JWT, read without checking its signature; else None."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    expiry = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
        return None
    return expiry


def profile_credentials(profile, now=None):
    """``(token, username, password)`` to use from a profile that holds credentials.

    A token whose ``exp`` has passed is left out when the profile also holds ``auth``, so that a fresh
    token is requested with the user name and password, as vss-cli itself does. Raises
    ``VssCliConfigError`` when the token has expired and there is no ``auth`` to get another.
    """
    now = time.time() if now is None else now
    token, username, password = profile["token"], profile["username"], profile["password"]
    expiry = token_expiry(token)
    if token and expiry is not None and expiry <= now:
        if username and password:
            return None, username, password
        expired_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expiry))
        raise VssCliConfigError(
            profile["path"],
            f"the token of profile '{profile['name']}' expired at {expired_at}; run any vss-cli command "
            "(such as 'vss-cli account get') to renew it",
        )
    return token, username, password


def missing_credentials(profile):
    """Why ``profile`` cannot authenticate, or None when it holds a token or a user name and password."""
    if profile["token"] or (profile["username"] and profile["password"]):
        return None
    return (
        f"vss-cli profile '{profile['name']}' in {profile['path']} holds neither 'token' nor 'auth' "
        "(credentials kept in a keychain are not read)"
    )
