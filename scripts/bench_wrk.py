"""wrk for `make bench` (scripts/bench.py): one run against one URL, and the reading of its output.

wrk prints its own summary; the Lua `done` hook below adds one line, `BENCH_RESULT {json}`, with
the figures the benchmark keeps (latencies in microseconds), so nothing depends on the wording
or rounding of the human summary.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

MARKER = "BENCH_RESULT "

DONE_HOOK = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "errors_connect": %d, "errors_read": %d, ' ..
    '"errors_write": %d, "errors_status": %d, "errors_timeout": %d}\n',
    "MARKER", summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
""".replace("MARKER", MARKER)


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    median_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    errors: int  # failed connections, reads, writes, timeouts and answers of 400 or more
    status_errors: int

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "requests_per_second": round(self.requests_per_second, 1)}


def parse(output: str) -> WrkResult:
    """The figures of wrk's output (its stdout with the done hook's line)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            figures = json.loads(line[len(MARKER) :])
            break
    else:
        raise ValueError("wrk's output has no result line: did the done hook run?\n" + output)
    kinds = ("connect", "read", "write", "status", "timeout")
    errors = sum(figures[f"errors_{kind}"] for kind in kinds)
    return WrkResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        median_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        mean_ms=figures["mean_us"] / 1000,
        errors=errors,
        status_errors=figures["errors_status"],
    )


def write_hook(folder: Path) -> Path:
    path = folder / "bench_done.lua"
    path.write_text(DONE_HOOK)
    return path


def run(
    url: str,
    *,
    headers: dict[str, str],
    seconds: int,
    connections: int,
    threads: int,
    hook: Path,
) -> WrkResult:
    command = [
        "wrk",
        f"--connections={connections}",
        f"--threads={threads}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={hook}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    result = subprocess.run(  # noqa: S603  (our own command line)
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    return parse(result.stdout)


def combine(runs: list[WrkResult]) -> WrkResult:
    """The runs of one endpoint (the paired rounds of scripts/bench.py) as one: every request
    counted over their time together; the median, the median of theirs; the 90th and 99th
    percentiles and the longest, the highest of theirs (each run's are kept beside it)."""
    finished = [run for run in runs if run.requests]
    requests = sum(run.requests for run in runs)
    if not finished:
        return WrkResult(
            requests=0,
            seconds=sum(run.seconds for run in runs),
            median_ms=0.0,
            p90_ms=0.0,
            p99_ms=0.0,
            max_ms=0.0,
            mean_ms=0.0,
            errors=sum(run.errors for run in runs),
            status_errors=sum(run.status_errors for run in runs),
        )
    return WrkResult(
        requests=requests,
        seconds=sum(run.seconds for run in runs),
        median_ms=statistics.median(run.median_ms for run in finished),
        p90_ms=max(run.p90_ms for run in finished),
        p99_ms=max(run.p99_ms for run in finished),
        max_ms=max(run.max_ms for run in finished),
        mean_ms=sum(run.mean_ms * run.requests for run in finished) / requests,
        errors=sum(run.errors for run in runs),
        status_errors=sum(run.status_errors for run in runs),
    )
