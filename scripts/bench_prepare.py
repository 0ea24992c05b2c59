"""The Django side of `make bench` (scripts/bench.py), for one data set: run with the same
settings and database as the gunicorn it measures.

It finds the cast and the endpoints (demo.scale.bench), enrols the provider people of the cast
in a second factor (a TOTP authenticator, as production requires of staff: the check runs on
every request, as in production), signs each person in through Django's session machinery (the
session cookie wrk sends), opens every endpoint twice in process with the test client and
counts the queries of the second request. It prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

from demo.scale.clock import start_from_environment  # noqa: E402

start_from_environment()  # the server's clock: the data set's time (demo.scale.clock)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from demo.scale.bench import (  # noqa: E402
    cast_for_bench,
    endpoints_for,
    enrol_second_factor,
    provider_people,
)
from projects.models import Membership, Project, Role  # noqa: E402

# Production sits behind a TLS-terminating proxy (config/settings/production.py); so does the
# benchmark, as far as the app can tell.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def main() -> None:
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    cast = cast_for_bench()
    for person in provider_people(cast):
        enrol_second_factor(person)
    clients: dict[int, Client] = {}
    rows = []
    for endpoint in endpoints_for(cast):
        client = clients.get(endpoint.user.pk)
        if client is None:
            client = Client(headers=PROXY_HEADERS, HTTP_HOST="127.0.0.1")
            client.force_login(endpoint.user)
            clients[endpoint.user.pk] = client
        client.get(endpoint.path)  # caches warmed, as the load generator's later requests find
        with CaptureQueriesContext(connection) as queries:
            response = client.get(endpoint.path)
        rows.append(
            {
                "name": endpoint.name,
                "path": endpoint.path,
                "user": endpoint.user.email,
                "cookie": f"{settings.SESSION_COOKIE_NAME}="
                f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": len(queries.captured_queries),
            }
        )
    pm_projects = Membership.objects.filter(user=cast.pm, role=Role.PM).count()
    totals = Project.objects.aggregate(projects=Count("id"))
    print(
        json.dumps(
            {
                "data": {
                    "projects": totals["projects"],
                    "people": User.objects.count(),
                    "pm_projects": pm_projects,
                    "large_project_tasks": cast.large_tasks,
                },
                "endpoints": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
