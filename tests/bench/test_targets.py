"""The benchmark's targets (demo.scale.targets): each met or not, with the measured figure."""

from __future__ import annotations

import subprocess
import sys

from demo.scale.targets import EMPTY, evaluate, summary


def row(endpoint, size, rate, median, p99="twice the median", worker_class="sync"):
    return {
        "endpoint": endpoint,
        "size": size,
        "worker_class": worker_class,
        "requests_per_second": rate,
        "median_ms": median,
        "p99_ms": median * 2 if p99 == "twice the median" else p99,
    }


RUN = [
    row(EMPTY, 100, 1200, 5),
    row("API projects", 100, 300, 20, p99=60),
    row("project overview", 100, 100, 60),
    row("large: task API page 1", 100, 250, 30, p99=80),
    row("large: task API last page", 100, 240, 31, p99=85),
    row(EMPTY, 10000, 900, 6),
    row("API projects", 10000, 150, 30, p99=140),
    row("project overview", 10000, 40, 66),
    row("large: task API page 1", 10000, 250, 30, p99=80),
    row("large: task API last page", 10000, 100, 45, p99=None),
]


def test_a_list_of_a_hundred_rows_a_page_is_held_to_a_tenth_and_no_p99():
    run = [
        row(EMPTY, 100, 1000, 5),
        {**row("large: task API, 100 a page", 100, 120, 60, p99=300), "path": "/t/?page_size=100"},
        {**row("large: task API, 20 a page", 100, 150, 50, p99=90), "path": "/t/?page_size=20"},
    ]
    checks = evaluate(run)
    long = "large: task API, 100 a page, 100, sync"
    assert by(checks, "API list of 100 >= 1/10 of empty", long) == (True, "12.0%")
    assert not [check for check in checks if check.where == long and "p99" in check.target]
    short = "large: task API, 20 a page, 100, sync"
    assert by(checks, "API list >= 1/5 of empty", short) == (False, "15.0%")
    assert by(checks, "API list p99 < 100 ms", short) == (True, "90.0 ms")


def by(checks, target, where):
    [check] = [c for c in checks if c.target == target and c.where == where]
    return check.met, check.measured


def test_each_target_is_met_or_shows_its_figure():
    checks = evaluate(RUN)

    assert by(checks, "empty view >= 1000 req/s", f"{EMPTY}, 100, sync") == (True, "1200 req/s")
    assert by(checks, "empty view >= 1000 req/s", f"{EMPTY}, 10000, sync") == (False, "900 req/s")
    assert by(checks, "API list >= 1/5 of empty", "API projects, 100, sync") == (True, "25.0%")
    assert by(checks, "API list >= 1/5 of empty", "API projects, 10000, sync") == (False, "16.7%")
    assert by(checks, "API list p99 < 100 ms", "API projects, 10000, sync") == (False, "140.0 ms")
    assert by(checks, "page >= 1/20 of empty", "project overview, 100, sync") == (True, "8.3%")
    assert by(checks, "page >= 1/20 of empty", "project overview, 10000, sync") == (False, "4.4%")
    assert by(checks, "10000 projects <= 1.2x 100", "project overview, sync") == (True, "1.10x")
    assert by(checks, "10000 projects <= 1.2x 100", "API projects, sync") == (False, "1.50x")
    assert by(checks, "last page <= 1.2x first", "task API, 100, sync") == (True, "1.03x")
    assert by(checks, "last page <= 1.2x first", "task API, 10000, sync") == (False, "1.50x")
    # A run in which no request finished has no p99: not met, and said so.
    no_p99 = by(checks, "API list p99 < 100 ms", "large: task API last page, 10000, sync")
    assert no_p99 == (False, "no request finished")
    figures = summary(checks)
    assert (figures["checked"], figures["met"]) == (len(checks), sum(c.met for c in checks))


def test_one_size_checks_no_growth():
    checks = evaluate([r for r in RUN if r["size"] == 100])
    assert not [c for c in checks if "projects <=" in c.target]
    assert all(c.met for c in checks)


def test_the_targets_load_without_django():
    """scripts/bench.py imports them outside the app."""
    code = "import sys; import demo.scale.targets; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
