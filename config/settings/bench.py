"""`make bench` (scripts/bench.py): production's settings, with the API's throttling lifted.

The load generator calls the API thousands of times a minute as one person; production's rate
(1,200 a minute) would turn the measurement into one of 429 answers. The throttle still runs and
still keeps its counters in Redis, as in production. Nothing else differs."""

from config.settings.production import *  # noqa: F403
from config.settings.production import REST_FRAMEWORK

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "1000000/min",
        "user": "1000000/min",
        "token": "1000000/min",
    },
}
