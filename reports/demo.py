"""Demo status reports (called by `manage.py seed_demo`; once: a project with a schedule is left
alone). NW-WMS: a weekly schedule (Monday 09:00 in the client's time zone) and the last four
weekly reports, sent to the client admin, the representative and the viewer. HX-MES: a weekly
schedule whose run is due now, so that with `make run` the embedded worker and beat send it
within a minute or two (into var/mail/; the dispatcher runs every minute)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from projects.models import Membership, Project, Role
from reports.models import Report, ReportDelivery, ReportSchedule
from reports.recipients import recipients_of
from reports.schedule import period_ending_at
from reports.services.schedules import client_time_zone, schedule_save
from reports.snapshot import take_snapshot

ROLES = [Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER]
SUMMARIES = [
    "Pilot warehouse **live** on schedule; scanner rollout to the second site starts next week.",
    "Data migration rehearsal passed. Two interface defects are being fixed.",
    "",
    "Kick-off of the rollout phase; training plan agreed with the warehouse leads.",
]


def _pm_of(project: Project) -> User | None:
    membership = (
        Membership.objects.filter(project=project, role=Role.PM).select_related("user").first()
    )
    return membership.user if membership else None


def _schedule(project: Project, pm: User) -> ReportSchedule:
    return schedule_save(
        actor=pm,
        project=project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=ROLES,
        is_active=True,
    )


def seed_reports(*, people: dict[str, User]) -> int:
    created = 0
    now = timezone.now()
    nw = Project.objects.filter(code="NW-WMS").first()
    if nw is not None and not ReportSchedule.objects.filter(project=nw).exists():
        pm = _pm_of(nw)
        if pm is not None:
            schedule = _schedule(nw, pm)
            tz = client_time_zone(nw)
            recipients = recipients_of(schedule)
            run_at = schedule.next_run_at or now  # an active schedule has its next run
            for weeks_ago, summary in enumerate(SUMMARIES, start=1):
                past_run = run_at - timedelta(weeks=weeks_ago)
                period = period_ending_at(schedule, past_run, tz)
                report = Report.objects.create(
                    project=nw,
                    period_start=period.start,
                    period_end=period.end,
                    trigger=Report.Trigger.SCHEDULE,
                    snapshot=take_snapshot(
                        project=nw,
                        period_start=period.start,
                        period_end=period.end,
                        until=past_run,
                        summary=summary,
                        time_zone=tz,
                    ),
                )
                ReportDelivery.objects.bulk_create(
                    ReportDelivery(
                        report=report,
                        email=r.email,
                        name=r.name,
                        user_id=r.user_id,
                        language=r.language,
                        status=ReportDelivery.Status.SENT,
                        attempts=1,
                        sent_at=past_run + timedelta(minutes=2),
                        message_id=ReportDelivery.new_message_id(),
                    )
                    for r in recipients
                )
                created += 1
            created += 1
    hx = Project.objects.filter(code="HX-MES").first()
    if hx is not None and not ReportSchedule.objects.filter(project=hx).exists():
        pm = _pm_of(hx)
        if pm is not None:
            schedule = _schedule(hx, pm)
            schedule.summary = "MES 试运行顺利，下周开始第二条产线的切换。"
            schedule.next_run_at = now - timedelta(minutes=1)  # due: the beat sends it
            schedule.save(update_fields=["summary", "next_run_at"])
            created += 1
    return created
