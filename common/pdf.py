"""HTML to PDF with WeasyPrint, for documents a client keeps: the decision log, status reports.

The HTML is the product's own template, but it carries text people wrote (rendered Markdown may
hold an image or a link), so the fetcher WeasyPrint uses for external resources is closed:
only `data:` URLs load, and the project's own PDF fonts, never the network or the rest of the
file system. The stylesheet is inlined by the template (`{% include "pdf/_style.css" %}`).

Text is set in "Rapport Sans SC" (scripts/build_pdf_fonts.py: Noto Sans CJK SC cut down to
Latin, punctuation and the GB 2312 hanzi, ordered so that a PDF embeds only a few KB of it), with
the system's Noto Sans CJK SC after it in the stylesheet's stack for any other character, or for
everything when the built fonts are missing. The font configuration and its @font-face sheet are
made once per thread: loading the fonts again for every PDF costs more than the layout. They are
made again when the font files change: `make run` builds the fonts in the background while the
server starts, and the PDFs use them from the first one after they are ready, without a restart.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

PDF_FONT_FAMILY = "Rapport Sans SC"
PDF_FONT_FILES = {"normal": "RapportSansSC-Regular.otf", "bold": "RapportSansSC-Bold.otf"}

_local = threading.local()
# Drop this thread's font configuration before the interpreter tears down the libraries its
# finalizer calls (else a harmless "Exception ignored" at exit).
atexit.register(lambda: _local.__dict__.clear())


def pdf_font_paths() -> dict[str, Path]:
    """The built font files by CSS weight, those that exist."""
    directory = Path(settings.PDF_FONT_DIR)
    paths = {weight: directory / name for weight, name in PDF_FONT_FILES.items()}
    return {weight: path for weight, path in paths.items() if path.is_file()}


def closed_fetcher(font_urls: frozenset[str] = frozenset()) -> Any:
    """WeasyPrint's fetcher allowing `data:` URLs and the given font files only; anything else
    is refused (ValueError), and WeasyPrint leaves the element out."""
    from weasyprint.urls import UNICODE_SCHEME_RE, URLFetcher

    class ClosedFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            # The scheme as WeasyPrint reads it: case does not matter ("FILE:" is "file:").
            scheme = UNICODE_SCHEME_RE.match(url)
            if scheme and scheme[1].lower() == "file" and url not in font_urls:
                raise ValueError(f"URI not allowed: {url}")
            return super().fetch(url, headers)

    allowed = {"data", "file"} if font_urls else {"data"}
    return ClosedFetcher(allowed_protocols=allowed, allow_redirects=False)


def _font_files_key() -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The font directory and the name, modification time and size of each built font file in
    it: what the cached font configuration was made from."""
    directory = Path(settings.PDF_FONT_DIR)
    files = []
    for name in PDF_FONT_FILES.values():
        try:
            stat = (directory / name).stat()
        except OSError:
            continue
        files.append((name, stat.st_mtime_ns, stat.st_size))
    return str(directory), tuple(files)


def _fonts() -> tuple[Any, list[Any], Any]:
    """(font configuration, extra stylesheets, fetcher) for this thread, made once per font
    directory and set of font files (two `stat` calls a PDF tell whether they changed)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    key = _font_files_key()
    cached = getattr(_local, "fonts", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    paths = pdf_font_paths()
    urls = {weight: path.resolve().as_uri() for weight, path in paths.items()}
    fetcher = closed_fetcher(frozenset(urls.values()))
    font_config = FontConfiguration()
    rules = "".join(
        f'@font-face {{ font-family: "{PDF_FONT_FAMILY}"; font-weight: {weight}; '
        f'src: url("{url}"); }}'
        for weight, url in urls.items()
    )
    sheets = [CSS(string=rules, font_config=font_config, url_fetcher=fetcher)] if rules else []
    fonts = (font_config, sheets, fetcher)
    _local.fonts = (key, fonts)
    return fonts


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    font_config, stylesheets, fetcher = _fonts()
    return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )


def pdf_response(
    template_name: str, context: dict[str, Any], request: HttpRequest, *, filename: str
) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template_name, context, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
