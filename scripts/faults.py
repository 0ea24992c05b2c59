"""The fault suite (`make faults`): the real stack, a bounded workload, one fault per run.

    python scripts/faults.py [--only NAME ...] [--outage SECONDS] [--smtp-outage SECONDS]

A private stack (scripts/fault_stack.py: PostgreSQL, Redis, an SMTP server, gunicorn with two
workers on the production settings, a Celery worker and beat) is seeded with the demo data. Each
run drives a workload through it — customer representatives raising complaints through the API
(a token each) and through the portal's form (signed in), readers of pages and API lists, a
status report falling due — and injects one fault in the middle. Afterwards it checks, from the
database and from what the SMTP server received:

- requests and errors, inside the outage window (+10 s) and outside it;
- acknowledged writes lost (a 201 or a redirect whose complaint is not in the database);
- 5xx answers for writes whose effect was committed (the client would retry and duplicate);
- e-mails and report deliveries of the run missing or received twice (by Message-ID);
- the time to recover: from the service's return until requests succeed and every e-mail of the
  run is delivered;
- processes that exited and were started again by the supervisor (docker's restart policy).

It prints one table and exits non-zero when a target is missed: 0 lost, 0 duplicates (at most one
at a worker kill: the message in flight), no error outside the window, no 5xx after a commit,
recovery within 2 minutes of the service's return, and no process restarted except the one the
fault killed.
"""

from __future__ import annotations

import argparse
import http.cookies
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.fault_stack import Stack

WINDOW_GRACE_SECONDS = 10
RECOVERY_TARGET_SECONDS = 120
DRAIN_LIMIT_SECONDS = 330
PASSWORD = "rapport-demo-2026"  # noqa: S105  (the demo data's, on a private database)


# --- The workload -------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "api-write", "page-write", "read"
    started: float
    finished: float
    status: int  # 0: no answer (connection refused or reset)
    marker: str = ""


