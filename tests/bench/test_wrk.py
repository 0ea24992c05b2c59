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
