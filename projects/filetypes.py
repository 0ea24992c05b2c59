"""What a file is, from its content (magic bytes), never from its name.

Only the types below are accepted. Programs (Windows, Linux and macOS executables, scripts) are
refused even when renamed. SVG and HTML are accepted but only ever served as downloads.

Office and OpenDocument files are ZIP archives. Looking inside one never expands it: the archive's
directory is bounded before it is read, at most a few KB of any entry are decompressed, and an
archive that says it expands to far more than its own size (a "zip bomb") is refused.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.errors import InvalidInput

# How much of the start of a text file is looked at to tell SVG and HTML from plain text.
_TEXT_HEAD = 2048

# Inside an archive: how much of an entry is ever decompressed, how many entries and how large a
# directory are looked at, and when an entry or the whole archive expands too much to be a
# document (an entry smaller than _BOMB_FLOOR never counts; deflate's own limit is about 1:1032).
_ENTRY_HEAD = 1024
_MAX_ENTRIES = 10_000
_MAX_DIRECTORY_BYTES = 2 * 1024 * 1024
_MAX_RATIO = 200
_BOMB_FLOOR = 16 * 1024 * 1024


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
    entries, directory_bytes = _zip_directory_size(content)
    if entries > _MAX_ENTRIES or directory_bytes > _MAX_DIRECTORY_BYTES:
        raise InvalidInput(
            _("This archive holds more than %(max)d files; it is not accepted.")
            % {"max": _MAX_ENTRIES},
            field="file",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()[:_MAX_ENTRIES]
            if _expands_too_much(infos, archive_size=len(content)):
                raise InvalidInput(
                    _(
                        "This archive expands to far more than its own size (a “zip bomb”); "
                        "it is not accepted."
                    ),
                    field="file",
                )
            names = [info.filename for info in infos]
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    head = entry.read(_ENTRY_HEAD)
                mimetype = head.decode("ascii", "replace").strip()
                return _OPEN_DOCUMENT.get(mimetype)
            if "[Content_Types].xml" in names:
                for prefix, file_type in _OOXML_PARTS:
                    if any(entry.startswith(prefix) for entry in names):
                        return file_type
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ):
        return None
    return None  # any other ZIP archive is not on the list


def _zip_directory_size(content: bytes) -> tuple[int, int]:
    """How many entries the archive's end record says it has and how many bytes its central
    directory takes, read before the directory itself is ((0, 0) when there is no end record:
    zipfile then refuses the archive)."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 0xFFFF))
    if end < 0 or len(content) < end + 22:
        return 0, 0
    entries, directory_bytes = struct.unpack_from("<xxxxxxxxxxHI", content, end)
    locator = end - 20
    zip64 = entries == 0xFFFF or directory_bytes == 0xFFFFFFFF
    if zip64 and locator >= 0 and content[locator : locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack_from("<Q", content, locator + 8)
        if content[record : record + 4] == b"PK\x06\x06" and len(content) >= record + 56:
            entries, directory_bytes = struct.unpack_from("<QQ", content, record + 32)
    return entries, directory_bytes


def _expands_too_much(infos: list[zipfile.ZipInfo], *, archive_size: int) -> bool:
    for info in infos:
        if info.file_size > _BOMB_FLOOR and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        ):
            return True
    expanded = sum(info.file_size for info in infos)
    return expanded > _BOMB_FLOOR and expanded > _MAX_RATIO * archive_size


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
