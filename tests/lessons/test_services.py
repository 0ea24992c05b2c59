"""Recording, editing and removing lessons: who may, and what a client's lesson becomes."""

from __future__ import annotations

import pytest

from common.errors import InvalidInput, NotAllowed
from lessons.models import Lesson, Side
from lessons.services import lesson_delete, lesson_update
from lessons.text import search_document, search_query_text
from projects.models import Phase, Visibility

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("person", ["pm", "am", "teammate", "staff_admin"])
def test_provider_people_record_an_internal_lesson_by_default(cast, make_lesson, person):
    cast.project.tags = ["retail", "warehouse"]
    cast.project.phase = Phase.EXECUTION
    cast.project.save()
    lesson = make_lesson(getattr(cast, person), cast.project)
    assert (lesson.side, lesson.visibility, lesson.client_id) == (
        Side.PROVIDER,
        Visibility.INTERNAL,
        cast.project.client_id,
    )
    assert (lesson.tags, lesson.phase) == (["retail", "warehouse"], Phase.EXECUTION)
    assert lesson.history.get().history_user == getattr(cast, person)


def test_provider_may_share_a_lesson_with_the_client(cast, make_lesson):
    lesson = make_lesson(cast.pm, cast.project, visibility=Visibility.CLIENT, tags=["x"])
    assert (lesson.visibility, lesson.tags) == (Visibility.CLIENT, ["x"])


@pytest.mark.parametrize("person", ["client_admin", "rep"])
def test_client_lesson_is_always_client_visible(cast, make_lesson, person):
    lesson = make_lesson(getattr(cast, person), cast.project, visibility=Visibility.INTERNAL)
    assert (lesson.side, lesson.visibility) == (Side.CLIENT, Visibility.CLIENT)
    lesson = lesson_update(actor=getattr(cast, person), lesson=lesson, visibility="internal")
    assert lesson.visibility == Visibility.CLIENT


@pytest.mark.parametrize("person", ["viewer", "other_client_rep", "outsider"])
def test_others_may_not_record_a_lesson(cast, make_lesson, person):
    with pytest.raises(NotAllowed):
        make_lesson(getattr(cast, person), cast.project)
    assert not Lesson.objects.exists()


def test_bad_input_names_the_field_and_changes_nothing(cast, make_lesson):
    with pytest.raises(InvalidInput) as error:
        make_lesson(cast.pm, cast.project, title="  ")
    assert error.value.field == "title"
    with pytest.raises(InvalidInput) as error:
        make_lesson(cast.pm, cast.project, what_went_wrong="", what_went_well="")
    assert error.value.field == "what_went_well"
    with pytest.raises(InvalidInput) as error:
        make_lesson(cast.pm, cast.project, category="gossip")
    assert error.value.field == "category"
    with pytest.raises(InvalidInput) as error:
        make_lesson(cast.pm, cast.project, recommendation="x" * 5001)
    assert error.value.field == "recommendation"
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("person", ["pm", "teammate"])
def test_author_and_pm_edit_and_delete(cast, make_lesson, person):
    lesson = make_lesson(cast.teammate, cast.project)
    updated = lesson_update(actor=getattr(cast, person), lesson=lesson, title="Better title")
    assert Lesson.objects.get().title == "Better title" == updated.title
    lesson_delete(actor=getattr(cast, person), lesson=updated)
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("person", ["am", "rep", "client_admin", "staff_admin", "outsider"])
def test_others_may_not_edit_or_delete(cast, make_lesson, person):
    lesson = make_lesson(cast.teammate, cast.project, visibility=Visibility.CLIENT)
    with pytest.raises(NotAllowed):
        lesson_update(actor=getattr(cast, person), lesson=lesson, title="Changed")
    with pytest.raises(NotAllowed):
        lesson_delete(actor=getattr(cast, person), lesson=lesson)
    assert Lesson.objects.get().title == "A lesson"


def test_search_document_holds_the_text_and_its_cjk_bigrams(cast, make_lesson):
    lesson = make_lesson(cast.pm, cast.project, title="需求变更频繁", what_went_wrong="Scope creep")
    assert "需求 求变 变更 更频 频繁" in lesson.search_document
    assert lesson.search_document.startswith("需求变更频繁\n")
    assert search_document(["Plain words"]) == "Plain words"
    assert search_query_text("变更 API") == "变更  API"
    assert search_query_text("需求变更") == "需求 求变 变更"
