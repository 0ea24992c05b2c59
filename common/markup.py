"""Markup written in Python (the Gantt's rows, the portfolio's, the earned-value table's): each
value as `{{ value }}` writes it."""

from __future__ import annotations

import html
from typing import Any

from django.urls import reverse
from django.utils.html import conditional_escape


def escaped(value: Any) -> str:
    """`conditional_escape(value)` as a str. A plain str is escaped by the standard library
    directly, as Django's `escape` does, without the checks for lazy texts that made it ten times
    slower (a Gantt escapes three thousand texts); anything else (a safe string, a lazy text, a
    number) goes through `conditional_escape`."""
    if type(value) is str:
        return html.escape(value)
    return str(conditional_escape(value))


# An id no row has: where a row's own id goes in an address reversed once for a whole table.
_ANY_ID = 987_654_321


def address_around_id(name: str, *args: Any) -> tuple[str, str]:
    """The address `name` with `args` and then a row's id, as the escaped text before and after
    that id: a table's rows each put their id between the two instead of reversing it."""
    before, after = reverse(name, args=[*args, _ANY_ID]).rsplit(str(_ANY_ID), 1)
    return escaped(before), escaped(after)
