"""Backups (scripts/backup.py, `make backup` and `make restore`): a real backup of a seeded
database and its files, restored into a fresh empty database and empty folders, gives back the
same rows and the same files; a restore refuses a database or folders that are not empty, and
parts that are not what the manifest says."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from feedback.models import TicketKind
from feedback.services.tickets import ticket_raise
from projects.services.documents import document_upload

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SCRIPT = BASE_DIR / "scripts" / "backup.py"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8

pytestmark = pytest.mark.django_db(transaction=True)


def _connect(name: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )


def _url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def empty_database():
    """A new, empty database beside the test database (named after DATABASE_URL's, so runs
    side by side do not share it), dropped afterwards."""
    base = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") or "rapport"
    name = f"{base}_restored"
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def run_script(*arguments: str, database: str, documents: Path, media: Path):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_ENV": "test",
            "DATABASE_URL": _url(database),
            "DOCUMENTS_ROOT": str(documents),
            "MEDIA_ROOT": str(media),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def row_counts(name: str) -> dict[str, int]:
    with _connect(name) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


SAMPLES = {
    "users": "SELECT email, display_name, password, is_active FROM accounts_user ORDER BY email",
    "projects": "SELECT id, name, client_id, phase FROM projects_project ORDER BY id",
    "versions": (
        "SELECT file, original_name, size, sha256 FROM projects_documentversion ORDER BY id"
    ),
    "tickets": "SELECT id, title, description, status FROM feedback_feedbackticket ORDER BY id",
}


def sample(name: str) -> dict[str, list[tuple]]:
    with _connect(name) as database, database.cursor() as cursor:
        found = {}
        for key, query in SAMPLES.items():
            cursor.execute(query)
            found[key] = cursor.fetchall()
    return found


def files_in(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def seeded(cast, documents_root, settings, tmp_path):
    """Rows in many tables and files in both folders: documents and versions, a ticket with an
    attachment, and a file in the media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for number in range(3):
        document_upload(
            actor=cast.pm,
            project=cast.project,
            file=SimpleUploadedFile(f"plan-{number}.pdf", PDF + str(number).encode()),
        )
    ticket_raise(
        actor=cast.rep,
        project=cast.project,
        kind=TicketKind.COMPLAINT,
        title="Scanners freeze at the dock",
        description="Since the update; 扫描枪卡住。",
        files=[SimpleUploadedFile("dock.png", PNG)],
    )
    media = Path(settings.MEDIA_ROOT) / "logos" / "northwind.png"
    media.parent.mkdir(parents=True)
    media.write_bytes(PNG)
    return Path(documents_root), Path(settings.MEDIA_ROOT)


def test_a_backup_restores_into_an_empty_database_and_folders(seeded, empty_database, tmp_path):
    documents, media = seeded
    source = connection.settings_dict["NAME"]
    folder = tmp_path / "backups" / "nightly"

    made = run_script("backup", str(folder), database=source, documents=documents, media=media)
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in folder.iterdir()) == [
        "database.dump",
        "files.tar",
        "manifest.json",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["name"] == source
    assert manifest["tables"] == row_counts(source)
    assert manifest["tables"]["public.projects_documentversion"] == 3
    assert manifest["files"] == {"documents": 4, "media": 1, "total": 5}
    for part in ("database.dump", "files.tar"):
        content = (folder / part).read_bytes()
        assert manifest["parts"][part] == {
            "bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }

    restored_documents = tmp_path / "restored" / "documents"
    restored_media = tmp_path / "restored" / "media"
    done = run_script(
        "restore",
        str(folder),
        database=empty_database,
        documents=restored_documents,
        media=restored_media,
    )
    assert done.returncode == 0, done.stderr

    assert row_counts(empty_database) == row_counts(source)
    assert sample(empty_database) == sample(source)
    assert sample(source)["versions"]  # the sample is not empty
    assert files_in(restored_documents) == files_in(documents)
    assert files_in(restored_media) == files_in(media)
    # The restored files are the ones the restored rows describe.
    for stored_name, _, size, sha256 in sample(empty_database)["versions"]:
        content = (restored_documents / stored_name).read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (size, sha256)

    # Once more into the same database: refused, nothing touched.
    again = run_script(
        "restore",
        str(folder),
        database=empty_database,
        documents=tmp_path / "elsewhere" / "documents",
        media=tmp_path / "elsewhere" / "media",
    )
    assert again.returncode == 1
    assert f"The database {empty_database} is not empty" in again.stderr
    assert "only restored into a new, empty database" in again.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_a_restore_refuses_folders_that_are_not_empty_and_damaged_parts(
    seeded, empty_database, tmp_path
):
    documents, media = seeded
    source = connection.settings_dict["NAME"]
    folder = tmp_path / "backup"
    made = run_script("backup", str(folder), database=source, documents=documents, media=media)
    assert made.returncode == 0, made.stderr

    # The same folder again: a backup never overwrites another.
    twice = run_script("backup", str(folder), database=source, documents=documents, media=media)
    assert twice.returncode == 1
    assert "already exists and is not empty" in twice.stderr

    refused = run_script(
        "restore", str(folder), database=empty_database, documents=documents, media=media
    )
    assert refused.returncode == 1
    assert f"{documents} is not empty" in refused.stderr
    assert row_counts(empty_database) == {}

    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    with (damaged / "files.tar").open("r+b") as archive:
        archive.seek(600)
        archive.write(b"X")
    refused = run_script(
        "restore",
        str(damaged),
        database=empty_database,
        documents=tmp_path / "new" / "documents",
        media=tmp_path / "new" / "media",
    )
    assert refused.returncode == 1
    assert "files.tar is not the file the manifest describes" in refused.stderr
    assert row_counts(empty_database) == {}


@pytest.mark.django_db  # only the database's name and version: no rows to commit
def test_a_backup_refuses_a_pg_dump_of_another_major_version(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server = int(cursor.fetchone()[0]) // 10000
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "backup", str(tmp_path / "backup")],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_ENV": "test",
            "DATABASE_URL": _url(connection.settings_dict["NAME"]),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert (
        f"pg_dump is version 9.6 but the server is PostgreSQL {server}; use PostgreSQL "
        f"{server}'s pg_dump (Debian: postgresql-client-{server})."
    ) in result.stderr
    assert not (tmp_path / "backup").exists()
