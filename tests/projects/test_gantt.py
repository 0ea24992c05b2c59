"""The Gantt of the timeline pages and its PDF (projects.gantt, projects/_gantt.html,
projects.views.timeline): the layout per zoom, labels that are never cut, baselines, the critical
path, today's line in the reader's language, the portal's client-visible part only, and a
constant number of queries."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from projects.gantt import (
    LABEL_SIZE,
    PX_PER_DAY,
    default_zoom,
    gantt_layout,
    gantt_pages,
    text_width,
    wrap,
)
from projects.models import Visibility
from projects.scheduling import ScheduledTask
from projects.selectors.tasks import Timeline, TimelineRow
from projects.services.milestones import milestone_create, milestone_update
from projects.services.tasks import dependency_add, task_create
from tests.helpers import count_queries, logged_in

START = date(2027, 1, 4)  # a Monday
TODAY = date(2027, 1, 6)
LONG_NAME = (
    "Migrate the warehouse handhelds to the offline cache, with conflict resolution and a "
    "rollback plan agreed with the client's operations team"
)


def task_row(pk, name, start, end, *, slack=0, assignee="", progress=0, predecessors=()):
    scheduled = ScheduledTask(
        task_id=pk,
        duration=(end - start).days + 1,
        early_start=start,
        early_finish=end,
        late_start=start + timedelta(days=slack),
        late_finish=end + timedelta(days=slack),
        slack=slack,
    )
    return TimelineRow(
        kind="task",
        id=pk,
        name=name,
        start=start,
        end=end,
        progress=progress,
        assignee=assignee,
        schedule=scheduled,
        predecessors=list(predecessors),
    )


def milestone_row(pk, name, due, *, baseline=None):
    return TimelineRow(kind="milestone", id=pk, name=name, start=due, end=due, baseline=baseline)


def plan(*rows):
    return Timeline(rows=list(rows), finish=None, undated_count=0)


def layout(*rows, zoom=None, today=TODAY, codes=None):
    gantt = gantt_layout(plan(*rows), codes=codes or {}, zoom=zoom, today=today)
    assert gantt is not None
    return gantt


def svg(gantt) -> str:
    return render_to_string("projects/_gantt.html", {"gantt": gantt})


# --- Layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zoom", "origin"),
    [
        ("day", START - timedelta(days=1)),  # a day's margin
        ("week", START),  # the Monday of the first week
        ("month", date(2027, 1, 1)),  # the first of the month
    ],
)
def test_bars_are_placed_by_calendar_day_in_each_zoom(zoom, origin):
    gantt = layout(
        task_row(1, "Build", date(2027, 1, 11), date(2027, 1, 15)),
        task_row(2, "Test", START, date(2027, 1, 8), slack=3),
        zoom=zoom,
    )
    per_day = PX_PER_DAY[zoom]
    build, test = (row for row in gantt.rows if row.key in {"t1", "t2"})
    assert gantt.zoom == zoom
    assert build.x == pytest.approx((date(2027, 1, 11) - origin).days * per_day)
    assert build.width == pytest.approx(5 * per_day)  # both days included
    assert test.x == pytest.approx((START - origin).days * per_day)
    assert test.width == pytest.approx(5 * per_day)
    assert gantt.upper_ticks[0].x == 0
    assert [tick.is_boundary for tick in gantt.upper_ticks] == [True] * len(gantt.upper_ticks)


def test_the_default_zoom_follows_the_span_and_an_unknown_one_falls_back():
    assert default_zoom(START, START + timedelta(days=30)) == "day"
    assert default_zoom(START, START + timedelta(days=120)) == "week"
    assert default_zoom(START, START + timedelta(days=400)) == "month"
    gantt = layout(task_row(1, "Build", START, START + timedelta(days=120)), zoom="decade")
    assert gantt.zoom == "week"
    assert [(value, current) for value, _label, current in gantt.zoom_links] == [
        ("day", False),
        ("week", True),
        ("month", False),
    ]


def test_a_label_goes_inside_a_bar_it_fits_else_right_of_it_and_the_chart_widens():
    gantt = layout(
        task_row(1, "Go", START, START + timedelta(days=60), slack=2),
        task_row(2, LONG_NAME, START + timedelta(days=60), START + timedelta(days=61), slack=0),
        zoom="week",
    )
    wide, short = gantt.rows
    assert wide.label == "Go · slack 2 d"
    assert wide.label_inside
    assert wide.x < wide.label_x
    assert wide.label_right < wide.x + wide.width
    assert not short.label_inside
    assert short.label_x == pytest.approx(short.x + short.width + 6)
    # The label runs past the end of the time scale: the chart is as wide as the label.
    assert short.label_right > gantt.lower_ticks[-1].x + gantt.lower_ticks[-1].width
    assert gantt.chart_width >= short.label_right
    drawing = svg(gantt)
    assert f'viewBox="0 0 {gantt.chart_width} {gantt.height}"' in drawing
    assert f'class="gantt-label gantt-label-inside" x="{wide.label_x}"' in drawing


@pytest.mark.parametrize("zoom", ["day", "week", "month"])
def test_no_label_or_tick_runs_off_the_chart(zoom):
    rows = [
        task_row(
            index,
            f"{LONG_NAME} {index}",
            START + timedelta(days=index * 9),
            START + timedelta(days=index * 10),
            slack=index % 2,
        )
        for index in range(1, 6)
    ]
    launch = milestone_row(9, "Launch", date(2027, 3, 1))
    gantt = layout(*rows, launch, zoom=zoom, today=launch.end)  # today's tag at the far right
    for row in gantt.rows:
        assert row.x >= 0
        assert row.label_right <= gantt.chart_width
    for tick in gantt.lower_ticks:
        if tick.label:
            half = text_width(tick.label, LABEL_SIZE) / 2
            assert tick.label_x - half >= 0
            assert tick.label_x + half <= gantt.chart_width
    assert gantt.today is not None
    assert gantt.today.label_x >= 0
    assert gantt.today.label_x + gantt.today.label_width <= gantt.chart_width


def test_the_table_carries_full_names_wrapped_never_cut():
    gantt = layout(
        task_row(1, LONG_NAME, START, START + timedelta(days=3), assignee="Tina Team"),
        task_row(
            2, "离线缓存设计与实现，含冲突处理与回滚方案的评审和客户运营团队的确认", START, START
        ),
        codes={1: "1", 2: "1.1"},
    )
    name_column = next(column for column in gantt.columns if column.key == "name")
    for row in gantt.rows:
        assert len(row.name_lines) > 1
        assert "".join(row.name_lines).replace(" ", "") == row.name.replace(" ", "")
        for line in row.name_lines:
            assert text_width(line, 12) <= name_column.width - 16
    first, second = gantt.rows
    assert first.height > 34  # taller rows for wrapped names, the bars follow them
    assert second.top == first.top + first.height
    drawing = svg(gantt)
    assert ">1.1</text>" in drawing
    for line in first.name_lines:
        assert f">{escape(line)}</text>" in drawing


def test_every_text_of_a_row_is_escaped_and_every_number_written_as_the_template_writes_it():
    """The rows' SVG is written in Python (projects/gantt/svg.py): a name, an assignee and a
    tooltip holding markup are escaped wherever they appear, nothing of them is a tag."""
    name = '<script>alert("x")</script> & <b>'
    gantt = layout(
        task_row(1, name, START, START + timedelta(days=3), assignee='Tina "T" <Team>'),
        milestone_row(2, name, START + timedelta(days=5), baseline=START + timedelta(days=4)),
        codes={1: "1"},
    )
    drawing = svg(gantt)
    assert "<script>" not in drawing
    assert "<b>" not in drawing
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in drawing
    assert "Tina &quot;T&quot; &lt;Team&gt;" in drawing
    for row in gantt.rows:
        assert f"<title>{escape(row.title)}</title>" in drawing
        assert f'data-key="{row.key}"' in drawing
    assert drawing.count('class="gantt-diamond"') == 1
    assert drawing.count('class="gantt-baseline"') == 1


def test_numbers_are_written_as_the_template_writes_them_without_localisation():
    from django.template import Context, Template

    from projects.gantt.svg import _n

    template = Template("{% load l10n %}{% localize off %}{{ value }}{% endlocalize %}")
    for value in (0, 12, 12.0, 12.5, -3.25, 1e-05, 1234567.125, 0.1 + 0.2):
        with translation.override("zh-hans"):
            assert _n(value) == template.render(Context({"value": value})), value


def test_wrap_breaks_at_spaces_and_between_cjk_characters():
    assert wrap("alpha beta gamma", text_width("alpha beta", 12), 12) == ["alpha beta", "gamma"]
    assert wrap("一二三四五六", 36, 12) == ["一二三", "四五六"]
    assert wrap("x" * 30, 100, 12) == ["x" * 13, "x" * 13, "x" * 4]
    assert wrap("", 100, 12) == [""]


def test_a_milestone_with_a_baseline_shows_it_under_its_date():
    moved = milestone_row(1, "Go-live", date(2027, 1, 27), baseline=date(2027, 1, 20))
    on_plan = milestone_row(2, "Sign-off", date(2027, 1, 13), baseline=date(2027, 1, 13))
    no_baseline = milestone_row(3, "Kick-off", START)
    gantt = layout(moved, on_plan, no_baseline, zoom="day")
    rows = {row.key: row for row in gantt.rows}
    assert rows["m1"].has_baseline
    assert rows["m2"].has_baseline
    assert not rows["m3"].has_baseline
    assert rows["m1"].baseline_x == pytest.approx(rows["m1"].x - 7 * PX_PER_DAY["day"])
    assert rows["m1"].slip_line is not None
    assert rows["m2"].slip_line is None
    assert rows["m1"].label == "Go-live (baseline Jan 20, 2027)"
    assert rows["m1"].label_x > rows["m1"].x  # right of the diamond
    drawing = svg(gantt)
    assert drawing.count('class="gantt-baseline"') == 2
    assert drawing.count('class="gantt-slip"') == 1
    assert gantt.has_baseline


def test_critical_items_are_marked_and_labelled():
    gantt = layout(
        task_row(1, "Build", START, START + timedelta(days=1), slack=0),
        task_row(2, "Docs", START, START, slack=4, predecessors=[1]),
        codes={1: "1", 2: "2"},
    )
    critical, other = gantt.rows
    assert critical.is_critical
    assert critical.label == "Build · critical"
    assert critical.css_class == "gantt-critical"
    assert other.css_class == "gantt-task"
    drawing = svg(gantt)
    bar = drawing.split('<g class="bar-wrapper gantt-critical" data-id="t1">')[1].split("</g>")[0]
    assert ">Build · critical</text>" in bar
    assert 'fill="#c92a2a"' in bar  # the critical colour
    # The row is tinted and flagged in the table too.
    assert 'class="gantt-row gantt-row-critical" data-key="t1"' in drawing
    assert 'class="gantt-row" data-key="t2"' in drawing


def test_dependency_arrows_join_visible_rows():
    gantt = layout(
        task_row(1, "Build", START, START + timedelta(days=2)),
        task_row(2, "Test", START + timedelta(days=3), START + timedelta(days=4), predecessors=[1]),
        task_row(3, "Late", START, START, predecessors=[99]),  # its predecessor is not shown
        zoom="day",
    )
    assert [(arrow.source, arrow.target) for arrow in gantt.arrows] == [("t1", "t2")]
    assert 'data-from="t1" data-to="t2"' in svg(gantt)


@pytest.mark.parametrize(
    ("kind", "leaves_at", "enters_at", "head_points_right"),
    [
        ("fs", "finish", "start", True),
        ("ss", "start", "start", True),
        ("ff", "finish", "finish", False),
        ("sf", "start", "finish", False),
    ],
)
def test_arrows_leave_and_enter_at_the_ends_their_link_kind_names(
    kind, leaves_at, enters_at, head_points_right
):
    source = task_row(1, "Build", START, START + timedelta(days=2))
    target = task_row(2, "Test", START + timedelta(days=5), START + timedelta(days=8))
    target.predecessors = [1]
    target.link_kinds = {1: kind}
    gantt = layout(source, target, zoom="day")
    first, second = gantt.rows
    (arrow,) = gantt.arrows
    assert arrow.kind == kind
    start_x = float(arrow.path[1:].split(",")[0])
    # Leaves 6 px inside the named end of the predecessor's bar.
    expected_start = first.x + 6 if leaves_at == "start" else first.x + first.width - 6
    assert start_x == pytest.approx(expected_start)
    tip = float(arrow.head.split(",")[0])
    assert tip == pytest.approx(second.x if enters_at == "start" else second.x + second.width)
    back = float(arrow.head.split(" ")[1].split(",")[0])
    assert (back < tip) == head_points_right
    assert f'data-kind="{kind}"' in svg(gantt)


def test_a_task_with_baseline_dates_has_a_thin_bar_under_its_bar():
    moved = task_row(1, "Build", START + timedelta(days=2), START + timedelta(days=4))
    moved.baseline_start, moved.baseline = START, START + timedelta(days=1)
    gantt = layout(moved, task_row(2, "Docs", START, START), zoom="day")
    rows = {row.key: row for row in gantt.rows}
    px = PX_PER_DAY["day"]
    assert rows["t1"].baseline_bar == (rows["t1"].x - 2 * px, 2 * px)
    assert rows["t2"].baseline_bar is None
    assert gantt.has_baseline
    drawing = svg(gantt)
    assert drawing.count('data-testid="gantt-baseline-bar"') == 1
    assert (
        "<title>Build: Jan 6, 2027 – Jan 8, 2027 · slack 0 days · "
        "baseline Jan 4, 2027 – Jan 5, 2027</title>"
    ) in drawing


def test_a_summary_task_is_drawn_as_a_bracket_over_its_subtasks():
    summary = task_row(1, "Phase", START, START + timedelta(days=6))
    summary.is_summary = True
    gantt = layout(summary, task_row(2, "Build", START, START + timedelta(days=6)), zoom="day")
    phase, build = gantt.rows
    assert (phase.x, phase.width) == (build.x, build.width)
    assert "gantt-summary" in phase.css_class
    drawing = svg(gantt)
    bar = drawing.split('data-id="t1">')[1].split("</g>")[0]
    assert 'data-testid="gantt-summary-bar"' in bar
    assert 'class="gantt-bar"' not in bar


def test_staff_gantt_spans_summaries_shows_task_baselines_and_link_kinds(cast):
    parent = task_create(actor=cast.pm, project=cast.project, name="Phase")
    first = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Design",
        parent=parent,
        start_date=START,
        due_date=START + timedelta(days=2),
    )
    second = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Build",
        parent=parent,
        start_date=START + timedelta(days=1),
        due_date=START + timedelta(days=9),
    )
    dependency_add(actor=cast.pm, predecessor=first, successor=second, kind="ss", lag_days=1)
    type(first).objects.filter(pk=first.pk).update(
        baseline_start_date=START, baseline_due_date=START + timedelta(days=1)
    )
    content = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/timeline/").content.decode()
    chart = content.split('class="gantt-chart"')[1]
    assert f'data-from="t{first.pk}" data-to="t{second.pk}" data-kind="ss"' in chart
    phase = chart.split(f'data-id="t{parent.pk}">')[1].split("</g>")[0]
    assert 'data-testid="gantt-summary-bar"' in phase
    # The parent's dates were rolled up from its subtasks: Jan 4 to Jan 13.
    assert "<title>Phase: Jan 4, 2027 – Jan 13, 2027" in phase
    design = chart.split(f'data-id="t{first.pk}">')[1].split("</g>")[0]
    assert 'data-testid="gantt-baseline-bar"' in design


def test_today_is_labelled_in_the_readers_language():
    rows = [task_row(1, "Build", START, START + timedelta(days=10))]
    english = layout(*rows, zoom="day")
    assert english.today is not None
    assert english.today.label == "Today"
    assert english.today.x == pytest.approx(
        (TODAY - START + timedelta(days=1)).days * PX_PER_DAY["day"] + PX_PER_DAY["day"] / 2
    )
    with translation.override("zh-hans"):
        chinese = layout(*rows, zoom="day")
        drawing = svg(chinese)
    assert chinese.today is not None
    assert chinese.today.label == "今天"
    assert ">今天</text>" in drawing
    assert ">2027年1月</text>" in drawing  # the month above the days
    assert layout(*rows, today=date(2026, 1, 1)).today is None  # not on the chart


def test_month_names_follow_the_language():
    rows = [task_row(1, "Build", START, date(2027, 5, 20))]
    english = layout(*rows, zoom="month")
    assert [tick.label for tick in english.lower_ticks] == ["Jan", "Feb", "Mar", "Apr", "May"]
    assert english.upper_ticks[0].label == "2027"
    with translation.override("zh-hans"):
        chinese = layout(*rows, zoom="month")
    assert [tick.label for tick in chinese.lower_ticks] == ["一月", "二月", "三月", "四月", "五月"]


def test_pdf_pages_fit_the_page_and_hold_every_row_once():
    rows = [
        task_row(index, f"{LONG_NAME} {index}", START, START + timedelta(days=index * 3))
        for index in range(1, 41)
    ]
    pages = gantt_pages(
        plan(*rows),
        codes={},
        zoom="day",
        today=TODAY,
        width=1000,
        height=650,
        first_height=540,
    )
    assert len(pages) > 1
    assert [row.key for page in pages for row in page.rows] == [f"t{pk}" for pk in range(1, 41)]
    for number, page in enumerate(pages):
        assert page.table_view_width + page.chart_view_width <= 1000 + 0.01
        assert page.view_height <= (540 if number == 0 else 650) + 1
        assert page.rows[0].top == page.header_height  # each page has the time scale


# --- Pages ------------------------------------------------------------------------------------


def new_task(cast, name, **values):
    return task_create(actor=cast.pm, project=cast.project, name=name, **values)


def test_timeline_page_draws_the_gantt_with_zoom_and_pdf_buttons(cast):
    new_task(cast, "Build", start_date=START, due_date=date(2027, 1, 8), assignee=cast.teammate)
    client = logged_in(cast.pm)
    content = client.get(f"/projects/{cast.project.pk}/timeline/").content.decode()
    assert 'data-testid="gantt"' in content
    assert '<svg class="gantt-table"' in content
    assert '<svg class="gantt-chart"' in content
    assert '<a class="btn btn-outline-secondary active" href="?zoom=day"' in content
    assert f'href="/projects/{cast.project.pk}/timeline/pdf/?zoom=day"' in content
    assert '<link rel="stylesheet" href="/static/css/gantt.css">' in content
    assert "frappe" not in content
    assert ">Tina Team</text>" in content
    month = client.get(f"/projects/{cast.project.pk}/timeline/?zoom=month").content.decode()
    assert '<a class="btn btn-outline-secondary active" href="?zoom=month"' in month
    assert ">Jan</text>" in month


def test_timeline_page_without_dated_items_has_no_chart(cast):
    new_task(cast, "Undated")
    content = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/timeline/").content.decode()
    assert 'data-testid="gantt"' not in content
    assert 'data-testid="timeline-table"' in content


def _client_mix(cast):
    """An internal task first (so its number would show as a gap), a client-visible one after
    it that depends on it, and an internal milestone."""
    secret = new_task(cast, "Secret vendor switch", start_date=START, due_date=date(2027, 1, 6))
    shown = new_task(
        cast,
        "Shown to client",
        visibility=Visibility.CLIENT,
        start_date=date(2027, 1, 7),
        due_date=date(2027, 1, 8),
    )
    dependency_add(actor=cast.pm, predecessor=secret, successor=shown)
    milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Internal gate",
        due_date=date(2027, 1, 20),
        visibility=Visibility.INTERNAL,
    )
    return secret, shown


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_portal_gantt_shows_only_client_visible_items(cast, role_name):
    secret, shown = _client_mix(cast)
    response = logged_in(cast.by_name(role_name)).get(
        f"/portal/projects/{cast.project.pk}/timeline/"
    )
    assert response.status_code == 200
    content = response.content.decode()
    chart = content.split('data-testid="gantt"', 1)[1].split("</figure>", 1)[0]
    for name in ("Secret vendor switch", "Internal gate"):
        assert name not in chart
        assert name not in content
    assert f'data-id="t{shown.pk}"' in chart
    assert f"t{secret.pk}" not in chart
    assert "data-from=" not in chart
    # Numbered among what the client sees: no gap where the internal task is.
    assert re.search(r'gantt-cell-code" x="[\d.]+" y="[\d.]+" fill="[^"]+">1</text>', chart)
    assert f"/projects/{cast.project.pk}/timeline/pdf/" not in content.replace(
        f"/portal/projects/{cast.project.pk}/timeline/pdf/", ""
    )  # the staff PDF is not offered there; the portal's own is
    assert f'href="/portal/projects/{cast.project.pk}/timeline/pdf/?zoom=' in content


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_portal_pdf_of_the_plan_holds_only_client_visible_items(cast, role_name):
    _secret, shown = _client_mix(cast)
    response = logged_in(cast.by_name(role_name)).get(
        f"/portal/projects/{cast.project.pk}/timeline/pdf/?zoom=week"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert shown.name in text
    for name in ("Secret vendor switch", "Internal gate"):
        assert name not in text


@pytest.mark.parametrize(("role_name", "status"), [("pm", 302), ("other_client_rep", 404)])
def test_portal_pdf_of_the_plan_is_refused_to_others(cast, role_name, status):
    _client_mix(cast)
    response = logged_in(cast.by_name(role_name)).get(
        f"/portal/projects/{cast.project.pk}/timeline/pdf/"
    )
    assert response.status_code == status
    assert b"Secret vendor switch" not in response.content


def test_staff_gantt_numbers_tasks_as_the_wbs(cast):
    parent = new_task(cast, "Phase", start_date=START, due_date=date(2027, 1, 6))
    new_task(cast, "Step", parent=parent, start_date=START, due_date=date(2027, 1, 5))
    content = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/timeline/").content.decode()
    assert re.search(r'gantt-cell-code" x="[\d.]+" y="[\d.]+" fill="[^"]+">1\.1</text>', content)


@pytest.mark.parametrize("role_name", ["pm", "am", "teammate", "staff_admin"])
def test_pdf_of_the_plan_for_the_project_team(cast, role_name):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 1, 20)
    )
    milestone_update(actor=cast.pm, milestone=milestone, name="Go-live", due_date=date(2027, 1, 27))
    new_task(cast, "Build", start_date=START, due_date=date(2027, 1, 8), assignee=cast.teammate)
    response = logged_in(cast.by_name(role_name)).get(
        f"/projects/{cast.project.pk}/timeline/pdf/?zoom=week"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{cast.project.code}-timeline.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_pdf_template_has_the_gantt_the_table_and_running_headers(cast):
    """What WeasyPrint is given: the chart, the schedule, the project and the date on every
    page (margin boxes fed by string-set), A4 landscape."""
    from projects.views.timeline import PDF_GANTT_FIRST_HEIGHT, PDF_GANTT_HEIGHT, PDF_GANTT_WIDTH

    rows = [task_row(1, "Build", START, date(2027, 1, 8))]
    pages = gantt_pages(
        plan(*rows),
        codes={1: "1"},
        zoom=None,
        today=TODAY,
        width=PDF_GANTT_WIDTH,
        height=PDF_GANTT_HEIGHT,
        first_height=PDF_GANTT_FIRST_HEIGHT,
    )
    html = render_to_string(
        "projects/timeline_pdf.html",
        {
            "project": cast.project,
            "timeline": plan(*rows),
            "pages": pages,
            "schedule": list(zip(pages[0].rows, rows, strict=True)),
            "today": TODAY,
        },
    )
    assert "size: A4 landscape" in html
    assert "string(project)" in html
    assert "string(printed)" in html
    assert f'<span class="running-project">{cast.project.name}</span>' in html
    assert "As of Jan 6, 2027" in html
    assert '<svg class="gantt-chart"' in html
    assert ">Build · critical</text>" in html


@pytest.mark.parametrize(
    ("role_name", "status"),
    [("outsider", 404), ("rep", 302), ("client_admin", 302), ("other_client_rep", 302)],
)
def test_pdf_of_the_plan_is_refused_outside_the_project_team(cast, role_name, status):
    new_task(cast, "Secret vendor switch", start_date=START, due_date=date(2027, 1, 8))
    response = logged_in(cast.by_name(role_name)).get(f"/projects/{cast.project.pk}/timeline/pdf/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/portal/")
    assert b"Secret vendor switch" not in response.content


def _grow(cast, count, offset=0):
    previous = None
    for index in range(offset, offset + count):
        task = new_task(
            cast,
            f"Task {index}",
            visibility=Visibility.CLIENT,
            assignee=cast.teammate,
            start_date=START + timedelta(days=index),
            due_date=START + timedelta(days=index + 3),
        )
        if previous is not None and index % 2:
            dependency_add(actor=cast.pm, predecessor=previous, successor=task)
        previous = task
    milestone_create(
        actor=cast.pm, project=cast.project, name=f"Gate {offset}", due_date=START + timedelta(40)
    )


@pytest.mark.parametrize(
    ("role_name", "url_template"),
    [
        ("pm", "/projects/{}/timeline/"),
        ("pm", "/projects/{}/timeline/?zoom=day"),
        ("rep", "/portal/projects/{}/timeline/"),
        ("pm", "/projects/{}/timeline/pdf/"),
        ("rep", "/portal/projects/{}/timeline/pdf/"),
    ],
)
def test_gantt_pages_keep_a_constant_number_of_queries(cast, role_name, url_template):
    client = logged_in(cast.by_name(role_name))
    url = url_template.format(cast.project.pk)
    _grow(cast, 4)
    few = count_queries(client, url, warm=True)
    _grow(cast, 36, offset=4)
    assert count_queries(client, url) == few
