"""`make bench`: the pages and API lists under load, served the way production serves them.

For each size of BENCH_SIZES (default "100 10000" projects), steps 1 and 2; then 3 and 4 for
every size at once:

1. The data set: `manage.py seed_scale --projects N` in its own PostgreSQL database,
   rapport_bench_<N> next to DATABASE_URL's. The parameters it was built with are kept in the
   database (table bench_dataset, with a digest of the generator's source): the same parameters
   reuse it, different ones build it again (--replace). Then VACUUM ANALYZE, so that autovacuum
   does not start in the middle of a measurement.
2. In process (scripts/bench_prepare.py, the same settings): the cast, a session per person
   (Django's session machinery; the cookie wrk sends), the second factor the staff need, and the
   queries of one request per endpoint (CaptureQueriesContext).
3. gunicorn serving config.wsgi's application on 127.0.0.1 with config.settings.bench
   (production's settings, DEBUG off, API throttling lifted), BENCH_WORKERS workers (2) of
   each class of BENCH_WORKER_CLASSES ("sync", production's; "sync gthread" compares both,
   gthread with BENCH_THREADS threads), real PostgreSQL and Redis (BENCH_REDIS_URL, default db
   15 of the local server). A server per data set, side by side, each with its own cache
   entries. The servers and step 2 run on the data set's clock (demo.scale.clock, through
   scripts/bench_wsgi.py): its anchor day, ticking from the run's start, so that what is
   overdue, open or due is what it would be on that day.
4. wrk: BENCH_CONNECTIONS connections (8) for BENCH_SECONDS seconds (12) per endpoint and size,
   in BENCH_ROUNDS paired rounds (3 of 4 s): the sizes take turns (100, 10,000, 10,000, 100,
   100, 10,000), so that a machine that drifts faster or slower over the run moves both alike
   and the growth from one size to the other is measured as it is. The app's empty view
   (/healthz, with the same cookie) first. Each endpoint is opened once through each server
   first (it must answer 200), and each run waits until the requests wrk left behind are done.
   BENCH_WARM_UP_SECONDS (1) adds a wrk run before the first round, so that every worker has
   answered the endpoint (its first request compiles and prepares its statements: 0.8 s for
   the task API) before it is measured. BENCH_ENDPOINTS (names, comma-separated) measures only
   those that hold one of them, and the empty view.

It prints one table (endpoint, size, worker class, median and p99 ms, requests/s, the share of
the empty view's requests/s, queries, the time of one request alone, errors) and writes it as
JSON with the machine and the gunicorn configuration to var/bench/<timestamp>.json and
var/bench/latest.json.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(BASE_DIR))

import bench_wrk  # noqa: E402

from demo.scale import clock, targets  # noqa: E402  (Django-free)

OUT_DIR = BASE_DIR / "var" / "bench"
GENERATOR_SOURCES = [
    "demo/management/commands/seed_scale.py",
    "demo/scale/build.py",
    "demo/scale/copy.py",
    "demo/scale/guard.py",
    "demo/scale/names.py",
]
SEED = 1
ANCHOR = "2030-01-07"
# The time the server and the in-process requests run at (demo.scale.clock): the data set's
# anchor at 09:00 UTC, seed_scale's "now", when the run starts, ticking from there.
CLOCK = clock.value(datetime.fromisoformat(f"{ANCHOR}T09:00:00+00:00"), time.time())


def setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


SIZES = [int(size) for size in setting("BENCH_SIZES", "100 10000").split()]
SECONDS = int(setting("BENCH_SECONDS", "12"))
# Each endpoint's seconds are split into this many rounds, the sizes taking turns (100, then
# 10,000, then 10,000, then 100 ...): a machine that slows down or speeds up over the run slows
# or speeds both sizes alike, and the ratio between them holds.
ROUNDS = max(1, int(setting("BENCH_ROUNDS", "3")))
ROUND_SECONDS = max(1, SECONDS // ROUNDS)
WARM_UP_SECONDS = int(setting("BENCH_WARM_UP_SECONDS", "1"))
CONNECTIONS = int(setting("BENCH_CONNECTIONS", "8"))
WORKERS = int(setting("BENCH_WORKERS", "2"))
THREADS = int(setting("BENCH_THREADS", "4"))
# Production's (sync; "sync gthread" measures both side by side, as the choice was made).
WORKER_CLASSES = setting("BENCH_WORKER_CLASSES", "sync").split()
# Only the endpoints whose names hold one of these texts (comma-separated), the empty view
# always: to measure again what a change touched.
ENDPOINTS = [text.strip() for text in setting("BENCH_ENDPOINTS", "").split(",") if text.strip()]
LARGE_PROJECT_TASKS = int(setting("BENCH_LARGE_PROJECT_TASKS", "10000"))
DATABASE_URL = setting("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rapport")
REDIS_URL = setting("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def say(text: str) -> None:
    print(text, flush=True)


# --- the data sets --------------------------------------------------------------------------------


def database_url(size: int) -> str:
    return urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/rapport_bench_{size}"))


def parameters(size: int) -> dict[str, object]:
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((BASE_DIR / name).read_bytes())
    return {
        "projects": size,
        "seed": SEED,
        "anchor": ANCHOR,
        "large_projects": max(1, size // 1000),
        "large_project_tasks": LARGE_PROJECT_TASKS,
        "generator": digest.hexdigest()[:16],
    }


def environment(size: int) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "XDG_CACHE_HOME")
    env = {key: value for key, value in os.environ.items() if key in keep}
    var = OUT_DIR / "var"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url(size),
        REDIS_URL=REDIS_URL,
        # The data sets' servers run side by side: each keeps its own cache entries.
        CACHE_KEY_PREFIX=f"rapport-bench-{size}",
        RAPPORT_VAR_DIR=str(var),
        STATIC_ROOT=str(OUT_DIR / "static"),
        MEDIA_ROOT=str(var / "media"),
        DOCUMENTS_ROOT=str(var / "documents"),
        PYTHONUNBUFFERED="1",
    )
    env[clock.ENVIRONMENT_VARIABLE] = CLOCK
    return env


def manage(size: int, *arguments: str) -> None:
    subprocess.run(  # noqa: S603  (our own command line)
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=environment(size), check=True
    )


def connect(url: str) -> Any:
    connection = psycopg2.connect(url)
    connection.autocommit = True
    return connection


def ensure_data_set(size: int) -> None:
    url = database_url(size)
    name = urlsplit(url).path.lstrip("/")
    server = connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    manage(size, "migrate", "--noinput", "-v", "0")
    wanted = parameters(size)
    database = connect(url)
    try:
        record(size, database, wanted)
    finally:
        database.close()


def record(size: int, database: Any, wanted: dict[str, object]) -> None:
    """Build the data set unless the one in `database` was built with `wanted`."""
    name = database.info.dbname
    with database.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (parameters jsonb NOT NULL)")
        cursor.execute("SELECT parameters FROM bench_dataset")
        row = cursor.fetchone()
        if row is not None and row[0] == wanted:
            say(f"{size} projects: the data set in {name} was built with these parameters.")
            return
        cursor.execute("SELECT EXISTS (SELECT 1 FROM projects_project)")
        seeded = cursor.fetchone()[0]
        say(f"{size} projects: building the data set in {name} ({wanted}).")
        started = time.monotonic()
        cursor.execute("DELETE FROM bench_dataset")
        manage(
            size,
            "seed_scale",
            f"--projects={size}",
            f"--seed={SEED}",
            f"--anchor={ANCHOR}",
            f"--large-projects={wanted['large_projects']}",
            f"--large-project-tasks={LARGE_PROJECT_TASKS}",
            *(["--replace"] if seeded else []),
        )
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s)", [json.dumps(wanted)])
        say(f"{size} projects: built in {time.monotonic() - started:.0f} s.")


def prepare(size: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603  (our own command line)
        [sys.executable, str(BASE_DIR / "scripts" / "bench_prepare.py")],
        cwd=BASE_DIR,
        env=environment(size),
        check=True,
        capture_output=True,
        text=True,
    )
    prepared = json.loads(result.stdout)
    if ENDPOINTS:
        first, *rest = prepared["endpoints"]
        prepared["endpoints"] = [first] + [
            row for row in rest if any(text in row["name"] for text in ENDPOINTS)
        ]
    wrong = [row for row in prepared["endpoints"] if row["status"] != 200]
    if wrong:
        raise SystemExit(f"Endpoints that do not answer 200 in process: {wrong}")
    return prepared


# --- gunicorn -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn_arguments(worker_class: str, port: int) -> list[str]:
    arguments = [
        "bench_wsgi:application",
        "--pythonpath=scripts",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--worker-class={worker_class}",
        "--timeout=120",
    ]
    if worker_class == "gthread":
        arguments.append(f"--threads={THREADS}")
    return arguments


class Gunicorn:
    def __init__(self, size: int, worker_class: str) -> None:
        self.port = free_port()
        self.arguments = gunicorn_arguments(worker_class, self.port)
        self.log = OUT_DIR / f"gunicorn-{size}-{worker_class}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.size = size

    def __enter__(self) -> Gunicorn:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own command line)
                [str(gunicorn), *self.arguments],
                cwd=BASE_DIR,
                env=environment(self.size),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not self.answers("/healthz"):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"gunicorn did not start: see {self.log}")
            time.sleep(0.2)
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def status(self, path: str, cookie: str = "") -> int:
        request = urllib.request.Request(self.url(path), headers=headers(cookie))  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def worker_ticks(self) -> int:
        """CPU time (clock ticks) the master and its workers have used so far."""
        if self.process is None:
            return 0
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    def wait_until_idle(self, database: str, timeout: float = 120) -> None:
        """Let the requests wrk left behind finish (a sync worker finishes a request whose
        client has gone), so they do not slow the next endpoint down: the workers use no CPU
        for 0.3 s and no query of theirs runs."""
        deadline = time.monotonic() + timeout
        connection = connect(database)
        try:
            with connection.cursor() as cursor:
                while time.monotonic() < deadline:
                    ticks = self.worker_ticks()
                    time.sleep(0.3)
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state = 'active' AND pid <> pg_backend_pid()"
                    )
                    if self.worker_ticks() == ticks and cursor.fetchone()[0] == 0:
                        return
        finally:
            connection.close()

    def answers(self, path: str) -> bool:
        try:
            return self.status(path) == 200
        except OSError:
            return False

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def headers(cookie: str) -> dict[str, str]:
    found = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if cookie:
        found["Cookie"] = cookie
    return found


# --- the run --------------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    return {
        "nproc": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "wrk": subprocess.run(  # noqa: S603  (our own command line)
            [shutil.which("wrk") or "wrk", "--version"], capture_output=True, text=True
        ).stdout.split("\n")[0],
        "python": sys.version.split()[0],
    }


def measure(
    worker_class: str, prepared: dict[int, dict[str, Any]], hook: Path
) -> list[dict[str, Any]]:
    """Every endpoint at every size, in paired rounds: a server per data set, all started
    first; for each endpoint, ROUNDS runs of ROUND_SECONDS at each size in turn."""
    rows: list[dict[str, Any]] = []
    names = [endpoint["name"] for endpoint in prepared[SIZES[0]]["endpoints"]]
    for size in SIZES:
        if [endpoint["name"] for endpoint in prepared[size]["endpoints"]] != names:
            raise SystemExit("The data sets do not give the same endpoints.")
    empties: dict[int, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        servers = {size: stack.enter_context(Gunicorn(size, worker_class)) for size in SIZES}
        for index in range(len(names)):
            endpoints = {size: prepared[size]["endpoints"][index] for size in SIZES}
            alone: dict[int, float] = {}
            for size, server in servers.items():
                started = time.perf_counter()
                status = server.status(endpoints[size]["path"], endpoints[size]["cookie"])
                alone[size] = (time.perf_counter() - started) * 1000
                if status != 200:
                    raise SystemExit(
                        f"{endpoints[size]['path']} answers {status} through gunicorn ({size})"
                    )
            runs: dict[int, list[bench_wrk.WrkResult]] = {size: [] for size in SIZES}
            for number in range(ROUNDS):
                for size in SIZES if number % 2 == 0 else SIZES[::-1]:
                    server = servers[size]
                    run: dict[str, Any] = {
                        "url": server.url(endpoints[size]["path"]),
                        "headers": headers(endpoints[size]["cookie"]),
                        "connections": CONNECTIONS,
                        "threads": min(CONNECTIONS, 2),
                        "hook": hook,
                    }
                    if WARM_UP_SECONDS and number == 0:
                        bench_wrk.run(seconds=WARM_UP_SECONDS, **run)
                        server.wait_until_idle(database_url(size))
                    runs[size].append(bench_wrk.run(seconds=ROUND_SECONDS, **run))
                    server.wait_until_idle(database_url(size))
            for size in SIZES:
                endpoint = endpoints[size]
                result = bench_wrk.combine(runs[size])
                row = {
                    "endpoint": endpoint["name"],
                    "path": endpoint["path"],
                    "user": endpoint["user"],
                    "size": size,
                    "worker_class": worker_class,
                    "queries": endpoint["queries"],
                    "bytes": endpoint["bytes"],
                    "alone_ms": round(alone[size], 1),
                    **result.as_dict(),
                    "rounds": [
                        {
                            "requests_per_second": round(one.requests_per_second, 1),
                            "median_ms": one.median_ms if one.requests else None,
                        }
                        for one in runs[size]
                    ],
                }
                if not result.requests:  # none finished within the run: no latency to report
                    row.update(median_ms=None, p90_ms=None, p99_ms=None, max_ms=None, mean_ms=None)
                empties.setdefault(size, row)
                rows.append(row)
                say(line(row, empties[size]))
    return rows


# "alone ms": the one request before the run, on an idle server. A run in which no request
# finished (each took longer than BENCH_SECONDS under the load) shows its median and p99 as ">".
COLUMNS = (
    f"{'endpoint':<28} {'size':>6} {'workers':>8} {'median ms':>10} {'p99 ms':>9} "
    f"{'req/s':>8} {'of empty':>9} {'queries':>8} {'alone ms':>9} {'errors':>7}"
)


def milliseconds(value: float | None, width: int) -> str:
    if value is None:
        return f"{'>' + str(ROUND_SECONDS * 1000):>{width}}"
    return f"{value:>{width}.1f}"


def line(row: dict[str, Any], empty: dict[str, Any]) -> str:
    share = row["requests_per_second"] / empty["requests_per_second"]
    row["share_of_empty"] = round(share, 4)
    return (
        f"{row['endpoint']:<28} {row['size']:>6} {row['worker_class']:>8} "
        f"{milliseconds(row['median_ms'], 10)} {milliseconds(row['p99_ms'], 9)} "
        f"{row['requests_per_second']:>8.1f} {share:>8.1%} {row['queries']:>8} "
        f"{row['alone_ms']:>9.1f} {row['errors']:>7}"
    )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench-deps` installs it.")
    started = time.monotonic()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    hook = bench_wrk.write_hook(OUT_DIR)
    before = machine()
    say(
        f"Sizes {SIZES}, {WORKERS} workers of {WORKER_CLASSES}, {CONNECTIONS} connections, "
        f"{SECONDS} s per endpoint and size in {ROUNDS} rounds; {before['nproc']} CPUs, "
        f"load {before['load_average']}."
    )
    say("Collecting the static files (production's manifest storage).")
    manage(SIZES[0], "collectstatic", "--noinput", "-v", "0")
    rows: list[dict[str, Any]] = []
    prepared: dict[int, dict[str, Any]] = {}
    for size in SIZES:
        ensure_data_set(size)
        prepared[size] = prepare(size)
        say(f"{size} projects: {prepared[size]['data']}")
    data_sets = {size: prepared[size]["data"] for size in SIZES}
    for worker_class in WORKER_CLASSES:
        say(f"\n{worker_class} workers, {ROUNDS} paired rounds of {ROUND_SECONDS} s\n{COLUMNS}")
        rows += measure(worker_class, prepared, hook)
    after = machine()
    elapsed = time.monotonic() - started
    say(f"\n{COLUMNS}")
    empty = rows[0]["endpoint"]
    empties = {(r["size"], r["worker_class"]): r for r in rows if r["endpoint"] == empty}
    order = {name: index for index, name in enumerate(dict.fromkeys(r["endpoint"] for r in rows))}
    for row in sorted(rows, key=lambda r: (order[r["endpoint"]], r["size"], r["worker_class"])):
        say(line(row, empties[(row["size"], row["worker_class"])]))
    checks = targets.evaluate(rows)
    say(f"\nTargets: {sum(check.met for check in checks)} of {len(checks)} met.")
    for check in sorted(checks, key=lambda check: check.met):
        say(check.line())
    say(f"\nLoad average before {before['load_average']}, after {after['load_average']}.")
    say(f"Done in {elapsed / 60:.1f} minutes.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp,
        "elapsed_seconds": round(elapsed),
        "machine": {
            **{key: value for key, value in before.items() if key != "load_average"},
            "load_average_before": before["load_average"],
            "load_average_after": after["load_average"],
        },
        "gunicorn": {
            worker_class: gunicorn_arguments(worker_class, 0)[:1]
            + gunicorn_arguments(worker_class, 0)[2:]
            for worker_class in WORKER_CLASSES
        },
        "settings": "config.settings.bench",
        "clock": {"anchor": CLOCK.split()[0], "from": "the run's start"},
        "wrk": {
            "connections": CONNECTIONS,
            "seconds": SECONDS,
            "rounds": ROUNDS,
            "round_seconds": ROUND_SECONDS,
            "warm_up_seconds": WARM_UP_SECONDS,
        },
        "data_sets": {str(size): {**parameters(size), **data_sets[size]} for size in SIZES},
        "results": rows,
        "targets": targets.summary(checks),
    }
    text = json.dumps(report, indent=2)
    (OUT_DIR / f"{stamp}.json").write_text(text)
    (OUT_DIR / "latest.json").write_text(text)
    say(f"Written to {OUT_DIR / f'{stamp}.json'} and latest.json.")


if __name__ == "__main__":
    main()
