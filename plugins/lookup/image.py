# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: image
short_description: The OVA/OVF images of a VSS account, inside templates and task arguments
version_added: 1.0.0
description:
  - Returns the OVA and OVF images of the University of Toronto VSS (ITS Private Cloud) whose file names match
    the terms, as the same records M(utoronto.vss.image_info) returns in RV(utoronto.vss.image_info#module:images).
  - Each term is a name matched exactly as the O(utoronto.vss.image_info#module:name) option of
    M(utoronto.vss.image_info), following O(match) and O(case_sensitive). With several terms the result is the
    union of their matches, each path once, sorted by O(sort) in O(order). With no term, every image is returned.
  - The result is always a list of records, and an empty list when nothing matches. Call it with
    C(query('utoronto.vss.image', ...)) or with C(lookup(..., wantlist=true)). Without C(wantlist=true),
    C(lookup()) in ansible-core 2.16 and 2.21 hands back a one-element list as its only record (a dict), so the
    type of the value would change with the number of matches.
  - Results are shared by every task, host and fork of one C(ansible-playbook) run for O(cache_ttl) seconds,
    so a lookup in a group variable or a template costs one listing per run, not one per host and task.
options:
  _terms:
    description:
      - Image file names to match. Every character is literal, including C(%), C(_), spaces and brackets.
      - A term may also be a list of names; an empty list matches nothing, so names computed from an empty
        list give V([]), never the whole catalogue.
      - Leave them out to get every image.
    type: list
    elements: str
    required: false
  cache:
    description:
      - Whether to share results across the tasks, hosts and forks of the current run.
      - Entries live in the controller's per-run temporary directory (C(local_tmp)), which Ansible removes when
        the run ends; nothing is kept from one run to the next.
      - The entry's name is a SHA-256 digest of O(api_url), the query and a SHA-256 digest of the credentials; the
        credentials themselves are never written. Sorting (O(sort), O(order)) is applied after the cache.
      - Errors are not cached.
    type: bool
    default: true
    ini:
      - section: utoronto_vss
        key: image_lookup_cache
    vars:
      - name: utoronto_vss_image_lookup_cache
  cache_ttl:
    description:
      - Seconds a cached result is used before the images are listed again, from V(0) to V(86400).
      - Keep it short, so an image uploaded during a long run shows up. V(0) turns the cache off, as O(cache=false)
        does.
    type: int
    default: 120
    ini:
      - section: utoronto_vss
        key: image_lookup_cache_ttl
    vars:
      - name: utoronto_vss_image_lookup_cache_ttl
extends_documentation_fragment:
  - utoronto.vss.connection
  - utoronto.vss.connection.plugins
  - utoronto.vss.images
notes:
  - Lookups run on the controller, not on the managed hosts. Connection options come, from highest precedence to
    lowest, from keywords given to the lookup, Ansible variables such as C(utoronto_vss_token), environment
    variables of the controller, and the C([utoronto_vss]) section of C(ansible.cfg).
  - When none of these gives O(api_url), the default V(https://vss-api.eis.utoronto.ca) is used, and a failed
    request says so.
  - A task's C(environment:) keyword does not reach lookups, and C(module_defaults) does not either; set the
    C(utoronto_vss_*) variables instead (for example in C(group_vars/all)).
  - With O(username) and O(password), a token is requested on each cache miss; a one-time code (O(otp)) can be
    used once only, so prefer O(token) for lookups.
  - Runs the same in check mode.
seealso:
  - module: utoronto.vss.image_info
    description: The same images as a task result.
"""

EXAMPLES = r"""
- name: Pick the path of the last Ubuntu image by name for a deploy (VSS_API_TOKEN set on the controller)
  ansible.builtin.set_fact:
    ubuntu_image_path: "{{ query('utoronto.vss.image', 'ubuntu', sort='name', order='desc') | map(attribute='path') | first }}"

- name: Fail early, with a clear message, when no image matches
  ansible.builtin.assert:
    that: query('utoronto.vss.image', image_name, match='exact') | length > 0
    fail_msg: "no image matched name={{ image_name }}"
  vars:
    image_name: CentOS_64-bit_vmx11.ova

- name: Loop over every CentOS and Windows image, each path once
  ansible.builtin.debug:
    msg: "{{ item.name }} deploys from {{ item.path }}"
  loop: "{{ query('utoronto.vss.image', 'centos', 'windows') }}"

- name: Loop over the user's own exported virtual machines
  ansible.builtin.debug:
    msg: "{{ item.path }}"
  loop: "{{ query('utoronto.vss.image', source='personal', sort='path') }}"

# templates/images.txt.j2 holds:
#   {% for image in query('utoronto.vss.image') %}
#   {{ image.name }}: {{ image.path }}
#   {% endfor %}
- name: Write a report of the catalogue from a template
  ansible.builtin.template:
    src: images.txt.j2
    dest: /tmp/images.txt
    mode: "0644"
  delegate_to: localhost

# Variables, for instance in group_vars/all.yml, reach every lookup of the collection. Unlike modules,
# lookups do not see module_defaults or a task's environment:, and templated once per host and task,
# a variable like ubuntu_path below still lists the images only once per run thanks to the cache.
- name: Set the connection with variables, the way module_defaults does for modules
  ansible.builtin.debug:
    msg: "{{ ubuntu_path }}"
  vars:
    utoronto_vss_api_url: https://cloud-api.eis.utoronto.ca
    utoronto_vss_token: "{{ vault_vss_token }}"
    ubuntu_path: "{{ query('utoronto.vss.image', 'ubuntu', order='desc') | map(attribute='path') | first }}"

- name: List again, bypassing the cache, after uploading an image
  ansible.builtin.debug:
    msg: "{{ query('utoronto.vss.image', 'my-appliance.ova', match='exact', cache=false) }}"
"""

RETURN = r"""
_raw:
  description:
    - The matching images, sorted by O(sort) in O(order), each path once; an empty list when none matches.
    - Fields other than C(name), C(path) and C(source) are passed on as the server sent them, and may be absent
      on older servers.
  type: list
  elements: dict
  sample:
    - name: CentOS_64-bit_vmx11.ova
      path: images/CentOS_64-bit_vmx11.ova
      source: image
      id: 6
      created_on: "2016-08-11 10:12:00"
      updated_on: "2016-08-11 10:12:00"
  contains:
    name:
      description: The image's file name.
      type: str
      sample: CentOS_64-bit_vmx11.ova
    path:
      description: The image's full path in the storage; what a deploy uses as its source.
      type: str
      sample: images/CentOS_64-bit_vmx11.ova
    source:
      description: Where the image was found, V(image) (C(/v2/image)) or V(personal) (C(/v2/user/image/vm)).
      type: str
      sample: image
"""

import time

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.utoronto.vss.plugins.module_utils.client import VssClient
from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssError, VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.images import check_query, list_images, sort_images
from ansible_collections.utoronto.vss.plugins.module_utils.options import (
    CONNECTION_ENV,
    CREDENTIAL_OPTIONS,
    SECRET_OPTIONS,
    client_settings,
    environment_value,
)
from ansible_collections.utoronto.vss.plugins.plugin_utils.run_cache import RunCache, digest

display = Display()


def _scalar_text(value):
    """A text option accepts text and numbers, as Ansible converts them; never a list or a mapping."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"{type(value).__name__} is not text")
    return str(value)


PLUGIN_NAME = "utoronto.vss.image"
QUERY_OPTIONS = ("match", "case_sensitive", "source", "on_incomplete")
ORDER_OPTIONS = ("sort", "order")
MAX_CACHE_TTL = 86400
TYPE_CHECKS = {
    "bool": check_type_bool,
    "int": check_type_int,
    "float": check_type_float,
    "str": _scalar_text,
    "path": _scalar_text,
}
WHERE = (
    " as lookup keywords, Ansible variables (utoronto_vss_token, or utoronto_vss_username and "
    "utoronto_vss_password) or the controller's environment; a task's 'environment:' does not reach lookups, "
    "which run on the controller"
)
DEFAULT_URL_NOTE = (
    "; api_url was not set (no lookup keyword, utoronto_vss_api_url variable, VSS_API_URL or VSS_ENDPOINT in "
    "the controller's environment, ansible.cfg entry or vss-cli profile), so the default {url} was used; a "
    "task's 'environment:' does not reach lookups, which run on the controller"
)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self._load_options(variables, kwargs)

        settings = None
        try:
            names = self._names(terms)
            query = {option: self.get_option(option) for option in QUERY_OPTIONS}
            ordering = {option: self.get_option(option) for option in ORDER_OPTIONS}
            check_query(
                names,
                query["match"],
                ordering["sort"],
                ordering["order"],
                query["source"],
                query["on_incomplete"],
                name_option="terms",
            )
            cache_ttl = self._cache_ttl()
            values, credential_sources = self._connection_values()
            settings = client_settings(
                values, warn=display.warning, where=WHERE, credential_sources=credential_sources
            )
            if terms and not names:
                return []  # only empty lists were given: they ask for no name at all
            images = self._images(settings, names, query, cache_ttl)
        except VssError as error:
            defaulted = settings is not None and settings["default_api_url"]
            note = DEFAULT_URL_NOTE.format(url=settings["api_url"]) if defaulted else ""
            raise AnsibleLookupError(f"{error}{note}") from None

        return sort_images(images, **ordering)

    def _load_options(self, variables, keywords):
        """Options from keywords, variables, the environment and ansible.cfg; a bad one fails naming it."""
        definitions = C.config.get_configuration_definitions(self.plugin_type, self._load_name)
        for keyword, value in keywords.items():
            _check_keyword(keyword, value, definitions)

        variables = self._option_variables(variables, definitions)
        self._option_sources = dict(variables=variables, direct=keywords)
        try:
            self.set_options(var_options=variables, direct=keywords)
        except AnsibleError as error:
            option = self._failing_option(definitions, variables, keywords)
            reason = (
                _one_line(error)
                if option in definitions and option not in SECRET_OPTIONS
                else "cannot be used"
            )
            raise AnsibleLookupError(
                f"option '{option}' (set by a variable, the environment or ansible.cfg): {reason}"
            ) from None

    def _option_variables(self, variables, definitions):
        """The variables the options read (their ``vars:`` sources), templated as a task's arguments are.

        Ansible hands a lookup the play's variables as written, so a variable such as
        ``utoronto_vss_token: "{{ vault_token }}"`` would otherwise reach the option as that text.
        """
        names = {source["name"] for spec in definitions.values() for source in spec.get("vars") or []}
        return {
            name: self._templar.template(variables[name])
            for name in sorted(names)
            if name in (variables or {})
        }

    def _failing_option(self, definitions, variables, keywords):
        """The option whose value from variables, the environment or ansible.cfg cannot be used."""
        for option in definitions:
            try:
                C.config.get_config_value(
                    option,
                    plugin_type=self.plugin_type,
                    plugin_name=self._load_name,
                    variables=variables,
                    direct=keywords,
                )
            except AnsibleError:
                return option
        return "unknown"

    @staticmethod
    def _names(terms):
        """The names to match: terms in order, a list term spread out, repeats dropped."""
        names = []
        for term in terms:
            for name in term if isinstance(term, (list, tuple)) else [term]:
                if name not in names:
                    names.append(name)
        return names

    def _cache_ttl(self):
        if not self.get_option("cache"):
            return 0
        cache_ttl = self.get_option("cache_ttl")
        if not 0 <= cache_ttl <= MAX_CACHE_TTL:
            raise VssOptionError("cache_ttl", f"must be a whole number of seconds from 0 to {MAX_CACHE_TTL}")
        return cache_ttl

    def _connection_values(self):
        """The connection options, and the sources of the credentials, highest precedence first.

        An empty value from the environment counts as unset, and an ``api_url`` that no source gave is
        None, so that a failure can say that the default was used.
        """
        values = {}
        sources = {"keyword": {}, "variable": {}, "environment": {}, "ansible.cfg": {}}
        for option in CONNECTION_ENV:
            value = self.get_option(option)
            # get_option_and_origin of ansible-core 2.16 forgets the keywords and variables: ask the config.
            dummy, origin = C.config.get_config_value_and_origin(
                option, plugin_type=self.plugin_type, plugin_name=self._load_name, **self._option_sources
            )
            if origin == "Direct":
                source = "keyword"
            elif origin.startswith("var:"):
                source = "variable"
            elif origin.startswith("env:"):
                source = "environment"
                if value == "":  # Ansible takes the last name set, even if empty; ours the first not empty
                    value = environment_value(option)
            elif origin == "default":
                source, value = None, None if option == "api_url" else value
            else:
                source = "ansible.cfg"
            values[option] = value
            if source is not None and option in CREDENTIAL_OPTIONS:
                sources[source][option] = value
        return values, list(sources.values())

    def _images(self, settings, names, query, cache_ttl):
        """The matching images, unsorted, from the run cache or from the API."""

        def fetch():
            return {"images": _list(settings, names, query)}

        if not cache_ttl:
            display.vvv(f"{PLUGIN_NAME}: cache off")
            return fetch()["images"]

        key_parts = {
            "lookup": PLUGIN_NAME,
            "api_url": settings["api_url"],
            "credentials": _credentials_digest(settings),
            "names": sorted(names),
            **query,
        }
        run_cache = RunCache("utoronto_vss_lookup", cache_ttl, debug=_vvv)
        return run_cache.get_or_fetch(key_parts, fetch)["images"]


def _list(settings, names, query):
    started = time.monotonic()
    client = VssClient(settings, warn=display.warning, debug=_vvv)
    images = list_images(client, names, **query)
    _vvv(
        f"{len(images)} matching images from {client.base_url} in {client.request_count} requests, "
        f"{time.monotonic() - started:.3f}s"
    )
    return images


def _credentials_digest(settings):
    """A one-way digest that tells credentials apart without holding them."""
    if settings.get("token"):
        return digest(["token", settings["token"]])
    return digest(["password", settings.get("username"), settings.get("password")])


def _vvv(message):
    display.vvv(f"{PLUGIN_NAME}: {message}")


def _check_keyword(keyword, value, definitions):
    """A keyword given to the lookup must be a known option with a value of its type and choices."""
    known = {alias: name for name, spec in definitions.items() for alias in [name, *spec.get("aliases", [])]}
    if keyword.startswith("_") or keyword not in known:
        names = ", ".join(sorted(name for name in definitions if not name.startswith("_")))
        raise AnsibleLookupError(
            f"option '{keyword}': not an option of the {PLUGIN_NAME} lookup (known: {names})"
        )

    spec = definitions[known[keyword]]
    if value is None:
        return
    checker = TYPE_CHECKS.get(spec.get("type"))
    try:
        if checker is not None:
            value = checker(value)
    except (TypeError, ValueError):
        raise AnsibleLookupError(
            f"option '{keyword}': must be of type {spec['type']}, got {_shown(keyword, value)}"
        ) from None
    choices = spec.get("choices")
    if choices and value not in choices:
        raise AnsibleLookupError(
            f"option '{keyword}': must be one of {', '.join(choices)}, got {_shown(keyword, value)}"
        )


def _shown(keyword, value):
    """A value for an error message; never a secret's."""
    return "a hidden value" if keyword in SECRET_OPTIONS else repr(value)


def _one_line(error):
    """The first line of an error's message."""
    text = str(getattr(error, "message", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
