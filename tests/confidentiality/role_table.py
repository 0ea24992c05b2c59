"""Who may open what: the expected outcome of a GET on every page and API endpoint, per role.

Every URL pattern of the URLconf and every operation of the OpenAPI schema must be declared here
(tests/confidentiality/test_role_table.py discovers them and fails for any undeclared one), so
that no page can be added without saying who may see it.

Outcomes: an HTTP status (200, 403, 404, 405, 401), or a redirect: LOGIN (to the login page),
PORTAL (a client user sent to the portal), STAFF (a provider person sent to the staff app), or
"redirect:<prefix>" for any other target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.services import calendar_feed_create
from tests.conftest import ROLE_NAMES

LOGIN = "redirect:/accounts/login/"
PORTAL = "redirect=/portal/"
STAFF = "redirect=/"
MFA_SETUP = "redirect:/accounts/2fa/totp/activate/"
ADMIN_LOGIN = "redirect:/admin/login/"
# allauth asks for the password again before a change of second factor.
REAUTHENTICATE = "redirect:/accounts/reauthenticate/"

ROLES = ROLE_NAMES
PROVIDER = ["pm", "am", "teammate", "outsider", "staff_admin"]
CLIENTS = ["client_admin", "rep", "viewer", "other_client_rep"]


def roles(default: Any, **overrides: Any) -> dict[str, Any]:
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


# --- The usual shapes -------------------------------------------------------------------------

# A staff page about client A's project: its team and staff admins; clients go to the portal;
# a provider person outside the project gets 404 as if it did not exist.
STAFF_PROJECT_PAGE = roles(200, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL))
# A staff page of one's own (lists are scoped inside): every provider person; clients to portal.
STAFF_PAGE = roles(200, anonymous=LOGIN, **dict.fromkeys(CLIENTS, PORTAL))
# A portal page about client A's project: client A's members; provider people to the staff app;
# client B's representative gets 404.
PORTAL_PROJECT_PAGE = roles(
    200, anonymous=LOGIN, other_client_rep=404, **dict.fromkeys(PROVIDER, STAFF)
)
PORTAL_PAGE = roles(200, anonymous=LOGIN, **dict.fromkeys(PROVIDER, STAFF))
# A staff page where only the project's PM edits: the rest of its team is refused, a provider
# person outside the project finds nothing.
PM_EDIT_PAGE = roles(403, anonymous=LOGIN, pm=200, outsider=404, **dict.fromkeys(CLIENTS, PORTAL))
# A staff admin's page (operations): other provider people are refused; clients to the portal.
STAFF_ADMIN_PAGE = roles(403, anonymous=LOGIN, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL))
STAFF_ADMIN_POST = roles(403, anonymous=LOGIN, staff_admin=405, **dict.fromkeys(CLIENTS, PORTAL))
# A page for anyone signed in, on either side.
SIGNED_IN_PAGE = roles(200, anonymous=LOGIN)
PUBLIC = roles(200)
NOT_OFFERED = roles(404)


# One item's calendar file: whoever may see the item (client A's client-visible item here).
ITEM_ICS = roles(200, anonymous=LOGIN, other_client_rep=404, outsider=404)


def _pm_token(cast: Any) -> int:
    """The id of a personal access token of the PM's."""
    from integrations.tokens import access_token_create

    return access_token_create(actor=cast.pm, name="Export", scope="read", days=30).token.pk


def _pm_webhook(cast: Any) -> int:
    """The id of an endpoint the PM registered for client A's project (a public address: the
    check against private ones holds here)."""
    from integrations.webhooks import endpoint_create

    return endpoint_create(
        actor=cast.pm,
        project=cast.project,
        client=None,
        url="https://93.184.216.34/hooks/rapport",
        events=["report.sent"],
    ).endpoint.pk


def _pm_webhook_delivery(cast: Any) -> dict[str, int]:
    """The PM's endpoint and one of its deliveries that failed (one that may be resent)."""
    import uuid

    from integrations.models import WebhookDelivery

    endpoint_id = _pm_webhook(cast)
    delivery = WebhookDelivery.objects.create(
        endpoint_id=endpoint_id,
        event_id=uuid.uuid4(),
        event_type="report.sent",
        project_id=cast.project.pk,
        body="{}",
        status=WebhookDelivery.Status.FAILED,
    )
    return {"endpoint_id": endpoint_id, "delivery_id": delivery.pk}


def _with_report_schedule(cast: Any) -> Any:
    """The cast's project, given a weekly report schedule if it has none."""
    from reports.models import ReportSchedule
    from reports.services.schedules import schedule_save

    if not ReportSchedule.objects.filter(project=cast.project).exists():
        schedule_save(
            actor=cast.pm,
            project=cast.project,
            cadence="weekly",
            weekday=0,
            day_of_month=1,
            hour=9,
            recipient_roles=["customer_rep"],
            is_active=True,
        )
    return cast.project


@dataclass
class Entry:
    expect: dict[str, Any]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda cast: {})
    note: str = ""


def project_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk}


def api_cr_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.change_request.pk}


def deliverable_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "deliverable_id": cast.deliverable.pk}


def requirement_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "requirement_id": cast.requirement.pk}


def document_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "document_id": cast.document.pk}


def meeting_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "meeting_id": cast.meeting.pk}


def task_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "task_id": cast.task.pk}


