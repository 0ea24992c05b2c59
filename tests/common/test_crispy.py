"""Unbound forms rendered by crispy once per process for what they show (common/crispy.py): the
kept HTML is the HTML crispy writes, anything the form shows changing renders it again, and a
bound form or one whose choices come from the database is never kept."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common import crispy
from common.widgets import ChoiceList, DateInput, LongSelect
from tests.helpers import logged_in


class Sample(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("a", "Alpha"), ("b", "Beta")])
    parent = forms.TypedChoiceField(required=False, coerce=int, widget=LongSelect)
    due = forms.DateField(widget=DateInput(), initial=date(2027, 1, 27))

    def __init__(self, *args, parents=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = ChoiceList([("", "—"), *parents])


@pytest.fixture(autouse=True)
def _nothing_kept():
    crispy.forget_kept_forms()
    yield
    crispy.forget_kept_forms()


def test_a_kept_form_is_the_html_crispy_writes_and_is_kept():
    form = Sample(parents=[(1, "1 Design")], prefix="m7")
    first = crispy.crispy_kept(form)
    assert first == as_crispy_form(Sample(parents=[(1, "1 Design")], prefix="m7"))
    assert 'name="m7-name"' in first
    assert crispy.crispy_kept(Sample(parents=[(1, "1 Design")], prefix="m7")) is first


@pytest.mark.parametrize(
    ("change", "seen"),
    [
        ({"parents": [(1, "1 Design"), (2, "2 Build")]}, "2 Build"),
        ({"initial": {"name": "Kick-off"}}, 'value="Kick-off"'),
        ({"initial": {"due": date(2027, 3, 1)}}, "2027-03-01"),
        ({"prefix": "m8"}, 'name="m8-name"'),
        ({"auto_id": "f_%s"}, 'id="f_name"'),
    ],
)
def test_anything_the_form_shows_that_changes_renders_it_again(change, seen):
    kept = crispy.crispy_kept(Sample(parents=[(1, "1 Design")]))
    options = {"parents": [(1, "1 Design")], **change}
    again = crispy.crispy_kept(Sample(**options))
    assert again != kept
    assert seen in again
    assert again == as_crispy_form(Sample(**options))


def test_a_label_help_text_or_state_changed_on_the_instance_renders_it_again():
    kept = crispy.crispy_kept(Sample())
    changed = Sample()
    changed.fields["name"].help_text = "Taken from its subtasks."
    changed.fields["due"].disabled = True
    again = crispy.crispy_kept(changed)
    assert "Taken from its subtasks." in again
    assert "disabled" in again
    assert "Taken from its subtasks." not in kept


def test_each_language_has_its_own_html():
    with translation.override("en"):
        english = crispy.crispy_kept(Sample())
    with translation.override("zh-hans"):
        chinese = crispy.crispy_kept(Sample())
        assert chinese == as_crispy_form(Sample())
    assert english != chinese
    assert "Name" in english
    assert "名称" in chinese


def test_a_bound_form_shows_its_own_values_and_errors_and_is_not_kept():
    bound = Sample({"name": "", "kind": "z", "due": "not a day"})
    assert crispy.form_key(bound, "bootstrap5") is None
    html = crispy.crispy_kept(bound)
    assert "is-invalid" in html
    assert "not a day" in html
    assert crispy.crispy_kept(Sample()) != html


@pytest.mark.django_db
def test_a_form_whose_choices_come_from_the_database_is_rendered_every_time(
    django_assert_num_queries,
):
    class Pick(forms.Form):
        person = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))

    assert crispy.form_key(Pick(), "bootstrap5") is None
    with django_assert_num_queries(1):
        crispy.crispy_kept(Pick())
    with django_assert_num_queries(1):
        crispy.crispy_kept(Pick())


@pytest.mark.django_db
def test_a_form_whose_people_were_read_into_a_list_is_kept_for_those_people(
    django_assert_num_queries,
):
    class Pick(forms.Form):
        person = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), required=False)

    def pick(people: list[tuple[int, str]]) -> Pick:
        form = Pick()
        form.fields["person"].choices = [("", "—"), *people]
        return form

    with django_assert_num_queries(0):
        html = crispy.crispy_kept(pick([(7, "Ada Park")]))
        assert crispy.crispy_kept(pick([(7, "Ada Park")])) is html
    assert "Ada Park" in html
    assert html == as_crispy_form(pick([(7, "Ada Park")]))
    other = crispy.crispy_kept(pick([(7, "Ada Park"), (9, "Wei Lin")]))
    assert "Wei Lin" in other
    assert crispy.form_key(pick([(7, "Ada Park")]), "bootstrap5") != crispy.form_key(
        pick([(7, "Ada Park"), (9, "Wei Lin")]), "bootstrap5"
    )


def test_a_form_offering_more_options_than_kept_forms_may_hold_is_rendered_every_time():
    many = [(number, f"{number} Task") for number in range(1, crispy.CHOICES_AT_MOST + 1)]
    few_enough = Sample(parents=many[:-1])
    too_many = Sample(parents=many)
    assert crispy.form_key(few_enough, "bootstrap5") is not None
    assert crispy.form_key(too_many, "bootstrap5") is None
    html = crispy.crispy_kept(too_many)
    assert f"{crispy.CHOICES_AT_MOST} Task" in html
    assert html == as_crispy_form(Sample(parents=many))
    assert len(crispy._kept) == 0


def test_a_kept_field_is_the_html_crispy_writes_and_changes_with_what_it_shows():
    form = Sample(parents=[(1, "1 Design")], prefix="m7")
    first = crispy.crispy_field_kept(form["parent"])
    assert first == as_crispy_field(Sample(parents=[(1, "1 Design")], prefix="m7")["parent"])
    assert 'name="m7-parent"' in first
    assert (
        crispy.crispy_field_kept(Sample(parents=[(1, "1 Design")], prefix="m7")["parent"]) is first
    )
    other = crispy.crispy_field_kept(Sample(parents=[(2, "2 Build")], prefix="m7")["parent"])
    assert "2 Build" in other
    assert "1 Design" not in other
    assert crispy.crispy_field_kept(form["name"]) != first
    assert 'name="m8-parent"' in crispy.crispy_field_kept(
        Sample(parents=[(1, "1 Design")], prefix="m8")["parent"]
    )


def test_a_field_of_a_bound_form_shows_its_own_value_and_error_and_is_not_kept():
    bound = Sample({"name": "", "kind": "a", "due": "not a day"})
    html = crispy.crispy_field_kept(bound["due"])
    assert crispy.field_key(bound["due"], "bootstrap5") is None
    assert "not a day" in html
    assert "is-invalid" in html
    assert crispy.crispy_field_kept(Sample()["due"]) != html


def test_at_most_the_most_recent_forms_are_kept(monkeypatch):
    monkeypatch.setattr(crispy, "KEPT", 3)
    for number in range(5):
        crispy.crispy_kept(Sample(prefix=f"p{number}"))
    assert len(crispy._kept) == 3


def _page(client, url: str) -> str:
    """The page without what changes at every request (the CSRF token's mask, the nonce)."""
    html = client.get(url).content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "user_name"),
    [
        ("projects:plan", "pm"),
        ("projects:tasks", "pm"),
        ("projects:detail", "pm"),
        ("risks:register", "pm"),
        ("projects:costs", "pm"),
        ("feedback:account", "am"),
        ("portal:project", "rep"),
    ],
)
def test_the_pages_are_the_same_with_their_forms_kept(cast, monkeypatch, url_name, user_name):
    args = (cast.project.client_id,) if url_name == "feedback:account" else (cast.project.pk,)
    url = reverse(url_name, args=args)
    client = logged_in(cast.by_name(user_name))
    with time_machine.travel(datetime(2027, 1, 27, 9, 30, tzinfo=UTC), tick=False):
        _page(client, url)  # a first visit: the portal's page tells it apart
        kept_again = _page(client, url)
        assert crispy._kept  # the page's unbound forms were kept
        crispy.forget_kept_forms()
        kept_first = _page(client, url)
        monkeypatch.setattr(
            crispy, "crispy_kept", lambda form, pack="bootstrap5": as_crispy_form(form, pack)
        )
        monkeypatch.setattr("common.templatetags.crispy_kept._crispy_kept", crispy.crispy_kept)
        monkeypatch.setattr("projects.views.plan.crispy_kept", crispy.crispy_kept)
        monkeypatch.setattr(
            "common.templatetags.crispy_kept._crispy_field_kept",
            lambda field, pack="bootstrap5": as_crispy_field(field, pack),
        )
        rendered = _page(client, url)
    assert kept_first == kept_again == rendered
