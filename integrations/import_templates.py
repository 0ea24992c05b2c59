"""The import templates (a CSV file and an Excel workbook per kind, with an example row that
imports into the project as it is) and the description of each column, in the person's
language. The columns themselves are in integrations.imports."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import xlsxwriter  # type: ignore[import-untyped]
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.imports import MILESTONES, REQUIREMENTS, TASKS, Column, Format, Kind, display
from projects.models import Milestone, Project, Task, Visibility
from risks.models import Category, Strategy
from stakeholders.models import Requirement

if TYPE_CHECKING:
    from accounts.models import User


def format_description(column: Column) -> str:
    """What a cell of the column holds, in the active language."""
    if column.format == Format.DATE:
        return _("A date: YYYY-MM-DD (such as 2027-03-31), or a date cell in Excel.")
    if column.format == Format.DECIMAL:
        return _("A number, such as 12.5.")
    if column.format == Format.INTEGER:
        low, high = column.bounds or (0, 1000000)
        return _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    if column.format == Format.CHOICE:
        values = "; ".join(f"{code} ({label})" for code, label in column.choices)
        return _("One of: %(values)s. The code or the label, in English or Chinese.") % {
            "values": values
        }
    if column.format == Format.MEMBER:
        return _("The e-mail address of a member of the project.")
    if column.format == Format.MILESTONE:
        return _("The name of one of the project's milestones.")
    if column.format == Format.ROWS:
        return _(
            "The row numbers of tasks in this file that must finish before this one starts, "
            "separated by commas (the header is row 1)."
        )
    return _("Text, at most %(max)d characters.") % {"max": column.max_length}


@dataclass(frozen=True)
class ColumnDoc:
    key: str
    chinese: str
    label: str
    required: bool
    format: str


def column_docs(kind: Kind) -> list[ColumnDoc]:
    return [
        ColumnDoc(
            column.key,
            column.chinese,
            str(column.label),
            column.required,
            format_description(column),
        )
        for column in kind.columns
    ]


def example_row(kind: Kind, *, actor: User, project: Project) -> list[object]:
    """One row that imports into `project` as it is, in the header's order."""
    today = timezone.localdate()
    first_milestone = Milestone.objects.filter(project=project).order_by("position", "pk").first()
    examples: dict[str, object] = {
        "name": _("Design review") if kind is TASKS else _("Pilot go-live"),
        "title": _("Export the monthly figures")
        if kind is REQUIREMENTS
        else _("Key supplier late"),
        "description": _("What it is about, in a sentence or two."),
        "due_date": today + timedelta(days=60),
        "visibility": Visibility.INTERNAL if kind is not MILESTONES else Visibility.CLIENT,
        "milestone": first_milestone.name if first_milestone is not None else "",
        "assignee": actor.email,
        "start_date": today + timedelta(days=30),
        "estimate_hours": 16,
        "status": Task.Status.TODO,
        "percent_complete": 0,
        "predecessors": "",
        "priority": Requirement.Priority.SHOULD,
        "acceptance_notes": _("How the client will check it."),
        "category": Category.SCHEDULE,
        "cause": _("A single supplier for the scanners."),
        "effect": _("The pilot starts later."),
        "probability": 3,
        "impact": 4,
        "owner": actor.email,
        "strategy": Strategy.MITIGATE,
        "contingency_plan": _("Rent scanners for the pilot."),
        "trigger": _("No delivery date by the end of the month."),
        "proximity": today + timedelta(days=45),
        "next_review_date": today + timedelta(days=14),
    }
    return [examples[column.key] for column in kind.columns]


def template_csv_rows(
    kind: Kind, *, actor: User, project: Project
) -> tuple[list[str], list[list[object]]]:
    header = [column.header() for column in kind.columns]
    example = example_row(kind, actor=actor, project=project)
    row: list[object] = [display(value) for value in example]
    return header, [row]


def template_xlsx(kind: Kind, *, actor: User, project: Project) -> bytes:
    """The kind's template as an Excel workbook: the header and an example row on the first
    sheet (dates as Excel dates), and a sheet describing each column, in the active language."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(str(kind.label)[:31])
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    example = example_row(kind, actor=actor, project=project)
    for index, column in enumerate(kind.columns):
        sheet.write_string(0, index, column.header(), bold)
        value = example[index]
        if isinstance(value, date):
            sheet.write_datetime(1, index, datetime.combine(value, datetime.min.time()), day)
        elif isinstance(value, int | float):
            sheet.write_number(1, index, value)
        else:
            sheet.write_string(1, index, str(value))
        sheet.set_column(index, index, 18)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("Columns")[:31])
    titles = [_("Column"), _("Column in Chinese"), _("What it is"), _("Required"), _("Format")]
    for index, title in enumerate(titles):
        notes.write_string(0, index, title, bold)
    for line, doc in enumerate(column_docs(kind), start=1):
        values = [
            doc.key,
            doc.chinese,
            doc.label,
            _("Yes") if doc.required else _("No"),
            doc.format,
        ]
        for index, value in enumerate(values):
            notes.write_string(line, index, value)
    notes.write_string(
        len(kind.columns) + 2,
        0,
        _(
            "The first sheet is imported: its first row names the columns (in English or "
            "Chinese, in any order), each other row is one item. Delete the example row."
        ),
    )
    notes.set_column(0, 1, 18)
    notes.set_column(2, 2, 28)
    notes.set_column(4, 4, 80)
    workbook.close()
    return buffer.getvalue()
