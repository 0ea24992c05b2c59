"""Back up and restore a Rapport installation: its PostgreSQL database and its uploaded files.

    scripts/backup.py backup [FOLDER]    `make backup`: a new folder (default var/backups/<time>/)
    scripts/backup.py restore FOLDER     `make restore BACKUP=FOLDER`

A backup folder holds database.dump (pg_dump's custom format of the database DATABASE_URL names),
files.tar (DOCUMENTS_ROOT as documents/, MEDIA_ROOT as media/) and manifest.json: when, which
database, the row count of every table (read in the same snapshot pg_dump dumps), how many files,
and the size and SHA-256 of each part. It is written under a ".partial" name and renamed once
complete, so a folder with a manifest is a whole backup.

A restore checks the parts against the manifest, refuses a database that is not empty or file
folders that are not, restores with pg_restore, unpacks the files, then compares the row counts
and the number of files with the manifest. pg_dump and pg_restore must be of the server's major
version. Settings come from the environment, as for manage.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DUMP = "database.dump"
FILES = "files.tar"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A reason to stop, said to the person running the script."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_command = commands.add_parser("backup", help="write a new backup folder")
    backup_command.add_argument("folder", nargs="?", type=Path)
    restore_command = commands.add_parser("restore", help="restore a backup folder")
    restore_command.add_argument("folder", type=Path)
    arguments = parser.parse_args(argv)
    _setup_django()
    try:
        if arguments.command == "backup":
            folder = backup(arguments.folder)
            print(f"Backup written to {folder}")
        else:
            manifest = restore(arguments.folder)
            print(
                f"Restored {arguments.folder} ({manifest['created_at']}): "
                f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables, "
                f"{manifest['files']['total']} files"
            )
    except BackupError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    return 0


def _setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.from_env")
    import django

    django.setup()


# --- Backing up ---------------------------------------------------------------------------------


def backup(folder: Path | None = None) -> Path:
    """Write a backup folder and return it."""
    created = datetime.now(UTC)
    if folder is None:
        var_dir = Path(os.environ.get("RAPPORT_VAR_DIR", BASE_DIR / "var"))
        folder = var_dir / "backups" / created.strftime("%Y%m%d-%H%M%S")
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} already exists and is not empty; name a new folder.")
    database = _database()
    server = _server_major()
    tool = _check_tool("pg_dump", server)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)

    try:
        manifest = _write_parts(partial, database=database, server=server, tool=tool)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    manifest["created_at"] = created.isoformat(timespec="seconds")
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    if folder.exists():
        folder.rmdir()
    partial.rename(folder)
    return folder


def _write_parts(
    partial: Path, *, database: dict[str, str], server: int, tool: str
) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, transaction

    # One snapshot for the row counts and the dump: what the manifest says is what was dumped.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _row_counts(cursor)
        _run(
            [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={partial / DUMP}",
            ],
            database,
        )

    roots = _file_roots(settings)
    counts = _write_files(partial / FILES, roots)
    return {
        "format": FORMAT,
        "database": {
            "name": database["PGDATABASE"],
            "host": database.get("PGHOST", ""),
            "server_version": server,
            "pg_dump_version": tool,
        },
        "tables": tables,
        "files": {**counts, "total": sum(counts.values())},
        "parts": {name: _describe(partial / name) for name in (DUMP, FILES)},
    }


def _write_files(path: Path, roots: dict[str, Path]) -> dict[str, int]:
    counts = dict.fromkeys(roots, 0)
    with tarfile.open(path, "w") as archive:
        for prefix, root in roots.items():
            if not root.is_dir():
                continue
            for file in sorted(root.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    archive.add(file, arcname=f"{prefix}/{file.relative_to(root).as_posix()}")
                    counts[prefix] += 1
    return counts


# --- Restoring ----------------------------------------------------------------------------------


def restore(folder: Path) -> dict[str, Any]:
    """Restore a backup folder into the (empty) database and file folders of the settings, and
    return its manifest."""
    from django.conf import settings
    from django.db import connection

    manifest = _checked_manifest(folder)
    database = _database()
    server = _server_major()
    _check_tool("pg_restore", server)
    with connection.cursor() as cursor:
        existing = _user_tables(cursor)
    if existing:
        raise BackupError(
            f"The database {database['PGDATABASE']} is not empty ({len(existing)} tables, e.g. "
            f"{existing[0]}); a backup is only restored into a new, empty database."
        )
    roots = _file_roots(settings)
    for root in roots.values():
        if root.is_dir() and any(root.iterdir()):
            raise BackupError(
                f"{root} is not empty; a backup's files are only restored into empty folders."
            )
    connection.close()  # pg_restore's single transaction must not wait on this session

    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database['PGDATABASE']}",
            str(folder / DUMP),
        ],
        database,
    )
    counts = _read_files(folder / FILES, roots)

    with connection.cursor() as cursor:
        tables = _row_counts(cursor)
    if tables != manifest["tables"]:
        differ = sorted(
            name
            for name in set(tables) | set(manifest["tables"])
            if tables.get(name) != manifest["tables"].get(name)
        )
        raise BackupError(f"The restored tables differ from the manifest: {', '.join(differ)}.")
    expected = {key: value for key, value in manifest["files"].items() if key != "total"}
    if counts != expected:
        raise BackupError(f"Restored {counts} files, the manifest says {expected}.")
    return manifest


def _checked_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a whole backup.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is of an unknown format.")
    for name, expected in manifest["parts"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if _describe(path) != expected:
            raise BackupError(
                f"{path} is not the file the manifest describes (size or SHA-256 differ)."
            )
    return manifest


def _read_files(path: Path, roots: dict[str, Path]) -> dict[str, int]:
    """Unpack the regular files of the archive under their roots; nothing may land outside."""
    counts = dict.fromkeys(roots, 0)
    for root in roots.values():
        root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r") as archive:
        for member in archive:
            prefix, _, relative = member.name.partition("/")
            parts = Path(relative).parts
            if prefix not in roots or not parts or ".." in parts or Path(relative).is_absolute():
                raise BackupError(f"{path} holds an unexpected entry: {member.name}")
            if not member.isfile():
                continue
            target = roots[prefix].joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is None:
                continue
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            os.utime(target, (member.mtime, member.mtime))
            counts[prefix] += 1
    return counts


# --- Shared -------------------------------------------------------------------------------------


def _database() -> dict[str, str]:
    """libpq's environment for the database of the settings."""
    from django.conf import settings

    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL=postgres://…); the embedded SQLite default "
            "keeps everything under var/, which is copied as it is while the app is stopped."
        )
    values = {
        "PGDATABASE": config["NAME"],
        "PGUSER": config.get("USER") or "",
        "PGPASSWORD": config.get("PASSWORD") or "",
        "PGHOST": config.get("HOST") or "",
        "PGPORT": str(config.get("PORT") or ""),
        "PGSSLMODE": (config.get("OPTIONS") or {}).get("sslmode", ""),
    }
    return {key: value for key, value in values.items() if value}


