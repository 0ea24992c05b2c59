"""The targets `make bench` checks its figures against (scripts/bench.py prints them after the
table): each one met, or the measured figure beside the target.

- The empty view answers at least 1,000 requests/s (else the run says nothing of the app).
- Every endpoint at the largest size within 1.2 times its median at the smallest.
- The last page of the task API within 1.2 times its first page.
- An API list at least 1/5 of the empty view's requests/s, with a 99th percentile under 100 ms:
  the target of a 20-row list, held to for every list of up to 50 rows (the API's page); a
  100-row list (`page_size=100` in its path) at least 1/10, with no target for its p99.
- Any page at least 1/20 of the empty view's requests/s.

Django-free: scripts/bench.py imports it outside the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

EMPTY = "empty view"  # the endpoint every other is measured against (demo.scale.bench)
EMPTY_AT_LEAST = 1000.0  # requests/s
GROWTH_AT_MOST = 1.2
LAST_PAGE_AT_MOST = 1.2
API_SHARE_AT_LEAST = 1 / 5
LONG_LIST_ROWS = 100  # from this many rows a page: a long list
LONG_API_SHARE_AT_LEAST = 1 / 10
DEFAULT_PAGE_ROWS = 50  # common.api.Pagination
API_P99_UNDER_MS = 100.0
PAGE_SHARE_AT_LEAST = 1 / 20
FIRST_PAGE, LAST_PAGE = "large: task API page 1", "large: task API last page"


@dataclass(frozen=True)
class Check:
    target: str
    where: str
    measured: str
    met: bool

    def line(self) -> str:
        verdict = "met" if self.met else "NOT MET"
        return f"{verdict:<8} {self.target:<44} {self.where:<44} {self.measured}"


def is_api(endpoint: str) -> bool:
    return endpoint.startswith("API ") or " API" in endpoint


def page_rows(row: dict[str, Any]) -> int:
    """The rows a page of an API list holds: its path's `page_size`, else the API's page."""
    query = parse_qs(urlsplit(row.get("path", "")).query)
    sizes = query.get("page_size")
    return int(sizes[-1]) if sizes else DEFAULT_PAGE_ROWS


def _median(row: dict[str, Any]) -> float | None:
    return row.get("median_ms")


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def evaluate(rows: Iterable[dict[str, Any]]) -> list[Check]:
    """The checks over a run's rows (scripts/bench.py's `results`)."""
    rows = list(rows)
    by_key = {(r["endpoint"], r["size"], r["worker_class"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    checks: list[Check] = []
    for row in rows:
        where = f"{row['endpoint']}, {row['size']}, {row['worker_class']}"
        empty = by_key[(EMPTY, row["size"], row["worker_class"])]
        share = row["requests_per_second"] / empty["requests_per_second"]
        if row["endpoint"] == EMPTY:
            rate = row["requests_per_second"]
            checks.append(
                Check("empty view >= 1000 req/s", where, f"{rate:.0f} req/s", rate >= 1000)
            )
        elif is_api(row["endpoint"]) and page_rows(row) >= LONG_LIST_ROWS:
            checks.append(
                Check(
                    f"API list of {LONG_LIST_ROWS} >= 1/10 of empty",
                    where,
                    f"{share:.1%}",
                    share >= LONG_API_SHARE_AT_LEAST,
                )
            )
        elif is_api(row["endpoint"]):
            checks.append(
                Check(
                    "API list >= 1/5 of empty", where, f"{share:.1%}", share >= API_SHARE_AT_LEAST
                )
            )
            p99 = row.get("p99_ms")
            checks.append(
                Check(
                    "API list p99 < 100 ms",
                    where,
                    "no request finished" if p99 is None else f"{p99:.1f} ms",
                    p99 is not None and p99 < API_P99_UNDER_MS,
                )
            )
        else:
            checks.append(
                Check("page >= 1/20 of empty", where, f"{share:.1%}", share >= PAGE_SHARE_AT_LEAST)
            )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for (endpoint, size, worker_class), row in by_key.items():
            if size != large or endpoint == EMPTY or (endpoint, small, worker_class) not in by_key:
                continue
            growth = _ratio(_median(row), _median(by_key[(endpoint, small, worker_class)]))
            checks.append(
                Check(
                    f"{large} projects <= 1.2x {small}",
                    f"{endpoint}, {worker_class}",
                    "no median" if growth is None else f"{growth:.2f}x",
                    growth is not None and growth <= GROWTH_AT_MOST,
                )
            )
    for (endpoint, size, worker_class), row in by_key.items():
        first = by_key.get((FIRST_PAGE, size, worker_class))
        if endpoint != LAST_PAGE or first is None:
            continue
        ratio = _ratio(_median(row), _median(first))
        checks.append(
            Check(
                "last page <= 1.2x first",
                f"task API, {size}, {worker_class}",
                "no median" if ratio is None else f"{ratio:.2f}x",
                ratio is not None and ratio <= LAST_PAGE_AT_MOST,
            )
        )
    return checks


def summary(checks: list[Check]) -> dict[str, Any]:
    return {
        "met": sum(check.met for check in checks),
        "checked": len(checks),
        "checks": [asdict(check) for check in checks],
    }
