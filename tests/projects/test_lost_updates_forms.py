"""Lost updates refused in the pages: two people open the same edit form; the first saves; the
second's save is refused, nothing of theirs is written, and the form comes back with their values,
a message and, for the field they both changed, their value next to the one saved meanwhile.
Saving that form again (it now carries the new revision) keeps their values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from feedback.models import FeedbackTicket
from feedback.services.tickets import ticket_raise
from projects.models import Milestone, Objective, Project, Role, Task, Visibility
from projects.services.milestones import milestone_create
from projects.services.objectives import objective_create
from projects.services.tasks import task_create
from reports.models import ReportSchedule
from reports.services.schedules import schedule_save
from risks.models import Risk
from risks.services.register import risk_create
from stakeholders.models import ChangeRequest, CommunicationItem, Meeting, Requirement, Stakeholder
from stakeholders.services.changes import change_request_create
from stakeholders.services.meetings import meeting_create
from stakeholders.services.register import communication_item_create, stakeholder_create
from stakeholders.services.requirements import requirement_create
from tests.factories import UserFactory, add_member, enrol_totp
from tests.helpers import logged_in

CONFLICT = "Someone else saved this since you opened it"


class _Forms(HTMLParser):
    """The forms of a page as a browser would post them: (action, [(name, value), ...])."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._select: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), []))
        if not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in {"submit", "button", "file"}:
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a.get("name", ""), "multiple" in a)
        elif tag == "option" and self._select is not None and "selected" in a:
            fields.append((self._select[0], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self._text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1][1].append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def form_data(html: str, action: str, field: str, page: str) -> dict[str, Any]:
    """The data of the form of `page` that posts to `action` and has a field ending in
    `field`."""
    parser = _Forms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if (form_action or page) == action and any(name.endswith(field) for name, _ in fields):
            data: dict[str, Any] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return {
                name: values[0] if len(values) == 1 else values for name, values in data.items()
            }
    raise AssertionError(f"no form posting to {action} with {field}")


def _set(data: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    [name] = [name for name in data if name == field or name.endswith(f"-{field}")]
    return {**data, name: value}


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[Any], Any]
    page: Callable[[Any, Any], str]
    action: Callable[[Any, Any], str]
    field: str
    label: str
    read: Callable[[Any], Any]
    theirs: str = "Their version"
    other: str = "Saved meanwhile"
    who: str = "pm"
    # How the message shows the two values, when not as posted (a choice shows its label).
    shown: tuple[str, str] | None = None


def _p(record: Any) -> int:
    return record.project_id if hasattr(record, "project_id") else record.pk


def _make_project(cast):
    return cast.project


def _make_objective(cast):
    return objective_create(actor=cast.pm, project=cast.project, title="Go live")


def _make_milestone(cast):
    return milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2026, 6, 30)
    )


def _make_task(cast):
    return task_create(actor=cast.pm, project=cast.project, name="Set up scanners")


def _make_requirement(cast):
    return requirement_create(
        actor=cast.pm, project=cast.project, title="Scan barcodes", visibility=Visibility.CLIENT
    )


def _make_change_request(cast):
    return change_request_create(actor=cast.pm, project=cast.project, title="Second warehouse")


def _make_stakeholder(cast):
    return stakeholder_create(actor=cast.pm, project=cast.project, name="Mia Chen")


def _make_communication_item(cast):
    return communication_item_create(actor=cast.pm, project=cast.project, what="Weekly update")


def _make_meeting(cast):
    return meeting_create(
        actor=cast.pm,
        project=cast.project,
        title="Kick-off",
        starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        minutes="First notes",
    )


def _make_risk(cast):
    return risk_create(actor=cast.pm, project=cast.project, title="Vendor late")


def _make_schedule(cast):
    return schedule_save(
        actor=cast.pm,
        project=cast.project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN],
        is_active=True,
    )


def _make_ticket(cast):
    return ticket_raise(actor=cast.rep, project=cast.project, kind="complaint", title="Slow scans")


