"""Reads for documents, scoped to what the user may see: the provider side sees every document
of its projects; the client only client-visible ones whose milestone and deliverable are
client-visible too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet

from common.compiled import CompiledValues
from common.errors import NotFound
from common.json_rows import json_rows, prefetch_from_json
from projects.models import Deliverable, Document, DocumentVersion, Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project

if TYPE_CHECKING:
    from accounts.models import User


def document_visible_to_client() -> Q:
    return (
        Q(visibility=Visibility.CLIENT)
        & (Q(milestone__isnull=True) | Q(milestone__visibility=Visibility.CLIENT))
        & (
            Q(deliverable__isnull=True)
            | Q(
                deliverable__visibility=Visibility.CLIENT,
                deliverable__milestone__visibility=Visibility.CLIENT,
            )
        )
    )


def document_list_for(
    *, user: User, project: Project, deliverable: Deliverable | None = None
) -> QuerySet[Document]:
    """The project's documents `user` may see (of one deliverable if given), newest first, with
    their versions (newest first) and the people who uploaded them."""
    if not can_view_project(user, project):
        return Document.objects.none()
    documents = _documents_of(project.pk, internal=can_view_internal_items(user, project))
    if deliverable is not None:
        documents = documents.filter(deliverable=deliverable)
    return documents


def _documents_of(project_id: int, *, internal: bool) -> QuerySet[Document]:
    """The project's documents, those a client sees unless `internal`, newest first, with their
    versions (newest first) and the people who uploaded them."""
    documents = Document.objects.filter(project_id=project_id)
    if not internal:
        documents = documents.filter(document_visible_to_client())
    return documents.select_related("milestone", "deliverable", "created_by").prefetch_related(
        Prefetch(
            "versions",
            queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
        )
    )


# What the document list shows of each version, and of the person who uploaded it.
VERSION_FIELDS = [field.attname for field in DocumentVersion._meta.concrete_fields]
UPLOADER_FIELDS = ["id", "display_name"]


def documents_with_versions_for(*, user: User, project: Project) -> list[Document]:
    """document_list_for's documents, each with its versions (newest first) and their
    uploaders' names read in the documents' own query: one query where the list costs two, its
    SQL compiled once per process for the projects whose internal items the person sees and
    once for the others (_documents_read). For a page that shows the list
    (projects/_document_list.html), not one that needs more of the uploaders than their names."""
    if not can_view_project(user, project):
        return []
    internal = can_view_internal_items(user, project)
    documents: list[Document] = _documents_read.objects([project.pk], (internal,))
    prefetch_from_json(
        documents, "versions", "version_rows", related=["uploaded_by"], key=lambda v: -v.number
    )
    return documents


def _documents_with_version_rows(key: tuple[bool], values: list[Any]) -> QuerySet[Any]:
    """The documents of the project whose id is `values[0]`, with their versions as JSON, those
    a client sees unless the key says `internal`."""
    (internal,) = key
    (project_id,) = values
    versions = json_rows(
        DocumentVersion.objects.filter(document=OuterRef("pk")),
        VERSION_FIELDS,
        by="document",
        related={"uploaded_by": UPLOADER_FIELDS},
    )
    return (
        _documents_of(project_id, internal=internal)
        .prefetch_related(None)
        .annotate(version_rows=versions)
    )


# The documents with their versions, compiled once per process for each side of the internal
# items and read with the project's id (common.compiled).
_documents_read = CompiledValues(_documents_with_version_rows)


def document_get_for(*, user: User, project: Project, document_id: int) -> Document:
    """The document, or NotFound alike for a missing one and one the user may not see."""
    document = document_list_for(user=user, project=project).filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    return document


def document_version_get(*, document: Document, number: int | None = None) -> DocumentVersion:
    """A version of a document the caller already got through document_get_for: the current
    one by default. NotFound for a number that does not exist."""
    version = document.versions.filter(number=number or document.current_version).first()
    if version is None:
        raise NotFound()
    return version
