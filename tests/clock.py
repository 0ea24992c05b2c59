"""The test run's clock: RAPPORT_TEST_CLOCK_OFFSET_DAYS=N moves it N days forward, so that a
fixture whose dates silently age with the calendar fails here, not on a later day.

The test process moves its clock when pytest starts (tests/conftest.py); a worker the tests start
as a separate process moves its own from its settings module, so both sides agree on the day.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import time_machine

OFFSET_DAYS = int(os.environ.get("RAPPORT_TEST_CLOCK_OFFSET_DAYS", "0") or 0)


def move_clock_forward() -> None:
    """Start a ticking clock OFFSET_DAYS ahead for the rest of this process (no-op at 0)."""
    if OFFSET_DAYS:
        time_machine.travel(datetime.now(UTC) + timedelta(days=OFFSET_DAYS), tick=True).start()
