"""Importing a project's milestones, tasks, requirements or risks from a spreadsheet.

- **Reading** (`integrations.import_reading.read_table`): CSV or Excel, within limits; text that
  looks like a formula ("=…") is text: nothing is ever evaluated.
- **Columns** (`KINDS`): each kind's columns, named by their English key (`due_date`, also
  "Due date") or their Chinese name (截止日期). An unknown, repeated or missing required column
  refuses the whole file (InvalidInput on `file`), naming it.
- **Checking and writing** (`import_file`): each row's cells are parsed (dates as YYYY-MM-DD or
  Excel dates, numbers, choices by code or label in English or Chinese, people by e-mail among
  the project's members, a task's milestone by name, a task's predecessors by row number in the
  same file), then the row is created by the service the pages use (milestone_create,
  task_create, requirement_create, risk_create; dependency_add for predecessors), each row in a
  savepoint, all of them in one transaction. A dry run, or any row that fails, rolls the whole
  transaction back: the preview shows exactly what the import would meet, and an import writes
  every row or none. A service's refusal on a field is reported on that field's column.

Only the project's PM imports (`can_edit_plan`), and not into a closed project.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ApplicationError, InvalidInput, NotAllowed, NotFound
from common.text import LONG_TEXT_MAX_LENGTH
from integrations.import_reading import (
    Table,
    file_error,
    is_blank,
    read_table,
)
from projects.closure import ProjectClosed, ensure_project_open
from projects.models import Membership, Milestone, Project, Task, Visibility
from projects.permissions import can_edit_plan
from projects.services.milestones import milestone_create
from projects.services.tasks import dependency_add, task_create
from risks.models import Category, Strategy
from risks.services.register import risk_create
from stakeholders.models import Requirement
from stakeholders.services.requirements import requirement_create

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from accounts.models import User

NAME_MAX_LENGTH = 200


class Format:
    TEXT = "text"
    DATE = "date"
    DECIMAL = "decimal"
    INTEGER = "integer"
    CHOICE = "choice"
    MEMBER = "member"
    MILESTONE = "milestone"
    ROWS = "rows"


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and the service's argument
    chinese: str
    label: _StrPromise
    format: str = Format.TEXT
    required: bool = False
    max_length: int = LONG_TEXT_MAX_LENGTH
    choices: tuple[tuple[str, _StrPromise], ...] = ()
    bounds: tuple[int, int] | None = None

    def header(self) -> str:
        """The header in the active language."""
        return self.chinese if (translation.get_language() or "").startswith("zh") else self.key

    def label_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.label)


@dataclass(frozen=True)
class Kind:
    key: str
    label: _StrPromise
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


def _choice(
    key: str, chinese: str, label: _StrPromise, choices: list[tuple[str, _StrPromise]]
) -> Column:
    return Column(key, chinese, label, Format.CHOICE, choices=tuple(choices))


VISIBILITY = _choice("visibility", "可见性", gettext_lazy("Visibility"), Visibility.choices)
DESCRIPTION = Column("description", "描述", gettext_lazy("Description"))
NAME = Column("name", "名称", gettext_lazy("Name"), required=True, max_length=NAME_MAX_LENGTH)
TITLE = Column("title", "标题", gettext_lazy("Title"), required=True, max_length=NAME_MAX_LENGTH)

MILESTONES = Kind(
    "milestones",
    gettext_lazy("Milestones"),
    (
        NAME,
        Column("due_date", "截止日期", gettext_lazy("Due date"), Format.DATE, required=True),
        DESCRIPTION,
        VISIBILITY,
    ),
)
TASKS = Kind(
    "tasks",
    gettext_lazy("Tasks"),
    (
        NAME,
        DESCRIPTION,
        Column("milestone", "里程碑", gettext_lazy("Milestone"), Format.MILESTONE),
        Column("assignee", "负责人", gettext_lazy("Assignee"), Format.MEMBER),
        Column("start_date", "开始日期", gettext_lazy("Start"), Format.DATE),
        Column("due_date", "截止日期", gettext_lazy("Due date"), Format.DATE),
        Column("estimate_hours", "估计工时", gettext_lazy("Estimate (hours)"), Format.DECIMAL),
        _choice("status", "状态", gettext_lazy("Status"), Task.Status.choices),
        Column(
            "percent_complete",
            "完成百分比",
            gettext_lazy("Percent complete"),
            Format.INTEGER,
            bounds=(0, 100),
        ),
        VISIBILITY,
        Column("predecessors", "前置任务", gettext_lazy("Predecessors"), Format.ROWS),
    ),
)
REQUIREMENTS = Kind(
    "requirements",
    gettext_lazy("Requirements"),
    (
        TITLE,
        DESCRIPTION,
        _choice("priority", "优先级", gettext_lazy("Priority"), Requirement.Priority.choices),
        Column("acceptance_notes", "验收说明", gettext_lazy("Acceptance notes")),
        VISIBILITY,
    ),
)
RISKS = Kind(
    "risks",
    gettext_lazy("Risks"),
    (
        TITLE,
        DESCRIPTION,
        _choice("category", "类别", gettext_lazy("Category"), Category.choices),
        Column("cause", "原因", gettext_lazy("Cause")),
        Column("effect", "影响结果", gettext_lazy("Effect")),
        Column("probability", "可能性", gettext_lazy("Probability"), Format.INTEGER, bounds=(1, 5)),
        Column("impact", "影响", gettext_lazy("Impact"), Format.INTEGER, bounds=(1, 5)),
        Column("owner", "负责人", gettext_lazy("Owner"), Format.MEMBER),
        _choice("strategy", "应对策略", gettext_lazy("Response strategy"), Strategy.choices),
        Column("contingency_plan", "应急计划", gettext_lazy("Contingency plan")),
        Column("trigger", "触发信号", gettext_lazy("Trigger / early-warning signs")),
        Column("proximity", "可能发生日期", gettext_lazy("Could happen by"), Format.DATE),
        Column("next_review_date", "下次评审日期", gettext_lazy("Next review"), Format.DATE),
        VISIBILITY,
    ),
)
KINDS: dict[str, Kind] = {kind.key: kind for kind in (MILESTONES, TASKS, REQUIREMENTS, RISKS)}


def kind_for(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise InvalidInput(_("Choose what to import."), field="kind") from None


def _normal(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def _columns_of(kind: Kind, header: list[str], table: Table) -> list[Column | None]:
    """The column under each header cell (None: an empty header over an empty column).
    Raises InvalidInput on `file` naming every unknown, repeated and missing column."""
    by_name: dict[str, Column] = {}
    for column in kind.columns:
        by_name[column.key] = column
        by_name[_normal(column.label_in("en"))] = column
        by_name[column.chinese] = column
    found: list[Column | None] = []
    unknown, repeated = [], []
    for index, name in enumerate(header):
        if not name:
            if any(index < len(cells) and not is_blank(cells[index]) for _n, cells in table.rows):
                unknown.append(_("(no header, column %(number)d)") % {"number": index + 1})
            found.append(None)
            continue
        match = by_name.get(_normal(name)) or by_name.get(name.strip())
        if match is None:
            unknown.append(name)
        elif match in found:
            repeated.append(name)
        found.append(match)
    missing = [
        column.header() for column in kind.columns if column.required and column not in found
    ]
    problems = []
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s. The columns of %(kind)s are: %(known)s.")
            % {
                "names": ", ".join(unknown),
                "kind": kind.label,
                "known": ", ".join(column.header() for column in kind.columns),
            }
        )
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if missing:
        problems.append(_("Required columns missing: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        raise file_error(" ".join(problems))
    return found


# --- Parsing the cells ----------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# Each choice column's codes and labels (English and Chinese), normalised, to the code.
_CHOICE_LOOKUPS: dict[str, dict[str, str]] = {}


def _choice_lookup(column: Column) -> dict[str, str]:
    lookup = _CHOICE_LOOKUPS.get(column.key)
    if lookup is None:
        lookup = {}
        for code, label in column.choices:
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    lookup.setdefault(_normal(str(label)), code)
            lookup[_normal(code)] = code
        _CHOICE_LOOKUPS[column.key] = lookup
    return lookup


def display(value: object) -> str:
    """A cell as the person wrote it (an Excel date as YYYY-MM-DD, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ROW_SEPARATORS = re.compile(r"[,;，；、\s]+")


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = display(value)
    if ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CellError(_("Enter a date as YYYY-MM-DD, such as 2027-03-31."))


def _parse_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("Enter a number, such as 12.5."))
    try:
        number = Decimal(display(value))
    except InvalidOperation:
        raise CellError(_("Enter a number, such as 12.5.")) from None
    if not number.is_finite() or abs(number) >= 100000:
        raise CellError(_("Enter a number below 100000."))
    return number.quantize(Decimal("0.01"))