PAGES: dict[str, Entry] = {
    # Routing and probes
    "home": Entry(
        roles(
            "redirect=/projects/",
            anonymous=LOGIN,
            am="redirect=/satisfaction/",
            **dict.fromkeys(CLIENTS, PORTAL),
        )
    ),
    "healthz": Entry(PUBLIC),
    "readyz": Entry(PUBLIC),
    "metrics": Entry(
        NOT_OFFERED,
        note="404 without METRICS_TOKEN (the tests' default); with it, the bearer token only "
        "(tests/operations/test_metrics.py)",
    ),
    # Operations: staff admins only
    "operations:overview": Entry(STAFF_ADMIN_PAGE, note="staff admins only"),
    "operations:branding": Entry(STAFF_ADMIN_PAGE, note="staff admins only"),
    "operations:outbox_resend": Entry(
        STAFF_ADMIN_POST, kwargs=lambda cast: {"message_id": 1}, note="POST only"
    ),
    "operations:outbox_resend_failed": Entry(STAFF_ADMIN_POST, note="POST only"),
    "operations:report_delivery_resend": Entry(
        STAFF_ADMIN_POST, kwargs=lambda cast: {"delivery_id": 1}, note="POST only"
    ),
    "set_language": Entry(roles(405), note="POST only"),
    # Accounts
    "accounts:profile": Entry(SIGNED_IN_PAGE),
    "accounts:calendars": Entry(STAFF_ADMIN_PAGE, note="every organisation's calendar"),
    "accounts:organization_calendar": Entry(
        STAFF_ADMIN_PAGE, kwargs=lambda cast: {"organization_id": cast.project.client_id}
    ),
    **{
        name: Entry(
            STAFF_ADMIN_POST,
            kwargs=lambda cast: {"organization_id": cast.project.client_id},
            note="POST only",
        )
        for name in (
            "accounts:organization_calendar_day_add",
            "accounts:organization_calendar_day_delete",
        )
    },
    "accounts:my_calendar": Entry(STAFF_PAGE, note="one's own working pattern and leave"),
    **{
        name: Entry(roles(405, anonymous=LOGIN, **dict.fromkeys(CLIENTS, PORTAL)), note="POST only")
        for name in ("accounts:leave_add", "accounts:leave_delete")
    },
    "accounts:branding_logo": Entry(
        roles(404),
        kwargs=lambda cast: {"digest": "0123456789abcdef"},
        note="public (mail clients load it); 404 unless the digest is the current logo's",
    ),
    "accounts:token_regenerate": Entry(roles(405, anonymous=LOGIN), note="POST only"),
    "accounts:token_revoke": Entry(roles(405, anonymous=LOGIN), note="POST only"),
    "accounts:calendar_feed_create": Entry(roles(405, anonymous=LOGIN), note="POST only"),
    "accounts:calendar_feed_revoke": Entry(roles(405, anonymous=LOGIN), note="POST only"),
    # Calendar files (tests/integrations/test_calendar_feed.py): the feed's secret address is
    # the credential and names one person; one item's .ics for whoever may see the item.
    "integrations:tokens": Entry(SIGNED_IN_PAGE, note="one's own personal access tokens"),
    "integrations:token_revoke": Entry(
        roles(405, anonymous=LOGIN),
        kwargs=lambda cast: {"token_id": _pm_token(cast)},
        note="POST only",
    ),
    # Webhooks (tests/integrations/test_webhooks.py): the provider's page lists what each person
    # looks after; an endpoint is its PM's and the staff admins'.
    "integrations:webhooks": Entry(STAFF_PAGE, note="the endpoints one looks after"),
    "integrations:webhook": Entry(
        roles(404, anonymous=LOGIN, pm=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)},
        note="the PM's endpoint: its PM and the staff admins",
    ),
    **{
        f"integrations:webhook_{action}": Entry(
            roles(405, anonymous=LOGIN, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)},
            note="POST only",
        )
        for action in ("update", "rotate", "test", "enable", "disable", "delete")
    },
    "integrations:webhook_resend": Entry(
        roles(405, anonymous=LOGIN, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=_pm_webhook_delivery,
        note="POST only",
    ),
    "integrations:calendar_feed": Entry(
        PUBLIC,
        kwargs=lambda cast: {"token": calendar_feed_create(actor=cast.rep)},
        note="the address is the credential; it shows its owner's items only",
    ),
    "integrations:milestone_ics": Entry(
        ITEM_ICS, kwargs=lambda cast: {"milestone_id": cast.deliverable.milestone_id}
    ),
    "integrations:deliverable_ics": Entry(
        ITEM_ICS, kwargs=lambda cast: {"deliverable_id": cast.deliverable.pk}
    ),
    "integrations:meeting_ics": Entry(
        ITEM_ICS, kwargs=lambda cast: {"meeting_id": cast.meeting.pk}, note="client-visible"
    ),
    "integrations:action_item_ics": Entry(
        roles(404, anonymous=LOGIN, rep=200),
        kwargs=lambda cast: {"item_id": cast.action_item.pk},
        note="its owner's only",
    ),
    "integrations:report_days_ics": Entry(
        ITEM_ICS,
        kwargs=lambda cast: {"project_id": _with_report_schedule(cast).pk},
        note="the coming report days, for whoever sees the project",
    ),
    "invitations:accept": Entry(
        PUBLIC,
        kwargs=lambda cast: {"token": cast.invitation_token},
        note="the link itself is the credential; it names only the invited project",
    ),
    "clients:list": Entry(STAFF_PAGE),
    "clients:detail": Entry(
        roles(
            404,
            anonymous=LOGIN,
            am=200,
            staff_admin=200,
            **dict.fromkeys(CLIENTS, PORTAL),
        ),
        kwargs=lambda cast: {"organization_id": cast.project.client_id},
        note="an account manager's own clients only",
    ),
    # allauth
    "account_login": Entry(roles(STAFF, anonymous=200)),
    "account_logout": Entry(roles(200, anonymous=LOGIN)),
    "account_inactive": Entry(NOT_OFFERED),
    "not_offered_signup": Entry(NOT_OFFERED),
    "not_offered_email": Entry(NOT_OFFERED),
    "not_offered_confirm_email": Entry(NOT_OFFERED),
    "not_offered_confirm_email_key": Entry(NOT_OFFERED, kwargs=lambda cast: {"key": "abc"}),
    "not_offered_password_set": Entry(NOT_OFFERED),
    "not_offered_login_code_confirm": Entry(NOT_OFFERED),
    "not_offered_inactive": Entry(NOT_OFFERED),
    "account_signup": Entry(NOT_OFFERED),
    "account_reauthenticate": Entry(roles(200, anonymous=LOGIN)),
    "account_email": Entry(NOT_OFFERED),
    "account_email_verification_sent": Entry(NOT_OFFERED),
    "account_confirm_email": Entry(NOT_OFFERED, kwargs=lambda cast: {"key": "abc"}),
    "account_change_password": Entry(SIGNED_IN_PAGE),
    "account_set_password": Entry(NOT_OFFERED),
    "account_reset_password": Entry(roles(200)),
    "account_reset_password_done": Entry(roles(200)),
    "account_confirm_login_code": Entry(NOT_OFFERED),
    # Reauthentication by an e-mailed code (django-allauth 65.22): Rapport reauthenticates by
    # password or second factor only.
    "account_request_reauthentication_code": Entry(NOT_OFFERED),
    "account_confirm_reauthentication_code": Entry(NOT_OFFERED),
    "not_offered_reauthenticate_code": Entry(NOT_OFFERED),
    "not_offered_reauthenticate_code_confirm": Entry(NOT_OFFERED),
    "account_reset_password_from_key": Entry(
        roles(200), kwargs=lambda cast: {"uidb36": "1", "key": "not-a-key"}
    ),
    "account_reset_password_from_key_done": Entry(roles(200)),
    "mfa_index": Entry(SIGNED_IN_PAGE),
    "mfa_authenticate": Entry(roles(STAFF, anonymous=LOGIN)),
    "mfa_reauthenticate": Entry(
        roles(200, anonymous=LOGIN, **dict.fromkeys(CLIENTS, "redirect:/accounts/"))
    ),
    "mfa_activate_totp": Entry(roles(REAUTHENTICATE, anonymous=LOGIN)),
    "mfa_deactivate_totp": Entry(
        roles(REAUTHENTICATE, anonymous=LOGIN, **dict.fromkeys(CLIENTS, 404)),
        note="client people in the cast have no authenticator to deactivate",
    ),
    "mfa_view_recovery_codes": Entry(roles(404, anonymous=LOGIN)),
    "mfa_generate_recovery_codes": Entry(roles(REAUTHENTICATE, anonymous=LOGIN)),
    "mfa_download_recovery_codes": Entry(roles(404, anonymous=LOGIN)),
    # Staff app
    "projects:list": Entry(STAFF_PAGE),
    **{
        name: Entry(STAFF_PAGE, note="one's own projects, as the list")
        for name in ("projects:list_csv", "projects:list_xlsx")
    },
    "projects:detail": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "projects:create": Entry(STAFF_PAGE, note="any provider person may start a project"),
    "projects:edit": Entry(
        roles(
            403,
            anonymous=LOGIN,
            pm=200,
            outsider=404,
            **dict.fromkeys(CLIENTS, PORTAL),
        ),
        kwargs=project_kwargs,
        note="the PM edits the plan",
    ),
    **{
        name: Entry(
            roles(403, anonymous=LOGIN, pm=405, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=project_kwargs,
            note="POST only, for the PM: the edit page's archive and restore buttons",
        )
        for name in ("projects:archive", "projects:restore")
    },
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=project_kwargs,
            note="POST only: one form of the overview (tests/projects/test_objectives.py)",
        )
        for name in (
            "projects:health_override",
            "projects:health_override_clear",
            "projects:objective_add",
            "projects:objective_edit",
            "projects:objective_delete",
        )
    },
    "projects:templates": Entry(STAFF_PAGE, note="the provider's project templates"),
    "projects:template_save": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only, for the PM (tests/projects/test_templates.py)",
    ),
    "projects:template_delete": Entry(
        roles(405, anonymous=LOGIN, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=lambda cast: {"template_id": 1},
        note="POST only, for its author or a staff admin",
    ),
    "projects:members": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=project_kwargs,
            note="POST only: one form of the members page (tests/projects/test_members.py)",
        )
        for name in (
            "projects:member_invite",
            "projects:invitation_revoke",
            "projects:member_change_role",
            "projects:member_remove",
        )
    },
    "projects:plan": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal items too")
        for name in ("projects:plan_csv", "projects:plan_xlsx")
    },
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=project_kwargs,
            note="POST only: one form of the plan (tests/projects/test_deliverables.py)",
        )
        for name in (
            "projects:milestone_add",
            "projects:milestone_edit",
            "projects:deliverable_add",
        )
    },
    "projects:gate": Entry(
        roles(403, anonymous=LOGIN, pm=405, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only, for the PM",
    ),
    "projects:deliverable": Entry(STAFF_PROJECT_PAGE, kwargs=deliverable_kwargs),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=deliverable_kwargs,
            note="POST only: one form of the deliverable's page (test_deliverables.py)",
        )
        for name in (
            "projects:deliverable_review",
            "projects:deliverable_submit",
            "projects:deliverable_accept_internally",
            "projects:deliverable_document_upload",
        )
    },
    "projects:documents": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="metadata, internal documents too"
        )
        for name in ("projects:documents_csv", "projects:documents_xlsx")
    },
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=project_kwargs,
            note="POST only: one form of the Documents tab (tests/projects/test_documents.py)",
        )
        for name in (
            "projects:document_upload",
            "projects:document_version_upload",
            "projects:document_visibility",
            "projects:document_delete",
        )
    },
    "projects:document_download": Entry(
        STAFF_PROJECT_PAGE,
        kwargs=document_kwargs,
        note="a client-visible document; tests/projects/test_documents.py covers internal ones",
    ),
    "projects:tasks": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "projects:costs": Entry(
        STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="a team member sees only their own time"
    ),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=project_kwargs,
            note="POST only: one form of the time and cost tab (tests/projects/test_cost_pages.py)",
        )
        for name in (
            "projects:costs_log_time",
            "projects:costs_approve_time",
            "projects:costs_delete_time",
            "projects:costs_set_rate",
            "projects:costs_delete_rate",
            "projects:costs_add_cost",
            "projects:costs_delete_cost",
        )
    },
    **{
        name: Entry(
            roles(
                403,
                anonymous=LOGIN,
                pm=200,
                am=200,
                staff_admin=200,
                outsider=404,
                **dict.fromkeys(CLIENTS, PORTAL),
            ),
            kwargs=project_kwargs,
            note="internal costs: the PM, the AM and staff admins",
        )
        for name in ("projects:costs_csv", "projects:costs_xlsx")
    },
    "projects:tasks_csv": Entry(
        STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal tasks too: provider side only"
    ),
    "projects:tasks_xlsx": Entry(
        STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal tasks too: provider side only"
    ),
    "projects:task": Entry(STAFF_PROJECT_PAGE, kwargs=task_kwargs),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=task_kwargs,
            note="POST only, for the PM: one form of a task's page (tests/projects/test_tasks.py)",
        )
        for name in (
            "projects:task_delete",
            "projects:task_dependency_add",
            "projects:task_dependency_remove",
        )
    },
    "projects:task_quick_edit": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=task_kwargs,
        note="POST only (htmx or a plain form)",
    ),
    "projects:timeline": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "projects:baselines": Entry(
        STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="baselines and their comparison"
    ),
    "projects:baseline_set": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only, for the PM: the first baseline (tests/projects/test_baselines.py)",
    ),
    "projects:timeline_pdf": Entry(
        STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the plan as a PDF: Gantt and schedule"
    ),
    "projects:failed_emails": Entry(
        roles(
            403,
            anonymous=LOGIN,
            pm=200,
            staff_admin=200,
            outsider=404,
            **dict.fromkeys(CLIENTS, PORTAL),
        ),
        kwargs=project_kwargs,
        note="the project's PMs and staff admins",
    ),
    "projects:failed_email_resend": Entry(
        roles(
            403,
            anonymous=LOGIN,
            pm=405,
            staff_admin=405,
            outsider=404,
            **dict.fromkeys(CLIENTS, PORTAL),
        ),
        kwargs=lambda cast: {"project_id": cast.project.pk, "message_id": 1},
        note="POST only; the project's PMs and staff admins",
    ),
    "projects:resources": Entry(
        roles(403, anonymous=LOGIN, pm=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)),
        note="PMs (of any project) and staff admins",
    ),
    "search": Entry(
        STAFF_PAGE,
        note="results scoped inside (tests/projects/test_search.py checks every role's hits)",
    ),
    "stakeholders:requirements": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal requirements too: staff"
        )
        for name in ("stakeholders:requirements_csv", "stakeholders:requirements_xlsx")
    },
    "stakeholders:requirement_traceability": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:requirement_create": Entry(
        roles(
            200,
            anonymous=LOGIN,
            staff_admin=403,
            outsider=404,
            **dict.fromkeys(CLIENTS, PORTAL),
        ),
        kwargs=project_kwargs,
        note="the project's provider side submits requirements",
    ),
    "stakeholders:requirement": Entry(
        STAFF_PROJECT_PAGE,
        kwargs=requirement_kwargs,
        note="a client-visible requirement; internal ones: tests/stakeholders/test_requirements",
    ),
    "stakeholders:requirement_edit": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=requirement_kwargs,
        note="POST only: the PM's form of the requirement page (tests/stakeholders)",
    ),
    "risks:register": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal risks too: provider side only"
        )
        for name in ("risks:export", "risks:export_xlsx")
    },
    "risks:issue_resolve": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only: the PM resolves an issue of the register's log (tests/risks)",
    ),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=lambda cast: {"project_id": cast.project.pk, "risk_id": cast.risk.pk},
            note="POST only: one form of a risk's page (tests/risks/test_pages_and_queries.py)",
        )
        for name in (
            "risks:risk_assess",
            "risks:risk_edit",
            "risks:risk_transition",
            "risks:action_add",
            "risks:action_set_done",
        )
    },
    "risks:settings": Entry(
        roles(403, anonymous=LOGIN, pm=200, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="the PM sets the scales, thresholds and review tolerance",
    ),
    "risks:risk": Entry(
        STAFF_PROJECT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "risk_id": cast.risk.pk},
        note="a client-visible risk; internal ones: tests/risks/test_confidentiality.py",
    ),
    "risks:portal_register": Entry(
        PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible risks only"
    ),
    **{
        name: Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible risks only")
        for name in ("risks:portal_export", "risks:portal_export_xlsx")
    },
    "risks:portal_risk": Entry(
        PORTAL_PROJECT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "risk_id": cast.risk.pk},
        note="a client-visible risk; an internal one is a 404 (tests/risks)",
    ),
    "stakeholders:register": Entry(
        STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the register is internal: provider side"
    ),
    **{
        name: Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the register is internal: staff"
        )
        for name in ("stakeholders:register_csv", "stakeholders:register_xlsx")
    },
    "stakeholders:stakeholder_add": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only, for the PM (tests/stakeholders/test_register.py)",
    ),
    "stakeholders:communication_item_add": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only, for the PM",
    ),
    "stakeholders:raci_set": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=project_kwargs,
        note="POST only, for the PM (tests/stakeholders/test_register_edit.py)",
    ),
    "stakeholders:stakeholder": Entry(
        PM_EDIT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "stakeholder_id": cast.stakeholder.pk},
        note="the PM edits the register (tests/stakeholders/test_register_edit.py)",
    ),
    "stakeholders:stakeholder_delete": Entry(
        roles(403, anonymous=LOGIN, pm=405, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=lambda cast: {"project_id": cast.project.pk, "stakeholder_id": cast.stakeholder.pk},
        note="POST only, for the PM (tests/stakeholders/test_register_edit.py)",
    ),
    "stakeholders:communication_item": Entry(
        PM_EDIT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "item_id": cast.communication_item.pk},
        note="the PM edits the communication plan",
    ),
    "stakeholders:communication_item_delete": Entry(
        roles(403, anonymous=LOGIN, pm=405, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=lambda cast: {"project_id": cast.project.pk, "item_id": cast.communication_item.pk},
        note="POST only, for the PM (tests/stakeholders/test_register_edit.py)",
    ),
    "stakeholders:meetings": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal meetings too")
        for name in ("stakeholders:meetings_csv", "stakeholders:meetings_xlsx")
    },
    "stakeholders:meeting": Entry(STAFF_PROJECT_PAGE, kwargs=meeting_kwargs),
    "stakeholders:meeting_minutes_save": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=meeting_kwargs,
        note="POST only, for the PM and team (tests/stakeholders/test_meetings.py)",
    ),
    "stakeholders:meeting_decision_add": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=meeting_kwargs,
        note="POST only, for the PM and team (tests/stakeholders/test_meetings.py)",
    ),
    "stakeholders:action_item_add": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=meeting_kwargs,
        note="POST only, for the PM and team (tests/stakeholders/test_meetings.py)",
    ),
    "stakeholders:meeting_edit": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=meeting_kwargs,
        note="POST only, for the PM and team (tests/stakeholders/test_meetings.py)",
    ),
    "stakeholders:decisions": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:decisions_csv": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:decisions_xlsx": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:decisions_pdf": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:todo": Entry(STAFF_PAGE, note="the user's own open action items"),
    "stakeholders:action_item_done": Entry(
        roles(405, anonymous=LOGIN),
        kwargs=lambda cast: {"item_id": cast.action_item.pk},
        note="POST only: the owner, or the project's PM and team (tests/stakeholders)",
    ),
    "stakeholders:portal_todo": Entry(PORTAL_PAGE, note="the user's own open action items"),
    "stakeholders:portal_engagement": Entry(
        PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible plan and the RACI"
    ),
    "stakeholders:portal_meetings": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible meetings only")
        for name in ("stakeholders:portal_meetings_csv", "stakeholders:portal_meetings_xlsx")
    },
    "stakeholders:portal_meeting": Entry(
        PORTAL_PROJECT_PAGE, kwargs=meeting_kwargs, note="internal minutes are blanked"
    ),
    "stakeholders:portal_decisions": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:portal_decisions_csv": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:portal_decisions_xlsx": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    "stakeholders:portal_decisions_pdf": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    "feedback:project_feedback": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "reports:project_reports": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    "feedback:dashboard": Entry(
        roles(
            403, anonymous=LOGIN, pm=200, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)
        )
    ),
    "notifications:list": Entry(SIGNED_IN_PAGE),
    "notifications:preferences": Entry(SIGNED_IN_PAGE, note="one's own choices, either side"),
    "discussions:thread": Entry(
        roles(200, anonymous=LOGIN, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"target": "projects.deliverable", "object_id": cast.deliverable.pk},
        note="the thread partial of a client-visible deliverable; clients get replies only",
    ),
    "discussions:attachments": Entry(
        roles(405, anonymous=LOGIN),
        kwargs=lambda cast: {
            "target": "stakeholders.requirement",
            "object_id": cast.requirement.pk,
        },
        note="POST only (tests/discussions/test_attachments.py)",
    ),
    "discussions:attachment": Entry(
        roles(200, anonymous=LOGIN, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"attachment_id": cast.attachment.pk},
        note="a file of a client-visible requirement; entries' files follow the entry",
    ),
    "discussions:attachment_delete": Entry(
        roles(405, anonymous=LOGIN),
        kwargs=lambda cast: {"attachment_id": cast.attachment.pk},
        note="POST only (tests/discussions/test_attachments.py)",
    ),
    "notifications:mark_read": Entry(roles(405, anonymous=LOGIN), note="POST only"),
    # Portal
    "portal:home": Entry(PORTAL_PAGE),
    "portal:project_list": Entry(PORTAL_PAGE),
    "portal:search": Entry(
        PORTAL_PAGE, note="client-visible items of their own projects only (test_search.py)"
    ),
    "portal:project": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    "portal:project_members": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, other_client_rep=404, **dict.fromkeys(PROVIDER, STAFF)),
            kwargs=project_kwargs,
            note="POST only: one form of the members page (tests/portal/test_client_admin.py)",
        )
        for name in (
            "portal:project_member_invite",
            "portal:project_invitation_revoke",
            "portal:project_member_change_role",
            "portal:project_member_remove",
        )
    },
    "portal:deliverable": Entry(PORTAL_PROJECT_PAGE, kwargs=deliverable_kwargs),
    "portal:requirements": Entry(
        PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible requirements only"
    ),
    **{
        name: Entry(
            PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible requirements only"
        )
        for name in ("portal:requirements_csv", "portal:requirements_xlsx")
    },
    "portal:requirement_create": Entry(
        roles(
            200,
            anonymous=LOGIN,
            viewer=403,
            other_client_rep=404,
            **dict.fromkeys(PROVIDER, STAFF),
        ),
        kwargs=project_kwargs,
        note="client admins and customer representatives submit requirements",
    ),
    "portal:requirement": Entry(
        PORTAL_PROJECT_PAGE,
        kwargs=requirement_kwargs,
        note="a client-visible requirement; an internal one is a 404",
    ),
    "stakeholders:change_requests": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
    **{
        name: Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal change requests too: staff"
        )
        for name in ("stakeholders:change_requests_csv", "stakeholders:change_requests_xlsx")
    },
    "stakeholders:change_request": Entry(
        STAFF_PROJECT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "cr_id": cast.change_request.pk},
    ),
    "stakeholders:change_request_assess": Entry(
        roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
        kwargs=lambda cast: {"project_id": cast.project.pk, "cr_id": cast.change_request.pk},
        note="POST only: the assessment form of the change request page (tests/stakeholders)",
    ),
    "portal:change_requests": Entry(
        PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible change requests only"
    ),
    **{
        name: Entry(
            PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible change requests only"
        )
        for name in ("portal:change_requests_csv", "portal:change_requests_xlsx")
    },
    "portal:change_request": Entry(
        PORTAL_PROJECT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "cr_id": cast.change_request.pk},
        note="a client-visible one; an internal one is a 404 (tests/stakeholders)",
    ),
    "portal:gate": Entry(
        PORTAL_PROJECT_PAGE,
        kwargs=lambda cast: {"project_id": cast.project.pk, "gate_id": cast.gate.pk},
    ),
    **{
        name: Entry(
            roles(405, anonymous=LOGIN, other_client_rep=404, **dict.fromkeys(PROVIDER, STAFF)),
            kwargs=project_kwargs,
            note="POST only: the overview's document forms, for client admins and "
            "representatives (tests/projects/test_client_documents.py)",
        )
        for name in ("portal:document_upload", "portal:document_version_upload")
    },
    "portal:document_download": Entry(
        PORTAL_PROJECT_PAGE,
        kwargs=document_kwargs,
        note="a client-visible document; an internal one is a 404 (tests/projects/test_documents)",
    ),
    "portal:project_timeline": Entry(
        PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible tasks and milestones"
    ),
    "portal:project_baselines": Entry(
        PORTAL_PROJECT_PAGE,
        kwargs=project_kwargs,
        note="baselines: client-visible items, budget per budget_visibility",
    ),
    "portal:project_timeline_pdf": Entry(
        PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="the plan's PDF: client-visible items"
    ),
    # API documentation (operations are declared in API below)
    "api-schema": Entry(roles(200, anonymous=401)),
    "api-docs": Entry(roles(200, anonymous=401)),
    **{
        name: Entry(STAFF_PAGE, note="the user's own open action items")
        for name in ("stakeholders:todo_csv", "stakeholders:todo_xlsx")
    },
    **{
        name: Entry(PORTAL_PAGE, note="the user's own open action items")
        for name in ("stakeholders:portal_todo_csv", "stakeholders:portal_todo_xlsx")
    },
    **{
        name: Entry(PORTAL_PAGE, note="one's own projects")
        for name in ("portal:project_list_csv", "portal:project_list_xlsx")
    },
    **{
        name: Entry(
            PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible deliverables only"
        )
        for name in ("portal:deliverables_csv", "portal:deliverables_xlsx")
    },
    **{
        name: Entry(
            PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible documents' details"
        )
        for name in ("portal:documents_csv", "portal:documents_xlsx")
    },
    **{
        name: Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the members page's list")
        for name in ("projects:members_csv", "projects:members_xlsx")
    },
    **{
        name: Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="the members page's list")
        for name in ("portal:project_members_csv", "portal:project_members_xlsx")
    },
    **{
        name: Entry(STAFF_PAGE, note="an account manager's own clients")
        for name in ("clients:list_csv", "clients:list_xlsx")
    },
    **{
        name: Entry(
            roles(404, anonymous=LOGIN, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)),
            kwargs=lambda cast: {"organization_id": cast.project.client_id},
            note="an account manager's own clients' projects only",
        )
        for name in ("clients:projects_csv", "clients:projects_xlsx")
    },
    **{
        name: Entry(STAFF_PAGE, note="the provider's project templates")
        for name in ("projects:templates_csv", "projects:templates_xlsx")
    },
    **{
        name: Entry(
            roles(
                403,
                anonymous=LOGIN,
                pm=200,
                staff_admin=200,
                outsider=404,
                **dict.fromkeys(CLIENTS, PORTAL),
            ),
            kwargs=project_kwargs,
            note="the project's PMs and staff admins; never a message's text",
        )
        for name in ("projects:failed_emails_csv", "projects:failed_emails_xlsx")
    },
    **{
        name: Entry(
            roles(403, anonymous=LOGIN, pm=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)),
            note="PMs (of any project) and staff admins",
        )
        for name in ("projects:resources_csv", "projects:resources_xlsx")
    },
    **{
        name: Entry(STAFF_ADMIN_PAGE, note="staff admins only; never a message's text")
        for name in ("operations:outbox_failures_csv", "operations:outbox_failures_xlsx")
    },
    **{
        name: Entry(SIGNED_IN_PAGE, note="one's own notifications, either side")
        for name in ("notifications:list_csv", "notifications:list_xlsx")
    },
}

