"""The schedule table's rows written in Python (projects/templatetags/schedule_rows.py) are the
markup of the template loop they replace, byte for byte: milestones with and without a
baseline (moved or not), tasks on and off the critical path, with and without a schedule, a
negative slack, markup in names and labels, in English and in Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import engines
from django.utils import translation

from projects.scheduling import ScheduledTask
from projects.selectors.tasks import TimelineRow
from projects.templatetags.schedule_rows import schedule_rows

# The loop of projects/_timeline.html as it was (its {% empty %} branch aside).
LOOP = """{% load formatting i18n %}{% for row in rows %}
  <tr data-testid="timeline-{{ row.kind }}" data-key="{{ row.key }}"{% if row.is_critical %} class="table-danger"{% endif %}>
    <th scope="row" class="fw-normal">{% if row.kind == "milestone" %}<i class="bi bi-flag"></i> {% endif %}{{ row.name }}{% if row.is_critical %} <span class="badge text-bg-danger">{% translate "Critical" context "critical path" %}</span>{% endif %}
      {% if row.kind == "milestone" and row.baseline and row.baseline != row.end %}<div class="small text-body-secondary">{% blocktranslate with date=row.baseline|date:"DATE_FORMAT" %}baseline {{ date }}{% endblocktranslate %}</div>{% endif %}</th>
    <td class="small">{{ row.status_label }}{% if row.kind == "task" %} · {{ row.progress }} %{% endif %}</td>
    <td class="small text-nowrap">{{ row.start|day }}</td>
    <td class="small text-nowrap">{{ row.end|day }}</td>
    {% if row.schedule %}
    <td class="small text-nowrap">{{ row.schedule.early_start|day }}</td>
    <td class="small text-nowrap">{{ row.schedule.early_finish|day }}</td>
    <td class="small text-nowrap">{{ row.schedule.late_start|day }}</td>
    <td class="small text-nowrap">{{ row.schedule.late_finish|day }}</td>
    <td class="text-end" data-testid="slack">{{ row.schedule.slack }}</td>
    {% else %}<td colspan="5"></td>{% endif %}
  </tr>
  {% endfor %}"""  # noqa: E501


def _schedule(task_id: int, slack: int) -> ScheduledTask:
    return ScheduledTask(
        task_id=task_id,
        duration=5,
        early_start=date(2027, 3, 1),
        early_finish=date(2027, 3, 5),
        late_start=date(2027, 3, 1 + max(slack, 0)),
        late_finish=date(2027, 12, 31),
        slack=slack,
    )


def _milestone(pk, name, day, label, baseline=None) -> TimelineRow:
    return TimelineRow("milestone", pk, name, day, day, status_label=label, baseline=baseline)


def _task(pk, name, start, end, progress, label, slack=None) -> TimelineRow:
    schedule = None if slack is None else _schedule(pk, slack)
    return TimelineRow(
        "task", pk, name, start, end, progress=progress, status_label=label, schedule=schedule
    )


ROWS = [
    _milestone(1, 'Go-live <"A"> & B', date(2027, 4, 1), "On track", date(2027, 3, 15)),
    _milestone(2, "Pilot", date(2027, 2, 1), "Achieved", date(2027, 2, 1)),
    _milestone(3, "Kick-off", date(2027, 1, 4), "Missed <late>"),
    _task(10, "Design <b>", date(2027, 3, 1), date(2027, 3, 5), 40, "In progress", 0),
    _task(11, "Build", date(2027, 3, 8), date(2027, 4, 30), 100, "Done", 12),
    _task(12, "Sign-off", date(2027, 5, 3), date(2027, 5, 3), 0, "To do", -3),
    _task(13, "Unscheduled", date(2027, 6, 1), date(2027, 6, 2), 5, "Blocked"),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_are_the_markup_of_the_loop(language):
    with translation.override(language):
        written = schedule_rows(ROWS)
        expected = engines["django"].from_string(LOOP).render({"rows": ROWS})
    assert written == expected
    assert written.count("<tr ") == len(ROWS)
    assert written.count('class="table-danger"') == 2  # slack 0 and -3
    assert "&lt;b&gt;" in written
    assert "<b>" not in written


def test_no_row_writes_nothing():
    assert schedule_rows([]) == ""
