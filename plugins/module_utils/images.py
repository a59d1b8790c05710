# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Image catalogue queries shared by the image_info module and the image lookup (internal).

Data flows one way: options -> server query -> pages -> records -> name match -> sort.
The server's filter only narrows what is fetched; the match done here is the one that counts,
so a server that filters loosely, differently or not at all still gives the documented result.
"""

import unicodedata
from collections.abc import Mapping

from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError

SOURCES = {"image": ("v2/image",), "personal": ("v2/user/image/vm",), "all": ("v2/image", "v2/user/image/vm")}
SOURCE_NAMES = {"v2/image": "image", "v2/user/image/vm": "personal"}
SORT_FIELDS = ("name", "path")
ORDERS = ("asc", "desc")
MATCHES = ("contains", "exact")
ON_INCOMPLETE = ("warn", "fail")
# Characters that separate a filter's parts or several filters, and the escape character of SQL
# ``like``: sent as the one-character wildcard, which only widens what the server returns.
FILTER_UNSAFE = str.maketrans({",": "_", ";": "_", "\\": "_"})


def image_query_argument_spec():
    """The argument_spec of the options documented by the utoronto.vss.images doc fragment."""
    return dict(
        match=dict(type="str", default="contains", choices=list(MATCHES)),
        case_sensitive=dict(type="bool", default=False),
        sort=dict(type="str", default="name", choices=list(SORT_FIELDS)),
        order=dict(type="str", default="asc", choices=list(ORDERS)),
        source=dict(type="str", default="image", choices=list(SOURCES)),
        on_incomplete=dict(type="str", default="warn", choices=list(ON_INCOMPLETE)),
    )


def kind_of(value):
    """A user's word for the type of a value: dict, list, int, ... (never an internal class name)."""
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, (list, tuple)):
        return "list"
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def requested_names(value, option="name"):
    """The names a ``name`` option asks for: none, one string, or a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise VssOptionError(option, f"must be a string or a list of strings, got {kind_of(value)}")


def _choice(option, value, allowed):
    if value not in allowed:
        raise VssOptionError(option, f"must be one of {', '.join(allowed)}, got {value!r}")
    return value


def check_query(
    names=(),
    match="contains",
    sort="name",
    order="asc",
    source="image",
    on_incomplete="warn",
    name_option="name",
):
    """Validate an image query before anything is sent."""
    for name in names:
        if not isinstance(name, str):
            raise VssOptionError(
                name_option, f"must be a string, got {kind_of(name)} {name!r} (quote it in YAML)"
            )
        if not name:
            raise VssOptionError(name_option, "must not be empty; leave it out to list every image")
    _choice("match", match, MATCHES)
    _choice("sort", sort, SORT_FIELDS)
    _choice("order", order, ORDERS)
    _choice("source", source, tuple(SOURCES))
    _choice("on_incomplete", on_incomplete, ON_INCOMPLETE)


def comparable(text, case_sensitive=False):
    """``text`` in the form names are compared in: Unicode NFC, case-folded unless ``case_sensitive``.

    A name typed decomposed (``u`` followed by a combining diaeresis) then equals the same name stored
    composed (``ü``), and a composed letter is never found by its base letter alone.
    """
    text = unicodedata.normalize("NFC", text)
    return text if case_sensitive else unicodedata.normalize("NFC", text.casefold())


def name_matches(image_name, wanted, match="contains", case_sensitive=False):
    """True when the image file name matches ``wanted``: every character is literal, no wildcards."""
    if not isinstance(image_name, str):
        return False
    image_name, wanted = comparable(image_name, case_sensitive), comparable(wanted, case_sensitive)
    return image_name == wanted if match == "exact" else wanted in image_name


def server_filter(names, match="contains", case_sensitive=False):
    """The ``filter`` parameter that narrows the fetch to a superset of the matches, or None.

    SQL ``like`` wildcards in a name (``%``, ``_``) only widen the server's answer, and the
    local match removes the extras. Case folding is not something the server promises, so a
    case-insensitive name with letters in it is matched here only, over the whole catalogue.
    Neither is Unicode normalisation: a name stored decomposed does not contain the composed form
    of the same name, so a name with a character beyond ASCII is matched here only, too.
    """
    if len(names) != 1:
        return None
    name = names[0]
    if not name.isascii():
        return None
    if not case_sensitive and name.lower() != name.upper():
        return None
    pattern = name.translate(FILTER_UNSAFE)
    return f"name,like,{pattern}" if match == "exact" else f"name,like,%{pattern}%"


def sort_images(images, sort="name", order="asc"):
    """Sort by the field as names are compared (NFC, case-insensitively), ties broken by the exact
    field and then by path: the two Unicode forms of one name sort together."""

    def key(image):
        value = str(image.get(sort) or "")
        return comparable(value), value, str(image.get("path") or "")

    return sorted(images, key=key, reverse=order == "desc")


def list_images(
    client,
    names=(),
    match="contains",
    case_sensitive=False,
    sort="name",
    order="asc",
    source="image",
    on_incomplete="warn",
):
    """The images of ``source`` whose names match any of ``names`` (all when empty), sorted, unique by path."""
    names = list(names or ())
    check_query(names, match, sort, order, source, on_incomplete)
    params = {"sort": "path,asc"}
    narrowed = server_filter(names, match, case_sensitive)
    if narrowed:
        params["filter"] = narrowed

    images, seen = [], set()
    for path in SOURCES[source]:
        for record in client.list(path, params, key="path", on_incomplete=on_incomplete):
            if record.get("path") in seen:
                continue
            if names and not any(
                name_matches(record.get("name"), name, match, case_sensitive) for name in names
            ):
                continue
            seen.add(record.get("path"))
            images.append(dict(record, source=SOURCE_NAMES[path]))

    return sort_images(images, sort, order)
