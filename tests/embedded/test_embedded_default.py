"""Smoke suite of the embedded default that `make run` uses: SQLite, the filesystem broker, the
real Celery worker with beat, in a folder of its own.

It does what `make run` does — migrate, `seed_demo`, start `celery worker --beat` — with e-mail
going to a loopback SMTP server (aiosmtpd) instead of files, so that every message can be
counted. It waits until the demo's due status report (HX-MES) has gone out and the outbox is
empty, stops the worker, and checks: no failed task and no "database is locked" in the worker's
log, every e-mail sent once per (Message-ID, recipient), the report delivered within five
minutes, and the earned-value figures of every demo project on SQLite equal to PostgreSQL's for
the same demo data (seeded into the test database at the same moment).

The figures are printed (`-s`) and repeated in the run's summary (tests/embedded/conftest.py).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command

from tests.embedded.conftest import SUMMARY
from tests.embedded.figures import demo_figures
from tests.notifications.conftest import free_port

# Add `pytest.mark.embedded` here once the marker is registered in pyproject.toml.
pytestmark = [pytest.mark.slow, pytest.mark.embedded]

ROOT = Path(settings.BASE_DIR)
# The demo's due report must be out well within five minutes of the worker's start.
REPORT_DEADLINE_SECONDS = 300
WAIT_SECONDS = 240
# After everything is sent: room for a duplicate or a late failure to show up.
SETTLE_SECONDS = 5
DUE_REPORT_PROJECT = "HX-MES"

TASK_FAILED = re.compile(r"Task [\w.]+\[[0-9a-f-]+\] raised unexpected")
TASK_RETRIED = re.compile(r"Task [\w.]+\[[0-9a-f-]+\] retry:")
TASK_SUCCEEDED = re.compile(r"Task [\w.]+\[[0-9a-f-]+\] succeeded in")
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b")


@dataclass
class Sink:
    """An SMTP handler that keeps (Message-ID, recipient) of every accepted message."""

    deliveries: list[tuple[str, str]] = field(default_factory=list)
    messages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        header, _blank, _body = envelope.content.partition(b"\r\n\r\n")
        found = re.search(rb"^Message-ID:\s*(\S+)", header, re.IGNORECASE | re.MULTILINE)
        message_id = found.group(1).decode() if found else ""
        with self.lock:
            self.messages += 1
            self.deliveries.extend((message_id, rcpt.lower()) for rcpt in envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@dataclass
class EmbeddedRun:
    var: Path
    env: dict[str, str]
    seeded_at: datetime
    worker_started_at: datetime
    log: str
    sink: Sink
    outbox: dict[str, list[str]]  # status -> Message-IDs
    report_deliveries: list[tuple[str, str, datetime | None]]  # Message-ID, status, sent at
    sqlite_figures: dict[str, Any]
    timings: dict[str, float]

    @property
    def today(self) -> date:
        return self.seeded_at.date()


def _embedded_env(var: Path, smtp_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "CELERY_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.embedded.settings",
            "RAPPORT_VAR_DIR": str(var),
            # Empty counts as unset: SQLite under var/, the filesystem broker, a file cache.
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )


def _query(database: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the embedded database from this process (WAL: never in the writers' way)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(sql, params).fetchall()


def _timestamp(text: str | None) -> datetime | None:
    """A datetime as Django stores it in SQLite (UTC, no offset)."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _due_report_deliveries(database: Path) -> list[tuple[str, str, datetime | None]]:
    rows = _query(
        database,
        """SELECT d.message_id, d.status, d.sent_at FROM reports_reportdelivery d
             JOIN reports_report r ON r.id = d.report_id
             JOIN projects_project p ON p.id = r.project_id
            WHERE p.code = ?""",
        (DUE_REPORT_PROJECT,),
    )
    return [(message_id, status, _timestamp(sent_at)) for message_id, status, sent_at in rows]


def _all_sent(database: Path) -> bool:
    """The due report's deliveries are all finished and nothing waits in the outbox."""
    deliveries = _due_report_deliveries(database)
    [(pending,)] = _query(
        database, "SELECT COUNT(*) FROM notifications_outboxmessage WHERE status = 'pending'"
    )
    return (
        bool(deliveries)
        and all(s in ("sent", "failed") for _, s, _ in deliveries)
        and not (pending)
    )


