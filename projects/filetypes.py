"""What a file is, from its content (magic bytes), never from its name.

Only the types below are accepted. Programs (Windows, Linux and macOS executables, scripts) are
refused even when renamed. SVG and HTML are accepted but only ever served as downloads.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.errors import InvalidInput

# How much of the start of a text file is looked at to tell SVG and HTML from plain text.
_TEXT_HEAD = 2048


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first is the one given to a file named otherwise
    may_display_inline: bool = False  # PDF and raster images only

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("application/pdf", ("pdf",), may_display_inline=True)
PNG = FileType("image/png", ("png",), may_display_inline=True)
JPEG = FileType("image/jpeg", ("jpg", "jpeg"), may_display_inline=True)
GIF = FileType("image/gif", ("gif",), may_display_inline=True)
WEBP = FileType("image/webp", ("webp",), may_display_inline=True)
TEXT = FileType("text/plain; charset=utf-8", ("txt", "text", "md", "log"))
CSV = FileType("text/csv; charset=utf-8", ("csv",))
SVG = FileType("image/svg+xml", ("svg",))
HTML = FileType("text/html; charset=utf-8", ("html", "htm"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)
)
ODT = FileType("application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ODP = FileType("application/vnd.oasis.opendocument.presentation", ("odp",))
DOC = FileType("application/msword", ("doc",))
XLS = FileType("application/vnd.ms-excel", ("xls",))
PPT = FileType("application/vnd.ms-powerpoint", ("ppt",))

_OPEN_DOCUMENT = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/vnd.oasis.opendocument.spreadsheet": ODS,
    "application/vnd.oasis.opendocument.presentation": ODP,
}
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_LEGACY_OFFICE = {"doc": DOC, "xls": XLS, "ppt": PPT}

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows (PE) and DOS programs
    b"\x7fELF",  # Linux and other Unix programs
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (also a Java class file)
    b"#!",  # scripts
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def detect(content: bytes, *, name: str) -> FileType:
    """The type of `content`, or InvalidInput saying why it is not accepted. `name` only breaks
    ties the content cannot (legacy Office formats, CSV versus plain text)."""
    if not content:
        raise InvalidInput(_("The file is empty."), field="file")
    if content.startswith(_EXECUTABLE_MAGIC):
        raise InvalidInput(
            _("This file is a program or a script, whatever its name says; it is not accepted."),
            field="file",
        )
    found = _detect_binary(content, extension=extension_of(name))
    if found is None:
        found = _detect_text(content, extension=extension_of(name))
    if found is None:
        raise InvalidInput(
            _(
                "This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, "
                "WebP, SVG), a text or CSV file, an HTML page, or an Office or OpenDocument file."
            ),
            field="file",
        )
    return found


def _detect_binary(content: bytes, *, extension: str) -> FileType | None:
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(_OLE):
        return _LEGACY_OFFICE.get(extension, DOC)
    if content.startswith(b"PK\x03\x04"):
        return _detect_zip(content)
    return None


def _detect_zip(content: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return _OPEN_DOCUMENT.get(mimetype)
            if "[Content_Types].xml" in names:
                for prefix, file_type in _OOXML_PARTS:
                    if any(entry.startswith(prefix) for entry in names):
                        return file_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError):
        return None
    return None  # any other ZIP archive is not on the list


def _detect_text(content: bytes, *, extension: str) -> FileType | None:
    if b"\x00" in content:
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text[:_TEXT_HEAD].lstrip().lower()
    if "<svg" in head:
        return SVG
    if head.startswith(("<!doctype html", "<html")) or "<html" in head or "<script" in head:
        return HTML
    return CSV if extension == "csv" else TEXT


def name_for(name: str, file_type: FileType) -> str:
    """The name the file keeps: the person's own if its extension matches what the content is,
    else the same name with the detected type's extension instead."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    extension = extension_of(base)
    if extension in file_type.extensions:
        return base
    stem = base[: -(len(extension) + 1)] if extension else base
    return f"{stem or 'file'}.{file_type.extension}"
