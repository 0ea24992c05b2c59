"""Project templates: saving a project's plan as a template, and starting a project from a
template or as a copy of another project (projects.copying moves every date to the new start).

Templates are the provider's: any provider person may read them and start a project from one;
the PM of a project (or a staff admin) saves it as a template; the template's author or a staff
admin deletes it. A template is never a project, so it appears in no project list.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from common.errors import InvalidInput, NotAllowed, NotFound
from common.text import LONG_TEXT_MAX_LENGTH, clean_text
from projects.copying import ShiftContext, plan_export, plan_import, project_settings
from projects.models import Phase, Project, ProjectTemplate, Role
from projects.permissions import (
    can_delete_template,
    can_save_template,
    can_use_templates,
    can_view_project,
)
from projects.services.projects import ProjectData, project_create

if TYPE_CHECKING:
    from accounts.models import User


# --- Reads ----------------------------------------------------------------------------------------


def template_list_for(*, user: User) -> QuerySet[ProjectTemplate]:
    """Every template for a provider person, none for anyone else; with their authors."""
    if not can_use_templates(user):
        return ProjectTemplate.objects.none()
    return ProjectTemplate.objects.select_related("created_by").order_by("name", "id")


def template_get_for(*, user: User, template_id: int) -> ProjectTemplate:
    template = template_list_for(user=user).filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template


def copy_source_choices(*, user: User) -> list[tuple[int, str]]:
    """The projects `user` may copy: those they may see (every one for a staff admin)."""
    return [
        (pk, f"{code} · {name}")
        for pk, code, name in Project.objects.visible_to(user)
        .order_by("code")
        .values_list("pk", "code", "name")
        .distinct()
    ]


# --- Writes ---------------------------------------------------------------------------------------


def _clean_name(name: str, description: str) -> tuple[str, str]:
    name = clean_text(name, field="name", label=_("Name"), max_length=200)
    description = (description or "").strip()
    if len(description) > LONG_TEXT_MAX_LENGTH:
        raise InvalidInput(_("The description is too long."), field="description")
    return name, description


def _require_start(project: Project, *, field: str) -> None:
    if project.start_date is None:
        raise InvalidInput(
            _("Give the project a start date first: the template's dates count from it."),
            field=field,
        )


@transaction.atomic
def template_save(
    *, actor: User, project: Project, name: str, description: str = ""
) -> ProjectTemplate:
    """Save the project's plan as a new template (projects.copying says what the plan holds:
    not its people, status or progress). The PM of the project or a staff admin; the project
    needs a start date, from which the template's dates count."""
    if not can_view_project(actor, project):
        raise NotFound()
    if not can_save_template(actor, project):
        raise NotAllowed()
    name, description = _clean_name(name, description)
    _require_start(project, field="start_date")
    return ProjectTemplate.objects.create(
        name=name,
        description=description,
        plan=plan_export(project),
        source_project_code=project.code,
        created_by=actor,
    )


@transaction.atomic
def template_delete(*, actor: User, template: ProjectTemplate) -> None:
    """The template's author or a staff admin deletes it; projects started from it stay."""
    if not can_delete_template(actor, template):
        raise NotAllowed()
    template.delete()


def _start_from_plan(
    *,
    actor: User,
    plan: Any,
    client: Organization,
    code: str,
    name: str,
    start_date: date | None,
) -> Project:
    if not can_use_templates(actor):
        raise NotAllowed()
    if start_date is None:
        raise InvalidInput(_("Give the new project's start date."), field="start_date")
    context = ShiftContext(actor=actor, start=start_date, today=timezone.localdate())
    settings = project_settings(plan, context)
    known = {item.name for item in fields(ProjectData)}
    data = ProjectData(
        name=name,
        code=code,
        phase=Phase.INITIATION,
        start_date=start_date,
        **{key: value for key, value in settings.items() if key in known},
    )
    # Creates the project with `actor` as its PM, or refuses it (client, code, dates ...).
    project = project_create(actor=actor, client=client, data=data)
    # The actor's roles are cached per user object (accounts.User.project_roles): add the new
    # one, so that the parts' services see the new project's PM.
    actor.project_roles[project.pk] = Role.PM
    plan_import(project, plan, context)
    return project


@transaction.atomic
def project_create_from_template(
    *,
    actor: User,
    template: ProjectTemplate,
    client: Organization,
    code: str,
    name: str,
    start_date: date | None,
) -> Project:
    """Start a project for `client` from the template, every date moved to `start_date` (the
    template's start + n days becomes `start_date` + n days). `actor`, who may create projects,
    becomes its PM and is the author of everything it holds. All or nothing: a refused value
    (unknown client, a code in use, a template whose plan cannot be read) leaves nothing."""
    return _start_from_plan(
        actor=actor,
        plan=template.plan,
        client=client,
        code=code,
        name=name,
        start_date=start_date,
    )


@transaction.atomic
def project_copy(
    *,
    actor: User,
    source: Project,
    client: Organization,
    code: str,
    name: str,
    start_date: date | None,
) -> Project:
    """Start a project as a copy of `source`'s plan (as project_create_from_template, from the
    plan a template of `source` would hold now). `actor` may create projects and see `source`."""
    if not can_view_project(actor, source):
        raise NotFound()
    if not can_use_templates(actor):
        raise NotAllowed()
    _require_start(source, field="source")
    return _start_from_plan(
        actor=actor,
        plan=plan_export(source),
        client=client,
        code=code,
        name=name,
        start_date=start_date,
    )
