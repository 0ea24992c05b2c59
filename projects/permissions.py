"""The permission layer for projects: who may do what, per role (DESIGN.md's table).

Predicates take (user, project). Every page, API view, admin action, export and e-mail asks
these, through `user.has_perm("projects.<name>", project)` or the predicates directly; nothing
checks a role by hand elsewhere. Later apps import the role predicates from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.permissions import is_staff_admin
from projects.models import CLIENT_ROLES, STAFF_ROLES, Role, Visibility
from projects.models.tasks import OwnerSide

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Document, Project, ProjectTemplate, Task


def role_of(user: User, project: Project | None) -> str | None:
    """The user's role in the project, or None. One query per user object, then cached."""
    if project is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.project_roles.get(project.pk)


def has_role(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user: User, project: Project | None) -> bool:
        return role_of(user, project) in wanted

    return predicate


is_pm = has_role(Role.PM)
is_am = has_role(Role.AM)
is_team_member = has_role(Role.TEAM_MEMBER)
is_client_admin = has_role(Role.CLIENT_ADMIN)
is_customer_rep = has_role(Role.CUSTOMER_REP)
is_client_viewer = has_role(Role.CLIENT_VIEWER)
is_member = has_role(*Role.values)
is_staff_member = has_role(*STAFF_ROLES)
is_client_member = has_role(*CLIENT_ROLES)

# --- The table of DESIGN.md -------------------------------------------------------------------

can_view_project = is_member | is_staff_admin
can_view_internal_items = is_staff_member | is_staff_admin
can_edit_plan = is_pm
can_edit_own_tasks = is_pm | is_team_member
# The client's side reports the progress of its own duties in the plan (tasks of the client's).
can_report_client_tasks = has_role(Role.CLIENT_ADMIN, Role.CUSTOMER_REP)
can_review_quality = is_pm | is_team_member
can_submit_requirement = has_role(
    Role.PM, Role.AM, Role.TEAM_MEMBER, Role.CLIENT_ADMIN, Role.CUSTOMER_REP
)
can_submit_feedback = can_submit_requirement
can_confirm_requirement = has_role(Role.CLIENT_ADMIN, Role.CUSTOMER_REP)
can_approve_change_for_provider = is_pm
can_approve_change_for_client = is_client_admin
can_accept_deliverable = has_role(Role.CLIENT_ADMIN, Role.CUSTOMER_REP)
# An internal deliverable is never put to the client: the PM accepts it for the team.
can_accept_deliverable_internally = is_pm
can_raise_risk = can_submit_requirement
can_raise_internal_risk = is_staff_member
can_manage_members = is_pm | is_client_admin
can_request_phase_gate = is_pm
can_approve_phase_gate = is_client_admin
can_view_satisfaction = has_role(Role.PM, Role.AM)
can_handle_complaints = can_view_satisfaction
can_answer_surveys = is_client_member
can_receive_status_reports = is_client_member
# Documents: the team shares files; the PM decides what the client sees and deletes. Client
# admins and representatives upload too, client-visible documents only, and new versions of
# their side's documents only (can_add_document_version); they delete nothing.
can_upload_team_document = is_pm | is_team_member
can_upload_document = can_upload_team_document | is_client_admin | is_customer_rep
can_manage_documents = is_pm
# Time and cost: the team logs its own time, the PM anyone's and approves it, sets rates and
# records other costs; the provider side sees them all; the client what budget_visibility says.
can_log_time = is_pm | is_team_member
can_manage_costs = is_pm
can_view_costs = can_view_internal_items
can_export_costs = is_pm | is_am | is_staff_admin
# E-mails about the project that could not be delivered: read and send again.
can_resend_project_emails = is_pm | is_staff_admin


def can_invite_role(user: User, project: Project, role: str) -> bool:
    """A PM invites anyone to their project; a client admin only their own organisation's
    people, as customer representatives or viewers (who holds the client admin role, which
    approves change requests for the client, is agreed with the PM)."""
    if is_pm(user, project):
        return role in Role.values
    if is_client_admin(user, project):
        return role in (Role.CUSTOMER_REP, Role.CLIENT_VIEWER)
    return False


