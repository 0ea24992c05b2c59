"""Settings of the processes the embedded smoke suite starts (migrate, seed_demo, the Celery
worker with beat): the embedded default of `make run` (config.settings.local, with DATABASE_URL
and REDIS_URL empty), and the test run's clock (tests/clock.py), so that a run with the clock
moved forward moves these processes too."""

from config.settings.local import *  # noqa: F403
from tests.clock import move_clock_forward

move_clock_forward()
