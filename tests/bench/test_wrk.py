"""Reading wrk's output (scripts/bench_wrk.py), on a run recorded against gunicorn."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# wrk against gunicorn's /healthz (3 s, 8 connections) with the done hook; its figures:
SAMPLE = Path(__file__).with_name("wrk_sample.txt")
SAMPLE_REQUESTS = 3516
SAMPLE_SECONDS = 3.016555
SAMPLE_MEDIAN_MS = 5.070
SAMPLE_P99_MS = 719.912


def load_bench_wrk():
    path = BASE_DIR / "scripts" / "bench_wrk.py"
    spec = importlib.util.spec_from_file_location("bench_wrk", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_wrk"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench_wrk = load_bench_wrk()


def test_the_figures_of_a_recorded_run():
    result = bench_wrk.parse(SAMPLE.read_text())

    assert result.requests == SAMPLE_REQUESTS
    assert result.seconds == pytest.approx(SAMPLE_SECONDS, abs=0.001)
    assert result.median_ms == pytest.approx(SAMPLE_MEDIAN_MS, abs=0.001)
    assert result.p99_ms == pytest.approx(SAMPLE_P99_MS, abs=0.001)
    assert result.requests_per_second == pytest.approx(SAMPLE_REQUESTS / SAMPLE_SECONDS)
    assert result.errors == 0
    assert result.as_dict()["requests_per_second"] == round(SAMPLE_REQUESTS / SAMPLE_SECONDS, 1)


def test_the_errors_are_counted():
    text = SAMPLE.read_text().replace('"errors_status": 0', '"errors_status": 3')
    text = text.replace('"errors_timeout": 0', '"errors_timeout": 2')

    result = bench_wrk.parse(text)

    assert (result.errors, result.status_errors) == (5, 3)


def test_output_without_the_hook_line_is_refused():
    summary = "\n".join(
        line for line in SAMPLE.read_text().splitlines() if not line.startswith(bench_wrk.MARKER)
    )
    with pytest.raises(ValueError, match="no result line"):
        bench_wrk.parse(summary)


def _run(requests: int, seconds: float, median: float, p99: float, mean: float, errors: int = 0):
    return bench_wrk.WrkResult(
        requests=requests,
        seconds=seconds,
        median_ms=median,
        p90_ms=p99 / 2,
        p99_ms=p99,
        max_ms=p99 * 2,
        mean_ms=mean,
        errors=errors,
        status_errors=0,
    )


def test_paired_rounds_are_combined_into_one_figure_per_endpoint():
    rounds = [
        _run(400, 4.0, median=10.0, p99=40.0, mean=12.0),
        _run(200, 4.0, median=30.0, p99=90.0, mean=33.0, errors=1),
        _run(300, 4.0, median=20.0, p99=50.0, mean=22.0),
    ]

    combined = bench_wrk.combine(rounds)

    assert combined.requests == 900
    assert combined.requests_per_second == pytest.approx(900 / 12.0)
    assert combined.median_ms == 20.0  # the median of the rounds' medians
    assert (combined.p90_ms, combined.p99_ms, combined.max_ms) == (45.0, 90.0, 180.0)
    assert combined.mean_ms == pytest.approx((400 * 12 + 200 * 33 + 300 * 22) / 900)
    assert combined.errors == 1


def test_rounds_in_which_no_request_finished_give_no_latency():
    empty = _run(0, 4.0, median=0.0, p99=0.0, mean=0.0)
    assert bench_wrk.combine([empty, empty]).requests == 0
    one = bench_wrk.combine([empty, _run(10, 4.0, median=5.0, p99=9.0, mean=5.5)])
    assert (one.requests, one.median_ms, one.seconds) == (10, 5.0, 8.0)


class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make bench-deps)")
def test_the_done_hook_runs_in_wrk(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = bench_wrk.run(
            f"http://127.0.0.1:{server.server_port}/",
            headers={"Cookie": "sessionid=x"},
            seconds=1,
            connections=1,
            threads=1,
            hook=bench_wrk.write_hook(tmp_path),
        )
    finally:
        server.shutdown()
    assert result.requests > 0
    assert result.errors == 0
    assert 0 < result.median_ms <= result.p99_ms
