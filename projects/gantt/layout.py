"""The Gantt's layout: the table's columns, each row's bar, label and baseline, the arrows between
rows, today's line, and the pages of the PDF (see the package's docstring).

A task with baseline dates has a thin grey bar under its bar (a milestone a grey diamond); a
summary task (one with dated subtasks) is a dark bracket spanning its subtasks. An arrow leaves
its predecessor at the end its link's kind names (the finish for finish-to-start and
finish-to-finish, the start for start-to-start and start-to-finish) and enters its successor at
the start (finish-to-start, start-to-start) or at the end (finish-to-finish, start-to-finish)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.formatting import day_texts
from projects.gantt import svg
from projects.gantt.scale import (
    PX_PER_DAY,
    TICK_MIN_PX_PER_DAY,
    ZOOMS,
    Scale,
    Tick,
    default_zoom,
    scale_ticks,
    shown_range,
)
from projects.gantt.text import FONT_FAMILY, LABEL_SIZE, TEXT_SIZE, text_width, wrap
from projects.selectors.tasks import Timeline, TimelineRow, outline_numbers, task_list_for

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

LINE_HEIGHT = 15.0
ROW_PAD_TOP = 8.0
ROW_PAD_BOTTOM = 8.0
ROW_MIN_HEIGHT = 34.0
# Header bands, top to bottom: the "Today" marker, the upper tier (months or years), the lower
# tier (days, weeks or months), with the column titles of the table level with the lower tier.
MARKER_BAND = 20.0
TIER_HEIGHT = 20.0
HEADER_HEIGHT = MARKER_BAND + 2 * TIER_HEIGHT
BAR_HEIGHT = 14.0
BAR_CENTER = 15.0  # from the row's top: level with the first line of the table's text
BASELINE_CENTER = 28.0
BASELINE_HEIGHT = 4.0
DIAMOND = 7.0  # half the diagonal of a milestone's diamond
BASELINE_DIAMOND = 4.5
LABEL_GAP = 6.0
CHART_PAD_RIGHT = 12.0
CELL_PAD = 8.0
NAME_MAX_WIDTH = 220.0
OWNER_MAX_WIDTH = 120.0

# Colours (SVG presentation attributes, so that the PDF draws them too; gantt.css may refine).
COLOURS = {
    "task": "#4263eb",
    "task_done": "#2b3f9e",
    "critical": "#c92a2a",
    "critical_done": "#7d1717",
    "milestone": "#212529",
    "summary": "#343a40",
    "client": "#8250df",
    "baseline": "#adb5bd",
    "baseline_edge": "#6c757d",
    "today": "#b93d0b",
    "text": "#212529",
    "muted": "#495057",
    "critical_text": "#a61e1e",
    "inside_text": "#ffffff",
    "band": "#ffffff",
    "band_alt": "#f8f9fa",
    "band_critical": "#fff5f5",
    "header": "#f1f3f5",
    "grid": "#e9ecef",
    "grid_strong": "#ced4da",
    "weekend": "#f1f3f5",
    "arrow": "#868e96",
}


# --- The pieces the template draws --------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    x: float
    width: float

    @property
    def text_x(self) -> float:
        return self.x + CELL_PAD


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    path: str
    head: str  # the arrowhead's polygon points
    kind: str = "fs"  # the link's kind: fs, ss, ff or sf


@dataclass(frozen=True)
class TodayMarker:
    x: float
    label: str
    label_x: float  # the left edge of its tag
    label_width: float

    @property
    def text_x(self) -> float:
        return self.label_x + self.label_width / 2


@dataclass
class GanttRow:
    """One task or milestone: its horizontal placement (the same on every page) and, once
    stacked, its vertical one."""

    key: str  # "t12", "m3": the same keys as the schedule table
    kind: str
    code: str
    name: str
    owner: str
    is_critical: bool
    css_class: str  # "gantt-task", "gantt-critical" or "gantt-milestone"
    name_lines: list[str]
    owner_lines: list[str]
    start_text: str
    end_text: str
    title: str  # the tooltip
    height: float
    x: float  # a bar's left edge; a milestone's centre
    width: float  # 0 for a milestone
    progress_width: float
    label: str
    label_x: float
    label_inside: bool
    baseline_x: float | None = None  # a milestone's baseline date (its diamond's centre)
    # A task's baseline bar: (left edge, width), under its bar.
    baseline_bar: tuple[float, float] | None = None
    is_summary: bool = False
    is_client: bool = False  # a task of the client's: its own colour when not critical
    # Set by _stack():
    top: float = 0.0
    index: int = 0
    cells: list[tuple[str, list[Text]]] = field(default_factory=list)

    @property
    def is_milestone(self) -> bool:
        return self.kind == "milestone"

    @property
    def has_baseline(self) -> bool:
        return self.baseline_x is not None or self.baseline_bar is not None

    @property
    def summary_points(self) -> str:
        """A summary task's bracket: a thin bar with a point down at each end."""
        if not self.is_summary:
            return ""
        top, bottom = self.bar_y + 2, self.bar_y + 8
        left, right = self.x, self.x + self.width
        tip = min(5.0, self.width / 2)
        return (
            f"{left:g},{top:g} {right:g},{top:g} {right:g},{bottom + 4:g} "
            f"{right - tip:g},{bottom:g} {left + tip:g},{bottom:g} {left:g},{bottom + 4:g}"
        )

    @property
    def label_right(self) -> float:
        return self.label_x + text_width(self.label, LABEL_SIZE)

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def center(self) -> float:
        return self.top + BAR_CENTER

    @property
    def bar_y(self) -> float:
        return self.center - BAR_HEIGHT / 2

    @property
    def label_y(self) -> float:
        return self.center + LABEL_SIZE * 0.36

    @property
    def right(self) -> float:
        return self.x + (DIAMOND if self.is_milestone else self.width)

    @property
    def diamond(self) -> str:
        return _diamond(self.x, self.center, DIAMOND)

    @property
    def baseline_y(self) -> float:
        return self.top + BASELINE_CENTER - BASELINE_HEIGHT / 2

    @property
    def baseline_diamond(self) -> str:
        if self.baseline_x is None:
            return ""
        return _diamond(self.baseline_x, self.top + BASELINE_CENTER, BASELINE_DIAMOND)

    @property
    def slip_line(self) -> tuple[float, float, float] | None:
        """(x1, x2, y) of the dotted line from a milestone's baseline to its date, if moved."""
        if not self.is_milestone or self.baseline_x is None or self.baseline_x == self.x:
            return None
        return (self.baseline_x, self.x, self.top + BASELINE_CENTER)

    @property
    def fill(self) -> str:
        if self.is_summary:
            return COLOURS["summary"]
        if self.is_client and not self.is_critical:
            return COLOURS["client"]
        return COLOURS["critical" if self.is_critical else "task"]

    @property
    def done_fill(self) -> str:
        return COLOURS["critical_done" if self.is_critical else "task_done"]

    @property
    def label_fill(self) -> str:
        if self.label_inside:
            return COLOURS["inside_text"]
        return COLOURS["critical_text" if self.is_critical else "text"]

    @property
    def band(self) -> str:
        if self.is_critical:
            return COLOURS["band_critical"]
        return COLOURS["band_alt"] if self.index % 2 else COLOURS["band"]

    @property
    def icon(self) -> str:
        """The small diamond in the code column of a milestone."""
        return _diamond(CELL_PAD + 5, self.top + ROW_PAD_TOP + 7, 5) if self.is_milestone else ""

    def place_cells(self, columns: Sequence[Column]) -> None:
        """The table's cells: (column key, its lines placed)."""
        first = self.top + ROW_PAD_TOP + TEXT_SIZE * 0.92
        by_key = {column.key: column for column in columns}
        cells = {
            "code": [self.code] if self.code else [],
            "name": self.name_lines,
            "owner": self.owner_lines,
            "start": [self.start_text],
            "end": [self.end_text],
        }
        self.cells = [
            (
                key,
                [
                    Text(by_key[key].x + CELL_PAD, first + index * LINE_HEIGHT, line)
                    for index, line in enumerate(lines)
                ],
            )
            for key, lines in cells.items()
        ]


