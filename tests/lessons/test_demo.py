"""seed_demo records lessons from both sides, in English and Chinese, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from lessons.models import Lesson, Side
from lessons.selectors import LessonFilters, lessons_relevant_to, library_list_for
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_seed_demo_records_lessons_once():
    call_command("seed_demo", stdout=StringIO())
    count = Lesson.objects.count()
    assert count == 14
    assert set(Lesson.objects.values_list("side", flat=True)) == {Side.PROVIDER, Side.CLIENT}
    assert set(Lesson.objects.values_list("visibility", flat=True)) == {"internal", "client"}
    pm = User.objects.get(email="pm@rapport.example")
    found = library_list_for(user=pm, filters=LessonFilters(q="返工"))
    assert [lesson.title for lesson in found] == ["需求变更频繁导致返工"]
    relevant = lessons_relevant_to(user=pm, project=Project.objects.get(code="NW-WMS"))
    # Same client: the running carrier portal's lessons and the closed dock pilot's retrospective.
    assert {lesson.project.code for lesson in relevant} == {"NW-PORTAL", "NW-DOCK"}
    closed = Project.objects.get(code="NW-DOCK")
    assert Lesson.objects.filter(project=closed).count() == 3
    call_command("seed_demo", stdout=StringIO())
    assert Lesson.objects.count() == count
