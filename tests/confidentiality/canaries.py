"""Confidentiality by content: canary strings in every internal field and every internal item,
looked for in everything a client user can read.

Which text is internal is decided from the models' metadata, by discovery over the installed
apps (django.apps), so that a new model or field joins without being listed:

- a model with a `visibility` field: its internal rows are internal items (every text field);
- a field named `internal_*`, or `<x>` next to a `<x>_visibility` field set to internal
  (a meeting's minutes), is internal on every row where it is;
- a row whose choice field holds an "internal" value (a discussion's internal note);
- a model without a visibility of its own follows the item it belongs to (its foreign keys, or
  its generic foreign key, to a model that has one): a deliverable's criteria, a document's files,
  a meeting's decisions, the RACI rows of an internal deliverable or stakeholder;
- historical models (django-simple-history) follow the model they record.

What discovery cannot decide is declared below, in one place (DECLARED and the few dicts next to
it); `unclassified_models()` names every model with text fields that is neither, so that a new
model must be declared before the suite passes.

`fill_canaries()` then writes a unique canary ("CANARY-<n>-<model>-<field>") into every internal
text field of every row, and a unique figure into internal amounts; `Scanner` finds them in any
response body, header, CSV, PDF (as text) or e-mail, and names each canary's origin.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import FieldDoesNotExist
from django.db import DataError, IntegrityError, models, transaction

CANARY = "CANARY"
INTERNAL = "internal"

# --- Declarations: what discovery cannot decide -----------------------------------------------

STAFF_ONLY = "staff only"  # clients never read any row: every text field of every row is internal
CLIENT_TEXT = "client-visible"  # text a client may read (or their own words)
RENDERED = "rendered"  # what the product wrote for one reader: read as a surface, not seeded

DECLARED: dict[str, tuple[str, str]] = {
    # label: (kind, why)
    "accounts.Organization": (CLIENT_TEXT, "the client's and the provider's names"),
    "accounts.User": (CLIENT_TEXT, "people's names: the project's members see each other"),
    "accounts.Branding": (
        CLIENT_TEXT,
        "the provider's colours and logo: every client reads them in reports",
    ),
    "accounts.WorkingCalendar": (
        CLIENT_TEXT,
        "an organisation's working weekdays and country: public facts, set by a staff admin",
    ),
    "accounts.CalendarDay": (
        CLIENT_TEXT,
        "an organisation's holidays and make-up working days: they set the dates clients are "
        "shown (deemed acceptance, answer-by days), nothing about a project",
    ),
    "accounts.PersonalCalendar": (STAFF_ONLY, "a provider person's working pattern"),
    "accounts.Leave": (STAFF_ONLY, "a provider person's leave (its note is theirs alone)"),
    "integrations.AccessToken": (
        CLIENT_TEXT,
        "one's own API tokens (a name one gave, the first characters): shown to their owner only",
    ),
    "integrations.WebhookEndpoint": (STAFF_ONLY, "the provider's integration settings"),
    "integrations.WebhookDelivery": (
        STAFF_ONLY,
        "the delivery log, read by the provider; what a client's endpoint receives is read by "
        "test_a_clients_webhooks_carry_no_canary",
    ),
    "accounts.CalendarFeed": (
        CLIENT_TEXT,
        "the digest of one's own calendar address: shown to nobody, and the world's feeds must "
        "keep working (tests/integrations)",
    ),
    "projects.Project": (CLIENT_TEXT, "the project a client is a member of"),
    "projects.Objective": (CLIENT_TEXT, "the project's objectives, shown in the portal"),
    "projects.ProjectTemplate": (
        STAFF_ONLY,
        "the provider's project templates (plans without people); no portal page or API reads them",
    ),
    "projects.Baseline": (
        CLIENT_TEXT,
        "the plan agreed with the client (dates, scope, why it was set): its entries carry "
        "their own visibility",
    ),
    "projects.BudgetChange": (
        CLIENT_TEXT,
        "the cost of a change request both sides approved, split into scope and contingency",
    ),
    "projects.PhaseGate": (CLIENT_TEXT, "a gate the client admin approves"),
    "projects.QualityReview": (STAFF_ONLY, "the team's own review before a submission"),
    "projects.Rate": (STAFF_ONLY, "cost rates"),
    "projects.TimeEntry": (STAFF_ONLY, "the team's time sheets"),
    "feedback.Interaction": (STAFF_ONLY, "the account manager's log of client interactions"),
    "feedback.Opportunity": (STAFF_ONLY, "commercial opportunities"),
    "feedback.DetractorFollowUp": (STAFF_ONLY, "the account manager's follow-up of a detractor"),
    "feedback.Campaign": (CLIENT_TEXT, "the survey's name, on the client's invitation"),
    "feedback.SurveyTemplate": (CLIENT_TEXT, "the questions a client answers"),
    "feedback.SurveyQuestion": (CLIENT_TEXT, "the questions a client answers"),
    "feedback.SurveyAnswer": (CLIENT_TEXT, "the client's own answers"),
    "reports.ReportSchedule": (CLIENT_TEXT, "the PM's summary, written for the client's report"),
    "reports.ExtraRecipient": (CLIENT_TEXT, "the report's recipients"),
    "reports.ReportDelivery": (STAFF_ONLY, "the delivery log of a report"),
    "reports.Report": (RENDERED, "a frozen snapshot of what the client may see"),
    "reports.ReportRendition": (RENDERED, "the report's e-mail and PDF, read as report surfaces"),
    "notifications.OutboxMessage": (RENDERED, "e-mails, read as e-mail surfaces"),
    "notifications.Notification": (RENDERED, "in-app notifications, read as a surface"),
    "notifications.DigestItem": (RENDERED, "the lines of a digest e-mail"),
    "operations.PeriodicTaskRun": (STAFF_ONLY, "the worker's record of periodic task runs"),
    "closeout.ClosureRequest": (CLIENT_TEXT, "the request for final acceptance and its answer"),
    "closeout.Waiver": (CLIENT_TEXT, "the PM's note for the client; the reason is internal"),
    "closeout.Reopening": (STAFF_ONLY, "a staff admin's reason to reopen a project"),
}

# Internal fields that neither their name nor a visibility field reveals.
INTERNAL_FIELDS: dict[str, set[str]] = {
    "stakeholders.Stakeholder": {"engagement_strategy"},  # how the team handles the person
    "closeout.Waiver": {"reason"},  # why the PM let an open point count as done
}

# A field internal while another field of the row holds one of the values.
GATED_FIELDS: dict[tuple[str, str], tuple[str, set[str]]] = {
    ("projects.Project", "budget"): ("budget_visibility", {"nothing"}),
}

# A row without a visibility of its own that follows a gate of the item it belongs to.
FOLLOWS_GATE: dict[str, tuple[str, str]] = {
    # A meeting's decisions are client visible when the meeting's minutes are.
    "stakeholders.MeetingDecision": ("meeting", "minutes_visibility"),
}

# Field names that hold identifiers, codes or addresses, never words a person wrote.
NOT_TEXT = {
    "password",
    "email",
    "to_email",
    "time_zone",
    "language",
    "currency",
    "code",
    "sha256",
    "nonce",
    "content_type",
    "media_type",
    "message_id",
    "dedupe_key",
    "trigger_key",
    "url",
    "member_side",
    "last_error",
    "history_change_reason",
    "working_weekdays",  # digits of weekdays, which a calendar parses
}

# The Django and third-party apps carry no project data.
PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


def project_models() -> list[type[models.Model]]:
    """Every concrete model of the project's own apps (not of Django or a library)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if PROJECT_ROOT not in path.parents or ".venv" in path.parts:
            continue
        found.extend(
            model
            for model in config.get_models()
            if not model._meta.abstract and not model._meta.proxy
        )
    return sorted(found, key=lambda model: model._meta.label)