def _parse_integer(value: object, column: Column) -> int:
    try:
        number = Decimal(display(value))
    except InvalidOperation:
        number = Decimal("NaN")
    low, high = column.bounds or (0, 1000000)
    if not number.is_finite() or number != number.to_integral_value() or not low <= number <= high:
        raise CellError(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return int(number)


@dataclass
class Context:
    """What the rows are checked against: the project's milestones and members."""

    project: Project
    milestones: dict[str, list[Milestone]]
    members: dict[str, User]
    row_numbers: set[int]

    @classmethod
    def of(cls, project: Project, row_numbers: set[int]) -> Context:
        milestones: dict[str, list[Milestone]] = {}
        for milestone in Milestone.objects.filter(project=project).order_by("position", "pk"):
            milestones.setdefault(milestone.name.strip().casefold(), []).append(milestone)
        members = {
            membership.user.email.casefold(): membership.user
            for membership in Membership.objects.filter(project=project).select_related("user")
        }
        return cls(project, milestones, members, row_numbers)


def _parse_cell(value: object, column: Column, context: Context, row: int) -> object:
    """The cell's value for the service; None when it is blank (the service's default)."""
    if is_blank(value):
        if column.required:
            raise CellError(_("This column is required."))
        return None
    text = display(value)
    if column.format == Format.TEXT:
        if len(text) > column.max_length:
            raise CellError(
                _("At most %(max)d characters, not %(length)d.")
                % {"max": column.max_length, "length": len(text)}
            )
        return text
    if column.format == Format.DATE:
        return _parse_date(value)
    if column.format == Format.DECIMAL:
        return _parse_decimal(value)
    if column.format == Format.INTEGER:
        return _parse_integer(value, column)
    if column.format == Format.CHOICE:
        code = _choice_lookup(column).get(_normal(text))
        if code is None:
            raise CellError(
                _("Unknown value “%(value)s”: use one of %(codes)s.")
                % {"value": text, "codes": ", ".join(code for code, _l in column.choices)}
            )
        return code
    if column.format == Format.MEMBER:
        user = context.members.get(text.casefold())
        if user is None:
            raise CellError(
                _("No member of this project has the e-mail address %(email)s.") % {"email": text}
            )
        return user
    if column.format == Format.MILESTONE:
        found = context.milestones.get(text.casefold(), [])
        if not found:
            raise CellError(_("This project has no milestone named “%(name)s”.") % {"name": text})
        if len(found) > 1:
            raise CellError(
                _("Several milestones are named “%(name)s”: rename one first.") % {"name": text}
            )
        return found[0]
    return _parse_rows(text, context, row)


def _parse_rows(text: str, context: Context, row: int) -> list[int]:
    numbers = []
    for part in ROW_SEPARATORS.split(text):
        if not part:
            continue
        if not part.removesuffix(".0").isdigit():
            raise CellError(_("Give the row numbers of other tasks in this file, such as 2, 3."))
        number = int(part.removesuffix(".0"))
        if number == row:
            raise CellError(_("A task cannot depend on itself."))
        if number not in context.row_numbers:
            raise CellError(_("Row %(number)d holds no task in this file.") % {"number": number})
        if number not in numbers:
            numbers.append(number)
    return numbers


# --- Checking and writing -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    column: str  # the column's key, or "" for the row as a whole
    header: str  # the column's header as in the file
    message: str


@dataclass
class ImportRow:
    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    created_id: int | None = None


@dataclass
class ImportReport:
    kind: Kind
    header: list[str]
    keys: list[str]  # the column key under each header ("" for an ignored empty column)
    rows: list[ImportRow]
    digest: str
    written: bool = False

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    @property
    def failed_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.failed_rows


def content_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


Creator = Callable[["User", Project, dict[str, Any]], models.Model]


def _create_milestone(actor: User, project: Project, values: dict[str, Any]) -> models.Model:
    return milestone_create(actor=actor, project=project, **values)


def _create_task(actor: User, project: Project, values: dict[str, Any]) -> models.Model:
    values = {key: value for key, value in values.items() if key != "predecessors"}
    return task_create(actor=actor, project=project, **values)


def _create_requirement(actor: User, project: Project, values: dict[str, Any]) -> models.Model:
    return requirement_create(actor=actor, project=project, **values)


def _create_risk(actor: User, project: Project, values: dict[str, Any]) -> models.Model:
    return risk_create(actor=actor, project=project, **values)


CREATORS: dict[str, Creator] = {
    MILESTONES.key: _create_milestone,
    TASKS.key: _create_task,
    REQUIREMENTS.key: _create_requirement,
    RISKS.key: _create_risk,
}
# A service's field that is not a column of its own, and the column it comes from.
FIELD_COLUMNS = {"predecessor": "predecessors", "successor": "predecessors", "kind": "predecessors"}


def _shown(error: ApplicationError) -> bool:
    return not isinstance(error, NotAllowed | NotFound | ProjectClosed)


def _add_error(report: ImportReport, row: ImportRow, key: str, message: str) -> None:
    if key not in report.keys:
        key = FIELD_COLUMNS.get(key, key)
    header = report.header[report.keys.index(key)] if key in report.keys else ""
    column = report.kind.column(key)
    if not header and column is not None:
        header = column.header()
    row.errors.append(RowError(key if column is not None else "", header, message))


def _parse_rows_of(report: ImportReport, table: Table, context: Context) -> None:
    for number, cells in table.rows:
        row = ImportRow(
            number,
            [
                display(cells[index]) if index < len(cells) else ""
                for index in range(len(report.header))
            ],
        )
        if any(not is_blank(cell) for cell in cells[len(report.header) :]):
            _add_error(report, row, "", _("This row has more cells than the header names columns."))
        for index, key in enumerate(report.keys):
            column = report.kind.column(key)
            if column is None:
                continue
            value = cells[index] if index < len(cells) else None
            try:
                parsed = _parse_cell(value, column, context, number)
            except CellError as error:
                _add_error(report, row, key, error.message)
                continue
            if parsed is not None:
                row.values[key] = parsed
        report.rows.append(row)


def _run_service(report: ImportReport, row: ImportRow, call: Callable[[], Any]) -> Any:
    """The service's result, or None with its refusal on the row (its savepoint rolled back)."""
    try:
        with transaction.atomic():
            return call()
    except ApplicationError as error:
        if not _shown(error):
            raise
        _add_error(report, row, error.field or "", str(error.message))
        return None


def _link_predecessors(report: ImportReport, actor: User) -> None:
    tasks = {row.number: row.created_id for row in report.rows if row.created_id is not None}
    by_id = {task.pk: task for task in Task.objects.filter(pk__in=tasks.values())}
    for row in report.rows:
        if row.created_id is None:
            continue
        successor = by_id[row.created_id]
        for number in row.values.get("predecessors", []):
            predecessor_id = tasks.get(number)
            if predecessor_id is None:
                _add_error(
                    report,
                    row,
                    "predecessors",
                    _("Row %(number)d has errors: it cannot be linked.") % {"number": number},
                )
                continue
            predecessor = by_id[predecessor_id]
            _run_service(
                report,
                row,
                partial(dependency_add, actor=actor, predecessor=predecessor, successor=successor),
            )


def import_file(
    *, actor: User, project: Project, kind: str, content: bytes, filename: str, dry_run: bool
) -> ImportReport:
    """Check every row of the file and, unless `dry_run`, create them all in one transaction.

    Raises NotAllowed unless `actor` plans the project, ProjectClosed for a closed project,
    InvalidInput on `kind` or on `file` for a file that cannot be read or whose columns are
    wrong. Otherwise returns the report: each row with its errors (the services' refusals
    included). Nothing is written by a dry run, nor when any row fails (`written` is False)."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    ensure_project_open(project.pk)
    import_kind = kind_for(kind)
    table = read_table(content, filename)
    columns = _columns_of(import_kind, table.header, table)
    report = ImportReport(
        kind=import_kind,
        header=table.header,
        keys=[column.key if column is not None else "" for column in columns],
        rows=[],
        digest=content_digest(content),
    )
    if not table.rows:
        raise file_error(_("The file has no rows under its header."))
    context = Context.of(project, {number for number, _cells in table.rows})
    _parse_rows_of(report, table, context)
    create = CREATORS[import_kind.key]
    with transaction.atomic():
        for row in report.rows:
            if row.errors:
                continue
            created = _run_service(report, row, partial(create, actor, project, row.values))
            row.created_id = created.pk if created is not None else None
        if import_kind is TASKS:
            _link_predecessors(report, actor)
        report.written = not dry_run and report.is_valid
        if not report.written:
            transaction.set_rollback(True)
    if not report.written:
        for row in report.rows:
            row.created_id = None
    return report