# Every admin page is for staff admins only; the others are sent to sign in (the admin's own
# login is the product's login, with its second factor).
ADMIN_PREFIX = "admin:"
ADMIN_INDEX = roles(ADMIN_LOGIN, staff_admin=200)

API_SIGNED_IN = roles(200, anonymous=401)
API_PROVIDER = roles(200, anonymous=401, **dict.fromkeys(CLIENTS, 403))


def api_webhook(status: int) -> dict[str, Any]:
    """The PM's endpoint: its PM and the staff admins; other provider people find nothing;
    client people have no webhooks."""
    return roles(404, anonymous=401, pm=status, staff_admin=status, **dict.fromkeys(CLIENTS, 403))


API_PROJECT_READ = roles(200, anonymous=401, other_client_rep=404, outsider=404)
API_PM_WRITE = roles(403, anonymous=401, pm=400, other_client_rep=404, outsider=404)
API_CLIENT_DECISION = roles(
    403, anonymous=401, client_admin=409, rep=409, other_client_rep=404, outsider=404
)


# Time and cost: the provider side; clients only if budget_visibility allows (not in the cast).
API_COSTS_READ = roles(
    403,
    anonymous=401,
    pm=200,
    am=200,
    teammate=200,
    staff_admin=200,
    other_client_rep=404,
    outsider=404,
)
API_PM_EDIT = roles(403, anonymous=401, pm=200, other_client_rep=404, outsider=404)


def api_objective_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.objective.pk}


def api_deliverable_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.deliverable.pk}


def api_document_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.document.pk}


def api_requirement_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.requirement.pk}


def api_risk_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.risk.pk}


def project_pk_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk}


def api_task_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.task.pk}