@dataclass
class Workload:
    base_url: str
    tokens: dict[str, str]  # e-mail -> API token
    projects: dict[str, int]  # e-mail -> a project the person may raise a complaint on
    run: str
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    counter: int = 0

    def _marker(self) -> str:
        with self.lock:
            self.counter += 1
            return f"fault-{self.run}-{self.counter:05d}"

    def _record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def _call(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        request = urllib.request.Request(  # noqa: S310  (our own stack, http://127.0.0.1)
            self.base_url + path, data=body, method=method, headers=headers
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.headers.items(), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.items(), error.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return 0, [], b""

    def api_writer(self, person: str) -> None:
        headers = {
            "Authorization": f"Token {self.tokens[person]}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        path = f"/api/v1/projects/{self.projects[person]}/feedback-tickets/"
        while not self.stopping.is_set():
            marker = self._marker()
            body = json.dumps(
                {"kind": "complaint", "title": marker, "description": "Raised by the fault suite."}
            ).encode()
            started = time.monotonic()
            status, _headers, _content = self._call("POST", path, body=body, headers=headers)
            self._record(Outcome("api-write", started, time.monotonic(), status, marker))
            time.sleep(0.4)

    def page_writer(self, person: str) -> None:
        session = PageSession(self)
        while not self.stopping.is_set():
            if not session.signed_in and not session.sign_in(person):
                time.sleep(1)
                continue
            marker = self._marker()
            started = time.monotonic()
            status = session.raise_complaint(self.projects[person], marker)
            self._record(Outcome("page-write", started, time.monotonic(), status, marker))
            time.sleep(0.6)

    def reader(self, person: str) -> None:
        headers = {"Authorization": f"Token {self.tokens[person]}", "Accept": "application/json"}
        paths = ["/api/v1/projects/", f"/api/v1/projects/{self.projects[person]}/"]
        index = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            status, _headers, _content = self._call("GET", paths[index % 2], headers=headers)
            self._record(Outcome("read", started, time.monotonic(), status))
            index += 1
            time.sleep(0.3)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class PageSession:
    """A signed-in browser, as far as cookies and the CSRF token go. Production cookies are
    Secure: the requests say they came through the TLS proxy (X-Forwarded-Proto)."""

    def __init__(self, workload: Workload) -> None:
        self.workload = workload
        self.cookies: dict[str, str] = {}
        self.signed_in = False

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        origin = self.workload.base_url.replace("http://", "https://", 1)
        headers = {"X-Forwarded-Proto": "https", "Referer": origin + "/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple:
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        extra = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        status, headers, content = self.workload._call(
            method, path, body=body, headers=self._headers(extra)
        )
        for key, value in headers:  # each Set-Cookie header (there are several)
            if key.lower() == "set-cookie":
                self._take_cookies(value)
        return status, headers, content

    def _take_cookies(self, header: str) -> None:
        jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            self.cookies[name] = morsel.value

    def _csrf(self, content: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        return found.group(1).decode() if found else ""

    def sign_in(self, person: str) -> bool:
        self.cookies.clear()
        status, _headers, content = self._request("GET", "/accounts/login/")
        if status != 200:
            return False
        status, _headers, _content = self._request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": self._csrf(content), "login": person, "password": PASSWORD},
        )
        self.signed_in = status == 302 and "sessionid" in self.cookies
        return self.signed_in

    def raise_complaint(self, project_id: int, marker: str) -> int:
        status, _headers, content = self._request("GET", "/portal/feedback/new/")
        if status != 200:
            if status in (302, 403):
                self.signed_in = False
            return status
        status, _headers, _content = self._request(
            "POST",
            "/portal/feedback/new/",
            {
                "csrfmiddlewaretoken": self._csrf(content),
                "project": str(project_id),
                "kind": "complaint",
                "severity": "medium",
                "title": marker,
                "description": "Raised by the fault suite through the portal.",
            },
        )
        return status


# --- Faults -------------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    # Breaks the stack; returns the function that mends it (None: it mends itself).
    inject: Callable[[Stack], Callable[[Stack], None] | None]
    duration: float = 0.0  # how long the service stays broken before it is mended
    # The processes this fault may leave restarted by the supervisor.
    may_restart: tuple[str, ...] = ()
    # At most this many e-mails may arrive twice (the one in flight at a worker kill).
    duplicates_allowed: int = 0
    # Messages to this address are refused for good (550): they fail at once, once tried.
    refuse_forever: str = ""


def kill_worker(stack: Stack) -> None:
    stack.processes["worker"].kill(signal.SIGKILL)


def kill_web_workers(stack: Stack) -> None:
    for pid in stack.processes["web"].children():
        os.kill(pid, signal.SIGKILL)


def restart_redis(stack: Stack) -> None:
    stack.redis.stop()
    stack.redis.start()


def faults(outage: float, smtp_outage: float) -> list[Fault]:
    def down(stop: Callable[[Stack], None], start: Callable[[Stack], None]):  # type: ignore[no-untyped-def]
        def inject(stack: Stack) -> Callable[[Stack], None]:
            stop(stack)
            return start

        return inject

    def smtp_reply(reply: str):  # type: ignore[no-untyped-def]
        def inject(stack: Stack) -> Callable[[Stack], None]:
            stack.smtp.reply = reply

            def mend(stack: Stack) -> None:
                stack.smtp.reply = None

            return mend

        return inject

    def smtp_refuse(address: str):  # type: ignore[no-untyped-def]
        def inject(stack: Stack) -> None:
            stack.smtp.refused.add(address)

        return inject

    return [
        Fault("worker kill -9", lambda s: kill_worker(s), 0, ("worker",), duplicates_allowed=1),
        Fault("gunicorn workers kill -9", lambda s: kill_web_workers(s), 0),
        Fault("Redis restart", lambda s: restart_redis(s), 0),
        Fault(
            f"Redis down {outage:.0f} s",
            down(lambda s: s.redis.stop(), lambda s: s.redis.start()),
            outage,
        ),
        Fault(
            "PostgreSQL restart",
            down(lambda s: s.postgres.stop(), lambda s: s.postgres.start()),
            0,
        ),
        Fault(
            f"PostgreSQL down {outage:.0f} s",
            down(lambda s: s.postgres.stop(), lambda s: s.postgres.start()),
            outage,
        ),
        Fault(
            f"SMTP down {smtp_outage:.0f} s",
            down(lambda s: s.smtp.stop(), lambda s: s.smtp.start()),
            smtp_outage,
        ),
        Fault(f"SMTP 451 for {smtp_outage:.0f} s", smtp_reply("451 4.3.0 Try later"), smtp_outage),
        Fault(
            "SMTP 550 for one address",
            smtp_refuse("admin@northwind.example"),
            0,
            refuse_forever="admin@northwind.example",
        ),
    ]


# --- One run ------------------------------------------------------------------------------------


@dataclass
class Result:
    fault: str
    requests: int = 0
    errors_inside: int = 0
    errors_outside: int = 0
    writes_acknowledged: int = 0
    writes_lost: int = 0
    committed_then_5xx: int = 0
    emails: int = 0
    emails_missing: int = 0
    emails_duplicated: int = 0
    refused_failed_at_once: str = "-"
    reports: int = 0
    reports_missing: int = 0
    reports_duplicated: int = 0
    recovery_seconds: float | None = None
    restarts: str = ""
    failures: list[str] = field(default_factory=list)


def is_error(outcome: Outcome) -> bool:
    if outcome.status == 0 or outcome.status >= 500:
        return True
    return outcome.kind != "read" and outcome.status not in (200, 201, 302)


def run_one(stack: Stack, fault: Fault, number: int, world: dict) -> Result:  # type: ignore[type-arg]
    from django.db import close_old_connections
    from django.utils import timezone

    from feedback.models import FeedbackTicket
    from notifications.models import OutboxMessage
    from reports.models import ReportDelivery, ReportSchedule

    close_old_connections()
    result = Result(fault.name)
    run_started_at = timezone.now()
    # A status report falls due in this run (a distinct past period, so a new report).
    ReportSchedule.objects.filter(pk=world["schedule"]).update(
        next_run_at=run_started_at - timedelta(days=200 - 7 * number), is_active=True
    )
    workload = Workload(stack.base_url, world["tokens"], world["projects"], run=str(number))
    threads = [
        threading.Thread(target=workload.api_writer, args=(person,))
        for person in world["api_writers"]
    ]
    threads.append(threading.Thread(target=workload.page_writer, args=(world["page_writer"],)))
    threads.append(threading.Thread(target=workload.reader, args=(world["api_writers"][0],)))
    for thread in threads:
        thread.start()

    time.sleep(15)
    fault_started = time.monotonic()
    mend = fault.inject(stack)
    if fault.duration:
        time.sleep(fault.duration)
    if mend is not None:
        mend(stack)
    fault_ended = time.monotonic()
    time.sleep(20)
    workload.stopping.set()
    for thread in threads:
        thread.join(60)
    close_old_connections()

    window_end = fault_ended + WINDOW_GRACE_SECONDS
    outcomes = sorted(workload.outcomes, key=lambda o: o.started)
    result.requests = len(outcomes)
    last_error_end = fault_ended
    for outcome in outcomes:
        if not is_error(outcome):
            continue
        inside = outcome.finished >= fault_started and outcome.started <= window_end
        if inside:
            result.errors_inside += 1
        else:
            result.errors_outside += 1
        last_error_end = max(last_error_end, outcome.finished)

    markers = set(
        FeedbackTicket.objects.filter(title__startswith=f"fault-{number}-").values_list(
            "title", flat=True
        )
    )
    for outcome in outcomes:
        if outcome.kind == "read":
            continue
        acknowledged = outcome.status in (201, 302)
        if acknowledged:
            result.writes_acknowledged += 1
            if outcome.marker not in markers:
                result.writes_lost += 1
        elif outcome.status >= 500 and outcome.marker in markers:
            result.committed_then_5xx += 1

    # E-mails and report deliveries of the run, until every one is delivered (or given up).
    def pending() -> tuple[list, list]:  # type: ignore[type-arg]
        close_old_connections()
        emails = list(
            OutboxMessage.objects.filter(created_at__gte=run_started_at).values_list(
                "message_id", "status", "to_email", "attempts"
            )
        )
        deliveries = list(
            ReportDelivery.objects.filter(created_at__gte=run_started_at).values_list(
                "message_id", "status", "email", "attempts"
            )
        )
        return emails, deliveries

    def settled(rows: list) -> bool:  # type: ignore[type-arg]
        received = stack.smtp.counts()
        for message_id, status, address, _attempts in rows:
            if address == fault.refuse_forever:
                if status != "failed":
                    return False
            elif received[message_id] < 1:
                return False
        return True

    drained_at = None
    deadline = fault_ended + DRAIN_LIMIT_SECONDS
    while time.monotonic() < deadline:
        emails, deliveries = pending()
        if deliveries and settled(emails) and settled(deliveries):
            drained_at = time.monotonic()
            break
        time.sleep(1)
    time.sleep(3)  # room for a duplicate to show up, if there were one
    emails, deliveries = pending()
    received = stack.smtp.counts()

    def count(rows: list) -> tuple[int, int, int]:  # type: ignore[type-arg]
        missing = duplicated = 0
        for message_id, _status, address, _attempts in rows:
            if address == fault.refuse_forever:
                continue
            if received[message_id] == 0:
                missing += 1
            duplicated += max(received[message_id] - 1, 0)
        return len(rows), missing, duplicated

    result.emails, result.emails_missing, result.emails_duplicated = count(emails)
    result.reports, result.reports_missing, result.reports_duplicated = count(deliveries)
    if fault.refuse_forever:
        refused = [row for row in emails + deliveries if row[2] == fault.refuse_forever]
        once = [row for row in refused if row[1] == "failed" and row[3] == 1]
        result.refused_failed_at_once = f"{len(once)}/{len(refused)}"
        if not refused or len(once) != len(refused):
            result.failures.append("a permanent refusal was retried or not recorded")
        stack.smtp.refused.discard(fault.refuse_forever)
    if drained_at is not None:
        result.recovery_seconds = max(drained_at, last_error_end) - fault_ended
    restarted = {name: n for name, n in stack.restarts().items() if n > world["restarts"][name]}
    result.restarts = ", ".join(
        f"{name} ×{n - world['restarts'][name]}" for name, n in restarted.items()
    )
    world["restarts"] = stack.restarts()

    # The targets.
    if result.writes_lost:
        result.failures.append(f"{result.writes_lost} acknowledged writes lost")
    if result.committed_then_5xx:
        result.failures.append(f"{result.committed_then_5xx} 5xx answers after a commit")
    if result.errors_outside:
        result.failures.append(f"{result.errors_outside} errors outside the outage window")
    if result.emails_missing or result.reports_missing:
        result.failures.append("e-mails or reports missing")
    if result.emails_duplicated + result.reports_duplicated > fault.duplicates_allowed:
        result.failures.append("e-mails or reports duplicated")
    if result.recovery_seconds is None or result.recovery_seconds > RECOVERY_TARGET_SECONDS:
        result.failures.append("not recovered within 2 minutes of the service's return")
    unexpected = set(restarted) - set(fault.may_restart)
    if unexpected:
        result.failures.append(f"restarted: {', '.join(sorted(unexpected))}")
    kinds_acknowledged = {o.kind for o in outcomes if o.kind != "read" and o.status in (201, 302)}
    if kinds_acknowledged != {"api-write", "page-write"}:
        result.failures.append("the workload did not run: no API or no page write acknowledged")
    return result


# --- The suite ----------------------------------------------------------------------------------


def prepare(stack: Stack) -> dict:  # type: ignore[type-arg]
    """Django in this process, on the private database: tokens, projects, the report schedule."""
    os.environ.update(stack.environment())
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP server's every command
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from projects.models import Membership, Project, Role
    from reports.models import ReportSchedule
    from reports.services.schedules import schedule_save

    writers = ["rep@northwind.example", "rep@acme.example"]
    page_writer = "rep@huaxing.example"
    tokens, projects = {}, {}
    for person in [*writers, page_writer]:
        user = User.objects.get(email=person)
        tokens[person] = Token.objects.get_or_create(user=user)[0].key
        projects[person] = (
            Membership.objects.filter(user=user)
            .order_by("project_id")
            .values_list("project_id", flat=True)[0]
        )
    project = Project.objects.get(pk=projects[writers[0]])
    schedule = ReportSchedule.objects.filter(project=project).first()
    if schedule is None:
        pm = User.objects.get(
            pk=Membership.objects.filter(project=project, role=Role.PM).values("user")[:1]
        )
        schedule = schedule_save(
            actor=pm,
            project=project,
            cadence="weekly",
            weekday=0,
            day_of_month=1,
            hour=9,
            recipient_roles=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER],
            is_active=True,
        )
    return {
        "tokens": tokens,
        "projects": projects,
        "api_writers": writers,
        "page_writer": page_writer,
        "schedule": schedule.pk,
        "restarts": stack.restarts(),
    }


def print_table(results: list[Result]) -> None:
    header = (
        f"{'fault':<26} {'requests':>8} {'err in':>6} {'err out':>7} {'writes':>6} "
        f"{'lost':>4} {'5xx@commit':>10} {'e-mails':>7} {'missing':>7} {'dup':>3} "
        f"{'550 once':>8} {'reports':>7} {'miss':>4} {'dup':>3} {'recovery':>9}  restarted"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        recovery = "never" if r.recovery_seconds is None else f"{r.recovery_seconds:.0f} s"
        print(
            f"{r.fault:<26} {r.requests:>8} {r.errors_inside:>6} {r.errors_outside:>7} "
            f"{r.writes_acknowledged:>6} {r.writes_lost:>4} {r.committed_then_5xx:>10} "
            f"{r.emails:>7} {r.emails_missing:>7} {r.emails_duplicated:>3} "
            f"{r.refused_failed_at_once:>8} {r.reports:>7} {r.reports_missing:>4} "
            f"{r.reports_duplicated:>3} {recovery:>9}  {r.restarts or '-'}"
        )
    print()
    for r in results:
        print(f"{r.fault}: {'targets met' if not r.failures else '; '.join(r.failures)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="faults whose name has this")
    parser.add_argument("--outage", type=float, default=30, help="Redis/PostgreSQL down (s)")
    parser.add_argument("--smtp-outage", type=float, default=120, help="SMTP down or 451 (s)")
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder and logs")
    parser.add_argument(
        "--short",
        action="store_true",
        help="the faults without a long outage (make test): kills, restarts and the 550",
    )
    arguments = parser.parse_args()

    chosen = [
        fault
        for fault in faults(arguments.outage, arguments.smtp_outage)
        if not arguments.only or any(part.lower() in fault.name.lower() for part in arguments.only)
        if not arguments.short or not fault.duration
    ]
    folder = Path(tempfile.mkdtemp(prefix="rapport-faults-"))
    stack = Stack(folder)
    results: list[Result] = []
    started = time.monotonic()
    try:
        print(f"Setting up the private stack in {folder} ...", flush=True)
        stack.set_up()
        world = prepare(stack)
        print(f"Stack up in {time.monotonic() - started:.0f} s.", flush=True)
        for number, fault in enumerate(chosen, start=1):
            print(f"[{number}/{len(chosen)}] {fault.name} ...", flush=True)
            results.append(run_one(stack, fault, number, world))
            print(
                f"    {'targets met' if not results[-1].failures else results[-1].failures}",
                flush=True,
            )
    finally:
        stack.tear_down()
        if not arguments.keep and not any(r.failures for r in results):
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"Logs kept in {folder}")
    print()
    print_table(results)
    print(f"\n{len(results)} faults in {time.monotonic() - started:.0f} s.")
    return 1 if any(r.failures for r in results) or len(results) < len(chosen) else 0


if __name__ == "__main__":
    raise SystemExit(main())
