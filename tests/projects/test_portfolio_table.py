"""The portfolio's rows written in Python (projects/portfolio_table.py) are the markup the template
loop wrote, byte for byte: real rows of the portfolio and rows changed to take every branch
(a health set by the PM, no milestone, each risk level, each band of SPI and CPI, no
deliverables, large counts, markup in names), in English and in Chinese."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

from projects.health import HealthOverride
from projects.portfolio_table import portfolio_rows
from projects.selectors.portfolio import project_portfolio_rows

# The loop of projects/_portfolio_table.html as it was, with the partials it included (what
# follows its {% endfor %} is not part of it).
REFERENCE = (Path(__file__).parent / "portfolio_rows_reference.html").read_text().rstrip("\n")


def _reference(projects) -> str:
    return engines["django"].from_string(REFERENCE).render({"projects": projects})


def _variants(project):
    """Copies of a portfolio row taking each branch of the row's markup."""
    base = project.health
    variants = []
    cases = [
        {"spi": None, "cpi": None, "progress": None, "name": 'R&D <"Phase 2">'},
        {"spi": Decimal("0.7"), "cpi": Decimal("0.85"), "progress": Decimal("12.5")},
        {"spi": Decimal("0.899"), "cpi": Decimal("1.234"), "progress": 100},
        {"spi": Decimal("0.8"), "cpi": Decimal("0.9"), "progress": 0},
    ]
    levels = ["critical", "high", "medium", "low"]
    for number, case in enumerate(cases):
        row = copy.copy(project)
        row.name = case.get("name", project.name)
        row.progress = case["progress"]
        row.earned_value = replace(project.earned_value, spi=case["spi"], cpi=case["cpi"])
        row.health = replace(
            base,
            status=["red", "amber", "green", "red"][number],
            override=HealthOverride(
                status="red", reason='Client <late> & "stuck"', by=None, until=None
            )
            if number % 2 == 0
            else None,
        )
        row.next_milestone_name = None if number == 1 else f"Go-live <{number}>"
        row.next_milestone_due = date(2027, 3, number + 1)
        row.top_risk_id = None if number == 3 else 40 + number
        row.top_risk_number = 7 + number
        row.top_risk_title = "A very long risk title that goes on & on past forty characters"
        row.top_risk_level = levels[number]
        row.open_risk_count = [0, 1, 2, 1234][number]
        row.critical_risk_count = [0, 1, 3, 1001][number]
        row.awaiting_client_count = [0, 1, 1500, 3][number]
        row.overdue_count = [0, 2, 0, 1][number]
        row.overdue_action_item_count = [3, 0, 0, 2000][number]
        variants.append(row)
    return variants


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_are_the_markup_of_the_template(cast, language):
    projects = list(project_portfolio_rows(user=cast.pm))
    assert projects
    rows = [*projects, *_variants(projects[0])]
    with translation.override(language):
        written = str(portfolio_rows(rows))
        assert written == _reference(rows)
    assert written.count('data-testid="project-row"') == len(rows)
    assert "R&amp;D &lt;&quot;Phase 2&quot;&gt;" in written
    assert "<late>" not in written


def test_no_project_writes_no_row():
    assert portfolio_rows([]) == ""
