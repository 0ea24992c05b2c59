"""LongSelect writes the HTML Django's Select writes, without a template per option."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from common.widgets import ChoiceList, LongSelect
from projects.forms.tasks import DependencyForm, TaskForm
from projects.selectors.tasks import TaskOutlineRow

BUILD = TaskOutlineRow(pk=7, parent_id=None, name="Build", status="todo", dated=False, wbs="1.2")

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
    form = TaskForm(team=[], milestones=[], parents=[BUILD])
    dependency = DependencyForm(tasks=[BUILD])

    assert isinstance(form.fields["parent"].widget, LongSelect)
    assert isinstance(dependency.fields["predecessor"].widget, LongSelect)
    assert '<option value="7">1.2 Build</option>' in str(form["parent"])


def test_choices_given_as_they_are_validate_and_render_as_a_list_does():
    """A ChoiceList is not normalised pair by pair, and a field holding one takes the values
    it offers and refuses any other, as with a list."""
    pairs = [("", "—"), (1, "1 Design <b> & review"), (2, '2 "Quoted" build')]

    class Pick(forms.Form):
        parent = forms.TypedChoiceField(
            required=False, coerce=int, empty_value=None, widget=LongSelect
        )

    as_list, as_given = Pick({"parent": "2"}), Pick({"parent": "2"})
    as_list.fields["parent"].choices = pairs
    as_given.fields["parent"].choices = ChoiceList(pairs)

    assert as_given.fields["parent"].choices.choices is pairs  # kept, not copied pair by pair
    assert str(as_given["parent"]) == str(as_list["parent"])
    assert as_given.is_valid()
    assert as_given.cleaned_data["parent"] == 2
    refused = Pick({"parent": "9"})
    refused.fields["parent"].choices = ChoiceList(pairs)
    assert not refused.is_valid()
    assert "Select a valid choice." in refused.errors["parent"][0]
    dependency = DependencyForm({"predecessor": "8"}, tasks=[BUILD])
    assert not dependency.is_valid()
    assert "predecessor" in dependency.errors
