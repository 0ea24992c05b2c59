"""Adding a mitigation action to a risk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.widgets import DateInput
from projects.models import Project
from risks.forms.fields import members


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Mitigation action"), max_length=300)
    owner = forms.ModelChoiceField(
        empty_label="—", label=_("Owner"), queryset=User.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(project)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