def _server_major() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _check_tool(tool: str, server: int) -> str:
    """The tool's version; it must be the server's major version."""
    try:
        output = subprocess.run(  # noqa: S603  # a PostgreSQL program, from PATH
            [tool, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError as error:
        raise BackupError(
            f"{tool} is not installed; install PostgreSQL {server}'s client programs "
            f"(Debian: postgresql-client-{server})."
        ) from error
    found = re.search(r"(\d+)(?:\.(\d+))?", output)
    version = found.group(0) if found else output.strip()
    if not found or int(found.group(1)) != server:
        raise BackupError(
            f"{tool} is version {version} but the server is PostgreSQL {server}; use "
            f"PostgreSQL {server}'s {tool} (Debian: postgresql-client-{server})."
        )
    return version


def _user_tables(cursor: Any) -> list[str]:
    cursor.execute(
        """
        SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1
        """
    )
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _user_tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  # names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def _file_roots(settings: Any) -> dict[str, Path]:
    return {
        "documents": Path(settings.DOCUMENTS_ROOT).resolve(),
        "media": Path(settings.MEDIA_ROOT).resolve(),
    }


def _describe(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _run(command: list[str], database: dict[str, str]) -> None:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PG")
    } | database
    result = subprocess.run(  # noqa: S603  # pg_dump or pg_restore, arguments of ours
        command, env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


if __name__ == "__main__":
    sys.exit(main())
