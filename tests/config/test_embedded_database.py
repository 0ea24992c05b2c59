"""The embedded SQLite default as a supported database (common/database.py): the options a real
connection of `manage.py` gets, a writer that waits for another's lock instead of failing, and
the one helper that tries a locked write again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, transaction

from common import database
from common.database import is_database_locked, retry_when_locked

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MARKER = "EMBEDDED-JSON:"

# Run by manage.py on the embedded default: the connection's pragmas, then a write while another
# connection holds the write lock for a second (the write must wait for it, not fail).
PROBE = """
import json, sqlite3, threading, time
from django.conf import settings
from django.db import connection, transaction

cursor = connection.cursor()
pragmas = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
           for name in ("journal_mode", "synchronous", "busy_timeout")}
cursor.execute("CREATE TABLE probe (n integer)")
locked = threading.Event()

def hold():
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO probe VALUES (1)")
    locked.set()
    time.sleep(1)
    other.execute("COMMIT")
    other.close()

holder = threading.Thread(target=hold)
holder.start()
locked.wait(10)
started = time.monotonic()
with transaction.atomic():
    cursor.execute("INSERT INTO probe VALUES (2)")
waited = time.monotonic() - started
holder.join()
print("EMBEDDED-JSON:" + json.dumps({
    "pragmas": pragmas,
    "transaction_mode": connection.transaction_mode,
    "waited": waited,
    "rows": [row[0] for row in cursor.execute("SELECT n FROM probe ORDER BY n").fetchall()],
    "broker": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
}))
"""


def test_embedded_sqlite_is_wal_immediate_and_waits_for_a_writer(tmp_path):
    var = tmp_path / "var"
    env = {"PATH": os.environ["PATH"], "HOME": str(Path.home()), "RAPPORT_VAR_DIR": str(var)}

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    values = json.loads(line.removeprefix(MARKER))
    assert values["pragmas"] == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 30000}
    assert values["transaction_mode"] == "IMMEDIATE"
    # The second writer waited for the first (about a second) and then wrote; nothing failed.
    assert values["waited"] >= 0.5
    assert values["rows"] == [1, 2]
    broker = values["broker"]
    assert broker["control_folder"] == str(var / "celery" / "control")
    assert broker["polling_interval"] <= 1


def test_a_locked_write_is_tried_again_until_it_goes_through(monkeypatch):
    monkeypatch.setattr(database, "LOCKED_FIRST_PAUSE_SECONDS", 0.01)
    calls = []

    @retry_when_locked
    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "written"

    assert write() == "written"
    assert len(calls) == 3


def test_a_write_locked_every_time_fails_after_the_last_attempt(monkeypatch):
    monkeypatch.setattr(database, "LOCKED_FIRST_PAUSE_SECONDS", 0.01)
    calls = []

    @retry_when_locked
    def write() -> None:
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError, match="locked"):
        write()
    assert len(calls) == database.LOCKED_ATTEMPTS


@pytest.mark.parametrize(
    "error",
    [OperationalError("no such table: probe"), ValueError("database is locked")],
    ids=["another-database-error", "not-a-database-error"],
)
def test_other_errors_are_never_tried_again(error):
    calls = []

    @retry_when_locked
    def write() -> None:
        calls.append(1)
        raise error

    with pytest.raises(type(error)):
        write()
    assert len(calls) == 1
    assert is_database_locked(error) is False


@pytest.mark.django_db
def test_inside_a_transaction_the_caller_retries_not_the_helper():
    calls = []

    @retry_when_locked
    def write() -> None:
        calls.append(1)
        raise OperationalError("database is locked")

    with transaction.atomic(), pytest.raises(OperationalError):
        write()
    assert len(calls) == 1
