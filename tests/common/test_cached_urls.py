"""`{% url %}` keeps the addresses it writes (common/templatetags/cached_urls.py): the same text
as Django's own tag, reversed once for the same name and arguments, and again where what an
address depends on changes."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from common.templatetags import cached_urls


@pytest.fixture
def reversals(monkeypatch):
    """The calls of reverse() the tag makes, and a fresh store of addresses."""
    cached_urls._reversed.cache_clear()
    made: list[tuple[str, tuple]] = []

    def counted(view_name, args=None, kwargs=None, current_app=None):
        made.append((view_name, tuple(args or ())))
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)

    monkeypatch.setattr(cached_urls, "reverse", counted)
    yield made
    cached_urls._reversed.cache_clear()


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_tag_writes_what_django_reverses_and_reverses_it_once(reversals):
    text = "{% url 'projects:detail' pk %}|{% url 'projects:list' %}|{% url name pk as u %}{{ u }}"
    first = render(text, pk=7, name="projects:plan")
    second = render(text, pk=7, name="projects:plan")
    assert (
        first
        == second
        == "|".join(
            [
                reverse("projects:detail", args=[7]),
                reverse("projects:list"),
                reverse("projects:plan", args=[7]),
            ]
        )
    )
    assert sorted(reversals) == sorted(
        [("projects:detail", (7,)), ("projects:list", ()), ("projects:plan", (7,))]
    )
    assert render("{% url 'projects:detail' pk %}", pk=8) == reverse("projects:detail", args=[8])
    assert len(reversals) == 4  # another id is another address


def test_keyword_arguments_are_kept_by_name_and_value(reversals):
    text = "{% url 'projects:detail' project_id=pk %}"
    assert render(text, pk=3) == render(text, pk=3) == reverse("projects:detail", args=[3])
    assert len(reversals) == 1


def test_an_object_given_as_an_argument_is_reversed_each_time(reversals):
    class Code:
        def __str__(self) -> str:
            return "5"

    text = "{% url 'projects:detail' code %}"
    assert render(text, code=Code()) == render(text, code=Code()) == "/projects/5/"
    assert len(reversals) == 2


def test_an_unknown_name_fails_as_django_s_tag_does(reversals):
    with pytest.raises(NoReverseMatch):
        render("{% url 'projects:nowhere' %}")
    assert render("{% url 'projects:nowhere' as u %}[{{ u }}]") == "[]"


def test_the_address_follows_the_script_prefix(reversals):
    text = "{% url 'projects:detail' 4 %}"
    try:
        set_script_prefix("/rapport/")
        assert render(text) == "/rapport/projects/4/"
    finally:
        set_script_prefix("/")
    assert render(text) == "/projects/4/"


def test_the_address_follows_the_urlconf(reversals):
    text = "{% url 'projects:detail' 4 %}"
    assert render(text) == "/projects/4/"
    with override_settings(ROOT_URLCONF="tests.common.kept_urls"):
        assert render(text) == "/elsewhere/4/"
    assert render(text) == "/projects/4/"