def can_change_membership(user: User, project: Project, role: str) -> bool:
    """May `user` change or remove a membership that has (or would get) `role`?"""
    return can_invite_role(user, project, role)


PROJECT_PERMISSIONS: dict[str, rules.Predicate] = {
    "view_project": can_view_project,
    "view_internal_items": can_view_internal_items,
    "edit_plan": can_edit_plan,
    "edit_own_tasks": can_edit_own_tasks,
    "review_quality": can_review_quality,
    "submit_requirement": can_submit_requirement,
    "submit_feedback": can_submit_feedback,
    "confirm_requirement": can_confirm_requirement,
    "approve_change_for_provider": can_approve_change_for_provider,
    "approve_change_for_client": can_approve_change_for_client,
    "accept_deliverable": can_accept_deliverable,
    "accept_deliverable_internally": can_accept_deliverable_internally,
    "raise_risk": can_raise_risk,
    "raise_internal_risk": can_raise_internal_risk,
    "manage_members": can_manage_members,
    "request_phase_gate": can_request_phase_gate,
    "approve_phase_gate": can_approve_phase_gate,
    "view_satisfaction": can_view_satisfaction,
    "handle_complaints": can_handle_complaints,
    "answer_surveys": can_answer_surveys,
    "receive_status_reports": can_receive_status_reports,
    "upload_document": can_upload_document,
    "upload_team_document": can_upload_team_document,
    "manage_documents": can_manage_documents,
    "log_time": can_log_time,
    "manage_costs": can_manage_costs,
    "view_costs": can_view_costs,
    "export_costs": can_export_costs,
    "resend_project_emails": can_resend_project_emails,
}

for _name, _predicate in PROJECT_PERMISSIONS.items():
    rules.add_perm(f"projects.{_name}", _predicate)

rules.add_perm("accounts.administer", is_staff_admin)


@rules.predicate
def manages_any_account_or_project(user: User) -> bool:
    """PMs and AMs (of any project) and staff admins reach the satisfaction dashboard."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff_admin or bool({Role.PM, Role.AM} & set(user.project_roles.values()))


rules.add_perm("feedback.view_dashboard", manages_any_account_or_project)


@rules.predicate
def manages_any_project(user: User) -> bool:
    """PMs (of any project) and staff admins reach the resource view (who is planned when)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff_admin or Role.PM in set(user.project_roles.values())


rules.add_perm("projects.view_resources", manages_any_project)


def can_update_task(user: User, task: Task) -> bool:
    """The PM updates any task of the project; a team member only a task assigned to them; a
    client admin or representative any client-visible task of the client's, assigned to them or
    to no one (each only its progress: projects.services.tasks.task_update says which fields)."""
    if can_edit_plan(user, task.project):
        return True
    if task.owner_side == OwnerSide.CLIENT:
        return bool(
            task.visibility == Visibility.CLIENT
            and task.assignee_id in (None, user.pk)
            and can_report_client_tasks(user, task.project)
        )
    return bool(
        can_edit_own_tasks(user, task.project)
        and task.assignee_id is not None
        and task.assignee_id == user.pk
    )


def can_add_document_version(user: User, document: Document) -> bool:
    """The team uploads a new version of any document of the project; a client admin or
    representative only of a document their side uploaded (never of the provider's)."""
    if can_upload_team_document(user, document.project):
        return True
    return bool(can_upload_document(user, document.project) and document.is_from_client)


@rules.predicate
def can_create_project(user: User) -> bool:
    """Any active provider person may start a project (and becomes its PM)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active) and (
        user.is_provider_user
    )


rules.add_perm("projects.add_project", can_create_project)


# --- Project templates: the provider's, never a project's --------------------------------------


def can_use_templates(user: User) -> bool:
    """Read the templates and start projects from them: whoever may create projects."""
    return bool(can_create_project(user))


def can_save_template(user: User, project: Project) -> bool:
    """The project's PM (or a staff admin) saves its plan as a template."""
    return bool(can_edit_plan(user, project) or is_staff_admin(user))


def can_delete_template(user: User, template: ProjectTemplate) -> bool:
    """The template's author or a staff admin deletes it."""
    return can_use_templates(user) and (template.created_by_id == user.pk or is_staff_admin(user))
