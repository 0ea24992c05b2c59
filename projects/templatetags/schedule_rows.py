"""{% load schedule_rows %}{% schedule_rows timeline.rows %}: the rows of the schedule table under
the Gantt (projects/_timeline.html, for the team and in the portal), written in Python. A
project's hundred milestones and tasks, with six dates each, were a third of the timeline page
in the template engine. They are the markup of the loop they replace, value for value
(tests/projects/test_schedule_rows.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from common.markup import escaped
from common.templatetags.formatting import day

register = template.Library()


def _day(value: Any) -> str:
    return escaped(day(value))


def _number(value: Any) -> str:
    """`{{ value }}` of an integer (no thousands separator), or of anything else."""
    return str(value) if type(value) is int else escaped(value)


@register.simple_tag
def schedule_rows(rows: Iterable[Any]) -> SafeString:
    """A row per milestone and task (TimelineRow), each between the line breaks and indents of
    the `{% for %}` loop it replaces."""
    # `{% translate %}` writes its words as they are (not escaped: they are ours).
    critical_word = pgettext("critical path", "Critical")
    critical = f' <span class="badge text-bg-danger">{critical_word}</span>'
    baseline_words = gettext("baseline %(date)s")
    parts: list[str] = []
    add = parts.append
    for row in rows:
        kind = row.kind
        is_critical = row.is_critical
        danger = ' class="table-danger"' if is_critical else ""
        flag = '<i class="bi bi-flag"></i> ' if kind == "milestone" else ""
        add(
            f'\n  <tr data-testid="timeline-{escaped(kind)}" data-key="{escaped(row.key)}"'
            f'{danger}>\n    <th scope="row" class="fw-normal">{flag}'
            f"{escaped(row.name)}{critical if is_critical else ''}\n      "
        )
        if kind == "milestone" and row.baseline and row.baseline != row.end:
            date = escaped(date_filter(row.baseline, "DATE_FORMAT"))
            add(f'<div class="small text-body-secondary">{baseline_words % {"date": date}}</div>')
        add(f'</th>\n    <td class="small">{escaped(row.status_label)}')
        if kind == "task":
            add(f" · {_number(row.progress)} %")
        add(
            f'</td>\n    <td class="small text-nowrap">{_day(row.start)}</td>\n'
            f'    <td class="small text-nowrap">{_day(row.end)}</td>\n    '
        )
        schedule = row.schedule
        if schedule:
            add(
                f'\n    <td class="small text-nowrap">{_day(schedule.early_start)}</td>\n'
                f'    <td class="small text-nowrap">{_day(schedule.early_finish)}</td>\n'
                f'    <td class="small text-nowrap">{_day(schedule.late_start)}</td>\n'
                f'    <td class="small text-nowrap">{_day(schedule.late_finish)}</td>\n'
                f'    <td class="text-end" data-testid="slack">{_number(schedule.slack)}</td>\n'
                "    "
            )
        else:
            add('<td colspan="5"></td>')
        add("\n  </tr>\n  ")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
