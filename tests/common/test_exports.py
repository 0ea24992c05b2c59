"""The export layer: one table written as CSV or as an Excel workbook."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from common.exports import Table, export_response, render_csv, render_xlsx

UTC = ZoneInfo("UTC")


def _table(rows):
    return Table(title="Risks", headers=["Name", "Count", "Amount", "Due", "At", "Done"], rows=rows)


def _sheet(body: bytes):
    return openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]


ROW = [
    '=HYPERLINK("http://x.example","click")',
    7,
    Decimal("1234.50"),
    date(2026, 3, 14),
    datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
    True,
]


def test_formula_text_stays_text_in_the_workbook():
    with timezone.override(UTC):
        sheet = _sheet(render_xlsx(_table([ROW, ["+1+2", -3, None, None, None, False]])))
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x.example","click")'
    assert sheet.cell(row=3, column=1).data_type == "s"
    assert sheet.cell(row=3, column=1).value == "+1+2"


def test_numbers_stay_numbers_and_dates_are_dates_in_the_workbook():
    with timezone.override(ZoneInfo("Asia/Shanghai")):
        sheet = _sheet(render_xlsx(_table([ROW])))
    assert sheet.cell(row=2, column=2).value == 7
    assert sheet.cell(row=2, column=2).data_type == "n"
    assert sheet.cell(row=2, column=3).value == 1234.5
    assert sheet.cell(row=2, column=3).number_format == "#,##0.00"
    assert sheet.cell(row=2, column=4).is_date
    assert sheet.cell(row=2, column=4).value == datetime(2026, 3, 14, tzinfo=UTC).replace(
        tzinfo=None
    )
    # A moment is written as the reader's wall-clock time.
    assert sheet.cell(row=2, column=5).value == datetime(2026, 3, 14, 17, 30, tzinfo=UTC).replace(
        tzinfo=None
    )
    assert sheet.cell(row=2, column=6).value == "yes"


def test_the_workbook_header_is_bold_frozen_and_filtered():
    sheet = _sheet(render_xlsx(_table([ROW, ROW])))
    assert [cell.value for cell in sheet[1]] == ["Name", "Count", "Amount", "Due", "At", "Done"]
    assert sheet.cell(row=1, column=1).font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    assert sheet.column_dimensions["A"].width > 20


def test_csv_escapes_formulas_and_keeps_numbers():
    with timezone.override(UTC):
        text = render_csv(_table([ROW, ["@SUM(A1)", -3, Decimal("-2.5"), None, None, False]]))
    lines = text.decode("utf-8").splitlines()
    assert text.startswith("\ufeff".encode())
    assert lines[1] == (
        '"\'=HYPERLINK(""http://x.example"",""click"")",7,1234.50,2026-03-14,2026-03-14 09:30,yes'
    )
    assert lines[2] == "'@SUM(A1),-3,-2.5,,,no"


def test_headers_are_in_the_readers_language():
    table = Table(title=gettext_lazy("Risks"), headers=[gettext_lazy("Status")], rows=[["x"]])
    with translation.override("zh-hans"):
        csv_text = render_csv(table).decode("utf-8")
        sheet = _sheet(render_xlsx(table))
    assert csv_text.splitlines()[0] == "\ufeff状态"
    assert sheet.cell(row=1, column=1).value == "状态"


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_download_is_named_by_list_and_day(file_format, content_type):
    response = export_response(
        _table([ROW]), file_format=file_format, name="ACME-1-risks", day=date(2026, 1, 2)
    )
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="ACME-1-risks-2026-01-02.{file_format}"'
    )
