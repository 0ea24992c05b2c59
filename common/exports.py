"""Exports of lists: one table, written as CSV or as an Excel workbook.

A `Table` is a list's column headers (translated when the file is written, so in the reader's
language) and its rows of typed values: text, whole and decimal numbers, dates, moments,
yes / no. The CSV is UTF-8 with a byte order mark (so that spreadsheets read Chinese) and every
text cell passes through `spreadsheet_safe`. The workbook keeps numbers as numbers, decimals as
numbers with two places, dates and moments as real dates, and writes every text as a string:
a cell that starts with "=" is never a formula. Its header row is bold and frozen, with a filter.

Every export of the project has two sibling addresses, `<list>.csv` and `<list>.xlsx`
(`export_paths`), served by one view whose `file_format` says which; the view reads the list
with the same selector and the same filters as the page, so both hold exactly what the page
shows to that person.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import xlsxwriter  # type: ignore[import-untyped]
from django.http import HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from common.csv import spreadsheet_safe

FileFormat = Literal["csv", "xlsx"]
FILE_FORMATS: tuple[FileFormat, ...] = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel refuses these in a sheet's name, and a name longer than 31 characters.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8


@dataclass
class Table:
    """A list to export: its headers (translatable text) and its rows, one value per header."""

    title: Any
    headers: Sequence[Any]
    rows: Iterable[Sequence[object]] = field(default_factory=list)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _moment(value: datetime) -> datetime:
    """A moment in the reader's time zone, as the wall-clock time they would read on the page."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_cell(value: object) -> str:
    """One value as CSV text: numbers as they are, dates in ISO form, the rest escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return _moment(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_safe(value)


def render_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def render_xlsx(table: Table) -> bytes:
    """The table as a workbook of one sheet; no text is ever read as a formula or a link."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet_name = SHEET_NAME_FORBIDDEN.sub(" ", str(table.title)).strip()[:31] or "Sheet1"
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    decimal = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    headers = [str(header) for header in table.headers]
    widths = [len(header) + 2 for header in headers]
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
    line = 0
    for line, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            width = _write(sheet, line, column, value, decimal=decimal, day=day, moment=moment)
            if column < len(widths):
                widths[column] = max(widths[column], width)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(max(width, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH))
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, line, len(headers) - 1)
    workbook.close()
    return buffer.getvalue()


def _write(sheet: Any, line: int, column: int, value: object, **formats: Any) -> int:
    """Writes one cell with its type and answers the width its text needs."""
    if value is None or value == "":
        sheet.write_blank(line, column, None)
        return 0
    if isinstance(value, bool):
        text = yes_no(value)
        sheet.write_string(line, column, text)
        return len(text) + 2
    if isinstance(value, int | float):
        sheet.write_number(line, column, value)
        return len(str(value)) + 2
    if isinstance(value, Decimal):
        sheet.write_number(line, column, float(value), formats["decimal"])
        return len(f"{value:,.2f}") + 2
    if isinstance(value, datetime):
        sheet.write_datetime(line, column, _moment(value), formats["moment"])
        return 18
    if isinstance(value, date):
        sheet.write_datetime(line, column, value, formats["day"])
        return 12
    text = str(value)
    sheet.write_string(line, column, text)
    return max((len(part) for part in text.splitlines()), default=0) + 2


def local_day(time_zone: str | None = None) -> date:
    """Today where the file is meant: the client's time zone for a project's list, else the
    reader's own."""
    if time_zone:
        return timezone.localdate(timezone.now(), timezone=ZoneInfo(time_zone))
    return timezone.localdate()


def export_filename(name: str, day: date | None, file_format: FileFormat) -> str:
    """`<name>-<day>.<format>`; without a day when the name already says its period."""
    return f"{name}-{day.isoformat()}.{file_format}" if day else f"{name}.{file_format}"


def export_response(
    table: Table, *, file_format: FileFormat, name: str, day: date | None
) -> HttpResponse:
    """The table as a download named `<name>-<day>.<csv|xlsx>` (name: the project's code and the
    list, e.g. "ACME-1-risks")."""
    if file_format not in FILE_FORMATS:
        raise ValueError(file_format)
    body = render_xlsx(table) if file_format == "xlsx" else render_csv(table)
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    filename = export_filename(name, day, file_format)
    if filename.isascii():
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(filename)}"
    return response


class ExportFormatMixin:
    """For a list's export view: `file_format` is set by `export_paths` on each address."""

    file_format: FileFormat = "csv"

    def export(self, table: Table, *, name: str, day: date | None) -> HttpResponse:
        return export_response(table, file_format=self.file_format, name=name, day=day)


def export_paths(route: str, view: Any, *, csv_name: str, xlsx_name: str) -> list[URLPattern]:
    """The two addresses of one list's export: `<route>.csv` and `<route>.xlsx`."""
    return [
        path(f"{route}.csv", view.as_view(file_format="csv"), name=csv_name),
        path(f"{route}.xlsx", view.as_view(file_format="xlsx"), name=xlsx_name),
    ]
