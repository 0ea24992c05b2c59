"""The periods a scorecard is measured over: calendar quarters (the default) or months, in the
current time zone, the last of them the one holding today (still running: its figures count
what has happened so far)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

QUARTER, MONTH = "quarter", "month"
KINDS = (QUARTER, MONTH)
MIN_PERIODS, MAX_PERIODS, DEFAULT_PERIODS = 4, 8, 4


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive: the first day of the next period

    @property
    def key(self) -> str:
        if self.kind == QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return f"{self.start:%Y-%m}"

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def status_date(self, today: date) -> date:
        """The day its figures stand at: its last day, or today while it runs."""
        return min(self.last_day(), today)

    def holds_at(self, field: str) -> Q:
        """The rows whose date-time `field` falls in the period."""
        return Q(**{f"{field}__gte": self.start_at, f"{field}__lt": self.end_at})

    def holds_on(self, field: str) -> Q:
        """The rows whose date `field` falls in the period."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def _months(kind: str) -> int:
    return 3 if kind == QUARTER else 1


def _shift(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(day: date, kind: str = QUARTER) -> Period:
    months = _months(kind)
    start = date(day.year, (day.month - 1) // months * months + 1, 1)
    return Period(kind=kind, start=start, end=_shift(start, months))


def recent_periods(
    *, kind: str = QUARTER, count: int = DEFAULT_PERIODS, today: date | None = None
) -> list[Period]:
    """The `count` periods up to the one holding today, oldest first."""
    today = today or timezone.localdate()
    last = period_containing(today, kind)
    months = _months(kind)
    return [
        Period(
            kind=kind,
            start=_shift(last.start, -months * back),
            end=_shift(last.start, -months * (back - 1)),
        )
        for back in range(count - 1, -1, -1)
    ]


_KEY = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))$")


def period_from_key(key: str) -> Period | None:
    """`2026Q3` or `2026-07`, or None."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    year = int(match["year"])
    if match["quarter"]:
        return period_containing(date(year, (int(match["quarter"]) - 1) * 3 + 1, 1), QUARTER)
    return period_containing(date(year, int(match["month"]), 1), MONTH)


@dataclass(frozen=True)
class PeriodChoice:
    """What the person asked for (`?by=quarter&periods=6`), with the reasons it was refused."""

    kind: str
    count: int
    errors: dict[str, str]

    @classmethod
    def from_query(cls, query: dict[str, str]) -> PeriodChoice:
        errors: dict[str, str] = {}
        kind = query.get("by") or QUARTER
        if kind not in KINDS:
            errors["by"] = _("Choose quarters or months.")
            kind = QUARTER
        raw = query.get("periods") or str(DEFAULT_PERIODS)
        try:
            count = int(raw)
        except ValueError:
            count = 0
        if not MIN_PERIODS <= count <= MAX_PERIODS:
            errors["periods"] = _("Show between %(min)s and %(max)s periods.") % {
                "min": MIN_PERIODS,
                "max": MAX_PERIODS,
            }
            count = DEFAULT_PERIODS
        return cls(kind=kind, count=count, errors=errors)

    def periods(self, today: date | None = None) -> list[Period]:
        return recent_periods(kind=self.kind, count=self.count, today=today)
