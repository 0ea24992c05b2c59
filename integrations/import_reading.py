"""Reading an uploaded spreadsheet: a CSV file (UTF-8 with or without a byte order mark, or
GB18030 as Excel writes Chinese CSV; comma or semicolon, read from the header line) or an Excel
workbook (.xlsx, its first sheet, the values Excel shows: a formula cell gives its last result).
At most MAX_BYTES and MAX_ROWS rows under the header; blank rows are skipped and the numbering
stays the file's (the header is row 1). Nothing is ever evaluated: text that looks like a formula
is text. A file that cannot be read is an InvalidInput on `file`, saying why."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from common.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_COLUMNS = 50


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[object]]]  # (row number in the file, cells)


def file_error(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bounded(rows: Iterable[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
    kept: list[tuple[int, list[object]]] = []
    for number, cells in rows:
        if all(is_blank(cell) for cell in cells):
            continue
        if len(kept) == MAX_ROWS:
            raise file_error(
                _("The file has more than %(max)d rows: split it into several files.")
                % {"max": MAX_ROWS}
            )
        kept.append((number, cells))
    return kept


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise file_error(
            _("The file is not text in UTF-8 or GB18030: save it as CSV UTF-8.")
        ) from None


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise file_error(_("The file is not valid CSV: %(error)s") % {"error": error}) from None
    if not records:
        raise file_error(_("The file is empty."))
    rows: list[tuple[int, list[object]]] = [
        (number, list(cells)) for number, cells in enumerate(records[1:], start=2)
    ]
    return Table([cell.strip() for cell in records[0]], _bounded(rows))


def _read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise file_error(_("The file is not an Excel workbook (.xlsx) that can be read.")) from None
    try:
        sheet = workbook.worksheets[0]
        # One column more than allowed, so that a row that has it is reported, not cut short.
        lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header = next(lines, None)
        if header is None:
            raise file_error(_("The file is empty."))
        rows = ((number, list(cells)) for number, cells in enumerate(lines, start=2))
        table = Table(
            ["" if cell is None else str(cell).strip() for cell in header], _bounded(rows)
        )
    finally:
        workbook.close()
    return table


def read_table(content: bytes, filename: str) -> Table:
    """The header and the rows of a CSV file or of an Excel workbook's first sheet."""
    if len(content) > MAX_BYTES:
        raise file_error(
            _("The file is larger than %(size)s MB: split it into several files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise file_error(_("The file is not an Excel workbook (.xlsx) that can be read."))
    return _read_csv(content)
