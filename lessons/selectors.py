"""Reads of lessons learned, always scoped to what the user may see (lessons.permissions).

Search: on PostgreSQL, full text with the "simple" configuration over `search_document`
(lessons.text writes CJK text there as character bigrams too), through its GIN index, ranked by
SearchRank; a query with CJK characters goes through the same bigram expansion as a "plain"
query (every bigram must match), a Latin one is a "websearch" query. On SQLite (the embedded
default) the texts are matched by substring.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotFound
from lessons.models import Category, Lesson
from lessons.permissions import can_view_internal_lessons, can_view_lesson, can_view_library
from lessons.text import has_cjk, search_query_text
from projects.models import STAFF_ROLES, Membership, Phase, Project, Visibility

if TYPE_CHECKING:
    from accounts.models import User

CONFIG = "simple"
TEXT_FIELDS = ("title", "what_went_well", "what_went_wrong", "recommendation")
QUERY_MAX_LENGTH = 200


def _with_relations(lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
    return lessons.select_related("project", "client", "author")


def lesson_scope_for(*, user: User) -> QuerySet[Lesson]:
    """Every lesson `user` may read anywhere: for provider people the whole library (the
    provider's knowledge base), for a client only the client-visible lessons of projects they
    are a member of, of their own organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Lesson.objects.none()
    if can_view_library(user):
        return Lesson.objects.all()
    return Lesson.objects.filter(
        visibility=Visibility.CLIENT,
        client_id=user.organization_id,
        project__memberships__user=user,
    )


def lesson_list_for(*, user: User, project: Project) -> QuerySet[Lesson]:
    """The project's lessons `user` may read, newest first: all of them for its provider members
    and staff admins, the client-visible ones for its client members, none for anyone else."""
    from lessons.permissions import can_view_project_lessons

    if not can_view_project_lessons(user, project):
        return Lesson.objects.none()
    lessons = Lesson.objects.filter(project=project)
    if not can_view_internal_lessons(user, project):
        lessons = lessons.filter(visibility=Visibility.CLIENT)
    return _with_relations(lessons).order_by("-created_at", "-pk")


def lesson_get_for(*, user: User, lesson_id: int, project: Project | None = None) -> Lesson:
    """One lesson `user` may read (in `project` if given); NotFound alike for a missing and a
    hidden one."""
    lesson = _with_relations(lesson_scope_for(user=user)).filter(pk=lesson_id).first()
    if lesson is None or (project is not None and lesson.project_id != project.pk):
        raise NotFound()
    if project is not None and not can_view_lesson(user, lesson):
        raise NotFound()
    return lesson


def lesson_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Lesson]:
    """The lessons of the global search (projects.search): those of the projects `user` opens,
    internal ones only where they see internal items."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Lesson.objects.none()
    projects = Project.objects.visible_to(user)
    if not include_archived:
        projects = projects.filter(is_archived=False)
    lessons = Lesson.objects.filter(project__in=projects.values("pk"))
    if user.is_client_user:
        lessons = lessons.filter(visibility=Visibility.CLIENT, client_id=user.organization_id)
    elif not user.is_staff_admin:
        staff_projects = Membership.objects.filter(user=user, role__in=sorted(STAFF_ROLES)).values(
            "project_id"
        )
        lessons = lessons.filter(Q(visibility=Visibility.CLIENT) | Q(project_id__in=staff_projects))
    return lessons.select_related("project")


@dataclass(frozen=True)
class LessonFilters:
    q: str = ""
    client: int | None = None
    project: int | None = None
    category: str = ""
    phase: str = ""
    tag: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, Any], *, strict: bool = False) -> LessonFilters:
        """The filters of a query string. Unknown values are ignored on a page; with `strict`
        (the API) they are InvalidInput on their parameter."""

        def number(name: str) -> int | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            if value.isdigit():
                return int(value)
            if strict:
                raise InvalidInput(_("Give a number."), field=name)
            return None

        def choice(name: str, choices: list[str]) -> str:
            value = (params.get(name) or "").strip()
            if value and value not in choices:
                if strict:
                    raise InvalidInput(_("Choose one of the offered values."), field=name)
                return ""
            return value

        q = (params.get("q") or "").strip()
        if len(q) > QUERY_MAX_LENGTH:
            if strict:
                raise InvalidInput(
                    _("The search has at most %(max)d characters.") % {"max": QUERY_MAX_LENGTH},
                    field="q",
                )
            q = q[:QUERY_MAX_LENGTH]
        return cls(
            q=q,
            client=number("client"),
            project=number("project"),
            category=choice("category", Category.values),
            phase=choice("phase", Phase.values),
            tag=(params.get("tag") or "").strip()[:50],
        )

    @property
    def is_active(self) -> bool:
        return bool(
            self.q or self.client or self.project or self.category or self.phase or self.tag
        )


def _tag_match(tag: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(tags__contains=[tag])
    # SQLite keeps the JSON text as json.dumps wrote it: match the quoted, escaped tag.
    return Q(tags__icontains=json.dumps(tag))


def lesson_search(lessons: QuerySet[Lesson], text: str) -> QuerySet[Lesson]:
    """`lessons` narrowed to those matching `text`, best first, annotated with `search_rank`."""
    text = text.strip()
    if not text:
        return lessons
    if connection.vendor != "postgresql":
        match = Q()
        for name in TEXT_FIELDS:
            match |= Q(**{f"{name}__icontains": text})
        return (
            lessons.filter(match)
            .annotate(
                search_rank=Case(
                    When(title__icontains=text, then=Value(1.0)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            )
            .order_by("-search_rank", "-created_at", "-pk")
        )
    if has_cjk(text):
        query = SearchQuery(search_query_text(text), config=CONFIG, search_type="plain")
    else:
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
    return (
        lessons.annotate(search_vector=SearchVector("search_document", config=CONFIG))
        .filter(search_vector=query)
        .annotate(search_rank=SearchRank(F("search_vector"), query))
        .order_by("-search_rank", "-created_at", "-pk")
    )


def library_list_for(*, user: User, filters: LessonFilters) -> QuerySet[Lesson]:
    """The library: every lesson `user` may read, filtered, searched (best first) or newest
    first. Provider people read every project's lessons; a client only their own shared ones."""
    lessons = lesson_scope_for(user=user)
    if filters.client:
        lessons = lessons.filter(client_id=filters.client)
    if filters.project:
        lessons = lessons.filter(project_id=filters.project)
    if filters.category:
        lessons = lessons.filter(category=filters.category)
    if filters.phase:
        lessons = lessons.filter(phase=filters.phase)
    if filters.tag:
        lessons = lessons.filter(_tag_match(filters.tag))
    lessons = _with_relations(lessons)
    if filters.q:
        return lesson_search(lessons, filters.q)
    return lessons.order_by("-created_at", "-pk")


def lessons_relevant_to(*, user: User, project: Project, limit: int = 5) -> list[Lesson]:
    """Lessons of other projects that may help `project`: those of the same client or sharing
    one of its tags, the same client and more shared tags first, then the newest. Provider
    people only (an empty list for anyone else); one query."""
    if not can_view_library(user):
        return []
    tags = [str(tag) for tag in (project.tags or []) if str(tag).strip()]
    related = Q(client_id=project.client_id)
    shared: Any = Value(0)
    for tag in tags:
        related |= _tag_match(tag)
        shared = shared + Case(
            When(_tag_match(tag), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    lessons = (
        _with_relations(lesson_scope_for(user=user).exclude(project=project).filter(related))
        .annotate(
            shared_tags=shared,
            same_client=Case(
                When(client_id=project.client_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(relevance=F("same_client") + F("shared_tags"))
        .order_by("-relevance", "-created_at", "-pk")
    )
    return list(lessons[:limit])


def library_clients_for(*, user: User) -> QuerySet[Any]:
    """The clients the library's filter offers: those with a lesson the user may read."""
    from accounts.models import Organization

    return Organization.objects.filter(
        pk__in=lesson_scope_for(user=user).values("client_id")
    ).order_by("name")
