"""Looking inside uploaded archives (projects.filetypes): a zip bomb is refused quickly and in
bounded memory, through the real portal page, while ordinary Office files and ZIPs are judged as
before."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.errors import InvalidInput
from feedback.models import FeedbackTicket
from projects import filetypes

pytestmark = pytest.mark.django_db

BOMB_MESSAGE = (
    "This archive expands to far more than its own size (a “zip bomb”); it is not accepted."
)
GIGABYTE = 1024**3
MEGABYTE = 1024**2


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A real zip bomb: an OpenDocument-looking archive whose "mimetype" entry is 1 GiB of zeros,
    deflated to about 1 MB."""
    buffer = io.BytesIO()
    zeros = bytes(MEGABYTE)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            for _ in range(GIGABYTE // MEGABYTE):
                entry.write(zeros)
        archive.writestr("content.xml", b"<office:document-content/>")
    content = buffer.getvalue()
    assert len(content) < 2 * MEGABYTE
    return content


def office_file(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office_file(
    {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document>"
        + b"<w:p>Acceptance criteria</w:p>" * 2000
        + b"</w:document>",
        "word/styles.xml": b"<w:styles/>",
    }
)
XLSX = office_file(
    {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"<sheetData>"
        + b"<row><c>42</c></row>" * 5000
        + b"</sheetData>",
    }
)
PLAIN_ZIP = office_file({"photos/dock.txt": b"not a document"})


def raise_with_file(client, cast, name: str, content: bytes):
    return client.post(
        reverse("feedback:portal_ticket_create"),
        {
            "project": cast.project.pk,
            "kind": "complaint",
            "severity": "high",
            "title": "The attached file",
            "description": "See the attachment.",
            "files": [SimpleUploadedFile(name, content)],
        },
    )


def test_a_rep_uploading_a_zip_bomb_is_refused_quickly_and_in_bounded_memory(
    cast, client, zip_bomb
):
    client.force_login(cast.rep)
    started = time.monotonic()
    response = raise_with_file(client, cast, "minutes.odt", zip_bomb)
    elapsed = time.monotonic() - started

    assert response.status_code == 400
    assert BOMB_MESSAGE in response.content.decode()
    assert not FeedbackTicket.objects.exists()
    assert elapsed < 3, f"refusing the archive took {elapsed:.1f} s"

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = raise_with_file(client, cast, "minutes.odt", zip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert BOMB_MESSAGE in response.content.decode()
    assert peak < 32 * MEGABYTE, f"the request peaked at {peak / MEGABYTE:.0f} MB"


def test_the_bomb_is_refused_in_bounded_memory_in_a_fresh_process(zip_bomb, tmp_path):
    """The whole process's peak (resident memory, getrusage) barely moves while the bomb is
    looked at: nothing like the gigabyte it expands to."""
    bomb = tmp_path / "bomb.odt"
    bomb.write_bytes(zip_bomb)
    script = f"""
import json, resource, sys
import django
django.setup()
from common.errors import InvalidInput
from projects import filetypes
content = open({str(bomb)!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    filetypes.detect(content, name="bomb.odt")
    outcome = "accepted"
except InvalidInput as error:
    outcome = str(error.message)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
json.dump({{"outcome": outcome, "before_kb": before, "after_kb": after}}, sys.stdout)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(settings.BASE_DIR),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    report = json.loads(result.stdout)
    assert report["outcome"] == BOMB_MESSAGE
    grown = (report["after_kb"] - report["before_kb"]) * 1024
    assert grown < 32 * MEGABYTE, f"the process grew by {grown / MEGABYTE:.0f} MB"


@pytest.mark.parametrize(
    ("name", "content", "kept_name"),
    [("spec.docx", DOCX, "spec.docx"), ("budget.xlsx", XLSX, "budget.xlsx")],
)
def test_ordinary_office_files_are_still_accepted_through_the_page(
    cast, client, name, content, kept_name
):
    client.force_login(cast.rep)
    response = raise_with_file(client, cast, name, content)
    assert response.status_code == 302
    assert FeedbackTicket.objects.get().attachments.get().original_name == kept_name


def test_a_plain_zip_is_still_refused_as_before(cast, client):
    client.force_login(cast.rep)
    response = raise_with_file(client, cast, "photos.zip", PLAIN_ZIP)
    assert response.status_code == 400
    assert "This kind of file is not accepted." in response.content.decode()
    assert not FeedbackTicket.objects.exists()


def test_an_archive_with_too_many_entries_is_refused_before_its_directory_is_read():
    content = office_file({f"part{number}.xml": b"" for number in range(10_001)})
    with pytest.raises(InvalidInput) as refused:
        filetypes.detect(content, name="many.docx")
    assert str(refused.value.message) == (
        "This archive holds more than 10000 files; it is not accepted."
    )


def test_an_entry_that_lies_about_its_size_is_only_read_a_few_kb_of():
    """An archive whose directory claims a small "mimetype" entry that really expands to
    100 MB: only the few bytes claimed are ever decompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", b"application/vnd.oasis.opendocument.text" + bytes(100 * MEGABYTE)
        )
    content = bytearray(buffer.getvalue())
    claimed = b"application/vnd.oasis.opendocument.text"
    local = content.index(b"PK\x03\x04")
    central = content.index(b"PK\x01\x02")
    for header, crc_at, size_at in ((local, 14, 22), (central, 16, 24)):
        content[header + crc_at : header + crc_at + 4] = zlib.crc32(claimed).to_bytes(4, "little")
        content[header + size_at : header + size_at + 4] = len(claimed).to_bytes(4, "little")
    tracemalloc.start()
    try:
        file_type = filetypes.detect(bytes(content), name="minutes.odt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert file_type == filetypes.ODT
    assert peak < 8 * MEGABYTE
