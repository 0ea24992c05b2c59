"""The Gantt chart of a project's timeline, laid out on the server and drawn as inline SVG by
projects/_gantt.html (no script: the page carries the finished drawing).

The chart has two parts with the same rows: a table on the left (outline number, name, owner,
start, end; long names wrap, they are never cut) and the bars on a time scale on the right. The
time scale has three zooms (day, week, month): each sets the pixels per calendar day and the
ticks. A task is a bar from the start of its first day to the end of its last; a milestone a
diamond in the middle of its day. A bar's label goes inside the bar when it fits, else right of
it, and the chart is widened so that no label runs off its edge.

Text widths are estimated from the characters (Latin letters, digits, CJK ideographs), on the
generous side: an estimate too wide wraps a name a little early or puts a label outside a bar it
might have fitted in, never cuts text. Every position is in CSS pixels; the PDF scales the SVG.

Modules: `text` (measure and wrap), `scale` (zooms and ticks), `layout` (rows, pages).
"""

from projects.gantt.layout import Gantt, GanttRow, gantt_layout, gantt_pages, outline_numbers_for
from projects.gantt.scale import PX_PER_DAY, ZOOMS, default_zoom
from projects.gantt.text import LABEL_SIZE, TEXT_SIZE, text_width, wrap

__all__ = [
    "LABEL_SIZE",
    "PX_PER_DAY",
    "TEXT_SIZE",
    "ZOOMS",
    "Gantt",
    "GanttRow",
    "default_zoom",
    "gantt_layout",
    "gantt_pages",
    "outline_numbers_for",
    "text_width",
    "wrap",
]