# (method, path template in the OpenAPI schema) -> Entry. Path parameters come from kwargs.
API: dict[tuple[str, str], Entry] = {
    ("GET", "/api/v1/me/"): Entry(API_SIGNED_IN),
    ("PATCH", "/api/v1/me/"): Entry(API_SIGNED_IN, note="the user's own profile"),
    ("GET", "/api/v1/organizations/"): Entry(API_SIGNED_IN, note="scoped list"),
    ("GET", "/api/v1/search/"): Entry(
        roles(400, anonymous=401),
        note="without q: 400 naming the field; scoped hits per role in tests/projects/test_search",
    ),
    ("GET", "/api/v1/organizations/{id}/"): Entry(
        roles(200, anonymous=401, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"id": cast.project.client_id},
    ),
    ("GET", "/api/v1/projects/"): Entry(API_SIGNED_IN, note="scoped list"),
    ("GET", "/api/v1/projects/{id}/"): Entry(
        roles(200, anonymous=401, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"id": cast.project.pk},
    ),
    ("GET", "/api/v1/projects/{project_pk}/milestones/"): Entry(
        API_PROJECT_READ, kwargs=lambda cast: {"project_pk": cast.project.pk}
    ),
    ("POST", "/api/v1/projects/{project_pk}/milestones/"): Entry(
        API_PM_WRITE, kwargs=lambda cast: {"project_pk": cast.project.pk}, note="{} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/deliverables/"): Entry(
        API_PROJECT_READ, kwargs=lambda cast: {"project_pk": cast.project.pk}
    ),
    ("POST", "/api/v1/projects/{project_pk}/deliverables/"): Entry(
        API_PM_WRITE, kwargs=lambda cast: {"project_pk": cast.project.pk}, note="{} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/deliverables/{id}/"): Entry(
        API_PROJECT_READ, kwargs=api_deliverable_kwargs
    ),
    ("GET", "/api/v1/projects/{project_pk}/deliverables/{id}/rounds/"): Entry(
        API_PROJECT_READ, kwargs=api_deliverable_kwargs
    ),
    ("POST", "/api/v1/projects/{project_pk}/deliverables/{id}/review/"): Entry(
        roles(403, anonymous=401, pm=400, teammate=400, other_client_rep=404, outsider=404),
        kwargs=api_deliverable_kwargs,
        note="the team reviews; {} is invalid",
    ),
    ("POST", "/api/v1/projects/{project_pk}/deliverables/{id}/submit/"): Entry(
        roles(403, anonymous=401, pm=409, other_client_rep=404, outsider=404),
        kwargs=api_deliverable_kwargs,
        note="the PM submits; not reviewed yet, so 409",
    ),
    ("POST", "/api/v1/projects/{project_pk}/deliverables/{id}/accept/"): Entry(
        API_CLIENT_DECISION, kwargs=api_deliverable_kwargs, note="not submitted yet, so 409"
    ),
    ("POST", "/api/v1/projects/{project_pk}/deliverables/{id}/reject/"): Entry(
        API_CLIENT_DECISION, kwargs=api_deliverable_kwargs, note="not submitted yet, so 409"
    ),
    ("POST", "/api/v1/projects/{project_pk}/deliverables/{id}/accept-internally/"): Entry(
        roles(403, anonymous=401, pm=409, other_client_rep=404, outsider=404),
        kwargs=api_deliverable_kwargs,
        note="the PM accepts internal deliverables; this one is client-visible, so 409",
    ),
    ("GET", "/api/v1/projects/{project_pk}/change-requests/"): Entry(
        API_PROJECT_READ, kwargs=lambda cast: {"project_pk": cast.project.pk}, note="scoped list"
    ),
    ("POST", "/api/v1/projects/{project_pk}/change-requests/"): Entry(
        roles(
            400,
            anonymous=401,
            viewer=403,
            staff_admin=403,
            other_client_rep=404,
            outsider=404,
        ),
        kwargs=lambda cast: {"project_pk": cast.project.pk},
        note="whoever may raise a requirement; {} has no title",
    ),
    ("GET", "/api/v1/projects/{project_pk}/change-requests/{id}/"): Entry(
        API_PROJECT_READ, kwargs=api_cr_kwargs, note="a client-visible change request"
    ),
    ("POST", "/api/v1/projects/{project_pk}/change-requests/{id}/assess/"): Entry(
        API_PM_WRITE, kwargs=api_cr_kwargs, note="the PM assesses; {} is invalid"
    ),
    ("POST", "/api/v1/projects/{project_pk}/change-requests/{id}/approve/"): Entry(
        roles(403, anonymous=401, pm=409, client_admin=409, other_client_rep=404, outsider=404),
        kwargs=api_cr_kwargs,
        note="the PM and the client admin approve; not assessed yet, so 409",
    ),
    ("POST", "/api/v1/projects/{project_pk}/change-requests/{id}/reject/"): Entry(
        roles(403, anonymous=401, pm=400, client_admin=400, other_client_rep=404, outsider=404),
        kwargs=api_cr_kwargs,
        note="either side's approver rejects; {} has no reason",
    ),
    # Risks (risks/api): a client-visible risk with an action owned by the team member, and
    # an internal risk that occurred (its issue).
    ("GET", "/api/v1/projects/{project_pk}/risks/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="scoped list"
    ),
    ("POST", "/api/v1/projects/{project_pk}/risks/"): Entry(
        roles(
            400,
            anonymous=401,
            viewer=403,
            staff_admin=403,
            other_client_rep=404,
            outsider=404,
        ),
        kwargs=project_pk_kwargs,
        note="whoever may raise a risk; {} has no title",
    ),
    ("GET", "/api/v1/projects/{project_pk}/risks/{id}/"): Entry(
        API_PROJECT_READ, kwargs=api_risk_kwargs, note="a client-visible risk"
    ),
    ("PATCH", "/api/v1/projects/{project_pk}/risks/{id}/"): Entry(
        API_PM_EDIT, kwargs=api_risk_kwargs, note="the PM (or a provider-side owner) edits"
    ),
    ("POST", "/api/v1/projects/{project_pk}/risks/{id}/assess/"): Entry(
        API_PM_WRITE, kwargs=api_risk_kwargs, note="{} is invalid"
    ),
    ("POST", "/api/v1/projects/{project_pk}/risks/{id}/transition/"): Entry(
        API_PM_WRITE, kwargs=api_risk_kwargs, note="{} is invalid"
    ),
    ("POST", "/api/v1/projects/{project_pk}/risks/{id}/actions/"): Entry(
        API_PM_WRITE, kwargs=api_risk_kwargs, note="{} is invalid"
    ),
    ("POST", "/api/v1/projects/{project_pk}/risks/{id}/actions/{action_id}/done/"): Entry(
        roles(403, anonymous=401, pm=200, teammate=200, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {
            "project_pk": cast.project.pk,
            "id": cast.risk.pk,
            "action_id": cast.risk_action.pk,
        },
        note="the PM and the action's owner",
    ),
    ("GET", "/api/v1/projects/{project_pk}/risks/{id}/history/"): Entry(
        API_COSTS_READ, kwargs=api_risk_kwargs, note="the timeline: provider side"
    ),
    ("GET", "/api/v1/projects/{project_pk}/risks/heat-map/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="counts of visible risks only"
    ),
    ("GET", "/api/v1/projects/{project_pk}/risks/exposure/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="visible risks only"
    ),
    ("GET", "/api/v1/projects/{project_pk}/risk-issues/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="scoped list"
    ),
    ("POST", "/api/v1/projects/{project_pk}/risk-issues/{id}/resolve/"): Entry(
        API_PM_WRITE,
        kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.risk_issue.pk},
        note="{} has no resolution",
    ),
    ("GET", "/api/v1/projects/{project_pk}/risk-settings/"): Entry(
        API_COSTS_READ, kwargs=project_pk_kwargs, note="provider side"
    ),
    ("PUT", "/api/v1/projects/{project_pk}/risk-settings/"): Entry(
        API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/gates/"): Entry(
        API_PROJECT_READ, kwargs=lambda cast: {"project_pk": cast.project.pk}
    ),
    ("POST", "/api/v1/projects/{project_pk}/gates/"): Entry(
        API_PM_WRITE, kwargs=lambda cast: {"project_pk": cast.project.pk}, note="{} is invalid"
    ),
    ("POST", "/api/v1/projects/{project_pk}/gates/{id}/decide/"): Entry(
        roles(403, anonymous=401, client_admin=400, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.gate.pk},
        note="the client admin decides; {} is invalid",
    ),
    ("GET", "/api/v1/projects/{project_pk}/documents/"): Entry(
        API_PROJECT_READ, kwargs=lambda cast: {"project_pk": cast.project.pk}, note="scoped list"
    ),
    ("POST", "/api/v1/projects/{project_pk}/documents/"): Entry(
        roles(
            403,
            anonymous=401,
            pm=400,
            teammate=400,
            client_admin=400,
            rep=400,
            other_client_rep=404,
            outsider=404,
        ),
        kwargs=lambda cast: {"project_pk": cast.project.pk},
        note="the team, client admins and representatives upload (multipart); {} has no file",
    ),
    ("GET", "/api/v1/projects/{project_pk}/documents/{id}/"): Entry(
        API_PROJECT_READ,
        kwargs=api_document_kwargs,
        note="a client-visible document; an internal one is a 404 for clients",
    ),
    ("GET", "/api/v1/projects/{project_pk}/documents/{id}/download/"): Entry(
        API_PROJECT_READ, kwargs=api_document_kwargs, note="a client-visible document"
    ),
    ("GET", "/api/v1/projects/{id}/health/"): Entry(
        roles(200, anonymous=401, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"id": cast.project.pk},
        note="clients get the simplified status and only the reasons they may read",
    ),
    ("PATCH", "/api/v1/projects/{project_pk}/milestones/{id}/"): Entry(
        API_PM_EDIT,
        kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.deliverable.milestone_id},
        note="the PM edits the plan; {} changes nothing",
    ),
    ("GET", "/api/v1/projects/{project_pk}/objectives/"): Entry(
        API_PROJECT_READ, kwargs=lambda cast: {"project_pk": cast.project.pk}
    ),
    ("POST", "/api/v1/projects/{project_pk}/objectives/"): Entry(
        API_PM_WRITE, kwargs=lambda cast: {"project_pk": cast.project.pk}, note="{} is invalid"
    ),
    ("PATCH", "/api/v1/projects/{project_pk}/objectives/{id}/"): Entry(
        API_PM_EDIT, kwargs=api_objective_kwargs, note="the PM; {} changes nothing"
    ),
    ("DELETE", "/api/v1/projects/{project_pk}/objectives/{id}/"): Entry(
        roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
        kwargs=api_objective_kwargs,
        note="the PM removes it (the others are refused before it is looked up)",
    ),
    ("GET", "/api/v1/projects/{project_pk}/tasks/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="clients: client-visible tasks only"
    ),
    ("POST", "/api/v1/projects/{project_pk}/tasks/"): Entry(
        API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/tasks/{id}/"): Entry(
        API_PROJECT_READ, kwargs=api_task_kwargs, note="a client-visible task"
    ),
    ("PATCH", "/api/v1/projects/{project_pk}/tasks/{id}/"): Entry(
        roles(403, anonymous=401, pm=200, teammate=200, other_client_rep=404, outsider=404),
        kwargs=api_task_kwargs,
        note="the PM, and the team member it is assigned to (their progress only)",
    ),
    ("DELETE", "/api/v1/projects/{project_pk}/tasks/{id}/"): Entry(
        roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
        kwargs=api_task_kwargs,
        note="the PM; refused before the task is even looked up for everyone else",
    ),
    ("POST", "/api/v1/projects/{project_pk}/tasks/{id}/dependencies/"): Entry(
        API_PM_WRITE, kwargs=api_task_kwargs, note="{} is invalid"
    ),
    ("DELETE", "/api/v1/projects/{project_pk}/tasks/{id}/dependencies/{predecessor_pk}/"): Entry(
        roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {
            "project_pk": cast.project.pk,
            "id": cast.task.pk,
            "predecessor_pk": cast.internal_task.pk,
        },
    ),
    # Time and cost (client A's project shows its client nothing of time and budget)
    ("GET", "/api/v1/projects/{project_pk}/time-entries/"): Entry(
        API_COSTS_READ, kwargs=project_pk_kwargs, note="a team member: their own entries only"
    ),
    ("POST", "/api/v1/projects/{project_pk}/time-entries/"): Entry(
        roles(403, anonymous=401, pm=400, teammate=400, other_client_rep=404, outsider=404),
        kwargs=project_pk_kwargs,
        note="the team logs time; {} is invalid",
    ),
    ("PATCH", "/api/v1/projects/{project_pk}/time-entries/{id}/"): Entry(
        roles(403, anonymous=401, pm=200, teammate=404, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.time_entry.pk},
        note="the PM's own entry: {} changes nothing; a team member sees only their own",
    ),
    ("DELETE", "/api/v1/projects/{project_pk}/time-entries/{id}/"): Entry(
        roles(403, anonymous=401, pm=204, teammate=404, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.time_entry.pk},
        note="its person or the PM, while not approved; others refused before the look-up",
    ),
    ("POST", "/api/v1/projects/{project_pk}/time-entries/approve/"): Entry(
        API_PM_WRITE, kwargs=project_pk_kwargs, note="the PM approves a period; {} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/rates/"): Entry(
        API_COSTS_READ, kwargs=project_pk_kwargs
    ),
    ("POST", "/api/v1/projects/{project_pk}/rates/"): Entry(
        API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/cost-entries/"): Entry(
        API_COSTS_READ,
        kwargs=project_pk_kwargs,
        note="clients: the shared entries only with budget_visibility detail",
    ),
    ("POST", "/api/v1/projects/{project_pk}/cost-entries/"): Entry(
        API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
    ),
    ("GET", "/api/v1/projects/{project_pk}/earned-value/"): Entry(
        API_COSTS_READ,
        kwargs=project_pk_kwargs,
        note="clients: the totals with budget_visibility totals or detail",
    ),
    ("GET", "/api/v1/projects/{project_pk}/schedule/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="figures of visible tasks only"
    ),
    # Requirements (a client-visible draft of the PM's)
    ("GET", "/api/v1/projects/{project_pk}/requirements/"): Entry(
        API_PROJECT_READ, kwargs=project_pk_kwargs, note="clients: client-visible ones only"
    ),
    ("POST", "/api/v1/projects/{project_pk}/requirements/"): Entry(
        roles(
            400,
            anonymous=401,
            viewer=403,
            staff_admin=403,
            other_client_rep=404,
            outsider=404,
        ),
        kwargs=project_pk_kwargs,
        note="the project's members who submit requirements; {} is invalid",
    ),
    ("GET", "/api/v1/projects/{project_pk}/requirements/{id}/"): Entry(
        API_PROJECT_READ, kwargs=api_requirement_kwargs
    ),
    ("PATCH", "/api/v1/projects/{project_pk}/requirements/{id}/"): Entry(
        API_PM_EDIT, kwargs=api_requirement_kwargs, note="the PM; {} changes nothing"
    ),
    ("GET", "/api/v1/projects/{project_pk}/requirements/{id}/versions/"): Entry(
        API_PROJECT_READ, kwargs=api_requirement_kwargs
    ),
    ("POST", "/api/v1/projects/{project_pk}/requirements/{id}/transition/"): Entry(
        roles(400, anonymous=401, other_client_rep=404, outsider=404),
        kwargs=api_requirement_kwargs,
        note="{} is invalid; who may take which step: tests/stakeholders/test_requirements",
    ),
    ("POST", "/api/v1/projects/{project_pk}/requirements/{id}/confirm/"): Entry(
        roles(403, anonymous=401, client_admin=400, rep=400, other_client_rep=404, outsider=404),
        kwargs=api_requirement_kwargs,
        note="the client's deciders; {} is invalid",
    ),
    ("GET", "/api/v1/projects/{id}/members/"): Entry(
        roles(200, anonymous=401, other_client_rep=404, outsider=404),
        kwargs=lambda cast: {"id": cast.project.pk},
    ),
    ("GET", "/api/v1/me/calendar-feed/"): Entry(API_SIGNED_IN, note="one's own address only"),
    ("POST", "/api/v1/me/calendar-feed/"): Entry(
        roles(201, anonymous=401), note="a new address of one's own, returned once"
    ),
    ("DELETE", "/api/v1/me/calendar-feed/"): Entry(roles(204, anonymous=401)),
    ("GET", "/api/v1/me/tokens/"): Entry(API_SIGNED_IN, note="one's own tokens only"),
    ("POST", "/api/v1/me/tokens/"): Entry(roles(400, anonymous=401), note="{} has no name"),
    ("DELETE", "/api/v1/me/tokens/{token_id}/"): Entry(
        roles(404, anonymous=401, pm=204),
        kwargs=lambda cast: {"token_id": _pm_token(cast)},
        note="the PM's token: its owner revokes it, anyone else finds nothing",
    ),
    ("GET", "/api/v1/webhooks/"): Entry(
        API_PROVIDER, note="the endpoints one looks after; clients have none"
    ),
    ("POST", "/api/v1/webhooks/"): Entry(
        roles(400, anonymous=401, **dict.fromkeys(CLIENTS, 403)), note="{} has no address"
    ),
    ("GET", "/api/v1/webhook-events/"): Entry(API_PROVIDER),
    ("GET", "/api/v1/webhooks/{endpoint_id}/"): Entry(
        api_webhook(200), kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)}
    ),
    ("PATCH", "/api/v1/webhooks/{endpoint_id}/"): Entry(
        api_webhook(200),
        kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)},
        note="{} changes nothing",
    ),
    ("DELETE", "/api/v1/webhooks/{endpoint_id}/"): Entry(
        {**api_webhook(204), "staff_admin": 404},
        kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)},
        note="the roles share one endpoint: the PM deletes it before the staff admin's turn",
    ),
    ("POST", "/api/v1/webhooks/{endpoint_id}/rotate-secret/"): Entry(
        api_webhook(200), kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)}
    ),
    ("POST", "/api/v1/webhooks/{endpoint_id}/test/"): Entry(
        api_webhook(202), kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)}
    ),
    ("GET", "/api/v1/webhooks/{endpoint_id}/deliveries/"): Entry(
        api_webhook(200), kwargs=lambda cast: {"endpoint_id": _pm_webhook(cast)}
    ),
    ("POST", "/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend/"): Entry(
        {**api_webhook(202), "staff_admin": 409},
        kwargs=_pm_webhook_delivery,
        note="a failed delivery; the PM resends it first, so the staff admin finds it waiting",
    ),
    ("GET", "/api/v1/me/notification-preferences/"): Entry(API_SIGNED_IN),
    ("PUT", "/api/v1/me/notification-preferences/"): Entry(
        API_SIGNED_IN, note="{} changes nothing; one's own preferences"
    ),
    ("GET", "/api/v1/discussions/{target}/{object_id}/entries/"): Entry(
        API_PROJECT_READ,
        kwargs=lambda cast: {"target": "projects.deliverable", "object_id": cast.deliverable.pk},
        note="clients get replies only",
    ),
    ("POST", "/api/v1/discussions/{target}/{object_id}/entries/"): Entry(
        roles(
            400,
            anonymous=401,
            viewer=403,
            staff_admin=403,
            other_client_rep=404,
            outsider=404,
        ),
        kwargs=lambda cast: {"target": "projects.deliverable", "object_id": cast.deliverable.pk},
        note="{} is invalid; viewers read only; staff admins are not members",
    ),
    ("GET", "/api/v1/discussions/{target}/{object_id}/attachments/"): Entry(
        API_PROJECT_READ,
        kwargs=lambda cast: {
            "target": "stakeholders.requirement",
            "object_id": cast.requirement.pk,
        },
    ),
    ("POST", "/api/v1/discussions/{target}/{object_id}/attachments/"): Entry(
        roles(
            400,
            anonymous=401,
            viewer=403,
            staff_admin=403,
            other_client_rep=404,
            outsider=404,
        ),
        kwargs=lambda cast: {
            "target": "stakeholders.requirement",
            "object_id": cast.requirement.pk,
        },
        note="{} has no files; viewers read only; staff admins are not members",
    ),
    ("GET", "/api/v1/attachments/{attachment_id}/"): Entry(
        API_PROJECT_READ,
        kwargs=lambda cast: {"attachment_id": cast.attachment.pk},
        note="entries' files follow the entry (tests/discussions/test_attachments.py)",
    ),
}

