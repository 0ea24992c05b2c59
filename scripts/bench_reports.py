"""`make bench-reports`: 10,000 status-report e-mails (3,334 projects x 3 recipients) through the
real path — the dispatcher, Celery workers on Redis, WeasyPrint, SMTP — with faults injected.

Everything runs on private services so that nothing shared is disturbed: its own PostgreSQL
database (BENCH_REPORTS_DATABASE_URL, default rapport_bench_reports next to DATABASE_URL, created
afresh), a private `redis-server` on port 6390 (BENCH_REPORTS_REDIS_PORT) and a loopback SMTP
sink (aiosmtpd) that records every message it accepts (scripts/bench_reports_services.py).

Run: two Celery workers (prefork, two processes each) and two dispatchers started at the same
moment (a second beat); while e-mails flow, one worker is killed with SIGKILL (and started
again), and Redis is restarted (its queued tasks are lost: nothing is persisted). A "beat" loop
runs the dispatcher and the sweeper every few seconds, as the real beat does every few minutes.
At the end: total time, PDF rendering time (once per report), e-mails per second, queries per
report (with few and with all projects), duplicates and missing e-mails; then the period is
dispatched again, which must send nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench_reports_services import (
    DISPATCH,
    CpuMeter,
    free_port,
    fresh_database,
    run_python,
    start_redis,
    start_sink,
    start_worker,
)

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--projects", type=int, default=3334)
parser.add_argument("--no-faults", action="store_true", help="no kill, no Redis restart")
parser.add_argument("--workers", type=int, default=2)
parser.add_argument("--concurrency", type=int, default=2)
parser.add_argument("--timeout", type=int, default=1500)
ARGS = parser.parse_args()

source_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rapport")
DATABASE_URL = os.environ.get(
    "BENCH_REPORTS_DATABASE_URL",
    urlunsplit(urlsplit(source_url)._replace(path="/rapport_bench_reports")),
)
REDIS_PORT = int(os.environ.get("BENCH_REPORTS_REDIS_PORT", "6390"))
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
VAR_DIR = Path(tempfile.mkdtemp(prefix="rapport-bench-reports-"))
SMTP_PORT = free_port()
ENV = {
    **os.environ,
    "DJANGO_ENV": "local",
    "DEBUG": "false",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "RAPPORT_VAR_DIR": str(VAR_DIR),
    "REPORTS_SWEEP_GRACE_SECONDS": "15",
    "REPORTS_SENDING_STALE_SECONDS": "30",
    "OUTBOX_RETRY_BASE_SECONDS": "2",
    "DJANGO_SETTINGS_MODULE": "config.settings.from_env",
}
os.environ.update(ENV)


def worker(name: str) -> subprocess.Popen:
    """A Celery worker, `name`@bench, on the private Redis."""
    return start_worker(name, concurrency=ARGS.concurrency, env=ENV, log_dir=VAR_DIR)


def dispatcher() -> subprocess.Popen:
    """A dispatcher run in a process of its own, as a beat would start it."""
    return run_python(DISPATCH, env=ENV, log_dir=VAR_DIR)


def main() -> None:
    redis_process = start_redis(REDIS_PORT, VAR_DIR)
    print(f"private Redis on {REDIS_PORT}, database {DATABASE_URL}, files in {VAR_DIR}")
    fresh_database(DATABASE_URL, ENV)

    import django

    django.setup()
    from django.core import mail
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Organization, User
    from projects.models import Membership, Project, Role
    from reports.delivery import report_deliver
    from reports.dispatch import reports_dispatch
    from reports.models import Report, ReportDelivery, ReportRendition, ReportSchedule
    from reports.schedule import monday_of

    zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York"]
    Organization.objects.get_or_create(kind="provider", defaults={"name": "Provider"})
    now = timezone.now()

    def create_projects(start: int, count: int) -> None:
        clients = Organization.objects.bulk_create(
            Organization(name=f"Bench client {i}", kind="client", time_zone=zones[i % 3])
            for i in range(start, start + count)
        )
        projects = Project.objects.bulk_create(
            Project(client=c, code=f"B-{start + i}", name=f"Bench project {start + i}")
            for i, c in enumerate(clients)
        )
        roles = [Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER]
        users = User.objects.bulk_create(
            User(
                email=f"{role}.{p.pk}@bench.test",
                display_name=f"{role} {p.pk}",
                organization=p.client,
                side="client",
                language="zh-hans" if p.pk % 3 == 0 else "en",
                password="!",  # noqa: S106  (unusable)
            )
            for p in projects
            for role in roles
        )
        Membership.objects.bulk_create(
            Membership(
                project=p,
                user=users[3 * i + j],
                role=role,
                member_organization_id=p.client_id,
                member_side="client",
                project_client_id=p.client_id,
            )
            for i, p in enumerate(projects)
            for j, role in enumerate(roles)
        )
        ReportSchedule.objects.bulk_create(
            ReportSchedule(
                project=p,
                anchor_date=monday_of(now.date()),
                recipient_roles=roles,
                next_run_at=now - timezone.timedelta(minutes=1),
                summary="Bench summary: **on track**.",
                weekday=now.weekday(),
            )
            for p in projects
        )

    def queries_per_report() -> tuple[int, int]:
        """Queries to create one report (dispatcher) and to deliver it (render + 3 e-mails),
        measured on one extra project and rolled back."""
        from django.conf import settings

        create_projects(10_000_000 + Project.objects.count(), 1)
        extra = ReportSchedule.objects.order_by("-pk").first()
        backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail.outbox = []
        try:
            with transaction.atomic():
                others = ReportSchedule.objects.exclude(pk=extra.pk)
                paused = list(others.values_list("pk", flat=True))
                others.update(is_active=False)
                with CaptureQueriesContext(connection) as creating:
                    reports_dispatch(now=now)
                report = Report.objects.get(project=extra.project)
                with CaptureQueriesContext(connection) as delivering:
                    report_deliver(report_id=report.pk)
                if len(mail.outbox) != 3:
                    raise SystemExit("the measured report did not send 3 e-mails")
                ReportSchedule.objects.filter(pk__in=paused).update(is_active=True)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
        finally:
            settings.EMAIL_BACKEND = backend
        ReportSchedule.objects.filter(pk=extra.pk).delete()
        return len(creating.captured_queries), len(delivering.captured_queries)

    def beat() -> None:
        """What the beat runs (every few minutes in production, every 5 s here)."""
        from kombu.exceptions import OperationalError

        from reports.tasks import requeue_swept

        try:
            reports_dispatch()
            requeue_swept()
        except OperationalError:
            pass  # Redis is restarting: the next beat catches up

    create_projects(0, 10)
    few = queries_per_report()
    ReportSchedule.objects.all().delete()
    Project.objects.all().delete()
    create_projects(100, ARGS.projects)
    many = queries_per_report()
    expected = ReportSchedule.objects.count() * 3
    print(f"{ARGS.projects} projects, {expected} e-mails to send")

    sink, controller = start_sink(SMTP_PORT)
    workers = {f"w{i}": worker(f"w{i}") for i in range(ARGS.workers)}
    time.sleep(4)  # the workers connect

    meter = CpuMeter()
    meter.start()
    started = time.monotonic()
    dispatchers = [dispatcher(), dispatcher()]  # two beats at once
    faults: list[str] = []
    killed = restarted = False
    beat_every, last_beat = 5.0, time.monotonic()
    deadline = started + ARGS.timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        sent = sink.total()
        if not ARGS.no_faults and not killed and sent >= expected * 0.2:
            victim = workers["w0"]
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait()
            faults.append(f"SIGKILL worker w0 at {sent} e-mails")
            workers["w0"] = worker("w0")
            killed = True
        if not ARGS.no_faults and not restarted and sent >= expected * 0.5:
            redis_process.kill()
            redis_process.wait()
            redis_process = start_redis(REDIS_PORT, VAR_DIR)
            faults.append(f"Redis restarted at {sent} e-mails (queued tasks lost)")
            restarted = True
        if time.monotonic() - last_beat > beat_every:
            beat()
            last_beat = time.monotonic()
        done = ReportDelivery.objects.filter(status__in=["sent", "failed"]).count()
        if done >= expected and ReportDelivery.objects.count() >= expected:
            break
    total = time.monotonic() - started
    cpu_by_kind, machine_busy, machine_total = meter.finish()
    time.sleep(2)  # room for a late duplicate
    created = [int(d.communicate()[0].strip() or 0) for d in dispatchers]

    deliveries = list(ReportDelivery.objects.values_list("message_id", "status"))
    received = sink.by_message_id
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    missing = sum(1 for message_id, _status in deliveries if received[message_id] == 0)
    failed = sum(1 for _m, status in deliveries if status == "failed")
    reports = Report.objects.count()
    renditions = ReportRendition.objects.aggregate(seconds=Sum("pdf_seconds"))
    pdf_seconds = renditions["seconds"] or 0.0
    cores = os.cpu_count() or 1
    # PDF time is CPU time (reports.rendering), so over the machine's cores it takes at least:
    pdf_wall = pdf_seconds / cores

    # The same period again: nothing more is created or sent.
    before = sink.total()
    ReportSchedule.objects.update(next_run_at=now - timezone.timedelta(minutes=1))
    rerun = reports_dispatch(now=now)
    time.sleep(5)
    after = sink.total()

    print()
    print(
        f"dispatchers created           {created} reports (sum {sum(created)}; expected {reports})"
    )
    print(f"faults                        {faults or 'none'}")
    print(f"reports / e-mails             {reports} / {len(deliveries)} (expected {expected})")
    print(f"total time                    {total:.1f} s")
    print(
        f"PDF rendering                 {pdf_seconds:.1f} s CPU for "
        f"{ReportRendition.objects.count()} renditions "
        f"({pdf_seconds / max(reports, 1):.3f} s per report; ~{pdf_wall:.1f} s wall over "
        f"{cores} cores)"
    )
    print(f"everything but PDF (estimate) {total - pdf_wall:.1f} s")
    print(f"e-mails per second            {len(deliveries) / total:.1f}")
    print(
        f"queries per report            create {few[0]} / deliver {few[1]} with 10 projects; "
        f"create {many[0]} / deliver {many[1]} with {ARGS.projects}"
    )
    print(
        f"CPU, whole machine            {machine_busy:.0f} s busy of {machine_total:.0f} s "
        f"({100 * machine_busy / max(machine_total, 1):.0f} %)"
    )
    print(
        "CPU by process                "
        + ", ".join(f"{kind} {seconds:.0f} s" for kind, seconds in cpu_by_kind.items())
    )
    non_pdf = cpu_by_kind["workers"] - pdf_seconds
    print(
        f"CPU per report (not PDF)      workers {1000 * non_pdf / max(reports, 1):.0f} ms, "
        f"postgres {1000 * cpu_by_kind['postgres'] / max(reports, 1):.0f} ms, "
        f"sink {1000 * cpu_by_kind['bench+sink'] / max(reports, 1):.0f} ms, "
        f"dispatchers {1000 * cpu_by_kind['dispatchers'] / max(reports, 1):.0f} ms"
    )
    print(f"duplicates                    {duplicates}")
    print(f"missing                       {missing} (failed: {failed})")
    print(f"re-run of the period          {rerun.created} reports, {after - before} e-mails")

    for process in workers.values():
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in workers.values():
        process.wait(30)
    controller.stop()
    redis_process.terminate()
    redis_process.wait()
    shutil.rmtree(VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
