"""{% load satisfaction %}: the satisfaction figures' cells, written in Python.

The dashboard shows a row of figures for each client, project and PM (hundreds of rows for an
account manager of many projects): a tag per row costs a fraction of an included template's
render. The cells are those the templates wrote, in every language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from common.templatetags.formatting import percent

register = template.Library()

_NONE = mark_safe('<span class="text-body-secondary">–</span>')


@register.filter
def score(value: Any) -> SafeString:
    """An NPS or CSAT figure, or a muted dash when there is none (no answers)."""
    if value is None:
        return _NONE
    return format_html("{}", localize(value))


@register.simple_tag
def figures_cells(row: dict[str, Any]) -> SafeString:
    """The cells of a row of figures: NPS (with promoters / passives / detractors), CSAT (with
    its mean), the response rate (with answered / invited) and the number of responses."""
    csat_mean = row.get("csat_mean")
    rate = row.get("response_rate")
    return format_html(
        '<td class="text-end" data-col="nps">{}</td>\n'
        '<td class="text-end small text-body-secondary">{} / {} / {}</td>\n'
        '<td class="text-end" data-col="csat">{}{}</td>\n'
        '<td class="text-end" data-col="rate">{} '
        '<span class="small text-body-secondary">{}/{}</span></td>\n'
        '<td class="text-end">{}</td>\n',
        score(row.get("nps")),
        localize(row.get("promoters")),
        localize(row.get("passives")),
        localize(row.get("detractors")),
        score(row.get("csat")),
        format_html(' <span class="small text-body-secondary">({})</span>', localize(csat_mean))
        if csat_mean is not None
        else "",
        _NONE if rate is None else percent(rate, 1),
        localize(row.get("answered")),
        localize(row.get("invited")),
        localize(row.get("responses")),
    )
