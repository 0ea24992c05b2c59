"""What each person reads: the project's lessons, the library, relevant lessons, search."""

from __future__ import annotations

import pytest
from django.db import connection

from lessons.selectors import (
    LessonFilters,
    lesson_get_for,
    lesson_list_for,
    lessons_relevant_to,
    library_list_for,
)
from projects.models import Visibility
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(cast, make_lesson):
    internal = make_lesson(cast.pm, cast.project, title="Internal one")
    shared = make_lesson(cast.pm, cast.project, title="Shared one", visibility=Visibility.CLIENT)
    from_client = make_lesson(cast.rep, cast.project, title="From the client")
    other_client = make_lesson(cast.other_client_rep, cast.other_project, title="Client B's own")
    return {
        "internal": internal,
        "shared": shared,
        "from_client": from_client,
        "other_client": other_client,
    }


def _titles(lessons) -> set[str]:
    return {lesson.title for lesson in lessons}


@pytest.mark.parametrize("person", ["pm", "am", "teammate", "staff_admin"])
def test_project_team_reads_every_lesson_of_the_project(cast, lessons, person):
    found = lesson_list_for(user=getattr(cast, person), project=cast.project)
    assert _titles(found) == {"Internal one", "Shared one", "From the client"}


@pytest.mark.parametrize("person", ["client_admin", "rep", "viewer"])
def test_client_reads_only_client_visible_lessons_of_own_project(cast, lessons, person):
    user = getattr(cast, person)
    assert _titles(lesson_list_for(user=user, project=cast.project)) == {
        "Shared one",
        "From the client",
    }
    library = library_list_for(user=user, filters=LessonFilters())
    assert _titles(library) == {"Shared one", "From the client"}
    with pytest.raises(Exception, match="Not found"):
        lesson_get_for(user=user, lesson_id=lessons["internal"].pk)
    with pytest.raises(Exception, match="Not found"):
        lesson_get_for(user=user, lesson_id=lessons["other_client"].pk)


def test_client_never_reads_another_clients_lessons(cast, lessons):
    user = cast.other_client_rep
    assert not lesson_list_for(user=user, project=cast.project).exists()
    assert _titles(library_list_for(user=user, filters=LessonFilters())) == {"Client B's own"}


def test_library_is_every_project_for_provider_people(cast, lessons):
    found = library_list_for(user=cast.outsider, filters=LessonFilters())
    assert _titles(found) == {"Internal one", "Shared one", "From the client", "Client B's own"}
    by_client = library_list_for(user=cast.pm, filters=LessonFilters(client=cast.project.client_id))
    assert _titles(by_client) == {"Internal one", "Shared one", "From the client"}


def test_library_filters_by_tag_category_and_phase(cast, make_lesson):
    make_lesson(cast.pm, cast.project, title="Tagged", tags=["retail", "仓储"], phase="planning")
    make_lesson(cast.pm, cast.project, title="Other", tags=["bank"], category="cost")
    assert _titles(library_list_for(user=cast.pm, filters=LessonFilters(tag="仓储"))) == {"Tagged"}
    assert _titles(library_list_for(user=cast.pm, filters=LessonFilters(tag="retail"))) == {
        "Tagged"
    }
    assert _titles(library_list_for(user=cast.pm, filters=LessonFilters(category="cost"))) == {
        "Other"
    }
    assert _titles(library_list_for(user=cast.pm, filters=LessonFilters(phase="planning"))) == {
        "Tagged"
    }


def _search(cast, text):
    return [
        lesson.title for lesson in library_list_for(user=cast.pm, filters=LessonFilters(q=text))
    ]


def test_search_finds_an_english_word(cast, make_lesson):
    make_lesson(cast.pm, cast.project, title="Vendor", what_went_wrong="The scanners arrived late.")
    make_lesson(cast.pm, cast.project, title="Other", what_went_wrong="Nothing about hardware.")
    assert _search(cast, "scanners") == ["Vendor"]


def test_search_finds_two_chinese_characters_inside_a_sentence(cast, make_lesson):
    make_lesson(
        cast.pm,
        cast.project,
        title="需求管理",
        what_went_wrong="项目中期客户需求变更频繁，导致返工。",
    )
    make_lesson(cast.pm, cast.project, title="沟通", what_went_wrong="每周例会效果很好。")
    assert _search(cast, "变更") == ["需求管理"]
    assert _search(cast, "返工") == ["需求管理"]
    assert _search(cast, "例会") == ["沟通"]
    assert _search(cast, "会议纪要") == []


