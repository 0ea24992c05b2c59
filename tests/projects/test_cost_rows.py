"""The earned-value series table's rows written in Python (projects/templatetags/cost_rows.py)
are the markup of the template loop they replace, byte for byte: points with and without
figures, amounts of every size and sign, in English and in Chinese, in euros and in yuan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from projects.earned_value.series import SeriesPoint
from projects.templatetags.cost_rows import ev_series_rows

REFERENCE = (
    "{% load formatting %}{% for point in series %}<tr>"
    '<td>{{ point.date|date:"SHORT_DATE_FORMAT" }}</td>'
    '<td class="text-end">{{ point.pv|money:project.currency }}</td>'
    '<td class="text-end">{{ point.ev|money:project.currency }}</td>'
    '<td class="text-end">{{ point.ac|money:project.currency }}</td>'
    '<td class="text-end">{{ point.approved_hours|number }}</td></tr>{% endfor %}'
)

POINTS = [
    SeriesPoint(date(2027, 1, 4), None, None, Decimal("0.00"), Decimal("0")),
    SeriesPoint(
        date(2027, 1, 11), Decimal("1234.5"), Decimal("0.005"), Decimal("99"), Decimal("7.5")
    ),
    SeriesPoint(
        date(2027, 12, 31),
        Decimal("488400.00"),
        Decimal("-12.30"),
        Decimal("1E+3"),
        Decimal("1234.25"),
    ),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("currency", ["EUR", "CNY", ""])
def test_the_rows_are_the_markup_of_the_loop(language, currency):
    with translation.override(language):
        written = ev_series_rows(POINTS, currency)
        expected = (
            engines["django"]
            .from_string(REFERENCE)
            .render({"series": POINTS, "project": {"currency": currency}})
        )
    assert written == expected
    assert written.count("<tr>") == len(POINTS)


def test_no_point_writes_no_row():
    assert ev_series_rows([], "EUR") == ""
