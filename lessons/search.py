"""Lessons are findable in the global search (projects.search): internal ones only on the
provider side, through lessons.selectors.lesson_search_scope_for. The library's own search
(lessons.selectors.lesson_search) reads the bigram document and its GIN index instead."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.search import Side, register_searchable

FIELDS = (("title", "A"), ("search_document", "B"))


def _lesson_url(lesson: Any, side: Side) -> str:
    name = "lessons:portal_lessons" if side == "portal" else "lessons:retrospective"
    return reverse(name, kwargs={"project_id": lesson.project_id}) + f"#lesson-{lesson.pk}"


def register() -> None:
    from lessons.selectors import lesson_search_scope_for

    register_searchable(
        "lesson", _("Lessons learned"), lesson_search_scope_for, FIELDS, _lesson_url
    )
