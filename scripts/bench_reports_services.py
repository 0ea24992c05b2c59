"""The private services and processes of `make bench-reports` (scripts/bench_reports.py): a
`redis-server`, a fresh database, a loopback SMTP sink that counts what it accepts, Celery workers
and dispatchers, and a meter of the CPU each kind of process takes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Private Redis --------------------------------------------------------------------------


def start_redis(port: int, directory: Path) -> subprocess.Popen:
    """A `redis-server` on `port` that persists nothing, its files in `directory`."""
    process = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    for _ in range(100):
        try:
            redis.Redis(port=port).ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("the private redis-server did not start")


# --- The database ---------------------------------------------------------------------------


def fresh_database(url: str, env: dict[str, str]) -> None:
    """Drop and create the database at `url`, and migrate it (with `env`)."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


# --- The SMTP sink --------------------------------------------------------------------------


class Sink:
    def __init__(self) -> None:
        self.by_message_id: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message_id = ""
        for line in envelope.content.split(b"\r\n", 60):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
                break
        with self.lock:
            self.by_message_id[message_id] += len(envelope.rcpt_tos)
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.by_message_id.values())


def start_sink(port: int) -> tuple[Sink, object]:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller


# --- Where the CPU goes ---------------------------------------------------------------------


class CpuMeter:
    """CPU seconds by kind of process (workers, PostgreSQL, Redis, the dispatchers, this process
    with the SMTP sink and the beat loop), sampled from /proc every half second: a process that
    exits counts up to its last sample. Linux only; elsewhere it reports nothing."""

    KINDS = ("workers", "postgres", "redis", "dispatchers", "bench+sink", "other")

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.busy_start = self._busy()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _busy(self) -> tuple[float, float]:
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        except OSError:
            return (0.0, 0.0)
        idle = fields[3] + fields[4]
        return (sum(fields) - idle) / self.tick, sum(fields) / self.tick

    def _kind(self, pid: int, comm: str) -> str:
        if pid == os.getpid():
            return "bench+sink"
        if comm.startswith("postgres"):
            return "postgres"
        if comm.startswith("redis"):
            return "redis"
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return "other"
        if b"celery" in cmdline:
            return "workers"
        if b"reports_dispatch" in cmdline:
            return "dispatchers"
        return "other"

    def sample(self, *, initial: bool = False) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw[raw.rindex(")") + 2 :].split()
            seconds = (int(fields[11]) + int(fields[12])) / self.tick
            if initial:
                self.first[pid] = seconds
            elif pid not in self.last:
                self.last[pid] = (self._kind(pid, comm), seconds)
            else:
                self.last[pid] = (self.last[pid][0], seconds)

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def start(self) -> None:
        self.sample(initial=True)
        self.busy_start = self._busy()
        self.thread.start()

    def finish(self) -> tuple[dict[str, float], float, float]:
        """(CPU seconds by kind, machine busy CPU seconds, machine total CPU seconds)."""
        self.stop.set()
        self.thread.join()
        self.sample()
        by_kind = dict.fromkeys(self.KINDS, 0.0)
        for pid, (kind, seconds) in self.last.items():
            by_kind[kind] += seconds - self.first.get(pid, 0.0)
        busy_end = self._busy()
        return by_kind, busy_end[0] - self.busy_start[0], busy_end[1] - self.busy_start[1]


# --- Processes ------------------------------------------------------------------------------


def start_worker(
    name: str, *, concurrency: int, env: dict[str, str], log_dir: Path
) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-n",
            f"{name}@bench",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log_dir / f"{name}.log", "a"),
        start_new_session=True,  # its own process group: SIGKILL takes the pool children too
    )


DISPATCH = (
    "import django; django.setup();"
    "from reports.dispatch import reports_dispatch;"
    "r = reports_dispatch(); print(r.created)"
)


def run_python(code: str, *, env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=open(log_dir / "python.log", "a"),
        text=True,
    )
