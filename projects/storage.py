"""Where project documents are stored: under DOCUMENTS_ROOT, never under MEDIA_ROOT, with no URL.

A document is only ever served by the permission-checked download views; the storage refuses to
give out a URL so that no template or serializer can link to the file behind the layer's back.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

if TYPE_CHECKING:
    from projects.models import DocumentVersion


@deconstructible(path="projects.storage.DocumentStorage")
class DocumentStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.DOCUMENTS_ROOT (read on every use, so tests can
    point it elsewhere) with no base URL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(base_url=None, **kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.DOCUMENTS_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Documents have no URL: serve them through the download views.")


def document_upload_to(instance: DocumentVersion, filename: str) -> str:
    """<project id>/<random uuid>: the name a person gave the file is kept in the database only."""
    return f"{instance.document.project_id}/{uuid.uuid4().hex}"
