"""The private stack the fault suite (scripts/faults.py) runs on and breaks.

Everything is its own, on free ports of 127.0.0.1, in one folder: a PostgreSQL cluster (initdb),
a Redis server (with `appendonly yes`, as docker-compose.yml runs it), an SMTP server (aiosmtpd,
in this process) that can refuse or go away, gunicorn with two workers on the production
settings, a Celery worker and beat. Nothing here touches the machine's shared services.

The app processes (gunicorn, worker, beat) are supervised as docker-compose's
`restart: unless-stopped` would: one that exits is started again, and counted.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # noqa: S110  (not up yet)
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout} s")
        time.sleep(0.1)


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --- PostgreSQL and Redis -----------------------------------------------------------------------


class Postgres:
    """A cluster of its own. As root (CI), it runs as the `postgres` user, as initdb requires."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.as_postgres = os.geteuid() == 0

    def _command(self, *arguments: str) -> list[str]:
        if self.as_postgres:
            return ["runuser", "-u", "postgres", "--", *arguments]
        return list(arguments)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/rapport"

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            self._command(
                str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        self.start()
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q",
             "-c", "CREATE DATABASE rapport"],
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        log = open(self.folder / "postgres.log", "ab")  # noqa: SIM115  (the server's own)
        self.process = subprocess.Popen(
            self._command(
                str(POSTGRES_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.folder}",
                "-c", "max_connections=100",
            ),
            stdout=log, stderr=log,
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), timeout=60, what="PostgreSQL")
        wait_for(
            lambda: subprocess.run(
                [str(POSTGRES_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            ).returncode == 0,
            timeout=60,
            what="PostgreSQL",
        )  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown (SIGINT): open transactions roll back, committed ones stay."""
        if self.process is not None:
            subprocess.run(
                self._command(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "stop",
                              "-m", "fast", "-w"),
                check=True, capture_output=True,
            )  # fmt: skip
            self.process.wait(timeout=60)
            self.process = None


class Redis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.folder), "--appendonly", "yes", "--save", "",
                "--logfile", str(self.folder / "redis.log"),
            ],
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), timeout=30, what="Redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


# --- SMTP ---------------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """Accepts and records every message, or answers every recipient with `reply` (a 451 or a
    550), or only those in `refused` with a 550; `stop()` takes it off the network."""

    port: int = field(default_factory=free_port)
    reply: str | None = None
    refused: set[str] = field(default_factory=set)
    received: Counter[str] = field(default_factory=Counter)
    controller: Controller | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.reply is not None:
            return self.reply
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received[str(message["Message-ID"])] += 1
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(self.received)


# --- The app's processes ------------------------------------------------------------------------


@dataclass
class AppProcess:
    name: str
    command: list[str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    stopped: bool = False

    def start(self, environment: dict[str, str]) -> None:
        output = open(self.log, "ab")  # noqa: SIM115  (the process's own)
        self.process = subprocess.Popen(
            self.command,
            cwd=BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def children(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []


class Stack:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.postgres = Postgres(folder / "postgres")
        self.redis = Redis(folder / "redis")
        self.smtp = SmtpSink()
        self.web_port = free_port()
        self.processes: dict[str, AppProcess] = {}
        self._supervising = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def environment(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "XDG_CACHE_HOME")
        environment = {key: value for key, value in os.environ.items() if key in keep}
        var = self.folder / "var"
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings.from_env",
            DJANGO_ENV="production",
            SECRET_KEY="fault-suite-only-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SITE_URL=self.base_url,
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp.port}",
            RAPPORT_VAR_DIR=str(var),
            STATIC_ROOT=str(var / "staticfiles"),
            MEDIA_ROOT=str(var / "media"),
            DOCUMENTS_ROOT=str(var / "documents"),
            PYTHONUNBUFFERED="1",
        )
        return environment

    def manage(self, *arguments: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=self.environment(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def set_up(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)  # the PostgreSQL server's user reaches its folder through it
        (self.folder / "var").mkdir(exist_ok=True)
        self.postgres.init()
        self.redis.start()
        self.smtp.start()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("seed_demo")
        venv = Path(sys.executable).parent
        self.processes = {
            "web": AppProcess(
                "web",
                [
                    str(venv / "gunicorn"), "config.wsgi:application",
                    f"--bind=127.0.0.1:{self.web_port}", "--workers=2", "--timeout=60",
                    "--graceful-timeout=10",
                ],
                self.folder / "web.log",
            ),
            "worker": AppProcess(
                "worker",
                [str(venv / "celery"), "-A", "config", "worker", "--loglevel=INFO",
                 "--concurrency=2"],
                self.folder / "worker.log",
            ),
            "beat": AppProcess(
                "beat",
                [str(venv / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                 f"--schedule={self.folder / 'celerybeat-schedule'}"],
                self.folder / "beat.log",
            ),
        }  # fmt: skip
        for process in self.processes.values():
            process.start(self.environment())
        wait_for(lambda: port_open(self.web_port), timeout=60, what="gunicorn")
        self._supervising.set()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()

    def _supervise(self) -> None:
        """docker-compose's `restart: unless-stopped`: an app process that exits starts again."""
        while self._supervising.is_set():
            for process in self.processes.values():
                if not process.stopped and not process.alive():
                    time.sleep(1)
                    process.start(self.environment())
            time.sleep(0.5)

    def restarts(self) -> dict[str, int]:
        return {name: process.starts - 1 for name, process in self.processes.items()}

    def tear_down(self) -> None:
        self._supervising.clear()
        if self._supervisor is not None:
            self._supervisor.join(5)
        for process in self.processes.values():
            process.stopped = True
            process.kill(signal.SIGTERM)
        for process in self.processes.values():
            if process.process is not None:
                try:
                    process.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.smtp.stop()
        self.redis.stop()
        self.postgres.stop()