def _diamond(cx: float, cy: float, half: float) -> str:
    return f"{cx:g},{cy - half:g} {cx + half:g},{cy:g} {cx:g},{cy + half:g} {cx - half:g},{cy:g}"


@dataclass
class Gantt:
    """A laid-out chart: `rows` in order with their tops, the table's `columns`, the time
    scale's `ticks` (two tiers), the arrows of the dependencies, today's marker."""

    zoom: str
    zooms: tuple[str, ...]
    rows: list[GanttRow]
    columns: list[Column]
    table_width: float
    chart_width: float
    height: float
    upper_ticks: list[Tick]
    lower_ticks: list[Tick]
    arrows: list[Arrow] = field(default_factory=list)
    today: TodayMarker | None = None
    scale: float = 1.0  # the PDF shrinks the drawing to the page

    @property
    def table_rows_svg(self) -> SafeString:
        return svg.table_rows(self)

    @property
    def bands_svg(self) -> SafeString:
        return svg.bands(self)

    @property
    def bars_svg(self) -> SafeString:
        return svg.bars(self)

    @property
    def lower_ticks_svg(self) -> SafeString:
        return svg.lower_ticks(self)

    @property
    def upper_ticks_svg(self) -> SafeString:
        return svg.upper_ticks(self)

    @property
    def arrows_svg(self) -> SafeString:
        return svg.arrows(self)

    @property
    def header_height(self) -> float:
        return HEADER_HEIGHT

    @property
    def has_baseline(self) -> bool:
        return any(row.has_baseline for row in self.rows)

    @property
    def has_milestone(self) -> bool:
        return any(row.is_milestone for row in self.rows)

    @property
    def font_family(self) -> str:
        return FONT_FAMILY

    @property
    def colours(self) -> dict[str, str]:
        return COLOURS

    @property
    def zoom_links(self) -> list[tuple[str, str, bool]]:
        """(value, label, current) for the zoom buttons."""
        labels = {
            "day": pgettext("gantt zoom", "Day"),
            "week": pgettext("gantt zoom", "Week"),
            "month": pgettext("gantt zoom", "Month"),
        }
        return [(zoom, labels[zoom], zoom == self.zoom) for zoom in self.zooms]

    @property
    def rows_top(self) -> float:
        return HEADER_HEIGHT

    @property
    def upper_tier_y(self) -> float:
        return MARKER_BAND

    @property
    def lower_tier_y(self) -> float:
        return MARKER_BAND + TIER_HEIGHT

    @property
    def upper_label_y(self) -> float:
        return MARKER_BAND + TIER_HEIGHT / 2 + LABEL_SIZE * 0.36

    @property
    def lower_label_y(self) -> float:
        return MARKER_BAND + TIER_HEIGHT * 1.5 + LABEL_SIZE * 0.36

    @property
    def marker_label_y(self) -> float:
        return MARKER_BAND / 2 + LABEL_SIZE * 0.36

    @property
    def width(self) -> float:
        return self.table_width + self.chart_width

    @property
    def table_view_width(self) -> float:
        return self.table_width * self.scale

    @property
    def chart_view_width(self) -> float:
        return self.chart_width * self.scale

    @property
    def view_height(self) -> float:
        return self.height * self.scale