def test_search_ranks_more_matches_first(cast, make_lesson):
    make_lesson(cast.pm, cast.project, title="Once", what_went_wrong="Testing was short.")
    make_lesson(
        cast.pm,
        cast.project,
        title="Testing testing",
        what_went_wrong="Testing came late; testing needs its own plan.",
    )
    found = _search(cast, "testing")
    assert found[0] == "Testing testing"
    assert set(found) == {"Once", "Testing testing"}
    if connection.vendor == "postgresql":
        ranks = [
            lesson.search_rank
            for lesson in library_list_for(user=cast.pm, filters=LessonFilters(q="testing"))
        ]
        assert ranks[0] > ranks[1]


def test_relevant_lessons_same_client_or_shared_tag_ranked(cast, make_lesson, client_a, client_b):
    cast.project.tags = ["retail", "warehouse"]
    cast.project.save()
    same_client = ProjectFactory(client=client_a, code="a-two", name="A Two", tags=[])
    same_client_and_tags = ProjectFactory(
        client=client_a, code="a-three", name="A Three", tags=["retail", "warehouse"]
    )
    other_with_tag = ProjectFactory(client=client_b, code="b-two", name="B Two", tags=[])
    unrelated = ProjectFactory(client=client_b, code="b-three", name="B Three", tags=[])
    make_lesson(cast.staff_admin, cast.project, title="Own project")
    make_lesson(cast.staff_admin, same_client, title="Same client", tags=[])
    make_lesson(cast.staff_admin, same_client_and_tags, title="Same client, two tags")
    make_lesson(cast.staff_admin, other_with_tag, title="One tag", tags=["retail"])
    make_lesson(cast.staff_admin, other_with_tag, title="Two tags", tags=["retail", "warehouse"])
    make_lesson(cast.staff_admin, unrelated, title="Unrelated", tags=["bank"])
    found = [
        lesson.title for lesson in lessons_relevant_to(user=cast.teammate, project=cast.project)
    ]
    # Equal relevance (same client, no tag; another client, one tag): the newer first.
    assert found == ["Same client, two tags", "Two tags", "One tag", "Same client"]
    assert [
        lesson.title
        for lesson in lessons_relevant_to(user=cast.teammate, project=cast.project, limit=2)
    ] == ["Same client, two tags", "Two tags"]
    assert lessons_relevant_to(user=cast.rep, project=cast.project) == []


def test_relevant_lessons_recency_breaks_ties(cast, make_lesson, client_a):
    first = ProjectFactory(client=client_a, code="a-two", name="A Two")
    make_lesson(cast.staff_admin, first, title="Older")
    make_lesson(cast.staff_admin, first, title="Newer")
    found = [lesson.title for lesson in lessons_relevant_to(user=cast.pm, project=cast.project)]
    assert found == ["Newer", "Older"]


def test_relevant_lessons_is_one_query(cast, make_lesson, client_a, django_assert_num_queries):
    cast.project.tags = ["a", "b", "c"]
    cast.project.save()
    other = ProjectFactory(client=client_a, code="a-two", name="A Two", tags=["a"])
    for n in range(6):
        make_lesson(cast.staff_admin, other, title=f"L{n}")
    cast.pm.project_roles  # noqa: B018  (the roles are read once per request)
    with django_assert_num_queries(1):
        assert len(lessons_relevant_to(user=cast.pm, project=cast.project)) == 5


def test_global_search_scope_hides_internal_lessons_outside_the_team(cast, make_lesson):
    from lessons.selectors import lesson_search_scope_for

    make_lesson(cast.pm, cast.project, title="Internal one")
    make_lesson(cast.pm, cast.project, title="Shared one", visibility=Visibility.CLIENT)
    assert _titles(lesson_search_scope_for(user=cast.teammate)) == {"Internal one", "Shared one"}
    assert _titles(lesson_search_scope_for(user=cast.rep)) == {"Shared one"}
    assert _titles(lesson_search_scope_for(user=cast.outsider)) == set()
    assert _titles(lesson_search_scope_for(user=cast.other_client_rep)) == set()
