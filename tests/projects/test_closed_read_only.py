"""A closed project is read-only everywhere: services, pages, API, periodic tasks.

The guard is projects.closure: pre_save / pre_delete receivers on every project-scoped model,
and a 409 answer to any write to a closed project's page or API operation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.services.tickets import ticket_raise
from projects.closure import (
    ProjectClosed,
    closed_project_writes_allowed,
    ensure_project_open,
    guarded_models,
)
from projects.models import Membership, Milestone, Phase, Project, Role, Task
from projects.services.milestones import milestone_create, milestone_update
from projects.services.tasks import task_create
from reports.dispatch import reports_dispatch
from reports.models import Report, ReportSchedule
from reports.services.schedules import schedule_save
from risks.models import Risk
from risks.services.register import risk_create
from stakeholders.models import Requirement
from stakeholders.services.requirements import requirement_create
from tests.confidentiality.role_table import API, PAGES
from tests.confidentiality.test_role_table import (
    _api_url,
    client_for,
    discovered_api_operations,
    discovered_url_names,
    full_cast,  # noqa: F401  (the confidentiality suite's world, as a fixture)
)

MESSAGE = "This project is closed and read-only. A staff admin can reopen it."


def close(project: Project) -> None:
    with closed_project_writes_allowed():
        project.phase = Phase.CLOSED
        project.save(update_fields=["phase", "updated_at"])


def test_task_create_on_closed_project_is_refused(pm, project):
    close(project)
    with pytest.raises(ProjectClosed) as refused:
        task_create(actor=pm, project=project, name="Late work")
    assert refused.value.code == "project_closed"
    assert refused.value.http_status == 409
    assert str(refused.value.message) == MESSAGE
    assert not Task.objects.filter(project=project).exists()


def test_requirement_create_on_closed_project_is_refused(pm, project):
    close(project)
    with pytest.raises(ProjectClosed):
        requirement_create(actor=pm, project=project, title="One more thing")
    assert not Requirement.objects.filter(project=project).exists()


def test_milestone_edit_on_closed_project_is_refused(pm, project):
    milestone = milestone_create(
        actor=pm, project=project, name="Go-live", due_date=date(2027, 3, 1)
    )
    close(project)
    with pytest.raises(ProjectClosed):
        milestone_update(actor=pm, milestone=milestone, name="Go-live, later")
    milestone.refresh_from_db()
    assert milestone.name == "Go-live"


def test_milestone_delete_on_closed_project_is_refused(pm, project):
    milestone = milestone_create(
        actor=pm, project=project, name="Go-live", due_date=date(2027, 3, 1)
    )
    close(project)
    # Model.delete() runs in an atomic block without a savepoint: give it one here.
    with pytest.raises(ProjectClosed), transaction.atomic():
        milestone.delete()
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_risk_create_on_closed_project_is_refused(pm, project):
    close(project)
    with pytest.raises(ProjectClosed):
        risk_create(actor=pm, project=project, title="Too late")
    assert not Risk.objects.filter(project=project).exists()


def test_ticket_raise_on_closed_project_is_refused(rep, project):
    close(project)
    with pytest.raises(ProjectClosed):
        ticket_raise(actor=rep, project=project, kind="complaint", title="Slow support")
    assert not project.feedback_tickets.exists()


def test_editing_a_closed_projects_fields_is_refused(project):
    close(project)
    project.name = "Renamed"
    with pytest.raises(ProjectClosed):
        project.save()
    project.refresh_from_db()
    assert project.name == "A One"


def test_a_guarded_child_row_finds_its_project_through_its_parent(pm, project):
    from projects.services.deliverables import deliverable_create

    milestone = milestone_create(
        actor=pm, project=project, name="Go-live", due_date=date(2027, 3, 1)
    )
    deliverable = deliverable_create(
        actor=pm, milestone=milestone, name="Runbook", criteria=["Reviewed"]
    )
    criterion = deliverable.criteria.get()
    close(project)
    criterion.text = "Changed"
    with pytest.raises(ProjectClosed):
        criterion.save()


def test_closed_project_writes_allowed_lets_the_phase_change_through(project):
    close(project)
    with closed_project_writes_allowed():
        project.phase = Phase.CLOSING
        project.save(update_fields=["phase", "updated_at"])
    project.refresh_from_db()
    assert project.phase == Phase.CLOSING
    ensure_project_open(project.pk)  # open again: no error


def test_ensure_project_open_refuses_a_closed_project(project):
    ensure_project_open(project.pk)
    close(project)
    with pytest.raises(ProjectClosed):
        ensure_project_open(project.pk)
    with closed_project_writes_allowed():
        ensure_project_open(project.pk)


def test_a_member_may_be_removed_from_a_closed_project_but_not_added(
    project, rep, client_a, django_user_model
):
    close(project)
    with transaction.atomic():
        Membership.objects.get(project=project, user=rep).delete()
    newcomer = django_user_model.objects.create_user(
        email="new@a.test", password="x", organization=client_a
    )
    with pytest.raises(ProjectClosed):
        Membership.objects.create(project=project, user=newcomer, role=Role.CUSTOMER_REP)
    assert not Membership.objects.filter(project=project, user__in=[rep, newcomer]).exists()


def test_the_guard_adds_one_query_per_saved_row(pm, project):
    task = task_create(actor=pm, project=project, name="Work")

    def save_counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            task.name = f"{task.name}!"
            task.save()
        return len(queries)

    with closed_project_writes_allowed():  # the guard lets it through without asking
        unguarded = save_counted()
    assert save_counted() == unguarded + 1


def test_due_report_schedule_of_a_closed_project_produces_no_report(pm, project, rep):
    schedule = schedule_save(
        actor=pm,
        project=project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CUSTOMER_REP],
        is_active=True,
    )
    past = datetime(2026, 3, 30, 7, tzinfo=UTC)
    ReportSchedule.objects.filter(pk=schedule.pk).update(
        next_run_at=past, anchor_date=date(2026, 1, 5)
    )
    close(project)
    result = reports_dispatch(now=past + timedelta(minutes=3))
    assert (result.due, result.created) == (0, 0)
    assert not Report.objects.filter(project=project).exists()


def test_every_project_scoped_model_is_guarded_or_declared_writable():
    """A new model with a project is guarded (register_closed_guard in its app's ready()) or
    listed here with the reason it stays writable after closure."""
    writable = {
        "projects.Membership": "guarded for additions; removal stays possible (access review)",
        "feedback.Campaign": "the final survey goes out on close",
        "feedback.SurveyInvitation": "surveys are answered after close",
        "feedback.SurveyOptOut": "surveys are answered after close",
        "feedback.SurveyResponse": "surveys are answered after close",
        "feedback.SurveyAnswer": "surveys are answered after close",
        "feedback.DetractorFollowUp": "follow-ups of late survey answers",
        "reports.ReportRendition": "in-flight report e-mails finish",
        "reports.ReportDelivery": "in-flight report e-mails finish",
        "portal.ProjectVisit": "a record of reading",
        "portal.ViewAsSession": "a record of reading (audit)",
        "closeout.Reopening": "a staff admin reopens a closed project",
        "lessons.Lesson": "lessons are learned after close (the retrospective)",
        "integrations.AccessToken": "a person's API token; reading a closed project stays open",
        "integrations.WebhookEndpoint": "integration settings; a closed project's last events "
        "(project.closed) are still delivered and its endpoints looked after",
    }
    guarded = {model._meta.label for model in guarded_models()}
    unguarded = []
    for model in apps.get_models():
        label = model._meta.label
        if label in guarded or label in writable or label.split(".")[1].startswith("Historical"):
            continue
        relations = {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is not None
        }
        if Project in relations or relations & set(guarded_models()):
            unguarded.append(label)
    assert unguarded == []


def test_staff_project_page_of_a_closed_project_shows_the_banner(client, pm, project):
    close(project)
    client.force_login(pm)
    response = client.get(reverse("projects:detail", kwargs={"project_id": project.pk}))
    assert response.status_code == 200
    assert "read-only" in response.content.decode()


# --- Every write endpoint, discovered -----------------------------------------------------------
#
# Every API operation with POST / PUT / PATCH / DELETE in the OpenAPI schema and every page
# URL pattern that accepts a POST is sent a write on a closed project, as the role that may
# write on an open one; it must be refused (409, code project_closed; pages: 409 with the
# message) and change nothing. A new write endpoint fails here until it is refused or listed
# below with the reason it stays writable.

# Project-scoped endpoints that stay writable on a closed project.
WRITABLE_WHEN_CLOSED = {
    "projects:member_remove": "removing access (access review)",
    "projects:invitation_revoke": "revoking access (access review)",
    "portal:project_member_remove": "removing access (access review)",
    "portal:project_invitation_revoke": "revoking access (access review)",
    "portal:view_as_start": "records reading (an audit row), changes no project data",
    "projects:failed_email_resend": "outgoing messages finish after close",
    "projects:archive": "archiving takes a closed project out of the lists, changes no content",
    "projects:restore": "restoring an archived project to the lists, changes no content",
    "closeout:reopen": "a staff admin reopens a closed project (tests/closeout)",
    "lessons:retrospective": "lessons are learned after close (the retrospective)",
    "lessons:lesson_edit": "lessons are learned after close (the retrospective)",
    "lessons:lesson_delete": "lessons are learned after close (the retrospective)",
    "lessons:portal_lessons": "the client's lessons are learned after close",
    "projects:template_save": "reads the project; writes a template, which belongs to no project",
}

# Write endpoints that are not about one project's data (nothing to refuse), or that stay
# writable by design; the survey side is answered after close.
NOT_PROJECT_WRITES = {
    "set_language": "the person's language",
    ("POST", "/api/v1/lessons/"): "lessons are learned after close (tests/lessons)",
    ("PATCH", "/api/v1/lessons/{id}/"): "lessons are learned after close (tests/lessons)",
    ("DELETE", "/api/v1/lessons/{id}/"): "lessons are learned after close (tests/lessons)",
    ("POST", "/api/v1/projects/{project_pk}/closeout/reopenings/"): (
        "a staff admin reopens a closed project (tests/closeout)"
    ),
    "accounts:profile": "the person's profile",
    "accounts:token_regenerate": "the person's API token",
    "accounts:token_revoke": "the person's API token",
    "accounts:calendar_feed_create": "the person's calendar address",
    "accounts:calendar_feed_revoke": "the person's calendar address",
    "integrations:tokens": "the person's access tokens (reading a closed project stays possible)",
    "integrations:token_revoke": "the person's access tokens",
    ("POST", "/api/v1/me/calendar-feed/"): "the person's calendar address",
    **dict.fromkeys(
        [
            "integrations:webhooks",
            "integrations:webhook_update",
            "integrations:webhook_rotate",
            "integrations:webhook_test",
            "integrations:webhook_enable",
            "integrations:webhook_disable",
            "integrations:webhook_delete",
            "integrations:webhook_resend",
            ("POST", "/api/v1/webhooks/"),
            ("PATCH", "/api/v1/webhooks/{endpoint_id}/"),
            ("DELETE", "/api/v1/webhooks/{endpoint_id}/"),
            ("POST", "/api/v1/webhooks/{endpoint_id}/rotate-secret/"),
            ("POST", "/api/v1/webhooks/{endpoint_id}/test/"),
            ("POST", "/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend/"),
        ],
        "webhook endpoints: integration settings, not the project's content",
    ),
    ("DELETE", "/api/v1/me/calendar-feed/"): "the person's calendar address",
    ("POST", "/api/v1/me/tokens/"): "the person's access tokens",
    ("DELETE", "/api/v1/me/tokens/{token_id}/"): "the person's access tokens",
    "invitations:accept": "adds a member: refused by the Membership guard (service test)",
    "projects:create": "a new project is open",
    "integrations:archive_import": "a new project from an archive is open",
    ("POST", "/api/v1/project-archives/"): "a new project from an archive is open",
    "feedback:survey_templates": "survey templates belong to no project",
    "feedback:survey_template": "survey templates belong to no project",
    "feedback:survey_question_add": "survey templates belong to no project",
    "feedback:survey_question_delete": "survey templates belong to no project",
    "feedback:survey_template_copy": "survey templates belong to no project",
    "feedback:survey_template_set_default": "survey templates belong to no project",
    "feedback:survey_template_archive": "survey templates belong to no project",
    "feedback:follow_up": "detractor follow-ups go on after close",
    "feedback:survey_answer": "the final survey is answered after close",
    "feedback:survey_unsubscribe": "survey opt-outs go on after close",
    "feedback:interaction_log": "the client account, not a project",
    "feedback:opportunity_create": "the client account, not a project",
    "feedback:opportunity": "the client account, not a project",
    "notifications:preferences": "the person's preferences",
    "notifications:mark_read": "the person's notifications",
    "portal:view_as_stop": "ends a view-as session",
    "operations:outbox_resend": "outgoing messages finish after close",
    "operations:outbox_resend_failed": "outgoing messages finish after close",
    "operations:report_delivery_resend": "deliveries of reports already made finish",
    "operations:branding": "the provider's branding belongs to no project",
    "projects:template_delete": "templates belong to no project",
    "accounts:organization_calendar": "an organisation's calendar belongs to no project",
    "accounts:organization_calendar_day_add": "an organisation's calendar belongs to no project",
    "accounts:organization_calendar_day_delete": (
        "an organisation's calendar belongs to no project"
    ),
    "accounts:my_calendar": "the person's working pattern",
    "accounts:leave_add": "the person's leave",
    "accounts:leave_delete": "the person's leave",
    "search": "a search form",
    "home": "the start page",
    "notifications:list": "the person's notifications",
    "portal:search": "a search form",
    ("POST", "/api/v1/accounts/{organization_pk}/interactions/"): "the client account",
    ("POST", "/api/v1/accounts/{organization_pk}/opportunities/"): "the client account",
    ("PATCH", "/api/v1/accounts/{organization_pk}/opportunities/{id}/"): "the client account",
    ("PATCH", "/api/v1/me/"): "the person's profile",
    ("PUT", "/api/v1/me/notification-preferences/"): "the person's preferences",
    ("POST", "/api/v1/my-surveys/{id}/respond/"): "the final survey is answered after close",
    ("POST", "/api/v1/survey-follow-ups/{id}/close/"): "follow-ups go on after close",
    ("POST", "/api/v1/survey-templates/"): "survey templates belong to no project",
    ("POST", "/api/v1/survey-templates/{id}/questions/"): "survey templates belong to no project",
    ("POST", "/api/v1/projects/"): "a new project is open",
    ("POST", "/api/v1/me/notifications/mark-read/"): "the person's notifications",
    ("POST", "/api/v1/outbox/{message_id}/resend/"): "outgoing messages finish after close",
    ("POST", "/api/v1/outbox/resend-failed/"): "outgoing messages finish after close",
    ("DELETE", "/api/v1/attachments/{attachment_id}/"): (
        "names no project: the guard's 409 is checked in tests/api/test_api_parity_more.py"
    ),
    ("POST", "/api/v1/survey-templates/{id}/archive/"): "survey templates belong to no project",
    ("POST", "/api/v1/survey-templates/{id}/copy/"): "survey templates belong to no project",
    ("DELETE", "/api/v1/survey-templates/{id}/questions/{question_id}/"): (
        "survey templates belong to no project"
    ),
    ("POST", "/api/v1/projects/{id}/set-archived/"): (
        "archiving takes a closed project out of the lists, changes no content"
    ),
    ("POST", "/api/v1/projects/{id}/copy/"): "reads the project; the copy is a new, open project",
    ("DELETE", "/api/v1/projects/{id}/members/{membership_pk}/"): (
        "removing access (access review)"
    ),
    ("POST", "/api/v1/project-templates/"): (
        "reads the project; writes a template, which belongs to no project"
    ),
    ("DELETE", "/api/v1/project-templates/{id}/"): "templates belong to no project",
    ("POST", "/api/v1/project-templates/{id}/projects/"): "a new project is open",
    ("DELETE", "/api/v1/projects/{project_pk}/invitations/{id}/"): (
        "revoking access (access review)"
    ),
}
# Sign-in and account pages of allauth: no project data.
AUTH_PREFIXES = ("account_", "mfa_", "not_offered_")


def _crafted_writes(cast):
    """Writes to a closed project's rows through URLs that do not name the project, with a
    body that passes the form or serializer (so the guard, not the validation, answers)."""
    thread = {"target": "projects.deliverable", "object_id": cast.deliverable.pk}
    requirement = {"target": "stakeholders.requirement", "object_id": cast.requirement.pk}
    return {
        "discussions:thread": (
            "pm",
            reverse("discussions:thread", kwargs=thread),
            {"body": "A late note", "kind": "reply"},
        ),
        "discussions:attachments": (
            "pm",
            reverse("discussions:attachments", kwargs=requirement),
            {"files": SimpleUploadedFile("late.txt", b"late")},
        ),
        "discussions:attachment_delete": (
            "pm",
            reverse("discussions:attachment_delete", kwargs={"attachment_id": cast.attachment.pk}),
            {},
        ),
        "stakeholders:action_item_done": (
            "pm",
            reverse("stakeholders:action_item_done", kwargs={"item_id": cast.action_item.pk}),
            {"done": "1"},
        ),
        "feedback:portal_ticket_create": (
            "rep",
            reverse("feedback:portal_ticket_create"),
            {
                "project": cast.project.pk,
                "kind": "complaint",
                "severity": "medium",
                "title": "Late",
                "description": "Late",
            },
        ),
        ("POST", "/api/v1/discussions/{target}/{object_id}/entries/"): (
            "pm",
            f"/api/v1/discussions/projects.deliverable/{cast.deliverable.pk}/entries/",
            {"body": "A late note", "kind": "reply"},
        ),
        ("POST", "/api/v1/portal/waiting/act/"): (
            "rep",
            "/api/v1/portal/waiting/act/",
            {"project": cast.project.pk, "kind": "action_item", "id": cast.action_item.pk},
        ),
        ("POST", "/api/v1/discussions/{target}/{object_id}/attachments/"): (
            "pm",
            f"/api/v1/discussions/stakeholders.requirement/{cast.requirement.pk}/attachments/",
            {"files": SimpleUploadedFile("late.txt", b"late")},
        ),
    }


def _snapshot(project_ids):
    """Every row of every guarded model that belongs to the projects, as stored."""
    snapshot = {}
    for model, path in guarded_models().items():
        lookup = "pk__in" if callable(path) else f"{path}__in"
        rows = model._default_manager.filter(**{lookup: project_ids}).order_by("pk").values()
        snapshot[model._meta.label] = list(rows)
    return snapshot


def _writer(page_name_or_path: str) -> list[str]:
    """Who writes there on an open project: the PM on staff endpoints, the client admin or
    representative on portal ones, a staff admin otherwise."""
    if "portal" in page_name_or_path:
        return ["client_admin", "rep", "pm", "staff_admin"]
    return ["pm", "client_admin", "rep", "staff_admin"]


def _send(client, method, url, data, **extra):
    """One request in a savepoint: a guard refusing a delete breaks the transaction it runs in
    (Django deletes in an atomic block without a savepoint), and the test's is shared."""
    with transaction.atomic():
        if method == "POST" and "content_type" not in extra:
            return client.post(url, data)
        return client.generic(method, url, data=data, **extra)


def _project_of(kwargs):
    return kwargs.get("project_id") or kwargs.get("project_pk")


def _refused(response, *, api: bool, client=None) -> bool:
    """API: 409 with the code and message. Pages: 409 with the message, or the form shown
    again with it (400 / 200), or a redirect to a page that shows it as a message."""
    if api:
        return response.status_code == 409 and response.json() == {
            "code": "project_closed",
            "detail": MESSAGE,
        }
    if response.status_code in (301, 302, 303) and client is not None:
        response = client.get(response["Location"])
    return response.status_code in (200, 400, 409) and MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_every_write_endpoint_refuses_a_closed_project(full_cast):  # noqa: F811
    cast = full_cast
    pages = [
        (name, PAGES[name].kwargs(cast))
        for name in sorted(discovered_url_names())
        if name in PAGES and not name.startswith(AUTH_PREFIXES)
    ]
    operations = [
        (method, path, API[(method, path)].kwargs(cast))
        for method, path in sorted(discovered_api_operations())
        if method in {"POST", "PUT", "PATCH", "DELETE"}
    ]
    crafted = _crafted_writes(cast)
    project_ids = {cast.project.pk}
    project_ids |= {_project_of(kwargs) for _name, kwargs in pages if _project_of(kwargs)}
    project_ids |= {_project_of(kwargs) for *_op, kwargs in operations if _project_of(kwargs)}
    for project in Project.objects.filter(pk__in=project_ids):
        close(project)
    before = _snapshot(project_ids)
    failures = {}
    clients = {
        name: client_for(cast, name) for name in ["pm", "client_admin", "rep", "staff_admin"]
    }

    for name, kwargs in pages:
        if name in WRITABLE_WHEN_CLOSED or name in NOT_PROJECT_WRITES:
            continue
        url = reverse(name, kwargs=kwargs)
        if name in crafted:
            role, url, data = crafted[name]
            response = _send(clients[role], "POST", url, data)
            if not _refused(response, api=False, client=clients[role]):
                failures[name] = response.status_code
            continue
        responses = [_send(clients[role], "POST", url, {}) for role in _writer(name)]
        if any(response.status_code == 405 for response in responses):
            continue  # no POST here (other roles may be sent elsewhere before that answer)
        if _project_of(kwargs) is None:
            failures[name] = "a write endpoint that names no project: craft it or list it"
        elif not any(_refused(response, api=False) for response in responses):
            failures[name] = [response.status_code for response in responses]

    for method, path, kwargs in operations:
        key = (method, path)
        if key in NOT_PROJECT_WRITES:
            continue
        if key in crafted:
            role, url, data = crafted[key]
            response = _send(clients[role], "POST", url, data)
            if not _refused(response, api=True):
                failures[key] = (response.status_code, response.content[:200])
            continue
        url = _api_url(path, kwargs)
        responses = [
            _send(clients[role], method, url, "{}", content_type="application/json")
            for role in _writer(path)
        ]
        if _project_of(kwargs) is None and "/projects/{id}/" not in path:
            failures[key] = "an API write that names no project: craft it or list it"
        elif not any(_refused(response, api=True) for response in responses):
            failures[key] = [response.status_code for response in responses]

    assert failures == {}, "\n".join(f"{key}: {value}" for key, value in failures.items())
    assert _snapshot(project_ids) == before


def test_admin_delete_of_a_closed_projects_row_is_refused(client, pm, staff_admin, project):
    risk = risk_create(actor=pm, project=project, title="Scanner supply")
    close(project)
    client.force_login(staff_admin)
    url = reverse("admin:risks_risk_delete", args=[risk.pk])
    with transaction.atomic():
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 409
    assert MESSAGE in response.content.decode()
    assert Risk.objects.filter(pk=risk.pk).exists()
