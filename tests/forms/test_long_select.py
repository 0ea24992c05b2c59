"""LongSelect writes the HTML Django's Select writes, without a template per option."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from common.widgets import LongSelect
from projects.forms.tasks import DependencyForm, TaskForm

CHOICES = [
    ("", "—"),
    (1, "1 Design <b> & review"),
    (2, '2 "Quoted" build'),
    ("A group", [(3, "three"), (4, "four"), (2, "two again, not selected twice")]),
    (5, gettext_lazy("Lazy <label>")),
]


def _lines(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.parametrize("value", [None, "", 2, 4, 5, 99])
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": "form-select", "required": True, "disabled": False, "id": "id_parent"}],
)
def test_the_same_html_as_django_s_select(value, attrs):
    django_s = forms.Select(choices=CHOICES).render("parent", value, attrs=attrs)
    ours = LongSelect(choices=CHOICES).render("parent", value, attrs=attrs)

    assert _lines(ours) == _lines(django_s)
    assert "&lt;b&gt; &amp; review" in ours
    assert "&quot;Quoted&quot;" in ours


def test_a_task_s_parent_and_predecessor_use_it():
    form = TaskForm(team=[], milestones=[], parents=[(7, "1.2 Build")])
    dependency = DependencyForm(tasks=[(7, "1.2 Build")])

    assert isinstance(form.fields["parent"].widget, LongSelect)
    assert isinstance(dependency.fields["predecessor"].widget, LongSelect)
    assert '<option value="7">1.2 Build</option>' in str(form["parent"])
