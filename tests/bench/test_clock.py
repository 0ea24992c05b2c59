"""The benchmark's clock (demo.scale.clock): its processes run at the data set's time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import time_machine

from demo.scale import clock

ANCHOR = datetime(2030, 1, 7, 9, tzinfo=UTC)


def test_the_run_s_time_is_the_anchor_plus_what_has_passed_since_the_run_started():
    setting = clock.value(ANCHOR, 1_000.0)

    assert clock.now_for(setting, 1_000.0) == ANCHOR
    assert clock.now_for(setting, 1_090.5) == ANCHOR + timedelta(seconds=90.5)


def real_now() -> datetime:
    """The machine's clock, which the processes started here read, even while this one runs
    with its clock moved (tests/clock.py)."""
    hatch = time_machine.escape_hatch
    return datetime.fromtimestamp(hatch.time.time() if hatch.is_travelling() else time.time(), UTC)


def _in_a_process(code: str, setting: str | None) -> str:
    env = dict(os.environ)
    env.pop(clock.ENVIRONMENT_VARIABLE, None)
    if setting is not None:
        env[clock.ENVIRONMENT_VARIABLE] = setting
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


READ_THE_TIME = (
    "from demo.scale.clock import start_from_environment\n"
    "start_from_environment()\n"
    "import datetime, time\n"
    "first = time.time()\n"
    "time.sleep(0.05)\n"
    "print(datetime.datetime.now(datetime.UTC).isoformat(), datetime.date.today(), "
    "time.time() - first)"
)


def test_a_process_started_later_in_the_run_agrees_on_the_time_and_the_clock_ticks():
    started = real_now().timestamp() - 3_600  # the run started an hour ago
    now, today, ticked = _in_a_process(READ_THE_TIME, clock.value(ANCHOR, started)).split()

    moment = datetime.fromisoformat(now)
    assert ANCHOR + timedelta(minutes=59) < moment < ANCHOR + timedelta(minutes=62)
    assert today == "2030-01-07"
    assert 0.04 < float(ticked) < 5


def test_without_the_setting_a_process_keeps_the_real_clock():
    now = _in_a_process(READ_THE_TIME, None).split()[0]

    assert abs(datetime.fromisoformat(now) - real_now()) < timedelta(minutes=1)


def test_the_benchmark_s_wsgi_application_answers_on_the_run_s_clock():
    code = (
        "import sys\n"
        "sys.path.insert(0, 'scripts')\n"
        "from bench_wsgi import application\n"
        "from django.utils import timezone\n"
        "print(callable(application), timezone.now().date())"
    )
    output = _in_a_process(code, clock.value(ANCHOR, real_now().timestamp()))

    assert output.splitlines()[-1] == "True 2030-01-07"