KINDS = [
    Kind(
        "project",
        _make_project,
        lambda cast, r: reverse("projects:edit", args=[r.pk]),
        lambda cast, r: reverse("projects:edit", args=[r.pk]),
        "name",
        "Name",
        lambda r: Project.objects.get(pk=r.pk).name,
    ),
    Kind(
        "objective",
        _make_objective,
        lambda cast, r: reverse("projects:detail", args=[r.project_id]),
        lambda cast, r: reverse("projects:objective_edit", args=[r.project_id]),
        "title",
        "Goal",
        lambda r: Objective.objects.get(pk=r.pk).title,
    ),
    Kind(
        "milestone",
        _make_milestone,
        lambda cast, r: reverse("projects:plan", args=[r.project_id]),
        lambda cast, r: reverse("projects:milestone_edit", args=[r.project_id]),
        "name",
        "Name",
        lambda r: Milestone.objects.get(pk=r.pk).name,
    ),
    Kind(
        "task",
        _make_task,
        lambda cast, r: reverse("projects:task", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("projects:task", args=[r.project_id, r.pk]),
        "name",
        "Name",
        lambda r: Task.objects.get(pk=r.pk).name,
    ),
    Kind(
        "requirement",
        _make_requirement,
        lambda cast, r: reverse("stakeholders:requirement", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("stakeholders:requirement_edit", args=[r.project_id, r.pk]),
        "title",
        "Title",
        lambda r: Requirement.objects.get(pk=r.pk).title,
    ),
    Kind(
        "change request",
        _make_change_request,
        lambda cast, r: reverse("stakeholders:change_request", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("stakeholders:change_request_assess", args=[r.project_id, r.pk]),
        "scope_impact",
        "Impact on scope",
        lambda r: ChangeRequest.objects.get(pk=r.pk).scope_impact,
    ),
    Kind(
        "stakeholder",
        _make_stakeholder,
        lambda cast, r: reverse("stakeholders:stakeholder", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("stakeholders:stakeholder", args=[r.project_id, r.pk]),
        "role",
        "Role",
        lambda r: Stakeholder.objects.get(pk=r.pk).role,
    ),
    Kind(
        "communication plan line",
        _make_communication_item,
        lambda cast, r: reverse("stakeholders:communication_item", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("stakeholders:communication_item", args=[r.project_id, r.pk]),
        "channel",
        "Channel",
        lambda r: CommunicationItem.objects.get(pk=r.pk).channel,
    ),
    Kind(
        "meeting",
        _make_meeting,
        lambda cast, r: reverse("stakeholders:meeting", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("stakeholders:meeting_edit", args=[r.project_id, r.pk]),
        "location",
        "Location or link",
        lambda r: Meeting.objects.get(pk=r.pk).location,
    ),
    Kind(
        "meeting minutes",
        _make_meeting,
        lambda cast, r: reverse("stakeholders:meeting", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("stakeholders:meeting_minutes_save", args=[r.project_id, r.pk]),
        "minutes",
        "Minutes (Markdown)",
        lambda r: Meeting.objects.get(pk=r.pk).minutes,
    ),
    Kind(
        "risk",
        _make_risk,
        lambda cast, r: reverse("risks:risk", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("risks:risk_edit", args=[r.project_id, r.pk]),
        "cause",
        "Cause",
        lambda r: Risk.objects.get(pk=r.pk).cause,
    ),
    Kind(
        "report schedule",
        _make_schedule,
        lambda cast, r: reverse("reports:schedule", args=[r.project_id]),
        lambda cast, r: reverse("reports:schedule", args=[r.project_id]),
        "hour",
        "Hour",
        lambda r: ReportSchedule.objects.get(pk=r.pk).hour,
        theirs="17",
        other="6",
    ),
    Kind(
        "report recipients (portal)",
        _make_schedule,
        lambda cast, r: reverse("reports:portal_reports", args=[r.project_id]),
        lambda cast, r: reverse("reports:portal_reports", args=[r.project_id]),
        "extra_recipients",
        "Other addresses",
        lambda r: [e.email for e in ReportSchedule.objects.get(pk=r.pk).extra_recipients.all()],
        theirs="ops@client.test, Ops, en",
        other="it@client.test, IT, en",
        who="client_admin",
    ),
    Kind(
        "feedback ticket",
        _make_ticket,
        lambda cast, r: reverse("feedback:ticket", args=[r.project_id, r.pk]),
        lambda cast, r: reverse("feedback:ticket_update", args=[r.project_id, r.pk]),
        "severity",
        "Severity",
        lambda r: FeedbackTicket.objects.get(pk=r.pk).severity,
        theirs="critical",
        other="low",
        shown=("Critical", "Low"),
    ),
]


def _second(cast, who: str):
    """Another person of the same role in the project (the second PM, or client admin)."""
    if who == "pm":
        person = UserFactory(email="pm2@provider.test", organization=cast.pm.organization)
        enrol_totp(person)
        add_member(cast.project, person, Role.PM)
        return person
    person = UserFactory(email="admin2@client.test", organization=cast.client_admin.organization)
    add_member(cast.project, person, Role.CLIENT_ADMIN)
    return person


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_a_stale_form_save_is_refused_and_shows_what_changed(cast, kind):
    record = kind.make(cast)
    first, second = logged_in(cast.by_name(kind.who)), logged_in(_second(cast, kind.who))
    page, action = kind.page(cast, record), kind.action(cast, record)
    # Both open the form.
    mine = form_data(first.get(page).content.decode(), action, kind.field, page)
    theirs = form_data(second.get(page).content.decode(), action, kind.field, page)
    assert any(name.endswith("revision") for name in mine)
    # The other person saves first.
    saved = second.post(action, _set(theirs, kind.field, kind.other))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    after_other = kind.read(record)
    # Then mine, based on what I opened: refused, nothing of mine written.
    refused = first.post(action, _set(mine, kind.field, kind.theirs))
    assert refused.status_code == 400
    assert kind.read(record) == after_other
    html = refused.content.decode()
    assert CONFLICT in html
    theirs_shown, other_shown = kind.shown or (kind.theirs, kind.other)
    assert f"{kind.label}: yours “{theirs_shown}”, saved now “{other_shown}”" in html
    # The form came back with my value and the current revision: saving again keeps mine.
    again = form_data(html, action, kind.field, action)
    assert kind.theirs in str(again[next(n for n in again if n.endswith(kind.field))])
    assert first.post(action, again).status_code == 302
    assert kind.read(record) != after_other
