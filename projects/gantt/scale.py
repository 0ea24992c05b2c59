"""The Gantt's time scale: the zooms (pixels per calendar day), the span shown around a plan,
and the ticks of the two header tiers."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from common.formatting import day_texts
from projects.gantt.text import LABEL_SIZE, text_width

ZOOMS = ("day", "week", "month")
# Calendar days a zoom shows at most by default (the span of the plan chooses the zoom).
DEFAULT_ZOOM_MAX_DAYS = {"day": 42, "week": 210}
PX_PER_DAY = {"day": 26.0, "week": 8.0, "month": 3.0}
# The fewest pixels per day at which a zoom's ticks are drawn (a page shrinks the scale to fit).
TICK_MIN_PX_PER_DAY = {"day": 14.0, "week": 2.5, "month": 0.0}


@dataclass(frozen=True)
class Tick:
    x: float
    width: float
    label: str  # "" when there is no room for it
    label_x: float
    is_boundary: bool = False  # a month (or year) starts here
    is_weekend: bool = False


# --- Time scale ---------------------------------------------------------------------------------


def default_zoom(first: date, last: date) -> str:
    """The zoom that shows a plan of this span best: days for up to six weeks, weeks for up to
    seven months, months beyond."""
    span = (last - first).days + 1
    for zoom in ("day", "week"):
        if span <= DEFAULT_ZOOM_MAX_DAYS[zoom]:
            return zoom
    return "month"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def shown_range(first: date, last: date, zoom: str) -> tuple[date, date]:
    """The first day shown and the day after the last, whole days, weeks or months around the
    plan (a day's margin each side in the day zoom)."""
    if zoom == "day":
        return first - timedelta(days=1), last + timedelta(days=2)
    if zoom == "week":
        monday = first - timedelta(days=first.weekday())
        return monday, last + timedelta(days=7 - last.weekday())
    return month_start(first), next_month(last)


@dataclass(frozen=True)
class Scale:
    origin: date
    end: date  # the day after the last shown
    px_per_day: float

    def x(self, day: date) -> float:
        return round((day - self.origin).days * self.px_per_day, 2)

    @property
    def width(self) -> float:
        return self.x(self.end)


def ticks(
    starts: Iterable[date],
    scale: Scale,
    label: str,
    *,
    boundaries: bool = False,
    short_label: str = "",
    weekends: bool = False,
) -> list[Tick]:
    """Ticks from each of `starts` to the next (the last to the scale's end), labelled with the
    date format `label`. Boundaries (months, years) carry their label at their left, in the
    `short_label` format when the long one does not fit, or none. Other ticks are labelled in
    their middle; when their labels are wider than they are, only every k-th is labelled,
    centred over the k ticks."""
    days = [day for day in starts if scale.origin <= day < scale.end]
    if not days or days[0] != scale.origin:
        days.insert(0, scale.origin)
    spans = [
        (day, scale.x(day), scale.x(following) - scale.x(day))
        for day, following in zip(days, [*days[1:], scale.end], strict=True)
    ]
    written, written_short = day_texts(label), day_texts(short_label) if short_label else None
    texts = [written(day) for day, _x, _w in spans]
    step = 1
    if not boundaries:
        widest = max(text_width(text, LABEL_SIZE) for text in texts) + 6
        narrowest = min(width for _day, _x, width in spans)
        step = max(1, math.ceil(widest / max(narrowest, 0.01)))
    ticks = []
    for index, ((day, x, width), text) in enumerate(zip(spans, texts, strict=True)):
        shown = ""
        label_x = x + 4
        if boundaries:
            for candidate in (text, written_short(day) if written_short else ""):
                if candidate and text_width(candidate, LABEL_SIZE) + 8 <= width:
                    shown = candidate
                    break
        elif index % step == 0:
            room = sum(span[2] for span in spans[index : index + step])
            if text_width(text, LABEL_SIZE) + 6 <= room:
                shown = text
                label_x = x + room / 2
        ticks.append(
            Tick(
                x=x,
                width=width,
                label=shown,
                label_x=label_x,
                is_boundary=boundaries or day.day == 1,
                is_weekend=weekends and day.weekday() >= 5,
            )
        )
    return ticks


def scale_ticks(scale: Scale, zoom: str) -> tuple[list[Tick], list[Tick]]:
    months: list[date] = []
    month = month_start(scale.origin)
    while month < scale.end:
        months.append(month)
        month = next_month(month)
    if zoom == "month":
        years = [date(year, 1, 1) for year in range(scale.origin.year, scale.end.year + 1)]
        return ticks(years, scale, "Y", boundaries=True), ticks(months, scale, "M")
    upper = ticks(months, scale, "YEAR_MONTH_FORMAT", boundaries=True, short_label="M")
    if zoom == "week":
        monday = scale.origin + timedelta(days=(7 - scale.origin.weekday()) % 7)
        mondays = [
            monday + timedelta(weeks=index) for index in range((scale.end - monday).days // 7 + 1)
        ]
        return upper, ticks(mondays, scale, "j")
    days = [
        scale.origin + timedelta(days=index) for index in range((scale.end - scale.origin).days)
    ]
    return upper, ticks(days, scale, "j", weekends=True)