# Stakeholders: the PM edits the register, the plan and the RACI; the PM and the team hold
# meetings; an action item's owner (the rep here) ticks it; everyone in the project reads (the
# selectors narrow it for clients; tests/stakeholders checks what they see).
API_MEETINGS_WRITE = roles(
    403, anonymous=401, pm=400, teammate=400, other_client_rep=404, outsider=404
)


def api_meeting_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.meeting.pk}


def _raci_cell(cast: Any) -> int:
    """The id of an R of the team member's on a work area of client A's project (the PM holds
    its A)."""
    from stakeholders.services.register import raci_assign

    raci_assign(actor=cast.pm, project=cast.project, letter="A", work_area="Testing", user=cast.pm)
    return raci_assign(
        actor=cast.pm, project=cast.project, letter="R", work_area="Testing", user=cast.teammate
    ).pk


API.update(
    {
        ("GET", "/api/v1/projects/{project_pk}/stakeholders/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs, note="clients: client-visible entries"
        ),
        ("POST", "/api/v1/projects/{project_pk}/stakeholders/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/projects/{project_pk}/communication-items/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/communication-items/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/projects/{project_pk}/raci/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/raci/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/projects/{project_pk}/meetings/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs, note="internal minutes blank for clients"
        ),
        ("POST", "/api/v1/projects/{project_pk}/meetings/"): Entry(
            API_MEETINGS_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/projects/{project_pk}/meetings/{id}/"): Entry(
            API_PROJECT_READ, kwargs=api_meeting_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/meetings/{id}/decisions/"): Entry(
            API_MEETINGS_WRITE, kwargs=api_meeting_kwargs, note="{} is invalid"
        ),
        ("POST", "/api/v1/projects/{project_pk}/meetings/{id}/action-items/"): Entry(
            API_MEETINGS_WRITE, kwargs=api_meeting_kwargs, note="{} is invalid"
        ),
        ("POST", "/api/v1/projects/{project_pk}/action-items/{id}/done/"): Entry(
            roles(
                403,
                anonymous=401,
                pm=400,
                teammate=400,
                rep=400,
                other_client_rep=404,
                outsider=404,
            ),
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.action_item.pk},
            note="the owner (rep) or the project's PM and team; {} is invalid",
        ),
        ("GET", "/api/v1/projects/{project_pk}/decisions/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs, note="clients: the client-visible part"
        ),
        ("PATCH", "/api/v1/projects/{project_pk}/meetings/{id}/"): Entry(
            roles(403, anonymous=401, pm=200, teammate=200, other_client_rep=404, outsider=404),
            kwargs=api_meeting_kwargs,
            note="the PM and the team; {} changes nothing",
        ),
        ("PUT", "/api/v1/projects/{project_pk}/meetings/{id}/minutes/"): Entry(
            API_MEETINGS_WRITE, kwargs=api_meeting_kwargs, note="{} is invalid"
        ),
        ("PATCH", "/api/v1/projects/{project_pk}/stakeholders/{id}/"): Entry(
            API_PM_EDIT,
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.stakeholder.pk},
            note="the PM; {} changes nothing",
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/stakeholders/{id}/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.stakeholder.pk},
            note="the PM removes it (the others are refused before it is looked up)",
        ),
        ("PATCH", "/api/v1/projects/{project_pk}/communication-items/{id}/"): Entry(
            API_PM_EDIT,
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.communication_item.pk},
            note="the PM; {} changes nothing",
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/communication-items/{id}/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": cast.communication_item.pk},
            note="the PM removes it (the others are refused before it is looked up)",
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/raci/{id}/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": _raci_cell(cast)},
            note="the PM clears a cell (the others are refused before it is looked up)",
        ),
        ("GET", "/api/v1/projects/{project_pk}/requirements/{id}/transitions/"): Entry(
            API_PROJECT_READ,
            kwargs=api_requirement_kwargs,
            note="the steps each may take (tests/api/test_api_parity_more.py)",
        ),
    }
)

# --- Satisfaction surveys (feedback) --------------------------------------------------------------
# Survey objects are made on first use by tests/feedback/surveys/cast.py: the PM sent the default
# template to client A's project and the customer representative answered with a low score.


def _survey(cast: Any) -> Any:
    from tests.feedback.surveys.cast import survey_cast

    return survey_cast(cast)


def survey_project_kwargs(cast: Any) -> dict[str, Any]:
    _survey(cast)
    return {"project_id": cast.project.pk}


def survey_campaign_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "campaign_id": _survey(cast).survey_campaign.pk}


def survey_token_kwargs(cast: Any) -> dict[str, Any]:
    return {"token": _survey(cast).survey_token}


# The project's PM and AM and staff admins; a team member is refused, clients go to the portal.
SATISFACTION_PAGE = roles(
    403, anonymous=LOGIN, pm=200, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)
)
SATISFACTION_PROJECT_PAGE = roles(
    403,
    anonymous=LOGIN,
    pm=200,
    am=200,
    staff_admin=200,
    outsider=404,
    **dict.fromkeys(CLIENTS, PORTAL),
)
# One survey item of the PM's and AM's scope: a 404 for everyone else on the provider side.
SATISFACTION_ITEM = roles(
    404, anonymous=LOGIN, pm=200, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)
)

PAGES.update(
    {
        "feedback:dashboard_csv": Entry(SATISFACTION_PAGE, note="figures of one's own scope"),
        "feedback:dashboard_xlsx": Entry(SATISFACTION_PAGE, note="figures of one's own scope"),
        "feedback:survey_templates": Entry(SATISFACTION_PAGE),
        "feedback:survey_template": Entry(
            SATISFACTION_PAGE,
            kwargs=lambda cast: {"template_id": _survey(cast).survey_template.pk},
        ),
        **{
            name: Entry(
                roles(
                    403,
                    anonymous=LOGIN,
                    pm=405,
                    am=405,
                    staff_admin=405,
                    **dict.fromkeys(CLIENTS, PORTAL),
                ),
                kwargs=lambda cast: {"template_id": _survey(cast).survey_template.pk},
                note="POST only: one action of the template page",
            )
            for name in (
                "feedback:survey_question_add",
                "feedback:survey_question_delete",
                "feedback:survey_template_copy",
                "feedback:survey_template_set_default",
                "feedback:survey_template_archive",
            )
        },
        "feedback:project_surveys": Entry(SATISFACTION_PROJECT_PAGE, kwargs=survey_project_kwargs),
        **{
            name: Entry(
                roles(
                    403,
                    anonymous=LOGIN,
                    pm=405,
                    am=405,
                    staff_admin=405,
                    outsider=404,
                    **dict.fromkeys(CLIENTS, PORTAL),
                ),
                kwargs=survey_project_kwargs,
                note="POST only: one form of the project's surveys page",
            )
            for name in (
                "feedback:campaign_create",
                "feedback:automation_create",
                "feedback:automation_stop",
            )
        },
        "feedback:project_responses": Entry(
            SATISFACTION_PROJECT_PAGE, kwargs=survey_project_kwargs
        ),
        "feedback:campaign": Entry(SATISFACTION_PROJECT_PAGE, kwargs=survey_campaign_kwargs),
        "feedback:survey_response": Entry(
            SATISFACTION_ITEM,
            kwargs=lambda cast: {"response_id": _survey(cast).survey_response.pk},
        ),
        "feedback:follow_up": Entry(
            SATISFACTION_ITEM,
            kwargs=lambda cast: {"follow_up_id": _survey(cast).survey_follow_up.pk},
            note="internal: the AM's follow-up of a detractor",
        ),
        "feedback:survey_answer": Entry(
            PUBLIC,
            kwargs=survey_token_kwargs,
            note="the signed link is the credential (tests/feedback/surveys/test_links.py)",
        ),
        "feedback:survey_unsubscribe": Entry(
            PUBLIC, kwargs=survey_token_kwargs, note="a confirmation page; POST unsubscribes"
        ),
        "feedback:portal_surveys": Entry(PORTAL_PAGE, note="one's own invitations only"),
        **{
            name: Entry(SATISFACTION_PAGE, note="the survey templates list")
            for name in ("feedback:survey_templates_csv", "feedback:survey_templates_xlsx")
        },
        **{
            name: Entry(
                SATISFACTION_PROJECT_PAGE, kwargs=survey_project_kwargs, note="the campaigns"
            )
            for name in ("feedback:project_surveys_csv", "feedback:project_surveys_xlsx")
        },
    }
)

API_SATISFACTION = roles(403, anonymous=401, pm=200, am=200, staff_admin=200)
API_SURVEY_READ = roles(
    403, anonymous=401, pm=200, am=200, staff_admin=200, other_client_rep=404, outsider=404
)
API_SURVEY_WRITE = roles(403, anonymous=401, pm=400, am=400, other_client_rep=404, outsider=404)


def api_survey_project_kwargs(cast: Any) -> dict[str, Any]:
    _survey(cast)
    return {"project_pk": cast.project.pk}


def api_survey_campaign_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": _survey(cast).survey_campaign.pk}


API.update(
    {
        ("GET", "/api/v1/satisfaction/"): Entry(API_SATISFACTION, note="figures of one's scope"),
        ("GET", "/api/v1/survey-templates/"): Entry(API_SATISFACTION),
        ("POST", "/api/v1/survey-templates/"): Entry(
            roles(403, anonymous=401, pm=400, am=400, staff_admin=400), note="{} has no name"
        ),
        ("GET", "/api/v1/survey-templates/{id}/"): Entry(
            API_SATISFACTION, kwargs=lambda cast: {"id": _survey(cast).survey_template.pk}
        ),
        ("POST", "/api/v1/survey-templates/{id}/questions/"): Entry(
            roles(403, anonymous=401, pm=400, am=400, staff_admin=400),
            kwargs=lambda cast: {"id": _survey(cast).survey_template.pk},
            note="{} is invalid",
        ),
        ("GET", "/api/v1/projects/{project_pk}/survey-campaigns/"): Entry(
            API_SURVEY_READ, kwargs=api_survey_project_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/survey-campaigns/"): Entry(
            API_SURVEY_WRITE, kwargs=api_survey_project_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/projects/{project_pk}/survey-campaigns/{id}/"): Entry(
            API_SURVEY_READ, kwargs=api_survey_campaign_kwargs
        ),
        ("GET", "/api/v1/projects/{project_pk}/survey-campaigns/{id}/invitations/"): Entry(
            API_SURVEY_READ, kwargs=api_survey_campaign_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/survey-campaigns/{id}/close/"): Entry(
            roles(403, anonymous=401, pm=200, am=200, other_client_rep=404, outsider=404),
            kwargs=api_survey_campaign_kwargs,
            note="the PM and AM close it",
        ),
        ("GET", "/api/v1/projects/{project_pk}/survey-automations/"): Entry(
            API_SURVEY_READ, kwargs=api_survey_project_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/survey-automations/"): Entry(
            API_SURVEY_WRITE, kwargs=api_survey_project_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/survey-responses/"): Entry(
            API_SIGNED_IN, note="PM/AM: their projects'; a client: their own only"
        ),
        ("GET", "/api/v1/survey-responses/{id}/"): Entry(
            roles(404, anonymous=401, pm=200, am=200, staff_admin=200, rep=200),
            kwargs=lambda cast: {"id": _survey(cast).survey_response.pk},
            note="the representative's own response; not even their colleagues see it",
        ),
        ("GET", "/api/v1/survey-follow-ups/"): Entry(API_SIGNED_IN, note="empty for clients"),
        ("GET", "/api/v1/survey-follow-ups/{id}/"): Entry(
            roles(404, anonymous=401, pm=200, am=200, staff_admin=200),
            kwargs=lambda cast: {"id": _survey(cast).survey_follow_up.pk},
        ),
        ("POST", "/api/v1/survey-follow-ups/{id}/close/"): Entry(
            roles(404, anonymous=401, pm=400, am=400, staff_admin=403),
            kwargs=lambda cast: {"id": _survey(cast).survey_follow_up.pk},
            note="the project's PM and AM; {} has no note",
        ),
        ("GET", "/api/v1/my-surveys/"): Entry(API_SIGNED_IN, note="one's own open surveys"),
        ("POST", "/api/v1/my-surveys/{id}/respond/"): Entry(
            roles(404, anonymous=401, rep=400),
            kwargs=lambda cast: {"id": _survey(cast).survey_invitation.pk},
            note="the invited person only; {} has no answers",
        ),
    }
)


