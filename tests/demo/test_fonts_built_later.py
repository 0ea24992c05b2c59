"""`make run` builds the PDF fonts in the background while the server starts (scripts/run.sh):
a PDF made before they are ready uses the system's fonts, and the next one after they appear uses
them, in the same process and thread, without a restart (common/pdf.py)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader
from weasyprint import HTML

from common.pdf import PDF_FONT_FILES, _fonts

BUILT = Path(settings.BASE_DIR) / "build" / "fonts"  # `make fonts`, before the tests
PAGE = "<p style=\"font-family: 'Rapport Sans SC', 'Noto Sans CJK SC'\">Status report 周报</p>"


def _pdf_fonts() -> set[str]:
    font_config, stylesheets, fetcher = _fonts()
    pdf = HTML(string=PAGE, base_url="about:blank", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_fonts_that_appear_later_are_used_from_the_next_pdf_on(settings, tmp_path):
    settings.PDF_FONT_DIR = str(tmp_path)

    before = _pdf_fonts()
    assert before
    assert not any(font.startswith("Rapport-Sans-SC") for font in before), before

    # What scripts/build_pdf_fonts.py does: each file moved into place when it is complete.
    for name in PDF_FONT_FILES.values():
        shutil.copy(BUILT / name, tmp_path / f"{name}.tmp")
        (tmp_path / f"{name}.tmp").replace(tmp_path / name)

    after = _pdf_fonts()
    assert after
    assert all(font.startswith("Rapport-Sans-SC") for font in after), after
    # Unchanged files: the font configuration made for them is kept.
    assert _fonts() is _fonts()
