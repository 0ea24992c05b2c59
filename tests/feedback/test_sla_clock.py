"""An SLA clock written in Python (feedback.templatetags.feedback_tickets.sla_clock) is the markup
of the template it replaces (kept as tests/feedback/sla_clock_reference.html), byte for byte:
a clock that does not apply, one met, one stopped late, one overdue, one running, with markup
in its label, in English and in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation

from feedback.sla import ClockState
from feedback.templatetags.feedback_tickets import sla_clock

REFERENCE = engines["django"].from_string(
    (Path(__file__).parent / "sla_clock_reference.html").read_text()
)


def _clocks() -> list[ClockState]:
    now = timezone.now()
    due = datetime(2031, 3, 4, 15, 30, tzinfo=UTC)
    return [
        ClockState(due_at=None, done_at=None, remaining=None),
        ClockState(due_at=due, done_at=due - timedelta(hours=2), remaining=None),
        ClockState(due_at=due, done_at=due + timedelta(minutes=5), remaining=None),
        ClockState(due_at=now - timedelta(hours=30), done_at=None, remaining=-timedelta(hours=30)),
        ClockState(due_at=now + timedelta(days=3), done_at=None, remaining=timedelta(hours=20)),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
@pytest.mark.parametrize("index", range(5))
def test_the_clock_is_the_markup_of_the_template(language, zone, index):
    clock = _clocks()[index]
    label = 'First <response> & "reply"'
    with translation.override(language), timezone.override(zone):
        written = sla_clock(clock, label)
        assert written == REFERENCE.render({"clock": clock, "label": label})
    assert ("First &lt;response&gt;" in written) is clock.applies