def _stop(worker: subprocess.Popen) -> None:
    """A warm shutdown of the worker we started (its main process stops the pool's children),
    then a kill of its process group if it hangs."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> EmbeddedRun:
    var = tmp_path_factory.mktemp("embedded-var")
    database = var / "rapport.sqlite3"
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = _embedded_env(var, controller.port)
    timings: dict[str, float] = {}
    worker: subprocess.Popen | None = None
    log_path = var / "celery.log"
    try:
        started = time.monotonic()
        _manage(env, "migrate", "--noinput", "-v", "0")
        timings["migrate"] = time.monotonic() - started
        started = time.monotonic()
        _manage(env, "seed_demo")
        timings["seed_demo"] = time.monotonic() - started
        [(seeded,)] = _query(
            database,
            """SELECT s.updated_at FROM reports_reportschedule s
                 JOIN projects_project p ON p.id = s.project_id WHERE p.code = ?""",
            (DUE_REPORT_PROJECT,),
        )
        seeded_at = _timestamp(seeded)
        assert seeded_at is not None

        # The worker of scripts/run.sh, with beat, on the embedded default.
        worker_started_at = datetime.now(UTC)
        with log_path.open("wb") as log_file:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--beat",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--schedule",
                    str(var / "celerybeat-schedule"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + WAIT_SECONDS
        while not _all_sent(database):
            assert worker.poll() is None, log_path.read_text(errors="replace")[-5000:]
            if time.monotonic() > deadline:
                break  # the assertions say what is missing
            time.sleep(1)
        timings["worker"] = (datetime.now(UTC) - worker_started_at).total_seconds()
        time.sleep(SETTLE_SECONDS)
        _stop(worker)

        outbox: dict[str, list[str]] = {}
        for status, message_id in _query(
            database, "SELECT status, message_id FROM notifications_outboxmessage"
        ):
            outbox.setdefault(status, []).append(message_id)
        started = time.monotonic()
        figures = subprocess.run(
            [sys.executable, "-m", "tests.embedded.figures", seeded_at.date().isoformat()],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        timings["figures"] = time.monotonic() - started
        yield EmbeddedRun(
            var=var,
            env=env,
            seeded_at=seeded_at,
            worker_started_at=worker_started_at,
            log=log_path.read_text(errors="replace"),
            sink=sink,
            outbox=outbox,
            report_deliveries=_due_report_deliveries(database),
            sqlite_figures=json.loads(figures.stdout),
            timings=timings,
        )
    finally:
        if worker is not None:
            _stop(worker)
        controller.stop()


def report(line: str) -> None:
    print(line)
    SUMMARY.append(line)


def test_the_worker_sends_everything_once_without_failures_or_locks(embedded):
    log = embedded.log
    failed = TASK_FAILED.findall(log)
    locked = log.lower().count("database is locked")
    errors = [line for line in log.splitlines() if ERROR_LINE.search(line)]
    pairs = Counter(embedded.sink.deliveries)
    duplicates = sum(count - 1 for count in pairs.values())
    sent_times = [sent_at for _, status, sent_at in embedded.report_deliveries if status == "sent"]
    delivered_after = (
        (max(sent_times) - embedded.worker_started_at).total_seconds() if sent_times else None
    )
    succeeded, retried = len(TASK_SUCCEEDED.findall(log)), len(TASK_RETRIED.findall(log))
    waits = log.count("database locked, trying again")
    report(
        f"tasks: {succeeded} succeeded, {retried} retried, {len(failed)} failed; "
        f"'database is locked' in the log: {locked} (writes that waited and retried: {waits}); "
        f"error lines: {len(errors)}"
    )
    report(
        f"e-mails sent: {len(embedded.sink.deliveries)} ({embedded.sink.messages} messages), "
        f"distinct (Message-ID, recipient): {len(pairs)}, duplicates: {duplicates}"
    )
    report(
        f"due status report ({DUE_REPORT_PROJECT}, {len(embedded.report_deliveries)} recipients) "
        f"delivered after {delivered_after:.0f} s of the worker's start"
        if delivered_after is not None
        else f"due status report ({DUE_REPORT_PROJECT}) NOT delivered"
    )
    report(
        "outbox: {}; timings: {}".format(
            {status: len(ids) for status, ids in sorted(embedded.outbox.items())},
            ", ".join(f"{name} {seconds:.0f} s" for name, seconds in embedded.timings.items()),
        )
    )

    assert failed == []
    assert locked == 0
    assert errors == []
    assert duplicates == 0
    # Every row recorded as sent went out, and nothing else did.
    sent_ids = set(embedded.outbox.get("sent", [])) | {
        message_id for message_id, status, _ in embedded.report_deliveries if status == "sent"
    }
    assert {message_id for message_id, _ in pairs} == sent_ids
    assert set(embedded.outbox) == {"sent"}
    assert len(embedded.outbox["sent"]) > 0
    assert embedded.report_deliveries
    assert {status for _, status, _ in embedded.report_deliveries} == {"sent"}
    assert delivered_after is not None
    assert delivered_after < REPORT_DEADLINE_SECONDS


@pytest.mark.django_db
def test_earned_value_on_sqlite_equals_postgresql_for_the_demo(embedded, time_machine):
    # The same demo data in the PostgreSQL test database, seeded at the same moment.
    time_machine.move_to(embedded.seeded_at, tick=True)
    call_command("seed_demo", stdout=io.StringIO())
    postgres = demo_figures(today=embedded.today)
    sqlite = embedded.sqlite_figures

    for code in sorted(postgres):
        at_today = embedded.today.isoformat()
        ours, theirs = sqlite[code]["figures"][at_today], postgres[code]["figures"][at_today]
        report(
            f"{code} on {at_today}: SPI SQLite {ours['spi']} vs PostgreSQL {theirs['spi']}; "
            f"CPI {ours['cpi']} vs {theirs['cpi']}; PV {ours['pv']} vs {theirs['pv']}; "
            f"EV {ours['ev']} vs {theirs['ev']}; series points "
            f"{len(sqlite[code]['series'])} vs {len(postgres[code]['series'])}"
        )

    assert sqlite == postgres
    # Not a comparison of empty figures: some projects are planned, earned and charted.
    spis = [
        day["spi"]
        for project in postgres.values()
        for day in project["figures"].values()
        if day["spi"] is not None
    ]
    assert spis
    charted = [project["series"] for project in postgres.values() if project["series"]]
    assert charted
    assert any(point["pv"] not in (None, "0") for series in charted for point in series)