def text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in NOT_TEXT
        and not f.primary_key
    ]


def figure_fields(model: type[models.Model]) -> list[models.Field]:
    """Amounts: decimals with room for a six-digit figure (hours and scores have not)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.DecimalField) and f.max_digits - f.decimal_places >= 6
    ]


def _base_label(model: type[models.Model]) -> str:
    """A historical model is classified as the model it records."""
    base = getattr(model, "instance_type", None)
    return (base or model)._meta.label


def _has_visibility(model: type[models.Model]) -> bool:
    try:
        return bool(model._meta.get_field("visibility").choices)
    except FieldDoesNotExist:
        return False


@dataclass
class Rule:
    """How one model's rows split into internal and client-visible text."""

    model: type[models.Model]
    kind: str  # "visibility", "follows", STAFF_ONLY, CLIENT_TEXT, RENDERED, "no text", "?"
    texts: list[models.Field]
    figures: list[models.Field]
    internal_fields: set[str] = field(default_factory=set)  # internal on every row
    gates: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # field -> gate
    internal_choices: dict[str, set[str]] = field(default_factory=dict)  # choice -> values
    parents: list[str] = field(default_factory=list)  # FK names to items with a visibility
    generic_parent: GenericForeignKey | None = None
    follows_gate: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def has_internal_content(self) -> bool:
        return self.kind in {"visibility", "follows", STAFF_ONLY} or bool(
            self.internal_fields or self.gates
        )


