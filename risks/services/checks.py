"""The checks the risk services share: a risk's title, a choice, a 1 to 5 scale value, its
owner and linked items, and the locked row a write starts from. Each refuses with InvalidInput
naming the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from common.errors import InvalidInput
from projects.models import CLIENT_ROLES, Membership, Project, Visibility
from risks.models import Risk

if TYPE_CHECKING:
    from accounts.models import User

TITLE_MAX = 200


def clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the risk a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX},
            field="title",
        )
    return title


def check_choice(value: str, choices: list[str], field: str, *, blank: bool = False) -> None:
    if blank and value == "":
        return
    if value not in choices:
        raise InvalidInput(_("Unknown value: %(value)s.") % {"value": value}, field=field)


def check_scale(value: Any, field: str, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(_("Choose a value from 1 to 5."), field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(_("Choose a value from 1 to 5."), field=field)
    return int(value)


def check_owner(
    owner: User | None, project: Project, visibility: str, field: str = "owner"
) -> None:
    """An owner is a member of the project; a client member only owns a client-visible risk."""
    if owner is None:
        return
    role = Membership.objects.filter(project=project, user=owner).values_list("role", flat=True)
    role_name = role.first()
    if role_name is None or not owner.is_active:
        raise InvalidInput(_("The owner must be a member of this project."), field=field)
    if role_name in CLIENT_ROLES and visibility != Visibility.CLIENT:
        raise InvalidInput(
            _("A client member can only own a risk that is visible to the client."), field=field
        )


def check_links(project: Project, links: dict[str, list[Any] | None]) -> None:
    """Requirements, milestones and change requests linked to a risk belong to its project."""
    for field, items in links.items():
        if items and any(getattr(item, "project_id", None) != project.pk for item in items):
            raise InvalidInput(_("Link only items of this project."), field=field)


def lock_risk(risk: Risk) -> Risk:
    return Risk.objects.select_for_update(of=("self",)).select_related("project").get(pk=risk.pk)