# --- Rows ---------------------------------------------------------------------------------------


def outline_numbers_for(*, user: User, project: Project) -> dict[int, str]:
    """The outline number ("1", "1.2", ...) of each task the user may see, over those tasks
    only (siblings by position, then id; a task under one the user may not see counts as a top
    task): the staff see the WBS numbers of the tasks page, a client a numbering without gaps
    that says nothing of the internal tasks. One query."""
    return outline_numbers(task_list_for(user=user, project=project).values_list("pk", "parent_id"))


@dataclass(frozen=True)
class _Words:
    """The days and sentences of the rows' labels and titles in the active language, looked up
    once for a layout (a Gantt writes several for each of hundreds of rows)."""

    short: Callable[[date], str]
    milestone_baseline: str
    critical: str
    slack: str
    due_baseline: str
    due: str
    span: str
    baseline_span: str

    @classmethod
    def active(cls) -> _Words:
        return cls(
            short=day_texts(),
            milestone_baseline=_("%(name)s (baseline %(date)s)"),
            critical=_("%(name)s · critical"),
            slack=_("%(name)s · slack %(days)d d"),
            due_baseline=_("Due %(date)s, baseline %(baseline)s"),
            due=_("Due %(date)s"),
            span=_("%(start)s – %(end)s · slack %(days)d days"),
            baseline_span=_("baseline %(start)s – %(end)s"),
        )


