"""HTML to PDF with WeasyPrint, for documents a client keeps: the decision log, status reports.

The HTML is the product's own template, but it carries text people wrote (rendered Markdown may
hold an image or a link), so the fetcher WeasyPrint uses for external resources is closed:
only `data:` URLs load, never the network or the file system. The stylesheet is inlined by the
template (`{% include "pdf/_style.css" %}`). Chinese text renders with the Noto CJK fonts the
project installs (scripts/system_deps.sh, the Dockerfile), which that stylesheet names.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def closed_fetcher() -> Any:
    """WeasyPrint's fetcher allowing `data:` URLs only; anything else is refused (ValueError),
    and WeasyPrint leaves the element out."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url="about:blank", url_fetcher=closed_fetcher()).write_pdf()


def pdf_response(
    template_name: str, context: dict[str, Any], request: HttpRequest, *, filename: str
) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template_name, context, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