def _internal_choices(model: type[models.Model]) -> dict[str, set[str]]:
    """Choice fields whose "internal" values make a row internal (a discussion entry's kind),
    on models without a visibility of their own: a requirement's source "internal" only says
    who wrote it."""
    if _has_visibility(model):
        return {}
    found = {}
    for f in model._meta.concrete_fields:
        if f.choices and f.name != "visibility" and not f.name.endswith("_visibility"):
            values = {str(value) for value, _label in f.flatchoices if INTERNAL in str(value)}
            if values:
                found[f.name] = values
    return found


def rule_for(model: type[models.Model], scoped: set[str]) -> Rule:
    label = _base_label(model)
    texts, figures = text_fields(model), figure_fields(model)
    rule = Rule(model=model, kind="?", texts=texts, figures=figures)
    names = {f.name for f in model._meta.concrete_fields}
    rule.internal_fields = {n for n in names if n.startswith(INTERNAL)} | INTERNAL_FIELDS.get(
        label, set()
    )
    rule.internal_fields &= {f.name for f in texts}
    for f in model._meta.concrete_fields:
        gate = f"{f.name}_visibility"
        if gate in names and f.name in {t.name for t in texts} | {g.name for g in figures}:
            rule.gates[f.name] = (gate, {INTERNAL})
    for (gated_label, name), gate in GATED_FIELDS.items():
        if gated_label == label:
            rule.gates[name] = gate
    rule.internal_choices = _internal_choices(model)
    rule.follows_gate = FOLLOWS_GATE.get(label)
    if label in DECLARED:
        rule.kind = DECLARED[label][0]
        return rule
    if _has_visibility(model):
        rule.kind = "visibility"
        return rule
    rule.parents = [f.name for f in model._meta.concrete_fields if _points_into(f, scoped)]
    generic = [f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)]
    if generic:
        rule.generic_parent = generic[0]
    if rule.parents or rule.generic_parent is not None or rule.internal_choices:
        rule.kind = "follows"
    elif not texts and not figures:
        rule.kind = "no text"
    elif rule.internal_fields or rule.gates:
        rule.kind = CLIENT_TEXT  # client-visible apart from its internal fields
    return rule


