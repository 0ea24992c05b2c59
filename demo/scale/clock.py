"""The benchmark's clock: the time of the data set it serves, not today's.

seed_scale places every date around its anchor (a fixed day, never today), so that the same
options build the same data. Served on today's clock, that data is years away: a ticket's
response time spans years, a survey window is empty, a report is not due. The benchmark's
processes therefore run on one shared clock that started at the anchor when the run started
and ticks from there.

BENCH_CLOCK holds "<anchor, ISO 8601> <the run's start, Unix seconds>". Each process moves to
anchor + (now - start) and lets time tick; the processes of one run agree on the time.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from typing import Any

ENVIRONMENT_VARIABLE = "BENCH_CLOCK"


def value(anchor: datetime, started: float) -> str:
    """The BENCH_CLOCK of a run that started at `started` (Unix seconds) on `anchor`."""
    return f"{anchor.isoformat()} {started:.6f}"


def now_for(setting: str, real_now: float) -> datetime:
    """The run's time at the real Unix time `real_now`."""
    anchor, started = setting.split()
    return datetime.fromisoformat(anchor) + timedelta(seconds=real_now - float(started))


def start_from_environment() -> Any:
    """Move this process onto the run's clock, if the environment names one; the traveller
    (whose stop() returns to the real clock), or None."""
    setting = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not setting:
        return None
    import time_machine

    traveller = time_machine.travel(now_for(setting, time.time()), tick=True)
    traveller.start()
    return traveller
