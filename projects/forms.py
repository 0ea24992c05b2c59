from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Role
from projects.permissions import can_invite_role

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


def role_choices_for(user: User, project: Project) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Role.choices if can_invite_role(user, project, value)
    ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, actor: User, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = role_choices_for(actor, project)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, actor: User, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = role_choices_for(actor, project)
