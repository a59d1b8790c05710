# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The module edge of utoronto.vss (internal): shared options in, VssError out as fail_json."""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.utoronto.vss.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    VssClient,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssError, VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.options import (
    SECRET_OPTIONS,
    client_settings,
    connection_argument_spec,
    environment_values,
    url_password,
)


class VssModule(AnsibleModule):
    """An AnsibleModule with the collection's connection options and client."""

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        if self.no_log:
            self._refuse_nul()  # nothing was logged, so _log_invocation did not check
        # api_url is refused when it holds a password, but the invocation shown in results must not
        # repeat it meanwhile. The whole URL is hidden: a short password alone would mask letters everywhere.
        if url_password(self.params.get("api_url")):
            self.no_log_values.add(self.params["api_url"])
        # The credentials of the environment are read by client_settings, not as params: hide them as
        # no_log hides the params.
        self._hide(environment_values(SECRET_OPTIONS).values())
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    def _log_invocation(self):
        # AnsibleModule.__init__ calls this (unless no_log) once the options are validated, no_log values
        # known and aliases resolved, and before anything is logged: syslog would refuse a NUL with a
        # message naming no option.
        self._refuse_nul()
        super()._log_invocation()

    def _refuse_nul(self):
        try:
            for option in sorted(self.params):
                refuse_nul(option, self.params[option])
        except VssOptionError as error:
            self.fail_from(error)

    @property
    def client(self):
        """The one client of this module run, made on first use (options checked then)."""
        if self._client is None:
            settings = client_settings(self.params, warn=self.warn)
            self._hide(settings[option] for option in SECRET_OPTIONS)
            self._client = VssClient(settings, warn=self.warn)
        return self._client

    def _hide(self, secrets):
        """Mask these values in everything the module returns, as no_log masks its secret params."""
        for secret in secrets:
            if isinstance(secret, str) and secret.strip():
                self.no_log_values.update({secret, secret.strip()})

    def fail_from(self, error, **result):
        """End the run with a VssError's one-line message."""
        self.fail_json(msg=str(error), **result)


def refuse_nul(option, value):
    """Raise a VssOptionError naming ``option`` (``vms[0].name`` for a nested one) if ``value`` holds a NUL."""
    if isinstance(value, str):
        if "\0" in value:
            raise VssOptionError(option, "must not contain a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(option, key)
            refuse_nul(f"{option}.{key}", item)
    elif isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            refuse_nul(f"{option}[{position}]", item)


def run(module, action):
    """Call ``action(module)`` and exit with its result dict; a VssError fails the task.

    A failed or timed-out change request is returned as ``request`` beside the message, and
    ``changed`` is true once the API has taken a change in this run, whatever failed after it.
    """
    try:
        result = action(module)
    except VssError as error:
        request = getattr(error, "request", None)
        extra = {"request": request} if request else {}
        # A change the API took stays a change, whatever failed after it (a wait, a poll, a lookup).
        changed = getattr(error, "changed", False) or bool(module._client and module._client.accepted_writes)
        module.fail_from(error, changed=changed, **extra)
    module.exit_json(**result)