def _scoped_labels(models_: Iterable[type[models.Model]]) -> set[str]:
    """Models whose rows can be internal: a visibility of their own, or (transitively) a
    foreign key to such a model."""
    models_ = list(models_)
    scoped = {
        m._meta.label
        for m in models_
        if _has_visibility(m)
        or any(f.name.startswith(INTERNAL) for f in m._meta.concrete_fields)
        or _internal_choices(m)
    }
    # A generic foreign key may point at an internal item.
    scoped |= {
        m._meta.label
        for m in models_
        if any(isinstance(f, GenericForeignKey) for f in m._meta.private_fields)
    }
    changed = True
    while changed:
        changed = False
        for m in models_:
            if m._meta.label in scoped or _base_label(m) in DECLARED:
                continue
            if any(_points_into(f, scoped) for f in m._meta.concrete_fields):
                scoped.add(m._meta.label)
                changed = True
    return scoped


def _points_into(model_field: models.Field, labels: set[str]) -> bool:
    related = model_field.related_model if model_field.is_relation else None
    return related is not None and related._meta.label in labels


def model_rules() -> dict[str, Rule]:
    found = project_models()
    scoped = _scoped_labels(found)
    return {m._meta.label: rule_for(m, scoped) for m in found}


def unclassified_models() -> list[str]:
    """Models with text that discovery can classify neither as client-visible nor internal."""
    return sorted(label for label, rule in model_rules().items() if rule.kind == "?")


# --- Canaries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Canary:
    text: str
    label: str
    field: str
    pk: Any

    @property
    def origin(self) -> str:
        return f"{self.label}.{self.field}#{self.pk}"


# Case-sensitive: a search query is typed in lower case, so that its echo is not a finding.
_CANARY_RE = re.compile(r"CANARY-?\s*(\d+)?")
_ORIGIN_RE = re.compile(r"\((\w+\.\w+)\.")


def origin_label(finding: str) -> str:
    """The model label of a finding "CANARY-3-risk-title (risks.Risk.title#5)"."""
    match = _ORIGIN_RE.search(finding)
    return match.group(1) if match else "unknown"


@dataclass
class Canaries:
    """Every canary written, by number, and the figures (amounts) by their digits."""

    by_number: dict[int, Canary] = field(default_factory=dict)
    figures: dict[str, Canary] = field(default_factory=dict)
    rows: Counter = field(default_factory=Counter)  # label -> rows given a canary

    def mint(self, label: str, field_name: str, pk: Any = None, max_length: int | None = None):
        number = len(self.by_number) + 1
        model_name = label.split(".")[-1].lower()
        text = f"{CANARY}-{number}-{model_name}-{field_name}"
        if max_length:
            text = text[:max_length]
        self.by_number[number] = Canary(text, label, field_name, pk)
        return text

    def mint_figure(self, label: str, field_name: str, pk: Any) -> Decimal:
        """A six-digit amount no other figure of the seed has: 7<nnnnn>.37."""
        number = 731000 + len(self.figures) * 17 + 3
        self.figures[str(number)] = Canary(f"{number}.37", label, field_name, pk)
        return Decimal(f"{number}.37")

    def __len__(self) -> int:
        return len(self.by_number) + len(self.figures)

    def texts(self) -> list[str]:
        return [canary.text for canary in self.by_number.values()]

    def find(self, text: str) -> list[str]:
        """The canaries (by origin) and figures found in `text`; an unknown "CANARY" too."""
        found = []
        for match in _CANARY_RE.finditer(text):
            number = match.group(1)
            canary = self.by_number.get(int(number)) if number else None
            found.append(
                f"{canary.text} ({canary.origin})" if canary else f"{match.group(0)} (unknown)"
            )
        if self.figures:
            for match in _FIGURE_RE.finditer(text):
                digits = match.group(1).replace(",", "").replace(" ", "").replace("\u00a0", "")
                canary = self.figures.get(digits)
                if canary is not None:
                    found.append(f"{match.group(0)} ({canary.origin})")
        return sorted(set(found))


