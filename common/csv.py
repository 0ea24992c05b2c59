"""CSV downloads: one response builder, with cells that no spreadsheet evaluates."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from django.http import HttpResponse

# Cells that a spreadsheet would read as a formula start with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-12.5", "-1E+2"): a spreadsheet reads it as that number and evaluates nothing,
# so a negative amount or score stays a number ("-1+2" is not one: it stays text).
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", flags=re.ASCII)


def spreadsheet_safe(value: object) -> str:
    """The value as CSV text that no spreadsheet evaluates: a leading formula character is
    escaped with a single quote (OWASP's advice against CSV injection). Numbers, negative ones
    included, stay numbers."""
    text = "" if value is None else str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_response(
    filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]
) -> HttpResponse:
    """A CSV download: UTF-8 with a byte order mark (so that spreadsheets read Chinese names),
    the header row as given, and every cell of the rows passed through `spreadsheet_safe`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response
