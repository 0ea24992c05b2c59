"""The one way a stored document leaves the server: a download response with safe headers.

Callers must have found the file through a selector that applies the permission layer
(projects.selectors.documents, discussions.selectors.attachment_get_for).
Everything is an attachment, except a PDF or raster image asked for inline;
the sandbox CSP keeps any script in a file (SVG, HTML, a crafted PDF) from running with the
application's origin, and nosniff keeps the browser from guessing another type.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from projects import filetypes
from projects.models import DocumentVersion

_INLINE_TYPES = frozenset(
    file_type.content_type
    for file_type in (filetypes.PDF, filetypes.PNG, filetypes.JPEG, filetypes.GIF, filetypes.WEBP)
)


def document_download_response(version: DocumentVersion, *, inline: bool = False) -> FileResponse:
    return stored_file_response(
        version.file,
        name=version.original_name,
        size=version.size,
        content_type=version.content_type,
        inline=inline,
    )


def stored_file_response(
    file: FieldFile, *, name: str, size: int, content_type: str, inline: bool = False
) -> FileResponse:
    """A checked, stored file (a document version, a discussion attachment) as a download."""
    as_attachment = not (inline and content_type in _INLINE_TYPES)
    response = FileResponse(
        file.open("rb"),
        as_attachment=as_attachment,
        filename=name,
        content_type=content_type,
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
