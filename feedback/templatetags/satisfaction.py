"""{% load satisfaction %}: the satisfaction figures' cells, written in Python.

The dashboard shows a row of figures for each client, project and PM (hundreds of rows for an
account manager of many projects): `figures_rows` writes a table's rows, `figures_cells` one
row's figures. They are the markup the template loops wrote, in every language
(tests/feedback/surveys/test_figure_cells.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.template.defaultfilters import urlencode
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from common.markup import address_around_id, escaped
from common.templatetags.formatting import percent

register = template.Library()

_NONE = mark_safe('<span class="text-body-secondary">–</span>')


def _text(value: Any) -> str:
    """`{{ value }}`: localised, then escaped (an integer as it is: no thousands separator)."""
    if type(value) is int:
        return str(value)
    return escaped(localize(value))


@register.filter
def score(value: Any) -> SafeString:
    """An NPS or CSAT figure, or a muted dash when there is none (no answers)."""
    if value is None:
        return _NONE
    return mark_safe(_text(value))  # noqa: S308  (escaped)


@register.simple_tag
def figures_cells(row: Mapping[str, Any]) -> SafeString:
    """The cells of a row of figures: NPS (with promoters / passives / detractors), CSAT (with
    its mean), the response rate (with answered / invited) and the number of responses."""
    csat_mean = row.get("csat_mean")
    rate = row.get("response_rate")
    rate_text = _NONE if rate is None else escaped(percent(rate, 1))
    mean = (
        f' <span class="small text-body-secondary">({_text(csat_mean)})</span>'
        if csat_mean is not None
        else ""
    )
    return mark_safe(  # noqa: S308  (every value is escaped)
        f'<td class="text-end" data-col="nps">{score(row.get("nps"))}</td>\n'
        f'<td class="text-end small text-body-secondary">{_text(row.get("promoters"))} / '
        f"{_text(row.get('passives'))} / {_text(row.get('detractors'))}</td>\n"
        f'<td class="text-end" data-col="csat">{score(row.get("csat"))}{mean}</td>\n'
        f'<td class="text-end" data-col="rate">{rate_text} '
        f'<span class="small text-body-secondary">{_text(row.get("answered"))}/'
        f"{_text(row.get('invited'))}</span></td>\n"
        f'<td class="text-end">{_text(row.get("responses"))}</td>\n'
    )


@register.simple_tag
def figures_rows(
    rows: Iterable[Mapping[str, Any]], kind: str, query: Mapping[str, Any] | None = None
) -> SafeString:
    """The rows of the dashboard's table by client, by project or by PM (`kind`): the row's
    name (a client's links to the dashboard for that client, with the other filters of
    `query`; a project's to its responses) and its figures."""
    parts: list[str] = []
    add = parts.append
    if kind == "client":
        kept = "".join(
            f"{escaped(key)}={escaped(urlencode(value))}&amp;"
            for key, value in (query or {}).items()
            if key != "client"
        )
        for row in rows:
            add(
                f'<tr data-testid="client-row"><td><a href="?{kept}client='
                f'{_text(row["client_id"])}">{escaped(row["campaign__project__client__name"])}'
                f"</a></td>{figures_cells(row)}</tr>"
            )
    elif kind == "project":
        before, after = address_around_id("feedback:project_responses")
        for row in rows:
            add(
                f'<tr data-testid="project-row"><td><a href="{before}'
                f'{row["campaign__project_id"]}{after}">'
                f'{escaped(row["campaign__project__name"])}</a><div class="small '
                f'text-body-secondary">{escaped(row["campaign__project__client__name"])}</div>'
                f"</td>{figures_cells(row)}</tr>"
            )
    elif kind == "pm":
        for row in rows:
            add(
                '<tr data-testid="pm-row"><td>'
                f"{escaped(row['campaign__project__memberships__user__display_name'])}</td>"
                f"{figures_cells(row)}</tr>"
            )
    else:
        raise ValueError(f"No table of figures by {kind!r}.")
    return mark_safe("".join(parts))  # noqa: S308  (every value is escaped)
