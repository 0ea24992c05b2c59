"""The test suite as `make test` runs it: several pytest runs side by side, one per core.

- The main run, with today's clock, in two shards of about equal length: the browser, the
  embedded demo, the build and the API's property-based runs in one (SHARD_A), everything else
  in the other.
- The suite again with the clock moved ahead (tests/clock.py; `--offsets`, a year by default:
  every fixed date of a fixture that is still ahead today is behind by then), in the same two
  shards, so that a fixture which ages with the calendar fails here and not on a later day. It
  takes only the tests whose data can age (tests/clock.py: a date written out), and leaves out
  the slow tests and the role table (LEFT_OUT_AHEAD): the role table asserts who may open what,
  which no date changes, and takes a sixth of the suite.

Each run has its own test database (`<database>_<run>`, created if missing; pytest-django builds
`test_<that>`) and log (`var/test-<run>.log`); the Redis keys of a run carry its process id. The
runs start longest first and a new one starts as soon as one ends, `--slots` at a time. The
summary lines of every run (counts, the confidentiality and canary figures) and the failures of
a failed run are printed; the exit status is 1 if any run failed.

    .venv/bin/python scripts/run_suite.py DATABASE_URL REDIS_URL [--slots N] [--offsets 45 366]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARD_A = ["tests/e2e", "tests/embedded", "tests/config", "tests/demo", "tests/api"]
LEFT_OUT_AHEAD = ["tests/confidentiality/test_role_table.py"]
# A progress line of pytest: dots alone, or a file's name then its dots and the percentage.
PROGRESS = re.compile(r"^(tests/\S+ )?[.sxXEF]*\s*\[\s*\d+%\]$|^[.sxXEF]+$")


@dataclass
class Run:
    name: str
    args: list[str]
    offset: int = 0
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    ended: float = 0.0
    status: int | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = ROOT / "var" / f"test-{self.name}.log"


def runs(offsets: list[int]) -> list[Run]:
    """The main run's two shards, then each offset's two shards (without the slow tests and the
    role table), longest first."""
    shard_b = ["tests", *(f"--ignore={path}" for path in SHARD_A)]
    ahead = ["-m", "not slow", *(f"--ignore={path}" for path in LEFT_OUT_AHEAD)]
    return [
        Run("main-b", shard_b),
        Run("main-a", SHARD_A),
        *(Run(f"clock-{days}d-b", [*shard_b, *ahead], offset=days) for days in offsets),
        *(Run(f"clock-{days}d-a", [*SHARD_A, *ahead], offset=days) for days in offsets),
    ]


def database_of(database_url: str, run: Run) -> str:
    return f"{database_url}_{run.name.replace('-', '_')}"


def start(run: Run, database_url: str, redis_url: str) -> None:
    database = database_of(database_url, run)
    subprocess.run(
        ["bash", "scripts/ensure_test_services.sh"],
        cwd=ROOT,
        env={**os.environ, "RAPPORT_TEST_DATABASE_URL": database},
        stdout=subprocess.DEVNULL,
        check=True,
    )
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "RAPPORT_TEST_CLOCK_OFFSET_DAYS": str(run.offset),
    }
    command = [".venv/bin/pytest", "--create-db", "-p", "no:cacheprovider", *run.args]
    run.started = time.monotonic()
    with run.log.open("wb") as log:
        run.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    print(f"{run.name}: started ({' '.join(command[1:])}, clock +{run.offset} d)", flush=True)


def report(run: Run) -> None:
    minutes = (run.ended - run.started) / 60
    lines = run.log.read_text(errors="replace").splitlines()
    if run.status == 0:
        # What follows the last progress line: the summaries of tests/conftest.py and the counts.
        last = max((i for i, line in enumerate(lines) if PROGRESS.match(line.strip())), default=-1)
        print(f"{run.name}: passed in {minutes:.1f} min", flush=True)
        for line in lines[last + 1 :][-40:]:
            print(f"  {line}")
        return
    print(f"{run.name}: FAILED in {minutes:.1f} min; {run.log.relative_to(ROOT)}:", flush=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"^=+ (FAILURES|ERRORS) =+$", line)]
    for line in lines[starts[0] if starts else max(len(lines) - 60, 0) :]:
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("redis_url")
    parser.add_argument("--slots", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--offsets", type=int, nargs="*", default=[366])
    options = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    waiting, running, done = runs(options.offsets), [], []
    began = time.monotonic()
    while waiting or running:
        while waiting and len(running) < max(options.slots, 1):
            run = waiting.pop(0)
            start(run, options.database_url, options.redis_url)
            running.append(run)
        time.sleep(2)
        for run in list(running):
            status = run.process.poll() if run.process else 1
            if status is not None:
                run.status, run.ended = status, time.monotonic()
                running.remove(run)
                done.append(run)
                report(run)
    failed = [run.name for run in done if run.status != 0]
    total = (time.monotonic() - began) / 60
    outcome = f"FAILED: {', '.join(failed)}" if failed else "all passed"
    print(f"{len(done)} runs in {total:.1f} min; {outcome}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
