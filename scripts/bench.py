"""`make bench`: page and API timings on a large generated data set.

Builds (once, scripts/bench_data.py) a data set in its own PostgreSQL database
(BENCH_DATABASE_URL, default rapport_bench next to the test database): 60 clients, 1,500 projects,
4,000 people and 30,000 memberships; then times the busiest pages and API lists (and the search)
for a PM, an AM, a staff admin and a customer representative, and prints median and
95th-percentile times and query counts.

BENCH_PROJECTS (default 1500) sets the number of projects, in clients of 25, for a quicker run;
it applies when the data set is built, so give a smaller one its own BENCH_DATABASE_URL.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

test_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rapport")
parts = urlsplit(test_url)
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", urlunsplit(parts._replace(path="/rapport_bench"))
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["RAPPORT_STAFF_MFA_REQUIRED"] = "false"

import django  # noqa: E402

django.setup()

from bench_data import ensure_database, generate, generate_conversation  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.RAPPORT_STAFF_MFA_REQUIRED = False
settings.ALLOWED_HOSTS = ["*"]

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "1500"))
ROUNDS = 20


def measure(client: Client, url: str) -> tuple[float, float, int, int]:
    timings = []
    queries = 0
    status = 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(context.captured_queries)
        status = response.status_code
    timings.sort()
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    return statistics.median(timings), p95, queries, status


def main() -> None:
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    from accounts.models import User
    from projects.models import Membership, Project, Role

    ensure_database()
    generate(PROJECTS)
    generate_conversation()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum keeps them in production
    from projects.models import Deliverable

    print(
        f"Data set: {Project.objects.count()} projects, {User.objects.count()} people, "
        f"{Membership.objects.count()} memberships, {Deliverable.objects.count()} deliverables"
    )
    busiest_pm = (
        Membership.objects.filter(role=Role.PM)
        .values("user")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    pm = User.objects.get(pk=busiest_pm["user"])
    am = User.objects.filter(memberships__role=Role.AM).distinct().first()
    admin = User.objects.get(email="staff0@bench.test")
    project = Project.objects.filter(memberships__user=pm).first()
    rep = User.objects.filter(
        memberships__role=Role.CUSTOMER_REP, memberships__project=project
    ).first()
    cases = [
        (pm, "/projects/"),
        (pm, f"/projects/{project.pk}/"),
        (pm, f"/projects/{project.pk}/members/"),
        (pm, f"/projects/{project.pk}/plan/"),
        (rep, f"/portal/projects/{project.pk}/"),
        (am, "/clients/"),
        (admin, "/projects/"),
        (rep, "/portal/"),
        (pm, "/api/v1/projects/"),
        (admin, "/api/v1/projects/?page_size=200"),
        (admin, "/api/v1/organizations/"),
        (rep, f"/api/v1/projects/{project.pk}/members/"),
        (rep, f"/api/v1/projects/{project.pk}/deliverables/"),
        # The conversation with the client and the risk register (20 requirements, 3 change
        # requests, 12 risks and threads per project).
        (pm, f"/projects/{project.pk}/requirements/"),
        (pm, f"/projects/{project.pk}/requirements/traceability/"),
        (pm, f"/projects/{project.pk}/change-requests/"),
        (pm, f"/projects/{project.pk}/decisions/"),
        (pm, f"/projects/{project.pk}/risks/"),
        (rep, f"/portal/projects/{project.pk}/requirements/"),
        (rep, f"/portal/projects/{project.pk}/risks/"),
        (pm, f"/api/v1/projects/{project.pk}/requirements/"),
        (pm, f"/api/v1/projects/{project.pk}/risks/"),
        (pm, "/search/?q=columns"),
        (rep, "/portal/search/?q=columns"),
        # Search over the whole data set: a common word (every milestone and deliverable
        # matches) and a rare one, for the busiest PM, a staff admin (all 1,500 projects) and a
        # customer representative; one query per kind, through the GIN indexes.
        (pm, "/search/?q=deliverable"),
        (admin, "/search/?q=deliverable"),
        (admin, f"/search/?q={project.code}"),
        (rep, "/portal/search/?q=milestone"),
        (admin, "/api/v1/search/?q=deliverable"),
    ]
    print(f"\n{'who':<22} {'url':<42} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    for user, url in cases:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        median, p95, queries, status = measure(client, url)
        who = f"{user.email.split('@')[0]} ({len(user.project_roles)} proj.)"
        print(f"{who:<22} {url:<42} {median:>10.1f} {p95:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
