"""{% load cost_rows %}{% ev_series_rows series project.currency %}: the rows of the earned-value
series table (projects/costs.html), written in Python: a long project's weekly points, five
cells each, were a large part of the time and cost page in the template engine. They are the
markup of the loop they replace, value for value (tests/projects/test_cost_rows.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from common.markup import escaped
from common.templatetags.formatting import day, money, number

register = template.Library()


def _day(value: Any) -> str:
    """`{{ value|date:"SHORT_DATE_FORMAT" }}` (the `|day` filter), escaped."""
    return escaped(day(value))


@register.simple_tag
def ev_series_rows(series: Iterable[Any], currency: str | None) -> SafeString:
    """A row per point: its date, PV, EV and AC in the project's currency, the approved hours
    of the 7 days up to it."""
    parts = [
        f"<tr><td>{_day(point.date)}</td>"
        f'<td class="text-end">{escaped(money(point.pv, currency))}</td>'
        f'<td class="text-end">{escaped(money(point.ev, currency))}</td>'
        f'<td class="text-end">{escaped(money(point.ac, currency))}</td>'
        f'<td class="text-end">{escaped(number(point.approved_hours))}</td></tr>'
        for point in series
    ]
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
