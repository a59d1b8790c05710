# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto


class ModuleDocFragment:
    """How every module and plugin of utoronto.vss reaches the VSS REST API."""

    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Root URL of the VSS REST API, with an optional path prefix when a gateway is in front of it.
      - A trailing V(/v2) is removed. Credentials inside the URL are refused.
      - When not given, the first of the environment variables E(VSS_API_URL) and E(VSS_ENDPOINT) (the name
        C(vss-cli) uses) is taken.
      - The official clients default to V(https://cloud-api.eis.utoronto.ca), which serves the same API.
      - May also be the name of a C(vss-cli) profile (as E(VSS_ENDPOINT) may be for C(vss-cli)); the profile's
        URL is then used. See O(token) for how profiles are read.
    type: str
    default: https://vss-api.eis.utoronto.ca
    aliases: [url]
  token:
    description:
      - Bearer token for the API, as issued by C(POST /auth/request-token) (valid about 24 hours).
      - Spaces and line breaks around the token are removed. A token with spaces, line breaks or other control
        characters inside it, or with characters other than printable ASCII, is refused.
      - When not given, E(VSS_API_TOKEN) (the name C(pyvss) uses) or E(VSS_TOKEN) (the name C(vss-cli) uses),
        unless the task gives O(username) or O(password) (see the notes).
      - Either O(token), or O(username) and O(password), must be set, or kept in a C(vss-cli) profile.
      - When neither is set by an option, a variable or the environment, the C(vss-cli) configuration file is
        read (C(~/.vss-cli/config.yaml), or the file named by E(VSS_CONFIG), on the host that runs the
        module; on the controller for plugins). The profile is the one named by O(api_url), or the one whose
        URL equals O(api_url); when O(api_url) is left at its default and no profile has that URL, the file's
        C(general.default_endpoint_name) profile, else C(cloud-api), else the only profile. Its C(token) and its
        C(auth) (user name and password) are used, and its URL replaces O(api_url). A token whose expiry has
        passed gives way to C(auth).
      - "Known limitation: credentials that C(vss-cli) keeps in a system keychain rather than in the file are
        not read."
    type: str
  username:
    description:
      - User name to request a token with, when O(token) is not set.
      - When not given, E(VSS_API_USER) or E(VSS_USER).
    type: str
  password:
    description:
      - Password of O(username).
      - When not given, E(VSS_API_USER_PASS) or E(VSS_USER_PASS).
    type: str
  otp:
    description:
      - One-time code, for accounts with multi-factor authentication, used with O(username) and O(password).
      - When not given, E(VSS_API_USER_OTP) or E(VSS_USER_OTP).
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - Turning it off gives a warning. E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) are not consulted; use
        O(ca_path).
      - When not given, E(VSS_VALIDATE_CERTS).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of CA certificates to verify the server with, instead of the bundle shipped with C(requests).
      - When not given, E(VSS_CA_PATH).
    type: path
  timeout:
    description:
      - Seconds to wait for a connection, and for each reply, before giving up.
      - When not given, E(VSS_TIMEOUT).
    type: float
    default: 30
  retries:
    description:
      - How many times a request is tried again after HTTP 429, 500, 502, 503, 504 or a lost connection, with
        jittered exponential backoff (0.5 s doubling, at most 10 s) or the server's C(Retry-After) (at most 30 s).
      - Only reads are retried after a reply was lost or a 5xx reply; a deploy or delete is sent again only after
        HTTP 429, which refuses a request without acting on it. Other 4xx replies and read timeouts are not retried.
      - While a task waits for a change request, the retries of its polls end by the wait's deadline.
      - When not given, E(VSS_RETRIES).
    type: int
    default: 4
  allow_http:
    description:
      - Allow a plain C(http://) O(api_url) on a host other than the loopback interface, which sends the
        credentials unencrypted.
      - When not given, E(VSS_ALLOW_HTTP).
    type: bool
    default: false
notes:
  - "Each setting comes from the first of these sources that gives it: the task's own option (for modules, also
    through C(module_defaults)); for plugins, an Ansible variable such as C(utoronto_vss_token); an environment
    variable (of the host that runs the module; of the controller for plugins); for plugins, the
    C([utoronto_vss]) section of C(ansible.cfg); then, for the credentials, the C(vss-cli) configuration file
    (see O(token))."
  - "Credentials are taken as a set: the first of these sources that gives O(token), O(username) or O(password)
    decides. If it gives a token, that token is used; otherwise its user name and password are used (the one it
    lacks taken from the next source that has it), and a token from a later source is not. So O(username) and
    O(password) in a task are not overridden by E(VSS_API_TOKEN) in the environment, and O(token) in a task wins
    over E(VSS_API_USER) and E(VSS_API_USER_PASS). O(otp) comes from the first source that gives one."
  - An environment variable set to an empty string counts as unset, so a blank field of a credential injector
    does not hide the variables after it.
  - Proxies are taken from E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY), as C(requests) does.
requirements:
  - requests >= 2.25 (on the host that runs it)
"""

    # Plugins run on the controller: they read Ansible variables, ansible.cfg and the controller's
    # environment. Within each env list the LAST variable found wins, so our own names come last.
    PLUGINS = r"""
options:
  api_url:
    env:
      - name: VSS_ENDPOINT
      - name: VSS_API_URL
    ini:
      - section: utoronto_vss
        key: api_url
    vars:
      - name: utoronto_vss_api_url
  token:
    env:
      - name: VSS_TOKEN
      - name: VSS_API_TOKEN
    vars:
      - name: utoronto_vss_token
  username:
    env:
      - name: VSS_USER
      - name: VSS_API_USER
    ini:
      - section: utoronto_vss
        key: username
    vars:
      - name: utoronto_vss_username
  password:
    env:
      - name: VSS_USER_PASS
      - name: VSS_API_USER_PASS
    vars:
      - name: utoronto_vss_password
  otp:
    env:
      - name: VSS_USER_OTP
      - name: VSS_API_USER_OTP
    vars:
      - name: utoronto_vss_otp
  validate_certs:
    env:
      - name: VSS_VALIDATE_CERTS
    ini:
      - section: utoronto_vss
        key: validate_certs
    vars:
      - name: utoronto_vss_validate_certs
  ca_path:
    env:
      - name: VSS_CA_PATH
    ini:
      - section: utoronto_vss
        key: ca_path
    vars:
      - name: utoronto_vss_ca_path
  timeout:
    env:
      - name: VSS_TIMEOUT
    ini:
      - section: utoronto_vss
        key: timeout
    vars:
      - name: utoronto_vss_timeout
  retries:
    env:
      - name: VSS_RETRIES
    ini:
      - section: utoronto_vss
        key: retries
    vars:
      - name: utoronto_vss_retries
  allow_http:
    env:
      - name: VSS_ALLOW_HTTP
    ini:
      - section: utoronto_vss
        key: allow_http
    vars:
      - name: utoronto_vss_allow_http
"""
