"""The Gantt's rows as SVG, written in Python: the table's rows, the chart's bands and its bars,
the three parts of projects/_gantt.html drawn once per row, and its time scale's ticks and the
arrows of its links, drawn once per tick and per link. A template loop spent most of the
page there (a hundred rows, a dozen values each, every one looked up and escaped by the
template engine); these write the same markup, value for value, with the numbers as the
template writes them under `{% localize off %}` and every text escaped."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from common.markup import escaped

if TYPE_CHECKING:
    from projects.gantt.layout import Gantt


def _n(value: Any) -> str:
    """A number as `{{ value }}` writes it with localisation off."""
    if type(value) is int:
        return str(value)
    if type(value) is float:
        text = repr(value)
        if "e" not in text and "n" not in text:  # not 1e-05, nan or inf
            return text
    return str(localize(value, use_l10n=False))


def _t(value: Any) -> str:
    """A text as `{{ value }}` writes it: escaped."""
    return escaped(value)


def table_rows(gantt: Gantt) -> SafeString:
    """Each row of the table on the left: its band, its critical mark or milestone icon, its
    cells' lines and its rule."""
    colours = gantt.colours
    width = _n(gantt.table_width)
    parts: list[str] = []
    for row in gantt.rows:
        top, height, critical = _n(row.top), _n(row.height), row.is_critical
        parts.append(
            f'<g class="gantt-row{" gantt-row-critical" if critical else ""}" '
            f'data-key="{_t(row.key)}">\n'
            f'    <rect x="0" y="{top}" width="{width}" height="{height}" fill="{_t(row.band)}"/>\n'
            "    "
        )
        if critical:
            parts.append(
                f'<rect x="0" y="{top}" width="3" height="{height}" '
                f'fill="{_t(colours["critical"])}"/>'
            )
        parts.append("\n    ")
        if row.is_milestone:
            parts.append(f'<polygon points="{_t(row.icon)}" fill="{_t(colours["milestone"])}"/>')
        parts.append("\n    ")
        for key, lines in row.cells:
            if key == "code":
                paint = f' fill="{_t(colours["critical_text" if critical else "muted"])}"'
            elif key == "name":
                paint = f' fill="{_t(colours["text"])}"'
                if critical or row.is_milestone:
                    paint += ' font-weight="bold"'
            else:
                paint = f' fill="{_t(colours["muted"])}"'
            parts.extend(
                f'<text class="gantt-cell gantt-cell-{_t(key)}" x="{_n(line.x)}" '
                f'y="{_n(line.y)}"{paint}>{_t(line.text)}</text>'
                for line in lines
            )
        bottom = _n(row.bottom)
        parts.append(
            f'\n    <line x1="0" x2="{width}" y1="{bottom}" y2="{bottom}" '
            f'stroke="{_t(colours["grid"])}"/>\n  </g>\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def bands(gantt: Gantt) -> SafeString:
    """Each row's band across the chart."""
    width = _n(gantt.chart_width)
    return mark_safe(  # noqa: S308  (every value is escaped)
        "".join(
            f'<rect x="0" y="{_n(row.top)}" width="{width}" height="{_n(row.height)}" '
            f'fill="{_t(row.band)}"/>\n  '
            for row in gantt.rows
        )
    )


def bars(gantt: Gantt) -> SafeString:
    """Each row's drawing on the chart: its tooltip, a milestone's diamond (with its baseline
    and the line of its slip), a task's bar (with its baseline bar and its progress) or a
    summary's bracket, and its label."""
    colours = gantt.colours
    parts: list[str] = []
    for row in gantt.rows:
        parts.append(
            f'<g class="bar-wrapper {_t(row.css_class)}" data-id="{_t(row.key)}">\n'
            f"    <title>{_t(row.title)}</title>\n    "
        )
        if row.is_milestone:
            if row.has_baseline:
                slip = row.slip_line
                if slip:
                    parts.append(
                        f'<line class="gantt-slip" x1="{_n(slip[0])}" x2="{_n(slip[1])}" '
                        f'y1="{_n(slip[2])}" y2="{_n(slip[2])}" '
                        f'stroke="{_t(colours["baseline_edge"])}" stroke-dasharray="2 2"/>'
                    )
                parts.append(
                    f'\n    <polygon class="gantt-baseline" points="{_t(row.baseline_diamond)}" '
                    f'fill="{_t(colours["baseline"])}" stroke="{_t(colours["baseline_edge"])}"/>'
                )
            parts.append(
                f'\n    <polygon class="gantt-diamond" points="{_t(row.diamond)}" '
                f'fill="{_t(colours["milestone"])}"/>\n    '
            )
        else:
            if row.baseline_bar:
                parts.append(
                    '<rect class="gantt-baseline-bar" data-testid="gantt-baseline-bar" '
                    f'x="{_n(row.baseline_bar[0])}" y="{_n(row.baseline_y)}" '
                    f'width="{_n(row.baseline_bar[1])}" height="4" rx="1" '
                    f'fill="{_t(colours["baseline"])}" stroke="{_t(colours["baseline_edge"])}" '
                    'stroke-width="0.5"/>'
                )
            parts.append("\n    ")
            if row.is_summary:
                parts.append(
                    '<polygon class="gantt-summary-bar" data-testid="gantt-summary-bar" '
                    f'points="{_t(row.summary_points)}" fill="{_t(row.fill)}"/>'
                )
            else:
                x, y = _n(row.x), _n(row.bar_y)
                parts.append(
                    f'<rect class="gantt-bar" x="{x}" y="{y}" width="{_n(row.width)}" '
                    f'height="14" rx="3" fill="{_t(row.fill)}"/>\n    '
                )
                if row.progress_width:
                    parts.append(
                        f'<rect class="gantt-progress" x="{x}" y="{y}" '
                        f'width="{_n(row.progress_width)}" height="14" rx="3" '
                        f'fill="{_t(row.done_fill)}"/>'
                    )
            parts.append("\n    ")
        bold = ' font-weight="bold"' if row.is_critical or row.is_milestone else ""
        parts.append(
            f'<text class="gantt-label{" gantt-label-inside" if row.label_inside else ""}" '
            f'x="{_n(row.label_x)}" y="{_n(row.label_y)}" fill="{_t(row.label_fill)}"{bold}>'
            f"{_t(row.label)}</text>\n  </g>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def lower_ticks(gantt: Gantt) -> SafeString:
    """The lower tier of the time scale: each tick's weekend shade, its line and its label."""
    colours = gantt.colours
    top, height, tier = _n(gantt.rows_top), _n(gantt.height), _n(gantt.lower_tier_y)
    weekend, strong, grid = _t(colours["weekend"]), _t(colours["grid_strong"]), _t(colours["grid"])
    label = _tick_label('class="gantt-tick"', gantt.lower_label_y, 'text-anchor="middle"', "muted")
    parts: list[str] = []
    for tick in gantt.lower_ticks:
        x = _n(tick.x)
        if tick.is_weekend:
            parts.append(
                f'<rect class="gantt-weekend" x="{x}" y="{top}" width="{_n(tick.width)}" '
                f'height="{height}" fill="{weekend}" fill-opacity="0.7"/>'
            )
        parts.append(
            f'\n  <line x1="{x}" x2="{x}" y1="{tier}" y2="{height}" '
            f'stroke="{strong if tick.is_boundary else grid}"/>\n  {label(tick, colours)}\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value is escaped)


def upper_ticks(gantt: Gantt) -> SafeString:
    """The upper tier of the time scale: each tick's line and its label."""
    colours = gantt.colours
    height, tier, strong = _n(gantt.height), _n(gantt.upper_tier_y), _t(colours["grid_strong"])
    label = _tick_label(
        'class="gantt-tick gantt-tick-upper"', gantt.upper_label_y, 'font-weight="bold"', "text"
    )
    return mark_safe(  # noqa: S308  (every value is escaped)
        "".join(
            f'<line x1="{_n(tick.x)}" x2="{_n(tick.x)}" y1="{tier}" y2="{height}" '
            f'stroke="{strong}"/>\n  {label(tick, colours)}\n  '
            for tick in gantt.upper_ticks
        )
    )


def _tick_label(css: str, y: float, look: str, colour: str) -> Callable[[Any, dict[str, str]], str]:
    """How a tier writes a tick's label (nothing for a tick without one)."""
    label_y = _n(y)

    def label(tick: Any, colours: dict[str, str]) -> str:
        if not tick.label:
            return ""
        return (
            f'<text {css} x="{_n(tick.label_x)}" y="{label_y}" {look} '
            f'fill="{_t(colours[colour])}">{_t(tick.label)}</text>'
        )

    return label


def arrows(gantt: Gantt) -> SafeString:
    """The arrows of the links between rows: each one's path and head."""
    colour = _t(gantt.colours["arrow"])
    return mark_safe(  # noqa: S308  (every value is escaped)
        "".join(
            f'<path class="gantt-arrow" data-from="{_t(arrow.source)}" '
            f'data-to="{_t(arrow.target)}" data-kind="{_t(arrow.kind)}" d="{_t(arrow.path)}" '
            f'fill="none" stroke="{colour}" stroke-width="1.2"/><polygon class="gantt-arrow-head" '
            f'points="{_t(arrow.head)}" fill="{colour}"/>\n  '
            for arrow in gantt.arrows
        )
    )
