# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The two query dialects of list endpoints: the original page's and the current service's.

The page's dialect (`?name=`, `?sort=name`) answers every matching record at once. A request that
carries any of `expand`, `filter`, `page` or `per_page`, or a `sort` holding a comma, is answered in the
current dialect: filtered, sorted, paged, and with `data` a list of item URLs unless `expand` is set.
`name` narrows the list in both.
"""

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from vss_emulator.errors import bad_parameter

CURRENT_DIALECT_PARAMETERS = ("expand", "filter", "page", "per_page")
FILTER_OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "like", "in")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
DEFAULT_PER_PAGE = 10


@dataclass(frozen=True)
class Resource:
    """A listable resource: its filterable and sortable `fields` (name -> `int`, `str` or `bool`),
    the field the page's `name` parameter searches, and how an item's URL path is made."""

    path: str
    fields: dict
    item_key: str
    name_field: str = "name"
    description: str = ""

    def item_path(self, record):
        return f"{self.path}/{record[self.item_key]}"


@dataclass
class ListShape:
    """How list replies are bent for one request: the `per_page` cap and the faults that act on lists."""

    page_cap: int
    short_total: bool = False
    repeat_page: bool = False
    ignore_query: bool = False


@dataclass
class Filter:
    name: str
    operator: str
    value: object
    pattern: re.Pattern = None
    values: list = field(default_factory=list)


def field_value(record, name):
    """The value of `name` in `record`; a dotted name reaches into nested mappings (`folder.moref`)."""
    value = record
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def like_pattern(text):
    """SQL LIKE as MySQL reads it: `%` any run, `_` one character, `\\` escapes; case-insensitive."""
    parts = []
    escaped = False
    for char in text:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))

    if escaped:
        parts.append(re.escape("\\"))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def parse_bool(text, what):
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise bad_parameter(f"{what} expects a boolean, got '{text}'")


def parse_positive_int(text, what):
    try:
        number = int(text)
    except ValueError:
        raise bad_parameter(f"{what} must be a positive integer, got '{text}'") from None
    if number < 1:
        raise bad_parameter(f"{what} must be a positive integer, got '{text}'")
    return number


def typed_value(resource, name, text):
    kind = resource.fields[name]
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise bad_parameter(f"filter field '{name}' expects an integer, got '{text}'") from None
    if kind == "bool":
        return parse_bool(text, f"filter field '{name}'")
    return text


def known_fields(resource):
    return ", ".join(sorted(resource.fields))


def parse_filters(text, resource):
    """`field,op,value[;field,op,value]`; each clause is split on its first two commas only."""
    filters = []
    for clause in text.split(";"):
        if not clause:
            continue
        parts = clause.split(",", 2)
        if len(parts) != 3:
            raise bad_parameter(f"filter '{clause}' must read field,operator,value")
        name, operator, value = parts[0].strip(), parts[1].strip().lower(), parts[2]
        if name not in resource.fields:
            raise bad_parameter(f"unknown filter field '{name}'; known fields: {known_fields(resource)}")
        if operator not in FILTER_OPERATORS:
            raise bad_parameter(
                f"unknown filter operator '{operator}'; known operators: {', '.join(FILTER_OPERATORS)}"
            )

        if operator == "like":
            filters.append(Filter(name, operator, value, pattern=like_pattern(value)))
        elif operator == "in":
            values = [typed_value(resource, name, item) for item in value.split(",")]
            filters.append(Filter(name, operator, value, values=values))
        else:
            filters.append(Filter(name, operator, typed_value(resource, name, value)))
    return filters


def passes(record, condition):
    actual = field_value(record, condition.name)
    if condition.operator == "like":
        return actual is not None and condition.pattern.fullmatch(str(actual)) is not None
    if condition.operator == "in":
        return actual in condition.values
    if condition.operator == "eq":
        return actual == condition.value
    if condition.operator == "ne":
        return actual != condition.value
    if actual is None:
        return False

    try:
        if condition.operator == "lt":
            return actual < condition.value
        if condition.operator == "le":
            return actual <= condition.value
        if condition.operator == "gt":
            return actual > condition.value
        return actual >= condition.value
    except TypeError:
        return False


def parse_sort(text, resource):
    """`field[,asc|desc][;...]` as (field, descending) pairs."""
    keys = []
    for clause in text.split(";"):
        if not clause:
            continue
        name, _comma, direction = clause.partition(",")
        name, direction = name.strip(), (direction.strip() or "asc").lower()
        if name not in resource.fields:
            raise bad_parameter(f"unknown sort field '{name}'; known fields: {known_fields(resource)}")
        if direction not in ("asc", "desc"):
            raise bad_parameter(f"sort direction must be asc or desc, got '{direction}'")
        keys.append((name, direction == "desc"))
    return keys


def sort_key(name):
    """Missing values first, strings without regard to case first (as a MySQL `_ci` collation) and
    then with it, so the order is total and stable."""

    def key(record):
        value = field_value(record, name)
        if value is None:
            return (0, "", "")
        if isinstance(value, str):
            return (1, value.casefold(), value)
        return (1, value, "")

    return key


def sorted_records(records, keys):
    ordered = list(records)
    for name, descending in reversed(keys):
        ordered.sort(key=sort_key(name), reverse=descending)
    return ordered


def is_current_dialect(params):
    return any(name in params for name in CURRENT_DIALECT_PARAMETERS) or "," in params.get("sort", "")


def name_matches(records, resource, text):
    """The page's `name` parameter: a case-insensitive substring of the record's name."""
    if resource.name_field is None:
        raise bad_parameter(f"/v2/{resource.path} has no name to filter by; use filter=")
    needle = text.casefold()
    return [
        record
        for record in records
        if needle in str(field_value(record, resource.name_field) or "").casefold()
    ]


def page_url(base_url, page, per_page):
    return f"{base_url}?{urlencode({'page': page, 'per_page': per_page})}"


def list_reply(params, resource, records, shape, base_url, api_url):
    """The `data` and `meta` additions of a list reply.

    `params` are the query parameters, `base_url` the endpoint's URL without query, `api_url` the URL
    of `/v2/` (item URLs are made from it). Page URLs carry only `page` and `per_page`: a client must
    add its own `filter`, `sort` and `expand` to each page it asks for.
    """
    if shape.ignore_query:
        return list(records), {}

    if "name" in params:
        records = name_matches(records, resource, params["name"])

    if not is_current_dialect(params):
        if params.get("sort"):
            records = sorted_records(records, parse_sort(params["sort"], resource))
        return list(records), {}

    for condition in parse_filters(params.get("filter", ""), resource):
        records = [record for record in records if passes(record, condition)]

    records = sorted_records(records, parse_sort(params.get("sort", ""), resource))
    expand = parse_bool(params.get("expand", "0"), "expand")
    page = parse_positive_int(params.get("page", "1"), "page")
    per_page = min(
        parse_positive_int(params.get("per_page", str(DEFAULT_PER_PAGE)), "per_page"), shape.page_cap
    )

    total = len(records) + (1 if shape.short_total else 0)
    pages = max(1, math.ceil(total / per_page))
    source_page = 1 if shape.repeat_page else page
    start = (source_page - 1) * per_page
    page_records = records[start : start + per_page]

    if expand:
        data = page_records
    else:
        data = [f"{api_url}{resource.item_path(record)}" for record in page_records]

    meta = {
        "count": len(data),
        "pages": {
            "page": page,
            "pages": pages,
            "per_page": per_page,
            "total": total,
            "first_url": page_url(base_url, 1, per_page),
            "last_url": page_url(base_url, pages, per_page),
            "next_url": page_url(base_url, page + 1, per_page) if page < pages else None,
            "prev_url": page_url(base_url, page - 1, per_page) if page > 1 else None,
        },
    }
    return data, meta