def _label(row: TimelineRow, words: _Words) -> str:
    if row.kind == "milestone":
        if row.baseline is not None and row.baseline != row.end:
            return words.milestone_baseline % {"name": row.name, "date": words.short(row.baseline)}
        return row.name
    if row.is_critical:
        return words.critical % {"name": row.name}
    slack = row.schedule.slack if row.schedule else 0
    return words.slack % {"name": row.name, "days": slack}


def _title(row: TimelineRow, words: _Words) -> str:
    short = words.short
    if row.kind == "milestone":
        if row.baseline is not None:
            detail = words.due_baseline % {
                "date": short(row.end),
                "baseline": short(row.baseline),
            }
        else:
            detail = words.due % {"date": short(row.end)}
    else:
        detail = words.span % {
            "start": short(row.start),
            "end": short(row.end),
            "days": row.schedule.slack if row.schedule else 0,
        }
        if row.has_baseline_bar:
            detail += " · " + words.baseline_span % {
                "start": short(row.baseline_start),  # type: ignore[arg-type]
                "end": short(row.baseline),  # type: ignore[arg-type]
            }
    return f"{row.name}: {detail}"


def _columns(rows: Sequence[TimelineRow], codes: dict[str, str], words: _Words) -> list[Column]:
    """The table's columns, each as wide as its widest cell (names and owners up to a maximum,
    beyond which they wrap)."""
    titles = {
        "code": _("WBS"),
        "name": _("Task"),
        "owner": _("Owner"),
        "start": _("Start"),
        "end": _("End"),
    }
    cells: dict[str, list[str]] = {
        "code": [codes.get(row.key, "") for row in rows],
        "name": [row.name for row in rows],
        "owner": [row.assignee for row in rows],
        "start": [words.short(row.start) for row in rows],
        "end": [words.short(row.end) for row in rows],
    }
    limits = {"name": NAME_MAX_WIDTH, "owner": OWNER_MAX_WIDTH}
    columns = []
    x = 0.0
    for key, title in titles.items():
        widest = max(
            [text_width(title, LABEL_SIZE)] + [text_width(text, TEXT_SIZE) for text in cells[key]]
        )
        if key == "code":
            widest = max(widest, 12.0)  # the milestone's diamond
        width = min(widest, limits.get(key, widest)) + 2 * CELL_PAD
        columns.append(Column(key=key, title=title, x=x, width=math.ceil(width)))
        x += math.ceil(width)
    return columns


def _place(
    row: TimelineRow, scale: Scale, columns: Sequence[Column], code: str, words: _Words
) -> GanttRow:
    widths = {column.key: column.width - 2 * CELL_PAD for column in columns}
    name_lines = wrap(row.name, widths["name"], TEXT_SIZE)
    owner_lines = wrap(row.assignee, widths["owner"], TEXT_SIZE) if row.assignee else []
    lines = max(len(name_lines), len(owner_lines), 1)
    height = max(ROW_MIN_HEIGHT, ROW_PAD_TOP + lines * LINE_HEIGHT + ROW_PAD_BOTTOM)
    label = _label(row, words)
    label_width = text_width(label, LABEL_SIZE)
    baseline_x: float | None = None
    baseline_bar: tuple[float, float] | None = None
    if row.kind == "task" and row.baseline_start is not None and row.baseline is not None:
        left = scale.x(row.baseline_start)
        right = scale.x(row.baseline + timedelta(days=1))
        baseline_bar = (left, max(right - left, 2.0))
    if row.kind == "milestone":
        x = scale.x(row.end) + scale.px_per_day / 2
        width = 0.0
        progress_width = 0.0
        if row.baseline is not None:
            baseline_x = scale.x(row.baseline) + scale.px_per_day / 2
        label_inside = False
        label_x = max(x, baseline_x or x) + DIAMOND + LABEL_GAP
        css_class = "gantt-milestone"
    else:
        x = scale.x(row.start)
        width = max(scale.x(row.end + timedelta(days=1)) - x, 2.0)
        progress_width = round(width * max(0, min(row.progress, 100)) / 100, 2)
        label_inside = label_width + 2 * LABEL_GAP <= width
        label_x = x + LABEL_GAP if label_inside else x + width + LABEL_GAP
        css_class = "gantt-critical" if row.is_critical else "gantt-task"
        if row.client_owned:
            css_class += " gantt-client"
        if row.is_summary:
            css_class += " gantt-summary"
            label_inside = False
            label_x = x + width + LABEL_GAP
    return GanttRow(
        key=row.key,
        kind=row.kind,
        code=code,
        name=row.name,
        owner=row.assignee,
        is_critical=row.is_critical,
        css_class=css_class,
        name_lines=name_lines,
        owner_lines=owner_lines,
        start_text=words.short(row.start),
        end_text=words.short(row.end),
        title=_title(row, words),
        height=height,
        x=x,
        width=width,
        progress_width=progress_width,
        label=label,
        label_x=label_x,
        label_inside=label_inside,
        baseline_x=baseline_x,
        baseline_bar=baseline_bar,
        is_summary=row.is_summary,
        is_client=row.client_owned,
    )


