# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The module edge: a NUL character anywhere in an option's value fails naming the option."""

import pytest

from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.module import refuse_nul


@pytest.mark.parametrize(
    ("value", "option"),
    [
        ("a\0b", "name"),
        (["ok", "\0"], "name[1]"),
        ({"users": [{"name": "jm\0"}]}, "name.users[0].name"),
        ({"bad\0key": "value"}, "name"),
        (("ok", ("deep", "\0")), "name[1][1]"),
    ],
)
def test_a_nul_is_refused_naming_where_it_is(value, option):
    with pytest.raises(VssOptionError) as caught:
        refuse_nul("name", value)
    assert str(caught.value) == f"option '{option}': must not contain a NUL character"
    assert "\0" not in str(caught.value)


@pytest.mark.parametrize("value", [None, "", "übung", 3, 2.5, True, ["a", {"b": ["c"]}], {"k": None}])
def test_values_without_nul_pass(value):
    refuse_nul("name", value)
