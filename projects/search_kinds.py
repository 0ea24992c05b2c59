"""The projects app's own searchable kinds (projects, milestones, deliverables, tasks and
documents, a document also by the names of its files), registered first so that they lead the
results."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
)
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.search import CONFIG, Side, has_cjk, register_searchable


def _project_url(project: Any, side: Side) -> str:
    name = "portal:project" if side == "portal" else "projects:detail"
    return reverse(name, kwargs={"project_id": project.pk})


def _milestone_url(milestone: Any, side: Side) -> str:
    if side == "portal":
        return reverse("portal:project", kwargs={"project_id": milestone.project_id})
    return reverse("projects:plan", kwargs={"project_id": milestone.project_id})


def _deliverable_url(deliverable: Any, side: Side) -> str:
    name = "portal:deliverable" if side == "portal" else "projects:deliverable"
    return reverse(
        name, kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk}
    )


def _task_url(task: Any, side: Side) -> str:
    if side == "portal":
        return reverse("portal:project_timeline", kwargs={"project_id": task.project_id})
    return reverse("projects:task", kwargs={"project_id": task.project_id, "task_id": task.pk})


def _document_url(document: Any, side: Side) -> str:
    if side == "portal":
        return reverse("portal:project", kwargs={"project_id": document.project_id})
    return reverse("projects:documents", kwargs={"project_id": document.project_id})


# The parser reads "margins-plan_v2.pdf" as one "host" token: file names are indexed (and
# queried) with these separators turned into spaces, so each word of a name is found.
FILE_NAME_SEPARATORS = "._-"


def document_file_name_vector() -> SearchVector:
    """The vector of a file name, exactly the expression of the index document_file_search_gin
    (migration projects/0009)."""
    words = Func(
        F("original_name"),
        Value(FILE_NAME_SEPARATORS),
        Value(" " * len(FILE_NAME_SEPARATORS)),
        function="translate",
        output_field=CharField(),
    )
    return SearchVector(words, config=CONFIG, weight="A")


def _document_file_names(text: str, query: SearchQuery | None) -> QuerySet[Any]:
    """A document is also found by the name of any of its files."""
    from projects.models import DocumentVersion

    versions = DocumentVersion.objects.all()
    if query is None:
        versions = versions.filter(original_name__icontains=text)
    else:
        words = text.translate(str.maketrans(FILE_NAME_SEPARATORS, " " * len(FILE_NAME_SEPARATORS)))
        match = Q(file_name_vector=SearchQuery(words, config=CONFIG, search_type="websearch"))
        if has_cjk(text):
            match |= Q(original_name__icontains=text)
        versions = versions.annotate(file_name_vector=document_file_name_vector()).filter(match)
    return versions.values("document_id")


def register() -> None:
    from projects.selectors.search import (
        deliverable_search_scope_for,
        document_search_scope_for,
        milestone_search_scope_for,
        project_search_scope_for,
        task_search_scope_for,
    )

    register_searchable(
        "project",
        _("Projects"),
        lambda **scope: project_search_scope_for(**scope).select_related("client"),
        (("code", "A"), ("name", "A"), ("summary", "B"), ("scope_statement", "C")),
        _project_url,
    )
    register_searchable(
        "milestone",
        _("Milestones"),
        milestone_search_scope_for,
        (("name", "A"), ("description", "B")),
        _milestone_url,
    )
    register_searchable(
        "deliverable",
        _("Deliverables"),
        deliverable_search_scope_for,
        (("name", "A"), ("description", "B")),
        _deliverable_url,
    )
    register_searchable(
        "task",
        _("Tasks"),
        task_search_scope_for,
        (("name", "A"), ("description", "B")),
        _task_url,
    )
    register_searchable(
        "document",
        _("Documents"),
        document_search_scope_for,
        (("title", "A"),),
        _document_url,
        related_match=_document_file_names,
    )