def _stack(rows: Sequence[GanttRow], columns: Sequence[Column]) -> list[GanttRow]:
    """The rows one under the other below the header (each row is on one page only)."""
    top = HEADER_HEIGHT
    for index, row in enumerate(rows):
        row.top, row.index = top, index
        row.place_cells(columns)
        top += row.height
    return list(rows)


def _arrows(
    rows: Sequence[GanttRow], predecessors: dict[str, list[tuple[str, str]]]
) -> list[Arrow]:
    """Arrows between rows on the same page, each (source key, kind) of `predecessors`: down
    from near the predecessor's finish (finish-to-start, finish-to-finish) or start
    (start-to-start, start-to-finish), then into the successor's start from the left
    (finish-to-start, start-to-start) or its finish from the right (finish-to-finish,
    start-to-finish), around it when the way is blocked."""
    by_key = {row.key: row for row in rows}
    arrows = []
    for target_key, sources in predecessors.items():
        target = by_key.get(target_key)
        if target is None:
            continue
        for source_key, kind in sources:
            source = by_key.get(source_key)
            if source is None:
                continue
            inset = min(6.0, source.width / 2)
            from_start = kind in ("ss", "sf")
            x0 = source.x + inset if from_start else source.x + source.width - inset
            y0 = source.center + BAR_HEIGHT / 2
            y1 = target.center
            turn = target.top if target.top > source.top else target.bottom
            if kind in ("ff", "sf"):
                x1 = target.x + target.width
                if x0 - 6 >= x1:
                    path = f"M{x0:g},{y0:g} V{y1:g} H{x1 + 1:g}"
                else:
                    path = f"M{x0:g},{y0:g} V{turn:g} H{x1 + 8:g} V{y1:g} H{x1 + 1:g}"
                head = f"{x1:g},{y1:g} {x1 + 5:g},{y1 - 3.5:g} {x1 + 5:g},{y1 + 3.5:g}"
            else:
                x1 = target.x
                if x1 - 6 >= x0:
                    path = f"M{x0:g},{y0:g} V{y1:g} H{x1 - 1:g}"
                else:
                    path = f"M{x0:g},{y0:g} V{turn:g} H{x1 - 8:g} V{y1:g} H{x1 - 1:g}"
                head = f"{x1:g},{y1:g} {x1 - 5:g},{y1 - 3.5:g} {x1 - 5:g},{y1 + 3.5:g}"
            arrows.append(
                Arrow(source=source_key, target=target_key, path=path, head=head, kind=kind)
            )
    return arrows


@dataclass
class _Plan:
    """The horizontal layout, shared by every page of the PDF."""

    zoom: str
    rows: list[GanttRow]
    columns: list[Column]
    scale: Scale
    upper: list[Tick]
    lower: list[Tick]
    today: TodayMarker | None
    chart_width: float
    predecessors: dict[str, list[tuple[str, str]]]

    def page(self, rows: Sequence[GanttRow], *, scale: float = 1.0) -> Gantt:
        stacked = _stack(rows, self.columns)
        return Gantt(
            zoom=self.zoom,
            zooms=ZOOMS,
            rows=stacked,
            columns=self.columns,
            table_width=sum(column.width for column in self.columns),
            chart_width=self.chart_width,
            height=(stacked[-1].bottom if stacked else HEADER_HEIGHT) + 1,
            upper_ticks=self.upper,
            lower_ticks=self.lower,
            arrows=_arrows(stacked, self.predecessors),
            today=self.today,
            scale=scale,
        )