# Feedback tickets and client accounts. The cast's ticket is a client-visible complaint the rep
# raised (with a file); the opportunity is the AM's, on client A's account. Both are made on
# first use, so that the suite's shared fixture needs no change.


def _ticket(cast: Any) -> Any:
    if getattr(cast, "ticket", None) is None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from feedback.services.tickets import ticket_raise

        cast.ticket = ticket_raise(
            actor=cast.rep,
            project=cast.project,
            kind="complaint",
            title="Pick lists print twice",
            files=[SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16)],
        )
    return cast.ticket


def _opportunity(cast: Any) -> Any:
    if getattr(cast, "opportunity", None) is None:
        from feedback.services.account import opportunity_create

        cast.opportunity = opportunity_create(
            actor=cast.am, organization=cast.project.client, title="Second warehouse"
        )
    return cast.opportunity


def ticket_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "ticket_id": _ticket(cast).pk}


def ticket_attachment_kwargs(cast: Any) -> dict[str, Any]:
    ticket = _ticket(cast)
    return {**ticket_kwargs(cast), "attachment_id": ticket.attachments.get().pk}


def account_kwargs(cast: Any) -> dict[str, Any]:
    return {"organization_id": cast.project.client_id}


def api_ticket_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": _ticket(cast).pk}


def api_account_kwargs(cast: Any) -> dict[str, Any]:
    return {"organization_pk": cast.project.client_id}


# The account page: the client's account managers and staff admins; everyone else on the
# provider side (the PM included) gets 404 as if it did not exist.
ACCOUNT_PAGE = roles(
    404, anonymous=LOGIN, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)
)
API_ACCOUNT_READ = roles(404, anonymous=401, am=200, staff_admin=200)
API_ACCOUNT_WRITE = roles(404, anonymous=401, am=400, staff_admin=400)

PAGES.update(
    {
        "feedback:project_feedback_csv": Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the provider side's export"
        ),
        "feedback:project_feedback_xlsx": Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the provider side's export"
        ),
        "feedback:ticket": Entry(STAFF_PROJECT_PAGE, kwargs=ticket_kwargs),
        **{
            name: Entry(
                roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
                kwargs=ticket_kwargs,
                note="POST only: one step of the ticket page",
            )
            for name in (
                "feedback:ticket_acknowledge",
                "feedback:ticket_start",
                "feedback:ticket_resolve",
                "feedback:ticket_update",
                "feedback:ticket_confirm",
                "feedback:ticket_reopen",
                "feedback:ticket_attach",
            )
        },
        "feedback:ticket_attachment": Entry(STAFF_PROJECT_PAGE, kwargs=ticket_attachment_kwargs),
        "feedback:account": Entry(
            ACCOUNT_PAGE, kwargs=account_kwargs, note="the AM's account page; PMs do not see it"
        ),
        **{
            name: Entry(
                roles(
                    404, anonymous=LOGIN, am=405, staff_admin=405, **dict.fromkeys(CLIENTS, PORTAL)
                ),
                kwargs=account_kwargs,
                note="POST only: one form of the account page",
            )
            for name in ("feedback:interaction_log", "feedback:opportunity_create")
        },
        "feedback:opportunity": Entry(
            ACCOUNT_PAGE,
            kwargs=lambda cast: {**account_kwargs(cast), "opportunity_id": _opportunity(cast).pk},
        ),
        "feedback:portal_tickets": Entry(
            PORTAL_PAGE, note="client-visible tickets of their own projects only"
        ),
        "feedback:portal_ticket_create": Entry(
            roles(200, anonymous=LOGIN, viewer=403, **dict.fromkeys(PROVIDER, STAFF)),
            note="whoever may submit feedback in one of their projects (B's rep in B's project)",
        ),
        "feedback:portal_project_tickets": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
        "feedback:portal_ticket": Entry(
            PORTAL_PROJECT_PAGE, kwargs=ticket_kwargs, note="an internal ticket is a 404"
        ),
        **{
            name: Entry(
                roles(405, anonymous=LOGIN, other_client_rep=404, **dict.fromkeys(PROVIDER, STAFF)),
                kwargs=ticket_kwargs,
                note="POST only: one step of the portal's ticket page",
            )
            for name in (
                "feedback:portal_ticket_confirm",
                "feedback:portal_ticket_reopen",
                "feedback:portal_ticket_attach",
            )
        },
        "feedback:portal_ticket_attachment": Entry(
            PORTAL_PROJECT_PAGE, kwargs=ticket_attachment_kwargs
        ),
        **{
            name: Entry(PORTAL_PAGE, note="client-visible tickets of their own projects only")
            for name in ("feedback:portal_tickets_csv", "feedback:portal_tickets_xlsx")
        },
        **{
            name: Entry(
                PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible tickets only"
            )
            for name in (
                "feedback:portal_project_tickets_csv",
                "feedback:portal_project_tickets_xlsx",
            )
        },
    }
)


# Status reports (reports/): a weekly schedule and one report the PM sent now. Everyone in the
# project reads the archive (a report holds only what the client may see); the PM edits the
# schedule, previews and sends; deliveries (addresses, failures) are for the provider side.


def report_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "report_id": cast.report.pk}


def api_report_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_pk": cast.project.pk, "id": cast.report.pk}


PAGES.update(
    {
        "reports:project_reports": Entry(STAFF_PROJECT_PAGE, kwargs=project_kwargs),
        **{
            name: Entry(
                roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
                kwargs=project_kwargs,
                note="POST only: the PM's summary, send now (tests/reports/test_pages.py)",
            )
            for name in ("reports:summary_save", "reports:report_send_now")
        },
        "reports:schedule": Entry(PM_EDIT_PAGE, kwargs=project_kwargs, note="the PM edits it"),
        "reports:preview": Entry(
            PM_EDIT_PAGE, kwargs=project_kwargs, note="the PM previews the next report"
        ),
        "reports:report": Entry(
            STAFF_PROJECT_PAGE, kwargs=report_kwargs, note="with its deliveries: provider side"
        ),
        "reports:report_pdf": Entry(STAFF_PROJECT_PAGE, kwargs=report_kwargs),
        "reports:portal_reports": Entry(
            PORTAL_PROJECT_PAGE,
            kwargs=project_kwargs,
            note="the archive; the client admin also pauses it and changes recipients",
        ),
        "reports:portal_report": Entry(PORTAL_PROJECT_PAGE, kwargs=report_kwargs),
        "reports:portal_report_pdf": Entry(PORTAL_PROJECT_PAGE, kwargs=report_kwargs),
        **{
            name: Entry(
                STAFF_PROJECT_PAGE,
                kwargs=project_kwargs,
                note="the history; deliveries for those who may read them",
            )
            for name in ("reports:project_reports_csv", "reports:project_reports_xlsx")
        },
        **{
            name: Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="the archive's periods")
            for name in ("reports:portal_reports_csv", "reports:portal_reports_xlsx")
        },
    }
)

API.update(
    {
        ("GET", "/api/v1/projects/{project_pk}/feedback-tickets/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs, note="clients: client-visible ones only"
        ),
        ("POST", "/api/v1/projects/{project_pk}/feedback-tickets/"): Entry(
            roles(
                400,
                anonymous=401,
                viewer=403,
                staff_admin=403,
                other_client_rep=404,
                outsider=404,
            ),
            kwargs=project_pk_kwargs,
            note="whoever may submit feedback; {} is invalid",
        ),
        ("GET", "/api/v1/projects/{project_pk}/feedback-tickets/{id}/"): Entry(
            API_PROJECT_READ, kwargs=api_ticket_kwargs
        ),
        ("PATCH", "/api/v1/projects/{project_pk}/feedback-tickets/{id}/"): Entry(
            roles(403, anonymous=401, pm=400, am=400, other_client_rep=404, outsider=404),
            kwargs=api_ticket_kwargs,
            note="the PM, the AM and the owner (here the AM); {} is invalid",
        ),
        ("POST", "/api/v1/projects/{project_pk}/feedback-tickets/{id}/transition/"): Entry(
            roles(400, anonymous=401, other_client_rep=404, outsider=404),
            kwargs=api_ticket_kwargs,
            note="{} is invalid; who may take which step: tests/feedback/tickets",
        ),
        ("POST", "/api/v1/projects/{project_pk}/feedback-tickets/{id}/attachments/"): Entry(
            roles(
                403,
                anonymous=401,
                pm=400,
                am=400,
                client_admin=400,
                rep=400,
                other_client_rep=404,
                outsider=404,
            ),
            kwargs=api_ticket_kwargs,
            note="the raiser, the handlers and the client's deciders; {} has no file",
        ),
        ("GET", "/api/v1/accounts/{organization_pk}/interactions/"): Entry(
            API_ACCOUNT_READ, kwargs=api_account_kwargs
        ),
        ("POST", "/api/v1/accounts/{organization_pk}/interactions/"): Entry(
            API_ACCOUNT_WRITE, kwargs=api_account_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/accounts/{organization_pk}/opportunities/"): Entry(
            API_ACCOUNT_READ, kwargs=api_account_kwargs
        ),
        ("POST", "/api/v1/accounts/{organization_pk}/opportunities/"): Entry(
            API_ACCOUNT_WRITE, kwargs=api_account_kwargs, note="{} is invalid"
        ),
        ("GET", "/api/v1/accounts/{organization_pk}/opportunities/{id}/"): Entry(
            API_ACCOUNT_READ,
            kwargs=lambda cast: {**api_account_kwargs(cast), "id": _opportunity(cast).pk},
        ),
        ("PATCH", "/api/v1/accounts/{organization_pk}/opportunities/{id}/"): Entry(
            API_ACCOUNT_READ,
            kwargs=lambda cast: {**api_account_kwargs(cast), "id": _opportunity(cast).pk},
            note="{} changes nothing",
        ),
        ("GET", "/api/v1/projects/{project_pk}/report-schedule/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs, note="the project's people"
        ),
        ("PUT", "/api/v1/projects/{project_pk}/report-schedule/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="the PM; {} is invalid"
        ),
        ("PATCH", "/api/v1/projects/{project_pk}/report-schedule/"): Entry(
            roles(403, anonymous=401, pm=200, client_admin=200, other_client_rep=404, outsider=404),
            kwargs=project_pk_kwargs,
            note="pause or recipients: the PM and the client admin; {} changes nothing",
        ),
        ("GET", "/api/v1/projects/{project_pk}/reports/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs
        ),
        ("GET", "/api/v1/projects/{project_pk}/reports/{id}/"): Entry(
            API_PROJECT_READ, kwargs=api_report_kwargs, note="the snapshot: client-visible only"
        ),
        ("GET", "/api/v1/projects/{project_pk}/reports/{id}/pdf/"): Entry(
            API_PROJECT_READ, kwargs=api_report_kwargs
        ),
        ("GET", "/api/v1/projects/{project_pk}/reports/{id}/deliveries/"): Entry(
            API_COSTS_READ, kwargs=api_report_kwargs, note="addresses and failures: provider side"
        ),
        ("POST", "/api/v1/projects/{project_pk}/reports/{id}/resend/"): Entry(
            roles(403, anonymous=401, pm=200, staff_admin=200, other_client_rep=404, outsider=404),
            kwargs=api_report_kwargs,
            note="the PM or a staff admin; {} resends the failed ones (none here)",
        ),
        ("POST", "/api/v1/projects/{project_pk}/reports/send-now/"): Entry(
            roles(403, anonymous=401, pm=409, other_client_rep=404, outsider=404),
            kwargs=project_pk_kwargs,
            note="the PM; this period's report exists already, so 409",
        ),
    }
)

# --- The portal as one product (issue 8) -----------------------------------------------------

