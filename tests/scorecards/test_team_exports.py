"""The team view exports to CSV and Excel for staff admins, with its role, quarter and ranking:
each person's rank and figures, counts and percentages as numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Role
from scorecards.periods import period_from_key
from scorecards.selectors import MEASURES, team_ranking
from tests.factories import add_member
from tests.helpers import assert_queries_constant, export_rows, export_sheet, logged_in
from tests.scorecards.world import NOW, build_world, staff_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_file_ranks_as_the_page(cast):
    build_world(cast)
    query = "?role=pm&period=2031Q1"
    rows = export_rows(logged_in(cast.staff_admin).get(reverse("scorecards:team_csv") + query))
    measures = MEASURES[Role.PM]
    assert rows[0] == ["Rank", "Person", *[str(measure.label) for measure in measures]]
    expected = team_ranking(
        viewer=cast.staff_admin,
        role=Role.PM,
        period=period_from_key("2031Q1"),
        sort=measures[1].key,  # the page's ranking when none is chosen
    )
    assert [row[:2] for row in rows[1:]] == [
        [str(rank), line.person.display_name] for rank, line in enumerate(expected, start=1)
    ]


def test_the_workbook_keeps_counts_as_numbers(cast):
    build_world(cast)
    url = reverse("scorecards:team_xlsx") + "?role=pm&period=2031Q1"
    sheet = export_sheet(logged_in(cast.staff_admin).get(url))
    measures = MEASURES[Role.PM]
    line = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "Paula PM")
    assert line[0].value >= 1
    for measure, cell in zip(measures, line[2:], strict=True):
        if measure.kind == "count":
            assert isinstance(cell.value, int), measure.key


def test_a_formula_in_a_name_stays_text(cast):
    cast.pm.display_name = "=1+1"
    cast.pm.save(update_fields=["display_name"])
    rows = export_rows(logged_in(cast.staff_admin).get(reverse("scorecards:team_csv")))
    assert "'=1+1" in [row[1] for row in rows[1:]]
    sheet = export_sheet(logged_in(cast.staff_admin).get(reverse("scorecards:team_xlsx")))
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == "=1+1")
    assert cell.data_type == "s"


@pytest.mark.parametrize(("person", "status"), [("pm", 403), ("am", 403), ("rep", 302)])
def test_the_team_file_is_for_staff_admins(cast, person, status):
    response = logged_in(getattr(cast, person)).get(reverse("scorecards:team_csv"))
    assert response.status_code == status


def test_the_team_view_links_its_exports_with_its_choice(cast):
    page = logged_in(cast.staff_admin).get(reverse("scorecards:team") + "?role=am")
    assert reverse("scorecards:team_xlsx") + "?role=am" in page.content.decode()


def test_team_export_query_count_does_not_grow(cast):
    def grow(count):
        for index in range(count):
            person = staff_person(f"pm{index}-{count}@provider.test", f"PM {index}")
            add_member(cast.project, person, Role.PM)

    url = reverse("scorecards:team_xlsx") + "?role=pm"
    assert_queries_constant(logged_in(cast.staff_admin), url, grow)
