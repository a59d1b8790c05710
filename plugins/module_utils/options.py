# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Connection options shared by every module and plugin of utoronto.vss (internal).

The option names, types, defaults and environment names live here once; the doc fragment
``utoronto.vss.connection`` documents the same set, and a unit test keeps the two in step.

Credentials are a set: the first source that gives a token, a user name or a password decides how
to authenticate (``credentials``). So they have no argument_spec fallback, which would make the
environment look like the task's own options; ``client_settings`` reads the environment for them.
"""

import os
import re
from urllib.parse import urlsplit

from ansible_collections.utoronto.vss.plugins.module_utils.client import (
    DEFAULT_API_URL,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    HAS_REQUESTS,
    normalize_api_url,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.vsscli_config import (
    CONFIG_ENV,
    find_profile,
    is_url,
    missing_credentials,
    profile_credentials,
)

# The first name found wins: our own name first, then those of pyvss and vss-cli.
CONNECTION_ENV = {
    "api_url": ["VSS_API_URL", "VSS_ENDPOINT"],
    "token": ["VSS_API_TOKEN", "VSS_TOKEN"],
    "username": ["VSS_API_USER", "VSS_USER"],
    "password": ["VSS_API_USER_PASS", "VSS_USER_PASS"],
    "otp": ["VSS_API_USER_OTP", "VSS_USER_OTP"],
    "validate_certs": ["VSS_VALIDATE_CERTS"],
    "ca_path": ["VSS_CA_PATH"],
    "timeout": ["VSS_TIMEOUT"],
    "retries": ["VSS_RETRIES"],
    "allow_http": ["VSS_ALLOW_HTTP"],
}
SECRET_OPTIONS = ("token", "password", "otp")
CREDENTIAL_OPTIONS = ("token", "username", "password", "otp")
# Matched with fullmatch: printable ASCII without spaces, tabs, line breaks or other control characters.
TOKEN_PATTERN = re.compile(r"[\x21-\x7e]+")
TOKEN_PROBLEM = "must be a non-empty string of printable ASCII characters, without spaces or line breaks"
MAX_RETRIES = 20
MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024


def environment_value(option, environ=None):
    """The first of ``option``'s environment variables that is set and not empty, or None.

    An empty variable counts as unset, as when a credential injector leaves a field blank.
    """
    environ = os.environ if environ is None else environ
    return next((environ[name] for name in CONNECTION_ENV[option] if environ.get(name)), None)


def environment_values(options=CREDENTIAL_OPTIONS, environ=None):
    """The ``options`` set in the environment, as a dict holding only those found."""
    found = {option: environment_value(option, environ) for option in options}
    return {option: value for option, value in found.items() if value is not None}


def credentials(sources):
    """``token``, ``username``, ``password`` and ``otp`` from ``sources``, highest precedence first.

    Each source is a dict of option values (None counts as not given). The first source that gives a
    token, a user name or a password decides: its token, when it has one, is used; otherwise its user
    name and password, the missing one of them taken from the next source that has it, and a token of
    a later source is not used. ``otp`` comes from the first source that gives one.
    """
    sources = [{option: source.get(option) for option in CREDENTIAL_OPTIONS} for source in sources]
    otp = next((source["otp"] for source in sources if source["otp"] is not None), None)
    for position, source in enumerate(sources):
        if source["token"] is not None:
            return dict(token=source["token"], username=None, password=None, otp=otp)
        if source["username"] is not None or source["password"] is not None:
            later = sources[position:]
            username = next((given["username"] for given in later if given["username"] is not None), None)
            password = next((given["password"] for given in later if given["password"] is not None), None)
            return dict(token=None, username=username, password=password, otp=otp)
    return dict(token=None, username=None, password=None, otp=otp)


def checked_token(token, problem=TOKEN_PROBLEM):
    """``token`` without surrounding whitespace; a VssOptionError naming 'token' (never showing it) if unusable."""
    if token is None:
        return None
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token.strip()):
        raise VssOptionError("token", problem)
    return token.strip()


def _environment_fallback(option):
    """An argument_spec fallback: ``environment_value``, or no value at all."""
    from ansible.module_utils.basic import AnsibleFallbackNotFound

    value = environment_value(option)
    if value is None:
        raise AnsibleFallbackNotFound
    return value


def connection_argument_spec():
    """The connection part of a module's argument_spec.

    The environment reaches the settings through fallbacks, except for the credentials, which
    ``client_settings`` resolves as a set (see ``credentials``).
    """

    def option(kind, default=None, **extra):
        name = extra.pop("name")
        spec = dict(type=kind, **extra)
        if name not in CREDENTIAL_OPTIONS:
            spec["fallback"] = (_environment_fallback, [name])
        if default is not None:
            spec["default"] = default
        return spec

    return dict(
        api_url=option("str", DEFAULT_API_URL, name="api_url", aliases=["url"]),
        token=option("str", name="token", no_log=True),
        username=option("str", name="username"),
        password=option("str", name="password", no_log=True),
        otp=option("str", name="otp", no_log=True),
        validate_certs=option("bool", True, name="validate_certs"),
        ca_path=option("path", name="ca_path"),
        timeout=option("float", float(DEFAULT_TIMEOUT), name="timeout"),
        retries=option("int", DEFAULT_RETRIES, name="retries"),
        allow_http=option("bool", False, name="allow_http"),
    )


def url_password(url):
    """The password inside a URL's ``user:password@``, or None: modules hide it from their results."""
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url.strip()).password or None
    except ValueError:
        return None