PORTAL_POST_ONLY = roles(
    405, anonymous=LOGIN, other_client_rep=404, **dict.fromkeys(PROVIDER, STAFF)
)
PAGES.update(
    {
        "portal:decision_act": Entry(
            PORTAL_POST_ONLY,
            kwargs=lambda cast: {
                "project_id": cast.project.pk,
                "kind": "requirement",
                "item_id": cast.requirement.pk,
            },
            note="POST only: the single-click action of a waiting item",
        ),
        "portal:audit_log": Entry(
            roles(
                403,
                anonymous=LOGIN,
                client_admin=200,
                other_client_rep=404,
                **dict.fromkeys(PROVIDER, STAFF),
            ),
            kwargs=project_kwargs,
            note="the client admin's audit log of their side (PM and AM: through the API)",
        ),
        "portal:onboarding": Entry(PORTAL_PROJECT_PAGE, kwargs=project_kwargs),
        "portal:view_as_start": Entry(
            roles(
                403,
                anonymous=LOGIN,
                pm=200,
                am=200,
                outsider=404,
                **dict.fromkeys(CLIENTS, PORTAL),
            ),
            kwargs=project_kwargs,
            note="the project's PM and AM pick a client member to view the portal as",
        ),
        "portal:view_as_stop": Entry(roles(405, anonymous=LOGIN), note="POST only"),
        "portal:response_time": Entry(
            PM_EDIT_PAGE, kwargs=project_kwargs, note="the PM sets the client response time"
        ),
        **{
            name: Entry(
                roles(
                    403,
                    anonymous=LOGIN,
                    client_admin=200,
                    other_client_rep=404,
                    **dict.fromkeys(PROVIDER, STAFF),
                ),
                kwargs=project_kwargs,
                note="the client admin's audit log of their side",
            )
            for name in ("portal:audit_log_csv", "portal:audit_log_xlsx")
        },
    }
)
API.update(
    {
        ("GET", "/api/v1/portal/waiting/"): Entry(
            API_SIGNED_IN, note="one's own waiting items only (empty for the provider side)"
        ),
        ("POST", "/api/v1/portal/waiting/act/"): Entry(
            roles(400, anonymous=401), note="{} is invalid: project, kind and id are required"
        ),
        ("GET", "/api/v1/projects/{project_pk}/client-audit-log/"): Entry(
            roles(
                403,
                anonymous=401,
                client_admin=200,
                pm=200,
                am=200,
                other_client_rep=404,
                outsider=404,
            ),
            kwargs=lambda cast: {"project_pk": cast.project.pk},
        ),
    }
)

# --- Closeout --------------------------------------------------------------------------------
# The cast's project is not in its closing phase: a request is refused (409); ids 999 name no
# waiver or request, so the PM (or client admin) allowed to act finds nothing (404).
PM_POST_PAGE = roles(403, anonymous=LOGIN, pm=405, outsider=404, **dict.fromkeys(CLIENTS, PORTAL))
PAGES.update(
    {
        "closeout:project": Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="the provider's full checklist"
        ),
        "closeout:waiver_add": Entry(PM_POST_PAGE, kwargs=project_kwargs, note="POST only"),
        "closeout:waiver_remove": Entry(
            PM_POST_PAGE,
            kwargs=lambda cast: {"project_id": cast.project.pk, "waiver_id": 999},
            note="POST only",
        ),
        "closeout:request": Entry(PM_POST_PAGE, kwargs=project_kwargs, note="POST only"),
        "closeout:withdraw": Entry(
            PM_POST_PAGE,
            kwargs=lambda cast: {"project_id": cast.project.pk, "request_id": 999},
            note="POST only",
        ),
        "closeout:reopen": Entry(
            roles(
                403,
                anonymous=LOGIN,
                staff_admin=405,
                outsider=404,
                **dict.fromkeys(CLIENTS, PORTAL),
            ),
            kwargs=project_kwargs,
            note="POST only, for a staff admin",
        ),
        "portal:closeout": Entry(
            PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="each point's outcome only"
        ),
        **{
            name: Entry(
                roles(404, anonymous=LOGIN, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)),
                note="staff admins only; 404 for other provider people, as for a hidden page",
            )
            for name in (
                "closeout:portfolio_report",
                "closeout:portfolio_report_csv",
                "closeout:portfolio_report_xlsx",
            )
        },
    }
)
API.update(
    {
        ("GET", "/api/v1/projects/{project_pk}/closeout/"): Entry(
            API_PROJECT_READ,
            kwargs=project_pk_kwargs,
            note="open items and waivers' reasons for the provider only (tests/closeout)",
        ),
        ("GET", "/api/v1/projects/{project_pk}/closeout/waivers/"): Entry(
            API_COSTS_READ, kwargs=project_pk_kwargs, note="internal: provider side"
        ),
        ("POST", "/api/v1/projects/{project_pk}/closeout/waivers/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="{} is invalid"
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/closeout/waivers/{id}/"): Entry(
            roles(403, anonymous=401, pm=404, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": 999},
            note="the PM; no such waiver",
        ),
        ("GET", "/api/v1/projects/{project_pk}/closeout/requests/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/closeout/requests/"): Entry(
            roles(403, anonymous=401, pm=409, other_client_rep=404, outsider=404),
            kwargs=project_pk_kwargs,
            note="the PM; the cast's project is not in its closing phase",
        ),
        **{
            ("POST", f"/api/v1/projects/{{project_pk}}/closeout/requests/{{id}}/{verb}/"): Entry(
                roles(403, anonymous=401, **{who: 404}, other_client_rep=404, outsider=404),
                kwargs=lambda cast: {"project_pk": cast.project.pk, "id": 999},
                note="no such request",
            )
            for verb, who in (
                ("withdraw", "pm"),
                ("accept", "client_admin"),
                ("refuse", "client_admin"),
            )
        },
        ("GET", "/api/v1/projects/{project_pk}/closeout/reopenings/"): Entry(
            API_COSTS_READ, kwargs=project_pk_kwargs, note="provider side"
        ),
        ("POST", "/api/v1/projects/{project_pk}/closeout/reopenings/"): Entry(
            roles(403, anonymous=401, staff_admin=400, other_client_rep=404, outsider=404),
            kwargs=project_pk_kwargs,
            note="a staff admin; {} is invalid",
        ),
    }
)


# --- Lessons learned --------------------------------------------------------------------------


def lesson_kwargs(cast: Any) -> dict[str, Any]:
    return {"project_id": cast.project.pk, "lesson_id": cast.lesson.pk}


PAGES.update(
    {
        "lessons:library": Entry(
            STAFF_PAGE, note="the provider's knowledge base: every provider person, every project"
        ),
        "lessons:retrospective": Entry(
            STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal lessons too: provider side"
        ),
        **{
            name: Entry(
                roles(405, anonymous=LOGIN, outsider=404, **dict.fromkeys(CLIENTS, PORTAL)),
                kwargs=lesson_kwargs,
                note="POST only: the author or the PM (tests/lessons/test_pages.py)",
            )
            for name in ("lessons:lesson_edit", "lessons:lesson_delete")
        },
        "lessons:portal_lessons": Entry(
            PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible lessons only"
        ),
        **{
            name: Entry(STAFF_PAGE, note="the library's export: every provider person")
            for name in ("lessons:library_csv", "lessons:library_xlsx")
        },
        **{
            name: Entry(
                STAFF_PROJECT_PAGE, kwargs=project_kwargs, note="internal lessons too: staff"
            )
            for name in ("lessons:retrospective_csv", "lessons:retrospective_xlsx")
        },
        **{
            name: Entry(
                PORTAL_PROJECT_PAGE, kwargs=project_kwargs, note="client-visible lessons only"
            )
            for name in ("lessons:portal_lessons_csv", "lessons:portal_lessons_xlsx")
        },
    }
)

API.update(
    {
        ("GET", "/api/v1/lessons/"): Entry(
            API_SIGNED_IN,
            note="scoped list: provider people every lesson, clients the client-visible ones of "
            "their own projects (content: tests/lessons/test_api.py)",
        ),
        ("POST", "/api/v1/lessons/"): Entry(
            roles(400, anonymous=401), note="{} is invalid: project, title, category required"
        ),
        ("GET", "/api/v1/lessons/{id}/"): Entry(
            roles(200, anonymous=401, other_client_rep=404),
            kwargs=lambda cast: {"id": cast.lesson.pk},
            note="a client-visible lesson by the representative; an internal one: tests/lessons",
        ),
        ("PATCH", "/api/v1/lessons/{id}/"): Entry(
            roles(403, anonymous=401, pm=200, rep=200, other_client_rep=404),
            kwargs=lambda cast: {"id": cast.lesson.pk},
            note="its author (the representative) and the PM; {} changes nothing",
        ),
        ("DELETE", "/api/v1/lessons/{id}/"): Entry(
            roles(404, anonymous=401, pm=204),
            kwargs=lambda cast: {"id": cast.lesson.pk},
            note="the PM removes it, and then it is gone for everyone after; who else may: "
            "tests/lessons/test_api.py",
        ),
    }
)


# --- Scorecards -------------------------------------------------------------------------------
# A person's own scorecard; the PM's also for the account managers of the PM's projects; every
# one of them and the team view for staff admins; never a client's (the staff pages send them to
# the portal, the API answers 404 as for a scorecard that does not exist). The cast's PM's
# scorecard is read here; content and the other cases: tests/scorecards/test_access.py.


def scorecard_kwargs(cast: Any) -> dict[str, Any]:
    return {"person_id": cast.pm.pk, "role": "pm"}


def scorecard_items_kwargs(cast: Any) -> dict[str, Any]:
    return {**scorecard_kwargs(cast), "group": "milestones", "period": "2027Q1"}


SCORECARD_PAGE = roles(
    404, anonymous=LOGIN, pm=200, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)
)
API_SCORECARD = roles(404, anonymous=401, pm=200, am=200, staff_admin=200)

PAGES.update(
    {
        "scorecards:index": Entry(
            roles(
                403,
                anonymous=LOGIN,
                pm=200,
                am=200,
                staff_admin=200,
                **dict.fromkeys(CLIENTS, PORTAL),
            ),
            note="every PM and AM (their own and their PMs' scorecards), staff admins",
        ),
        "scorecards:team": Entry(STAFF_ADMIN_PAGE, note="everyone side by side: staff admins"),
        "scorecards:scorecard": Entry(
            SCORECARD_PAGE,
            kwargs=scorecard_kwargs,
            note="the PM's own; the AM of the PM's project; a 404 for other provider people",
        ),
        "scorecards:items": Entry(
            SCORECARD_PAGE,
            kwargs=scorecard_items_kwargs,
            note="the items behind a figure: internal titles, for those who see the scorecard",
        ),
        **{
            name: Entry(STAFF_ADMIN_PAGE, note="the team view's ranking: staff admins")
            for name in ("scorecards:team_csv", "scorecards:team_xlsx")
        },
    }
)

API.update(
    {
        ("GET", "/api/v1/scorecards/"): Entry(
            roles(404, anonymous=401, pm=200, am=200, staff_admin=200),
            note="the scorecards the caller may open; none for clients and provider people "
            "without a PM or AM role",
        ),
        ("GET", "/api/v1/scorecards/team/"): Entry(
            roles(403, anonymous=401, staff_admin=200), note="staff admins only"
        ),
        ("GET", "/api/v1/scorecards/{person_id}/{role}/"): Entry(
            API_SCORECARD, kwargs=scorecard_kwargs, note="as the scorecard page"
        ),
        ("GET", "/api/v1/scorecards/{person_id}/{role}/{group}/{period}/"): Entry(
            API_SCORECARD, kwargs=scorecard_items_kwargs, note="as the items page"
        ),
    }
)

# --- Imports from a spreadsheet (tests/integrations/test_imports.py) --------------------------
# The project's PM only: the rest of its team is refused, a provider person outside the project
# finds nothing, clients are sent to the portal.
PAGES.update(
    {
        "integrations:import": Entry(PM_EDIT_PAGE, kwargs=project_kwargs),
        "integrations:import_preview": Entry(PM_POST_PAGE, kwargs=project_kwargs, note="POST only"),
        "integrations:import_confirm": Entry(PM_POST_PAGE, kwargs=project_kwargs, note="POST only"),
        "integrations:import_template": Entry(
            PM_EDIT_PAGE,
            kwargs=lambda cast: {
                "project_id": cast.project.pk,
                "kind": "risks",
                "extension": "csv",
            },
            note="the example row names the PM's own e-mail and the project's first milestone",
        ),
    }
)

API.update(
    {
        ("POST", "/api/v1/projects/{project_pk}/imports/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="the PM; {} has no kind and no file"
        ),
    }
)

# --- The project archive (tests/integrations/test_archive.py) ---------------------------------
# The download: the project's PM and staff admins (it holds internal items); the rest of the
# team is refused, a provider person outside the project finds nothing, clients go to the
# portal. A new project from an archive: whoever may start a project (every provider person).


def archived_project_kwargs(cast: Any) -> dict[str, Any]:
    """The cast's project, given the start date an archive counts its dates from."""
    import datetime

    from projects.models import Project

    Project.objects.filter(pk=cast.project.pk).update(start_date=datetime.date(2027, 1, 4))
    return {"project_id": cast.project.pk}


PAGES.update(
    {
        "integrations:archive_export": Entry(
            roles(
                403,
                anonymous=LOGIN,
                pm=200,
                staff_admin=200,
                outsider=404,
                **dict.fromkeys(CLIENTS, PORTAL),
            ),
            kwargs=archived_project_kwargs,
            note="the archive holds internal items",
        ),
        "integrations:archive_import": Entry(STAFF_PAGE, note="the form; nothing is read yet"),
    }
)

