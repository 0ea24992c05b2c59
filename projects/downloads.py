"""The one way a stored document leaves the server: a download response with safe headers.

Callers must have found the version through projects.selectors.documents (which applies the
permission layer). Everything is an attachment, except a PDF or raster image asked for inline;
the sandbox CSP keeps any script in a file (SVG, HTML, a crafted PDF) from running with the
application's origin, and nosniff keeps the browser from guessing another type.
"""

from __future__ import annotations

from django.http import FileResponse

from projects import filetypes
from projects.models import DocumentVersion

_INLINE_TYPES = frozenset(
    file_type.content_type
    for file_type in (filetypes.PDF, filetypes.PNG, filetypes.JPEG, filetypes.GIF, filetypes.WEBP)
)


def document_download_response(version: DocumentVersion, *, inline: bool = False) -> FileResponse:
    as_attachment = not (inline and version.content_type in _INLINE_TYPES)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=as_attachment,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["Content-Length"] = str(version.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
