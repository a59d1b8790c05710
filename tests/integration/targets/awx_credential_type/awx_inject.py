# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Run a command with the environment a job of AWX (automation controller) would get from a credential.

    awx_inject.py CREDENTIAL_TYPE_YML INPUTS_JSON -- COMMAND [ARGS...]

The credential type's ``env`` injectors are rendered as AWX renders them: in Jinja2's immutable
sandbox, with a namespace that holds only the inputs given and not empty (so a blank field renders
as an empty string) and boolean fields defaulting to false. Every VSS_* variable of the calling
environment is dropped first, so the command sees the collection's settings from the injectors
only; VSS_CONFIG points at a file that does not exist, as in an execution environment without a
vss-cli configuration. Before running, the type is checked: its fields, its required inputs, its
secrets, and every injected variable being one the collection reads.
"""

import json
import os
import sys

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

SECRET_FIELDS = {"token", "password", "otp"}


def fail(message):
    sys.exit(f"awx_inject.py: {message}")


def check_type(credential_type, connection_env):
    """The checks AWX makes on a custom type, and the ones this collection needs."""
    if credential_type.get("kind") not in ("cloud", "net"):
        fail(f"kind must be cloud or net for a custom credential type, got {credential_type.get('kind')!r}")
    fields = credential_type["inputs"]["fields"]
    ids = [field["id"] for field in fields]
    if len(ids) != len(set(ids)):
        fail(f"field ids repeat: {ids}")
    for field in fields:
        if field.get("type", "string") not in ("string", "boolean"):
            fail(f"field {field['id']}: type {field.get('type')!r} is not one AWX knows")
        if (field["id"] in SECRET_FIELDS) != bool(field.get("secret")):
            fail(f"field {field['id']}: secret must be {field['id'] in SECRET_FIELDS}")
    unknown_required = set(credential_type["inputs"].get("required", [])) - set(ids)
    if unknown_required:
        fail(f"required names unknown fields: {sorted(unknown_required)}")

    ours = {names[0]: option for option, names in connection_env.items()}
    env = credential_type["injectors"]["env"]
    for variable in env:
        if variable not in ours:
            fail(f"injects {variable}, which the collection does not read first (it reads {sorted(ours)})")
    for needed in ("api_url", "token", "username", "password", "otp"):
        if connection_env[needed][0] not in env:
            fail(f"injects nothing for {needed} ({connection_env[needed][0]})")
    return fields, env


def render(fields, env_templates, inputs):
    """The variables AWX's CredentialType.inject_credential sets for these inputs."""
    known = {field["id"]: field for field in fields}
    unknown = set(inputs) - set(known)
    if unknown:
        fail(f"inputs name unknown fields: {sorted(unknown)}")
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or (isinstance(value, str) and value):
            namespace[name] = value
    for field in fields:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False
    sandbox = ImmutableSandboxedEnvironment()
    return {
        name: sandbox.from_string(template).render(**namespace) for name, template in env_templates.items()
    }


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        fail("usage: awx_inject.py CREDENTIAL_TYPE_YML INPUTS_JSON -- COMMAND [ARGS...]")
    type_path, inputs_json, command = sys.argv[1], sys.argv[2], sys.argv[4:]
    collection_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(type_path))))
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(collection_root))))
    from ansible_collections.utoronto.vss.plugins.module_utils.options import CONNECTION_ENV

    with open(type_path, encoding="utf-8") as handle:
        credential_type = yaml.safe_load(handle)
    fields, env_templates = check_type(credential_type, CONNECTION_ENV)
    injected = render(fields, env_templates, json.loads(inputs_json))

    environment = {name: value for name, value in os.environ.items() if not name.startswith("VSS_")}
    environment.update(injected)
    environment["VSS_CONFIG"] = os.path.join(
        os.environ.get("OUTPUT_DIR", "/nonexistent"), "no-vss-cli", "config.yaml"
    )
    shown = ", ".join(f"{name}={'(set)' if value else '(empty)'}" for name, value in sorted(injected.items()))
    print(f"awx_inject.py: injected {shown}", flush=True)
    os.execvpe(command[0], command, environment)


if __name__ == "__main__":
    main()
