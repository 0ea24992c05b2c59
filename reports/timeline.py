"""The milestone timeline of a status report, laid out here and drawn by its template as inline
SVG: no script, so that it renders alike on the page, in WeasyPrint's PDF and in mail clients
that show SVG (the milestone tables carry the same facts for those that do not).

Each milestone has a row: its name and due date on a line of text, then its track with a diamond
on the due date (filled when completed, red when later than its baseline) and a hollow one on the
baseline date when it differs. A vertical line marks the report's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import pgettext

WIDTH = 640
ROW_HEIGHT = 34
AXIS_HEIGHT = 22
NAME_MAX_CHARS = 70
# The least distance between two month labels on the axis, and from a label to either end.
TICK_GAP = 72


@dataclass(frozen=True)
class Row:
    y: int
    name: str
    due_label: str
    x_due: float
    x_baseline: float | None
    state: str  # "completed", "late" or "open"

    @property
    def y_text(self) -> int:
        return self.y + 11

    @property
    def y_track(self) -> int:
        return self.y + 22


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: list[Row]
    ticks: list[Tick]
    day_x: float | None
    day_label: str

    @property
    def axis_y(self) -> int:
        return AXIS_HEIGHT - 6


def _parse(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _short(name: str) -> str:
    return name if len(name) <= NAME_MAX_CHARS else name[: NAME_MAX_CHARS - 1].rstrip() + "…"


def _month_starts(first: date, last: date) -> list[date]:
    months = []
    current = date(first.year, first.month, 1)
    while current <= last:
        if current >= first:
            months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def timeline_layout(data: dict[str, object] | None) -> Timeline | None:
    """The drawing of a snapshot's "timeline" part (None when the snapshot has none, or no
    milestone): positions in SVG units across WIDTH, labels in the active language."""
    if not data or not data.get("milestones"):
        return None
    milestones = data["milestones"]
    if not isinstance(milestones, list):
        return None
    dates: list[date] = []
    for m in milestones:
        dates += [d for d in (_parse(m["due_date"]), _parse(m["baseline_due_date"])) if d]
    day = _parse(data.get("day"))  # type: ignore[arg-type]
    span_dates = dates + ([day] if day else [])
    first, last = min(span_dates), max(span_dates)
    # A margin of a twentieth on each side, and at least a week in all.
    span = max((last - first).days, 7)
    first -= timedelta(days=max(span // 20, 1))
    last += timedelta(days=max(span // 20, 1))
    days = (last - first).days
    inset = 8

    def x(value: date) -> float:
        return round(inset + (WIDTH - 2 * inset) * (value - first).days / days, 1)

    rows = []
    for index, m in enumerate(milestones):
        due = _parse(m["due_date"])
        baseline = _parse(m["baseline_due_date"])
        if due is None:
            continue
        if m["status"] == "completed":
            state = "completed"
        elif baseline and due > baseline:
            state = "late"
        else:
            state = "open"
        rows.append(
            Row(
                y=AXIS_HEIGHT + index * ROW_HEIGHT,
                name=_short(m["name"]),
                due_label=date_format(due, "SHORT_DATE_FORMAT"),
                x_due=x(due),
                x_baseline=x(baseline) if baseline and baseline != due else None,
                state=state,
            )
        )
    months = _month_starts(first, last)
    # At most about eight labels (every n-th month), none closer than TICK_GAP to the last.
    step = max(1, -(-len(months) // 8))
    ticks: list[Tick] = []
    for month in months[::step]:
        if ticks and x(month) - ticks[-1].x < TICK_GAP:
            continue
        if x(month) < TICK_GAP / 2 or x(month) > WIDTH - TICK_GAP / 2:
            continue
        ticks.append(Tick(x(month), date_format(month, pgettext("month on an axis", "M Y"))))
    return Timeline(
        width=WIDTH,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 4,
        rows=rows,
        ticks=ticks,
        day_x=x(day) if day else None,
        day_label=date_format(day, "SHORT_DATE_FORMAT") if day else "",
    )
