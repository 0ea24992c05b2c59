"""The earned-value figures of every demo project, as plain strings, so that two databases can
be compared: the figures at a few status dates (today, a third and half of the way through the
project) and the weekly series up to today. Imported by the smoke suite on PostgreSQL, run as a
script on the embedded SQLite default:

    python -m tests.embedded.figures 2026-12-03    # prints JSON
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from decimal import Decimal
from typing import Any


def _plain(value: Any) -> Any:
    """Decimals by value (8.0 and 8.00 are the same figure), dates as ISO text."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def status_dates(project: Any, today: date) -> list[date]:
    dates = {today}
    start = project.start_date or project.baseline_start_date
    if start and project.end_date and project.end_date > start:
        length = project.end_date - start
        dates |= {start + length / 3, start + length / 2}
    return sorted(dates)


def demo_figures(*, today: date) -> dict[str, dict[str, Any]]:
    from projects.earned_value.figures import project_earned_value
    from projects.earned_value.series import earned_value_series
    from projects.models import Project

    result: dict[str, dict[str, Any]] = {}
    for project in Project.objects.order_by("code"):
        result[project.code] = {
            "figures": {
                day.isoformat(): {
                    name: _plain(value)
                    for name, value in dataclasses.asdict(
                        project_earned_value(project, status_date=day)
                    ).items()
                }
                for day in status_dates(project, today)
            },
            "series": [
                {name: _plain(value) for name, value in dataclasses.asdict(point).items()}
                for point in earned_value_series(project, today=today)
            ],
        }
    return result


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(demo_figures(today=date.fromisoformat(sys.argv[1]))))