_FIGURE_RE = re.compile(r"(?<![\w.,])(73\d[,\s\u00a0]?\d{3})(?![\d])")


def _value(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


class Filler:
    """Decides, row by row, what is internal and writes the canaries."""

    def __init__(
        self,
        rules: dict[str, Rule],
        marked_internal: set[tuple[str, Any]],
        canaries: Canaries | None = None,
    ):
        self.rules = rules
        self.marked = marked_internal
        self.canaries = canaries if canaries is not None else Canaries()
        self._internal: dict[tuple[str, Any], bool] = {}

    def row_is_internal(self, obj: models.Model) -> bool:
        label = obj._meta.label
        key = (label, obj.pk)
        if key in self._internal:
            return self._internal[key]
        self._internal[key] = False  # a cycle reads as client-visible until decided
        rule = self.rules.get(label)
        internal = key in self.marked
        if rule is not None and not internal:
            own_visibility = _has_visibility(obj.__class__)
            if rule.kind == STAFF_ONLY or (own_visibility and obj.visibility == INTERNAL):
                internal = True
            else:
                internal = any(
                    str(getattr(obj, name)) in values
                    for name, values in rule.internal_choices.items()
                )
                for name in rule.parents:
                    parent = getattr(obj, name, None)
                    if parent is not None and self.row_is_internal(parent):
                        internal = True
                if rule.generic_parent is not None:
                    target = getattr(obj, rule.generic_parent.name, None)
                    if target is not None and self.row_is_internal(target):
                        internal = True
                if rule.follows_gate is not None:
                    parent_name, gate = rule.follows_gate
                    if _value(obj, f"{parent_name}.{gate}") == INTERNAL:
                        internal = True
        self._internal[key] = internal
        return internal

    def values_for(self, obj: models.Model, rule: Rule) -> dict[str, Any]:
        internal = self.row_is_internal(obj)
        values: dict[str, Any] = {}
        for f in rule.texts:
            gated = (
                f.name in rule.gates
                and str(getattr(obj, rule.gates[f.name][0])) in (rule.gates[f.name][1])
            )
            if internal or f.name in rule.internal_fields or gated:
                current = getattr(obj, f.attname) or ""
                if not str(current).startswith(CANARY):
                    values[f.name] = self.canaries.mint(
                        obj._meta.label, f.name, obj.pk, f.max_length
                    )
        for f in rule.figures:
            gated = (
                f.name in rule.gates
                and str(getattr(obj, rule.gates[f.name][0])) in (rule.gates[f.name][1])
            )
            if (internal and rule.kind in {STAFF_ONLY, "visibility"}) or gated:
                values[f.name] = self.canaries.mint_figure(obj._meta.label, f.name, obj.pk)
        return values

    def _update_texts(self, rule: Rule, obj: models.Model, texts: dict[str, str]) -> None:
        """Writes the canaries; where a constraint wants a field blank (a RACI row of a
        deliverable has no work area), the fields that were blank stay blank."""
        rows = rule.model._default_manager.filter(pk=obj.pk)
        try:
            with transaction.atomic():
                rows.update(**texts)
        except IntegrityError:
            rows.update(**{name: text for name, text in texts.items() if getattr(obj, name)})

    def fill(self) -> Canaries:
        for label, rule in self.rules.items():
            if rule.kind in {RENDERED, "no text"} or not (rule.texts or rule.figures):
                continue
            for obj in rule.model._default_manager.all():
                values = self.values_for(obj, rule)
                if not values:
                    continue
                figures = {k: v for k, v in values.items() if isinstance(v, Decimal)}
                texts = {k: v for k, v in values.items() if k not in figures}
                if texts:
                    self._update_texts(rule, obj, texts)
                for name, figure in figures.items():
                    try:
                        with transaction.atomic():  # a check constraint may refuse it
                            rule.model._default_manager.filter(pk=obj.pk).update(**{name: figure})
                    except (IntegrityError, DataError):
                        self.canaries.figures.pop(str(figure).split(".")[0], None)
                self.canaries.rows[label] += 1
        return self.canaries


def fill_canaries(
    marked_internal: Iterable[tuple[str, Any]] = (), canaries: Canaries | None = None
) -> Canaries:
    """Write canaries into every internal text field of every row in the database (and unique
    figures into internal amounts); a field that already holds one keeps it. `marked_internal`:
    (label, pk) rows the seed knows to be internal beyond what the metadata says (a
    requirement's version written while it was internal). `canaries`: those of an earlier pass,
    to add to."""
    return Filler(model_rules(), set(marked_internal), canaries).fill()


# --- Reading responses -----------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_text(body: bytes) -> str:
    """An Excel workbook as text: every sheet's name and every cell's value, one cell a line."""
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    lines = []
    for sheet in workbook.worksheets:
        lines.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            lines.extend(str(value) for value in row if value is not None)
    workbook.close()
    return "\n".join(lines)


def response_text(response: Any) -> str:
    """Everything a person receives: the headers that carry words (a file's name) and the body,
    a PDF as its text, a workbook as its cells, a calendar file unfolded."""
    content_type = response.get("Content-Type", "")
    headers = " ".join(
        str(response.get(name, "")) for name in ("Content-Disposition", "Location", "HX-Trigger")
    )
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if content_type.startswith("application/pdf") or body.startswith(b"%PDF-"):
        return headers + "\n" + pdf_text(body)
    if content_type.startswith(XLSX_CONTENT_TYPE):
        return headers + "\n" + xlsx_text(body)
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/calendar"):
        # iCalendar folds long lines (RFC 5545, 3.1): unfolded, a canary is never split.
        text = re.sub(r"\r?\n[ \t]", "", text)
    return headers + "\n" + text


@dataclass
class Finding:
    surface: str
    role: str
    found: list[str]


@dataclass
class Tally:
    """What the suite read and found, for the closing figures."""

    reads: Counter = field(default_factory=Counter)  # surface kind -> requests or documents
    cases: Counter = field(default_factory=Counter)  # surface kind -> (surface x role) cases
    surfaces: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    email_kinds: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    seeded: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        self.reads[kind] += count


TALLY = Tally()


# --- Surfaces: what a client user can read, discovered ---------------------------------------

# URL parameters whose name does not say their model ("<model>_id" and "<model>_pk" do).
PARAMETER_MODELS: dict[str, str] = {
    "cr_id": "stakeholders.ChangeRequest",
    "ticket_id": "feedback.FeedbackTicket",
    "template_id": "feedback.SurveyTemplate",
    "response_id": "feedback.SurveyResponse",
    "follow_up_id": "feedback.DetractorFollowUp",
    "gate_id": "projects.PhaseGate",
}
# ... and where one name means different models on different routes.
ROUTE_PARAMETER_MODELS: dict[tuple[str, str], str] = {
    ("stakeholders:communication_item", "item_id"): "stakeholders.CommunicationItem",
    ("stakeholders:action_item_done", "item_id"): "stakeholders.ActionItem",
    ("integrations:action_item_ics", "item_id"): "stakeholders.ActionItem",
    ("feedback:ticket_attachment", "attachment_id"): "feedback.TicketAttachment",
    ("feedback:portal_ticket_attachment", "attachment_id"): "feedback.TicketAttachment",
}
# Parameters that are not a model's id: filled by the suite's providers (see ParameterValues).
SPECIAL_PARAMETERS = {"target", "object_id", "token", "kind"}
# Query parameters that only page or sort.
PAGING_PARAMETERS = {"page", "page_size", "ordering", "limit"}


def model_by_name(name: str) -> type[models.Model] | None:
    """The project model a URL parameter names: "deliverable_id", "project_pk", "id" with a
    path segment "change-requests"... or None."""
    wanted = re.sub(r"(_id|_pk)$", "", name).replace("_", "").replace("-", "").lower()
    candidates = {wanted, wanted.removesuffix("s"), re.sub(r"ies$", "y", wanted)}
    found = [m for m in project_models() if m._meta.model_name in candidates]
    found = [m for m in found if not m.__name__.startswith("Historical")]
    return found[0] if len(found) == 1 else None


def parameter_model(route: str, name: str) -> type[models.Model] | None:
    label = ROUTE_PARAMETER_MODELS.get((route, name)) or PARAMETER_MODELS.get(name)
    return apps.get_model(label) if label else model_by_name(name)


def _project_of(obj: Any, depth: int = 0) -> int | None:
    if getattr(obj, "project_id", None) is not None:
        return obj.project_id
    if depth > 3:
        return None
    for f in obj._meta.concrete_fields:
        if f.is_relation and f.many_to_one:
            parent = getattr(obj, f.name, None)
            if parent is not None:
                found = _project_of(parent, depth + 1)
                if found is not None:
                    return found
    return None


def _related_id(obj: Any, model: type[models.Model], depth: int = 0) -> Any:
    """The id of the `model` row that `obj` belongs to (itself, a foreign key, or one a few
    steps up), or None."""
    if obj.__class__ is model:
        return obj.pk
    if model._meta.label == "projects.Project":
        return _project_of(obj)
    for f in obj._meta.concrete_fields:
        if f.is_relation and f.related_model is model:
            return getattr(obj, f.attname)
    for f in obj._meta.concrete_fields:  # one step up: a discussion attachment's thread
        parent = getattr(obj, f.name, None) if f.is_relation and f.many_to_one else None
        if parent is not None and depth < 2:
            found = _related_id(parent, model, depth + 1)
            if found is not None:
                return found
    return None


@dataclass
class ParameterValues:
    """The values the suite fills a route's parameters with: every seeded object."""

    project: Any
    tokens: dict[str, list[str]]  # URL namespace -> the signed tokens its links carry
    fallback: Any = None  # (route, params) -> kwargs: the role table's, for other parameters

    def kwargs_for(self, route: str, params: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
        """Every combination of parameters to read `route` with, and the parameters it could
        not fill (so that a new kind of parameter is declared, not silently skipped)."""
        if not params:
            return [{}], []
        if "token" in params:
            tokens = self.tokens.get(route.split(":")[0], [])
            return [{"token": token} for token in tokens], ([] if tokens else ["token"])
        if {"target", "object_id"} <= set(params):
            from discussions.registry import discussables

            combos = []
            for discussable in discussables():
                for obj in discussable.model._default_manager.all():
                    combos.append({"target": discussable.key, "object_id": obj.pk})
            return combos, []
        models_ = {name: parameter_model(route, name) for name in params}
        unknown = [name for name, model in models_.items() if model is None]
        if unknown and self.fallback is not None:
            kwargs = self.fallback(route, params)
            if kwargs is not None:
                return [kwargs], []
        if unknown:
            return [], unknown
        project_model = apps.get_model("projects.Project")
        main = [name for name in params if models_[name] is not project_model]
        if not main:
            return [dict.fromkeys(params, self.project.pk)], []
        main_name = main[-1]
        main_model = models_[main_name]
        rows = main_model._default_manager.all()
        if any(f.name == "project" for f in main_model._meta.concrete_fields):
            rows = rows.filter(project=self.project)
        combos = []
        for obj in rows:
            kwargs = {}
            for name in params:
                value = obj.pk if name == main_name else _related_id(obj, models_[name])
                if value is None:
                    break
                kwargs[name] = value
            else:
                combos.append(kwargs)
        return combos, []


def route_parameters(pattern: str) -> list[str]:
    """The parameter names of a URL path or an OpenAPI path, in order."""
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", pattern)]


def page_routes() -> dict[str, str]:
    """Every named URL pattern outside the admin and the API: name -> route pattern."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns: list[Any], namespace: str | None, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.setdefault(name, prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, None, "")
    return {
        name: route
        for name, route in found.items()
        if not name.startswith(("admin:", "api:")) and not route.startswith("api/")
    }


@dataclass(frozen=True)
class ApiOperation:
    path: str
    params: tuple[str, ...]
    query: tuple[tuple[str, str, tuple[Any, ...]], ...]  # (name, type, enum)


def api_get_operations() -> dict[str, ApiOperation]:
    """Every GET operation of the OpenAPI schema, with its query parameters (filters)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        query = tuple(
            (
                parameter["name"],
                parameter.get("schema", {}).get("type", "string"),
                tuple(parameter.get("schema", {}).get("enum") or ()),
            )
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        )
        found[path] = ApiOperation(path, tuple(route_parameters(path)), query)
    return found


def api_view_model(path: str) -> type[models.Model] | None:
    """The model an API path's {id} names: its view's queryset or serializer, else the path
    segment before it ("change-requests")."""
    from django.urls import resolve

    url = re.sub(
        r"\{(\w+)\}", lambda m: "projects.project" if m.group(1) == "target" else "1", path
    )
    view = getattr(resolve(url).func, "cls", None)
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    if getattr(meta, "model", None) is not None:
        return meta.model
    segment = re.search(r"/([\w-]+)/\{id\}", path)
    return model_by_name(segment.group(1)) if segment else None


def api_operation_urls(
    operation: ApiOperation, values: ParameterValues
) -> tuple[list[str], list[str]]:
    """The URLs to read an operation with: every seeded object in its path, and for a list
    every value of every filter (each alone). Returns (urls, parameters it could not fill)."""
    params = list(operation.params)
    route_names = {name: name for name in params}
    if "id" in params:
        model = api_view_model(operation.path)
        if model is None:
            return [], ["id"]
    combos: list[dict[str, Any]]
    if "id" in params:
        rows = model._default_manager.all()
        if any(f.name == "project" for f in model._meta.concrete_fields):
            rows = rows.filter(project=values.project)
        combos = []
        for obj in rows:
            kwargs = {"id": obj.pk}
            for name in params:
                if name == "id":
                    continue
                other = parameter_model(operation.path, name)
                kwargs[name] = _related_id(obj, other) if other is not None else None
            if all(value is not None for value in kwargs.values()):
                combos.append(kwargs)
        unknown: list[str] = []
    else:
        combos, unknown = values.kwargs_for(operation.path, [route_names[n] for n in params])
    bases = [
        re.sub(r"\{(\w+)\}", lambda m, kw=kwargs: str(kw[m.group(1)]), operation.path)
        for kwargs in combos
    ]
    urls = list(bases)
    model = api_view_model(operation.path) if "id" not in params else None
    for name, kind, enum in operation.query:
        if name in PAGING_PARAMETERS:
            continue
        for value in _filter_values(name, kind, enum, model):
            urls.extend(f"{base}?{name}={value}" for base in bases)
    return urls, unknown


def _filter_values(
    name: str, kind: str, enum: tuple[Any, ...], model: type[models.Model] | None
) -> list[Any]:
    from urllib.parse import quote

    if name in {"search", "q"}:
        return [CANARY]
    if kind == "boolean":
        return ["true", "false"]
    if enum:
        return [quote(str(value)) for value in enum]
    if model is not None:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and model_field.choices:
            return [quote(str(value)) for value, _label in model_field.flatchoices]
        if model_field is not None and model_field.concrete:
            column = model_field.attname
            return sorted(
                {
                    quote(str(value))
                    for value in model._default_manager.values_list(column, flat=True)[:200]
                    if value is not None
                }
            )[:10]
    if kind == "integer":
        return ["1", "3", "5"]
    return [CANARY]
