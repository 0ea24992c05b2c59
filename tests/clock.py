"""The test run's clock: RAPPORT_TEST_CLOCK_OFFSET_DAYS=N moves it N days forward, so that a
fixture whose dates silently age with the calendar fails here, not on a later day.

The test process moves its clock when pytest starts (tests/conftest.py); a worker the tests start
as a separate process moves its own from its settings module, so both sides agree on the day.

With the clock moved, only the tests whose data can age run (has_fixed_dates): those of a module
that writes a date out, or reads a conftest or helper that does. The others build every date
from the clock, which the move leaves as they were relative to it.
"""

from __future__ import annotations

import ast
import os
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import time_machine

OFFSET_DAYS = int(os.environ.get("RAPPORT_TEST_CLOCK_OFFSET_DAYS", "0") or 0)


def move_clock_forward() -> None:
    """Start a ticking clock OFFSET_DAYS ahead for the rest of this process (no-op at 0)."""
    if OFFSET_DAYS:
        time_machine.travel(datetime.now(UTC) + timedelta(days=OFFSET_DAYS), tick=True).start()


# What makes a test's data age with the calendar: a date written out (date(2030, 1, 7),
# "2030-01-07", "2031Q2") or the demo data set, whose dates are fixed.
FIXED_DATE = re.compile(
    r"\b(?:date|datetime)\(\s*\d{4}\s*,"  # a date or datetime constructed
    r"|\b(?:19|20)\d\d[-/](?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12]\d|3[01])\b"  # ISO text or a URL
    r"|\b(?:19|20)\d\dQ[1-4]\b"  # a quarter
    r"|seed_demo"
)
THIS = Path(__file__).resolve()  # its pattern names the demo: not a date of its own
TESTS = THIS.parent


@cache
def _writes_a_date(path: Path) -> bool:
    return bool(FIXED_DATE.search(path.read_text(encoding="utf-8")))


@cache
def _imported(path: Path) -> frozenset[Path]:
    """The modules of tests/ that `path` imports."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests"):
            assert node.module is not None
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names if alias.name.startswith("tests")]
    found = set()
    for name in names:
        base = TESTS.parent.joinpath(*name.split("."))
        found |= {p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()}
    return frozenset(found)


@cache
def has_fixed_dates(path: Path) -> bool:
    """Whether the data of the tests in `path` can age: the module, a conftest.py above it or a
    module of tests/ it imports (and so on) writes a date out. A module whose data is all
    relative to the clock cannot: moving the clock moves its data along."""
    seen: set[Path] = set()
    todo = [path]
    for folder in path.parents:
        if folder == TESTS.parent:
            break
        todo.append(folder / "conftest.py")
    while todo:
        module = todo.pop()
        if module in seen or module == THIS or not module.is_file():
            continue
        seen.add(module)
        if _writes_a_date(module):
            return True
        todo += _imported(module)
    return False