API.update(
    {
        ("GET", "/api/v1/projects/{project_pk}/archive/"): Entry(
            roles(403, anonymous=401, pm=200, staff_admin=200, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"project_pk": archived_project_kwargs(cast)["project_id"]},
            note="the archive holds internal items",
        ),
        ("POST", "/api/v1/project-archives/"): Entry(
            roles(400, anonymous=401, **dict.fromkeys(CLIENTS, 403)),
            note="whoever may start a project; {} has no file",
        ),
    }
)


# --- More operations that reach the pages' services (tests/api/test_api_parity_more.py) --------


def _failed_email(cast: Any) -> int:
    """The id of an e-mail about client A's project that failed."""
    import uuid

    from notifications.models import OutboxMessage

    return OutboxMessage.objects.create(
        kind="report",
        to_email="rep@a.test",
        language="en",
        message_id=f"<{uuid.uuid4()}@rapport.test>",
        project_id=cast.project.pk,
        subject="Weekly report",
        body_text="Report",
        status=OutboxMessage.Status.FAILED,
    ).pk


def _survey_automation(cast: Any) -> int:
    """The id of an automation that surveys client A on project close."""
    from feedback.services.automations import automation_create
    from feedback.services.survey_templates import survey_template_default

    return automation_create(
        actor=cast.pm,
        project=cast.project,
        template=survey_template_default(),
        trigger="project_closed",
    ).pk


API.update(
    {
        ("POST", "/api/v1/me/notifications/mark-read/"): Entry(
            roles(200, anonymous=401), note="the person's own notifications; {} marks them all"
        ),
        ("POST", "/api/v1/outbox/{message_id}/resend/"): Entry(
            roles(404, anonymous=401, pm=200, staff_admin=200),
            kwargs=lambda cast: {"message_id": _failed_email(cast)},
            note="a staff admin any e-mail, the PM those about their project",
        ),
        ("POST", "/api/v1/outbox/resend-failed/"): Entry(
            roles(403, anonymous=401, staff_admin=200), note="staff admins"
        ),
        ("POST", "/api/v1/projects/{project_pk}/survey-automations/{id}/stop/"): Entry(
            roles(403, anonymous=401, pm=200, am=404, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"project_pk": cast.project.pk, "id": _survey_automation(cast)},
            note="the PM and AM (the PM stopped it first: then it is no more active, 404)",
        ),
        ("GET", "/api/v1/projects/{project_pk}/client-response-time/"): Entry(
            API_PROJECT_READ, kwargs=project_pk_kwargs, note="shown on the portal's onboarding"
        ),
        ("PUT", "/api/v1/projects/{project_pk}/client-response-time/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="the PM; {} is invalid"
        ),
        ("DELETE", "/api/v1/attachments/{attachment_id}/"): Entry(
            roles(404, anonymous=401, pm=204),
            kwargs=lambda cast: {"attachment_id": cast.attachment.pk},
            note="its uploader (the PM) removes it, then it is gone for everyone after; who "
            "else may: tests/api/test_api_parity_more.py",
        ),
    }
)


def _survey_template(cast: Any) -> Any:
    """An unsent template with one question, made afresh for each operation."""
    from feedback.services.survey_templates import survey_question_add, survey_template_create

    template = survey_template_create(actor=cast.pm, name="Go-live pulse")
    survey_question_add(actor=cast.pm, template=template, kind="nps", text="Recommend us?")
    return template


API_SURVEY_TEMPLATES = roles(403, anonymous=401, pm=200, am=200, staff_admin=200)

API.update(
    {
        ("POST", "/api/v1/survey-templates/{id}/archive/"): Entry(
            API_SURVEY_TEMPLATES,
            kwargs=lambda cast: {"id": _survey_template(cast).pk},
            note="the PMs, AMs and staff admins who keep the templates",
        ),
        ("POST", "/api/v1/survey-templates/{id}/copy/"): Entry(
            roles(403, anonymous=401, pm=400, am=400, staff_admin=400),
            kwargs=lambda cast: {"id": _survey_template(cast).pk},
            note="{} has no name",
        ),
        ("DELETE", "/api/v1/survey-templates/{id}/questions/{question_id}/"): Entry(
            roles(403, anonymous=401, pm=204, am=404, staff_admin=404),
            kwargs=lambda cast: {
                "id": (template := _survey_template(cast)).pk,
                "question_id": template.questions.get().pk,
            },
            note="the PM removes it first: then it is gone for the others (404)",
        ),
    }
)

API.update(
    {
        ("PUT", "/api/v1/projects/{project_pk}/report-schedule/recipients/"): Entry(
            roles(403, anonymous=401, pm=400, client_admin=400, other_client_rep=404, outsider=404),
            kwargs=project_pk_kwargs,
            note="the PM and the client admin, as on the portal's reports page; {} is invalid",
        ),
        ("PATCH", "/api/v1/projects/{project_pk}/report-schedule/recipients/"): Entry(
            roles(403, anonymous=401, pm=200, client_admin=200, other_client_rep=404, outsider=404),
            kwargs=project_pk_kwargs,
            note="the PM and the client admin; {} changes nothing",
        ),
        ("GET", "/api/v1/projects/{project_pk}/report-schedule/summary/"): Entry(
            API_PM_EDIT, kwargs=project_pk_kwargs, note="the PM's draft, until a report takes it"
        ),
        ("PUT", "/api/v1/projects/{project_pk}/report-schedule/summary/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="the PM; {} is invalid"
        ),
        ("GET", "/api/v1/projects/{project_pk}/reports/preview/"): Entry(
            API_PM_EDIT, kwargs=project_pk_kwargs, note="the PM previews the next report"
        ),
    }
)


def api_rep_membership_kwargs(cast: Any) -> dict[str, Any]:
    """The representative's membership of client A's project (one a client admin manages)."""
    from projects.models import Membership

    membership = Membership.objects.get(project=cast.project, user=cast.rep)
    return {"id": cast.project.pk, "membership_pk": membership.pk}


# Projects themselves: started by provider people, edited by their PM (tests/api/
# test_api_projects_parity).
API.update(
    {
        ("POST", "/api/v1/projects/"): Entry(
            roles(400, anonymous=401, **dict.fromkeys(CLIENTS, 403)),
            note="any provider person starts a project; {} is invalid",
        ),
        ("PATCH", "/api/v1/projects/{id}/"): Entry(
            API_PM_EDIT,
            kwargs=lambda cast: {"id": cast.project.pk},
            note="the PM; {} changes nothing",
        ),
        ("POST", "/api/v1/projects/{id}/set-archived/"): Entry(
            API_PM_WRITE, kwargs=lambda cast: {"id": cast.project.pk}, note="{} is invalid"
        ),
        ("POST", "/api/v1/projects/{id}/copy/"): Entry(
            roles(400, anonymous=401, outsider=404, **dict.fromkeys(CLIENTS, 403)),
            kwargs=lambda cast: {"id": cast.project.pk},
            note="provider people who see the project; clients refused before the look-up",
        ),
        ("POST", "/api/v1/projects/{id}/health-override/"): Entry(
            API_PM_WRITE, kwargs=lambda cast: {"id": cast.project.pk}, note="{} is invalid"
        ),
        ("DELETE", "/api/v1/projects/{id}/health-override/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=lambda cast: {"id": cast.project.pk},
        ),
        ("PATCH", "/api/v1/projects/{id}/members/{membership_pk}/"): Entry(
            roles(403, anonymous=401, pm=400, client_admin=400, other_client_rep=404, outsider=404),
            kwargs=api_rep_membership_kwargs,
            note="those who manage the members (a client admin their colleagues); {} is invalid",
        ),
        ("DELETE", "/api/v1/projects/{id}/members/{membership_pk}/"): Entry(
            roles(
                403,
                anonymous=401,
                pm=204,
                client_admin=404,
                rep=404,
                other_client_rep=404,
                outsider=404,
            ),
            kwargs=api_rep_membership_kwargs,
            note="the PM removes the representative; then no one finds them",
        ),
    }
)


def api_template_kwargs(cast: Any) -> dict[str, Any]:
    """A template the PM saved from client A's project (given a start date)."""
    import datetime

    from projects.models import Project
    from projects.services.templates import template_save

    Project.objects.filter(pk=cast.project.pk).update(start_date=datetime.date(2026, 1, 5))
    project = Project.objects.get(pk=cast.project.pk)
    return {"id": template_save(actor=cast.pm, project=project, name="Roll-out").pk}


def api_invitation_kwargs(cast: Any) -> dict[str, Any]:
    """A pending invitation of a customer representative to client A's project."""
    from projects.services.invitations import invitation_create

    invitation = invitation_create(
        actor=cast.pm, project=cast.project, email="new@a.test", role="customer_rep"
    )
    return {"project_pk": cast.project.pk, "id": invitation.pk}


API_TEMPLATES = roles(200, anonymous=401, **dict.fromkeys(CLIENTS, 403))
API_MEMBERS_MANAGE = roles(
    403, anonymous=401, pm=200, client_admin=200, other_client_rep=404, outsider=404
)

# Project templates (provider people only) and a project's invitations (those who manage its
# members): tests/api/test_api_projects_parity.
API.update(
    {
        ("GET", "/api/v1/project-templates/"): Entry(API_TEMPLATES),
        ("POST", "/api/v1/project-templates/"): Entry(
            roles(400, anonymous=401, **dict.fromkeys(CLIENTS, 403)), note="{} is invalid"
        ),
        ("GET", "/api/v1/project-templates/{id}/"): Entry(
            API_TEMPLATES, kwargs=api_template_kwargs
        ),
        ("DELETE", "/api/v1/project-templates/{id}/"): Entry(
            roles(404, anonymous=401, pm=204, **dict.fromkeys(CLIENTS, 403)),
            kwargs=api_template_kwargs,
            note="its author deletes it; then no one finds it (clients refused before)",
        ),
        ("POST", "/api/v1/project-templates/{id}/projects/"): Entry(
            roles(400, anonymous=401, **dict.fromkeys(CLIENTS, 403)),
            kwargs=api_template_kwargs,
            note="whoever may start projects; {} is invalid",
        ),
        ("GET", "/api/v1/projects/{project_pk}/invitations/"): Entry(
            API_MEMBERS_MANAGE, kwargs=project_pk_kwargs
        ),
        ("POST", "/api/v1/projects/{project_pk}/invitations/"): Entry(
            {**API_MEMBERS_MANAGE, "pm": 400, "client_admin": 400},
            kwargs=project_pk_kwargs,
            note="{} is invalid",
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/invitations/{id}/"): Entry(
            {**API_MEMBERS_MANAGE, "pm": 204, "client_admin": 404},
            kwargs=api_invitation_kwargs,
            note="the PM withdraws it; then the client admin finds it no more",
        ),
    }
)


def api_rate_kwargs(cast: Any) -> dict[str, Any]:
    from decimal import Decimal

    from projects.services.costs import rate_set

    rate = rate_set(
        actor=cast.pm, project=cast.project, role="team_member", hourly_rate=Decimal(90)
    )
    return {"project_pk": cast.project.pk, "id": rate.pk}


def api_cost_entry_kwargs(cast: Any) -> dict[str, Any]:
    import datetime
    from decimal import Decimal

    from projects.services.costs import cost_entry_add

    entry = cost_entry_add(
        actor=cast.pm, project=cast.project, date=datetime.date(2026, 3, 2), amount=Decimal(120)
    )
    return {"project_pk": cast.project.pk, "id": entry.pk}


# Deletes of the PM's (tests/api/test_api_projects_parity): the others are refused before the
# look-up, so after the PM's delete they are still refused.
API.update(
    {
        ("DELETE", "/api/v1/projects/{project_pk}/rates/{id}/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=api_rate_kwargs,
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/cost-entries/{id}/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=api_cost_entry_kwargs,
        ),
        ("DELETE", "/api/v1/projects/{project_pk}/documents/{id}/"): Entry(
            roles(403, anonymous=401, pm=204, other_client_rep=404, outsider=404),
            kwargs=api_document_kwargs,
        ),
    }
)

# The staff pages' remaining project actions (tests/api/test_api_projects_parity).
API.update(
    {
        ("PATCH", "/api/v1/projects/{project_pk}/documents/{id}/"): Entry(
            API_PM_WRITE,
            kwargs=api_document_kwargs,
            note="the PM sets what the client sees; {} is invalid",
        ),
        ("GET", "/api/v1/projects/{project_pk}/baselines/"): Entry(
            API_PROJECT_READ,
            kwargs=project_pk_kwargs,
            note="the budget per budget_visibility (tests/projects/test_baselines.py)",
        ),
        ("POST", "/api/v1/projects/{project_pk}/baselines/"): Entry(
            API_PM_WRITE, kwargs=project_pk_kwargs, note="the PM sets the first; {} is invalid"
        ),
        ("POST", "/api/v1/projects/{project_pk}/milestones/{id}/reschedule-preview/"): Entry(
            API_PM_WRITE,
            kwargs=lambda cast: {
                "project_pk": cast.project.pk,
                "id": cast.deliverable.milestone_id,
            },
            note="the PM previews a new due date; {} is invalid",
        ),
        ("POST", "/api/v1/projects/{project_pk}/tasks/{id}/reschedule-preview/"): Entry(
            API_PM_WRITE, kwargs=api_task_kwargs, note="the PM previews new dates; {} is invalid"
        ),
    }
)