def _plan(
    timeline: Timeline,
    *,
    codes: dict[int, str],
    zoom: str | None,
    today: date,
    fit_width: float | None = None,
) -> _Plan | None:
    rows = timeline.rows
    if not rows:
        return None
    dates = [
        day for row in rows for day in (row.start, row.end, row.baseline, row.baseline_start) if day
    ]
    first, last = min(dates), max(dates)
    chosen = zoom if zoom in ZOOMS else default_zoom(first, last)
    origin, end = shown_range(first, last, chosen)
    px_per_day = PX_PER_DAY[chosen]
    days = (end - origin).days
    keyed_codes = {f"t{pk}": number for pk, number in codes.items()}
    words = _Words.active()
    columns = _columns(rows, keyed_codes, words)
    if fit_width is not None:
        room = fit_width - sum(column.width for column in columns)
        px_per_day = max(min(px_per_day, room / days), 0.5)
    scale = Scale(origin=origin, end=end, px_per_day=px_per_day)
    placed = [_place(row, scale, columns, keyed_codes.get(row.key, ""), words) for row in rows]
    # Shrunk to fit a page, the scale is ticked as the zoom its pixels per day now match.
    ticked = next((name for name in ZOOMS if px_per_day >= TICK_MIN_PX_PER_DAY[name]), "month")
    upper, lower = scale_ticks(scale, ticked if px_per_day < PX_PER_DAY[chosen] else chosen)
    chart_width = max([scale.width] + [row.label_right for row in placed]) + CHART_PAD_RIGHT
    marker = None
    if origin <= today < end:
        x = scale.x(today) + px_per_day / 2
        label = _("Today")
        label_width = text_width(label, LABEL_SIZE) + 10
        chart_width = max(chart_width, x + label_width / 2 + 2)
        marker = TodayMarker(
            x=x, label=label, label_x=max(x - label_width / 2, 0.0), label_width=label_width
        )
    predecessors = {
        row.key: [(f"t{pk}", row.link_kinds.get(pk, "fs")) for pk in row.predecessors]
        for row in rows
        if row.predecessors
    }
    return _Plan(
        zoom=chosen,
        rows=placed,
        columns=columns,
        scale=scale,
        upper=upper,
        lower=lower,
        today=marker,
        chart_width=math.ceil(chart_width),
        predecessors=predecessors,
    )


def gantt_layout(
    timeline: Timeline, *, codes: dict[int, str], zoom: str | None, today: date
) -> Gantt | None:
    """The chart of `timeline` for a page (None when nothing is dated). `codes`: the outline
    number of each task (outline_numbers_for); `zoom`: one of ZOOMS, else chosen from the span."""
    plan = _plan(timeline, codes=codes, zoom=zoom, today=today)
    return plan.page(plan.rows) if plan else None


def gantt_pages(
    timeline: Timeline,
    *,
    codes: dict[int, str],
    zoom: str | None,
    today: date,
    width: float,
    height: float,
    first_height: float,
) -> list[Gantt]:
    """The chart cut into pages `width` px wide and `height` px high (the first `first_height`,
    under the title), the time scale repeated on each: the time scale is shrunk to fit the
    width where it can, and the drawing scaled down when it still does not fit."""
    plan = _plan(timeline, codes=codes, zoom=zoom, today=today, fit_width=width)
    if plan is None:
        return []
    table_width = sum(column.width for column in plan.columns)
    scale = min(1.0, width / (table_width + plan.chart_width))
    pages: list[list[GanttRow]] = [[]]
    used = HEADER_HEIGHT
    room = first_height
    for row in plan.rows:
        if pages[-1] and (used + row.height) * scale > room:
            pages.append([])
            used, room = HEADER_HEIGHT, height
        pages[-1].append(row)
        used += row.height
    return [plan.page(rows, scale=scale) for rows in pages]