def client_settings(values, warn=None, where="", credential_sources=None):
    """Check connection option values and fold them into the settings ``VssClient`` takes.

    ``values`` maps option names to values (module params, or a plugin's ``get_option``); an
    ``api_url`` of None means that no source gave one: the default is used, and the settings say so
    in ``default_api_url``. ``credential_sources`` are the sources of the credentials, highest
    precedence first (see ``credentials``); by default ``values`` and then the environment.
    Raises ``VssOptionError`` naming the option; never echoes a secret.
    """
    if credential_sources is None:
        credential_sources = [values, environment_values()]
    given = credentials(credential_sources)
    token = checked_token(given["token"])
    username, password = given["username"], given["password"]

    api_url, token, username, password, unfound = _vsscli_fallback(
        values.get("api_url"), token, username, password
    )
    default_api_url = api_url is None
    if default_api_url:
        api_url = DEFAULT_API_URL
    if not token and bool(username) != bool(password):
        given, missing = ("username", "password") if username else ("password", "username")
        raise VssOptionError(
            missing,
            f"is required with '{given}' when no token is given ({' or '.join(CONNECTION_ENV[missing])}){where}",
        )
    if not token and not (username and password):
        names = {option: " or ".join(CONNECTION_ENV[option]) for option in ("token", "username", "password")}
        raise VssOptionError(
            "token",
            f"no credentials found: set 'token' ({names['token']}), or 'username' ({names['username']}) "
            f"and 'password' ({names['password']}), or keep them in a vss-cli profile ({unfound}){where}",
        )
    if username is not None and not str(username).strip():
        raise VssOptionError("username", "must not be empty")

    timeout = values.get("timeout")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
        raise VssOptionError("timeout", "must be a number of seconds greater than 0 and at most 3600")
    retries = values.get("retries")
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
        raise VssOptionError("retries", f"must be a whole number from 0 to {MAX_RETRIES}")

    api_url = normalize_api_url(api_url, allow_http=bool(values.get("allow_http")))

    ca_path = values.get("ca_path")
    if not values.get("validate_certs", True):
        verify = False
        if warn is not None and api_url.startswith("https://"):
            warn(f"TLS certificate verification is off for {api_url}: anyone on the path can read the token")
    elif ca_path:
        _check_ca_bundle(ca_path)
        verify = ca_path
    else:
        verify = _default_ca_bundle()

    return dict(
        api_url=api_url,
        token=token or None,
        username=username,
        password=password,
        otp=given["otp"] or None,
        verify=verify,
        timeout=float(timeout),
        retries=retries,
        default_api_url=default_api_url,
    )


def _vsscli_fallback(api_url, token, username, password):
    """``(api_url, token, username, password, why_not)`` after consulting vss-cli's configuration.

    The file is read only when credentials are missing, or when ``api_url`` is a profile name rather
    than a URL (as ``VSS_ENDPOINT`` may be for vss-cli). A profile then gives its URL and, when no
    credentials came from elsewhere, its token or its user name and password. ``why_not`` says why no
    credentials came from the file, for the error message.
    """
    has_credentials = bool(token) or bool(username and password)
    if has_credentials and (is_url(api_url) or not isinstance(api_url, str)):
        return api_url, token, username, password, None

    profile, why_not = find_profile(DEFAULT_API_URL if api_url is None else api_url, DEFAULT_API_URL)
    if profile is None:
        return api_url, token, username, password, f"{why_not}; {CONFIG_ENV} names another file"
    if has_credentials:
        return profile["url"], token, username, password, None
    why_not = missing_credentials(profile)
    if why_not:
        return api_url, token, username, password, why_not
    token, username, password = profile_credentials(profile)
    token = checked_token(
        token,
        f"the token of vss-cli profile '{profile['name']}' in {profile['path']} holds spaces, line breaks "
        "or characters other than printable ASCII",
    )
    return profile["url"], token, username, password, None


def _check_ca_bundle(path):
    """Fail naming ``ca_path`` unless ``path`` is a readable file holding a PEM certificate."""
    try:
        with open(path, "rb") as bundle:
            text = bundle.read(MAX_CA_BUNDLE_BYTES)
    except OSError:
        raise VssOptionError("ca_path", "is not a readable file (a PEM bundle of CA certificates)") from None
    if b"-----BEGIN CERTIFICATE-----" not in text:
        raise VssOptionError(
            "ca_path",
            "holds no PEM certificate ('-----BEGIN CERTIFICATE-----'); give the CA bundle, not a key",
        )


def _default_ca_bundle():
    """The bundle requests ships (certifi), named explicitly so REQUESTS_CA_BUNDLE cannot replace it."""
    if not HAS_REQUESTS:
        return True
    import requests.certs

    return requests.certs.where()
