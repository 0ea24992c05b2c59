"""The schedule, the dispatcher, "send now", the snapshot and delivery, against PostgreSQL (the
test e-mail backend here; the real worker and SMTP server in test_worker.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from common.errors import InvalidInput, NotAllowed
from notifications.mail import SendOutcome
from notifications.models import Notification
from projects.models import Membership, Role, Visibility
from projects.services.milestones import milestone_create
from reports.delivery import delivery_send, report_deliver
from reports.dispatch import deliveries_sweep, reports_dispatch
from reports.models import Report, ReportDelivery, ReportRendition, ReportSchedule
from reports.services.reports import ReportExists, report_send_now
from reports.services.schedules import (
    ExtraAddress,
    NoSchedule,
    schedule_save,
    schedule_update_recipients,
    summary_save,
)
from risks.services.register import risk_create
from tests.reports.conftest import PAST, make_due, make_schedule

pytestmark = pytest.mark.django_db(transaction=False)


def test_schedule_computes_next_run_in_the_clients_time_zone(pm, project):
    project.client.time_zone = "Asia/Shanghai"
    project.client.save()
    schedule = make_schedule(pm, project, hour=9)
    local = schedule.next_run_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)


def test_paused_schedule_has_no_next_run_and_resumes(pm, project, client_admin):
    schedule = make_schedule(pm, project, is_active=False)
    assert schedule.next_run_at is None
    schedule = schedule_update_recipients(actor=client_admin, project=project, is_active=True)
    assert schedule.next_run_at is not None


@pytest.mark.parametrize("who", ["am", "teammate", "client_admin", "rep", "viewer"])
def test_only_the_pm_edits_the_whole_schedule(request, pm, project, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        make_schedule(actor, project)
    assert not ReportSchedule.objects.exists()


@pytest.mark.parametrize("who", ["rep", "viewer", "am", "teammate"])
def test_only_pm_and_client_admin_change_recipients(request, pm, project, who):
    make_schedule(pm, project)
    with pytest.raises(NotAllowed):
        schedule_update_recipients(
            actor=request.getfixturevalue(who), project=project, is_active=False
        )
    assert ReportSchedule.objects.get().is_active


def test_bad_schedule_input_names_the_field_and_changes_nothing(pm, project):
    schedule = make_schedule(pm, project)
    cases = [
        ({"hour": 24}, "hour"),
        ({"cadence": "daily"}, "cadence"),
        ({"recipient_roles": ["pm"]}, "recipient_roles"),
        ({"extra_recipients": [ExtraAddress("not-an-address")]}, "extra_recipients"),
        (
            {"extra_recipients": [ExtraAddress("a@x.test"), ExtraAddress("A@x.test")]},
            "extra_recipients",
        ),
        ({"extra_recipients": [ExtraAddress("a@x.test", "", "fr")]}, "extra_recipients"),
    ]
    for change, field in cases:
        values = {
            "cadence": "weekly",
            "weekday": 0,
            "day_of_month": 1,
            "hour": 9,
            "recipient_roles": [Role.CUSTOMER_REP],
            "is_active": True,
            **change,
        }
        with pytest.raises(InvalidInput) as refused:
            schedule_save(actor=pm, project=project, **values)
        assert refused.value.field == field
    schedule.refresh_from_db()
    assert schedule.hour == 9
    assert schedule.extra_recipients.count() == 0


def test_client_admin_cannot_change_hour_through_recipient_update(pm, project, client_admin):
    schedule = make_schedule(pm, project)
    schedule_update_recipients(
        actor=client_admin,
        project=project,
        recipient_roles=[Role.CLIENT_ADMIN],
        extra_recipients=[ExtraAddress("sponsor@a.test", "Sam Sponsor", "zh-hans")],
    )
    schedule.refresh_from_db()
    assert schedule.recipient_roles == [Role.CLIENT_ADMIN]
    assert list(schedule.extra_recipients.values_list("email", "language")) == [
        ("sponsor@a.test", "zh-hans")
    ]


def test_due_schedule_creates_one_report_with_one_delivery_per_recipient(
    pm, project, client_admin, rep, viewer, django_capture_on_commit_callbacks
):
    schedule = make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "zh-hans")])
    make_due(schedule, PAST)
    with django_capture_on_commit_callbacks() as callbacks:
        result = reports_dispatch(now=PAST + timedelta(minutes=3))
    assert (result.due, result.created) == (1, 1)
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (date(2026, 3, 23), date(2026, 3, 30))
    assert sorted(report.deliveries.values_list("email", "language", "status")) == [
        ("admin@a.test", "en", "queued"),
        ("rep@a.test", "en", "queued"),
        ("sponsor@a.test", "zh-hans", "queued"),
        ("viewer@a.test", "en", "queued"),
    ]
    assert len(callbacks) == 1  # the delivery task, queued after the commit
    schedule.refresh_from_db()
    assert schedule.next_run_at > PAST + timedelta(minutes=3)


def test_dispatching_again_creates_nothing(pm, project, rep):
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)
    reports_dispatch(now=PAST)
    make_due(schedule, PAST)  # as if the schedule had not moved on (a restart, a retry)
    assert reports_dispatch(now=PAST).created == 0
    assert Report.objects.count() == 1
    assert ReportDelivery.objects.count() == 1


def test_database_refuses_a_second_report_for_the_period(pm, project):
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)
    reports_dispatch(now=PAST)
    report = Report.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            project=project,
            period_start=report.period_start,
            period_end=report.period_end,
            trigger="manual",
            snapshot={},
        )


def test_paused_and_archived_schedules_are_not_dispatched(pm, project):
    schedule = make_schedule(pm, project)
    make_due(schedule, PAST)
    ReportSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
    assert reports_dispatch(now=PAST).created == 0
    assert not Report.objects.exists()


def test_send_now_then_refuses_the_same_period_and_the_schedule_skips_it(pm, project, rep):
    schedule = make_schedule(pm, project)
    now = datetime(2026, 3, 25, 12, tzinfo=UTC)
    report = report_send_now(actor=pm, project=project, now=now)
    assert report.trigger == Report.Trigger.MANUAL
    with pytest.raises(ReportExists) as exists:
        report_send_now(actor=pm, project=project, now=now + timedelta(hours=1))
    assert exists.value.report == report
    assert "resend" in str(exists.value.message)
    make_due(schedule, datetime(2026, 3, 30, 7, tzinfo=UTC))  # the run that closes the period
    assert reports_dispatch(now=datetime(2026, 3, 30, 7, 5, tzinfo=UTC)).created == 0
    assert Report.objects.count() == 1


def test_send_now_needs_a_schedule_and_the_pm(project, pm, client_admin):
    with pytest.raises(NoSchedule):
        report_send_now(actor=pm, project=project)
    make_schedule(pm, project)
    with pytest.raises(NotAllowed):
        report_send_now(actor=client_admin, project=project)
    assert not Report.objects.exists()


def test_summary_is_taken_by_the_next_report_and_absent_summary_is_said(pm, project, rep):
    make_schedule(pm, project)
    summary_save(actor=pm, project=project, summary="Go-live **confirmed**.")
    first = report_send_now(actor=pm, project=project, now=datetime(2026, 3, 25, tzinfo=UTC))
    assert first.snapshot["summary"] == "Go-live **confirmed**."
    assert ReportSchedule.objects.get().summary == ""
    second = report_send_now(actor=pm, project=project, now=datetime(2026, 4, 1, tzinfo=UTC))
    assert second.snapshot["summary"] == ""
    mail.outbox.clear()
    report_deliver(report_id=second.pk)
    [message] = mail.outbox
    assert "did not write a summary" in message.body


def test_summary_is_the_pms_and_is_bounded(pm, project, rep):
    make_schedule(pm, project)
    with pytest.raises(NotAllowed):
        summary_save(actor=rep, project=project, summary="x")
    with pytest.raises(InvalidInput) as refused:
        summary_save(actor=pm, project=project, summary="x" * 20001)
    assert refused.value.field == "summary"
    assert ReportSchedule.objects.get().summary == ""


def test_recipients_from_the_communication_plan(pm, project, rep, client_admin):
    from stakeholders.services.register import communication_item_create, stakeholder_create

    sponsor = stakeholder_create(
        actor=pm, project=project, name="Dana Director", visibility=Visibility.CLIENT
    )
    sponsor.contact = "dana@a.test"
    sponsor.save()
    known = stakeholder_create(
        actor=pm, project=project, name="Clara", visibility=Visibility.CLIENT
    )
    known.user = client_admin
    known.save()
    item = communication_item_create(
        actor=pm, project=project, what="Weekly status", recipients=[sponsor, known]
    )
    make_schedule(pm, project, roles=[Role.CUSTOMER_REP])
    schedule_save(
        actor=pm,
        project=project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CUSTOMER_REP],
        is_active=True,
        communication_item=item,
    )
    report = report_send_now(actor=pm, project=project)
    assert sorted(report.deliveries.values_list("email", flat=True)) == [
        "admin@a.test",
        "dana@a.test",
        "rep@a.test",
    ]


def test_snapshot_never_holds_internal_items(pm, project, rep):
    make_schedule(pm, project)
    milestone_create(
        actor=pm,
        project=project,
        name="Secret cutover",
        due_date=date(2027, 1, 4),
        visibility=Visibility.INTERNAL,
    )
    milestone_create(actor=pm, project=project, name="Go-live", due_date=date(2027, 1, 5))
    risk_create(
        actor=pm,
        project=project,
        title="Vendor insolvency",
        probability=5,
        impact=5,
        internal_note="margin is thin",
    )
    risk_create(
        actor=pm,
        project=project,
        title="Scanner supply",
        probability=3,
        impact=3,
        visibility=Visibility.CLIENT,
        internal_note="supplier owes us",
    )
    summary_save(actor=pm, project=project, summary="All good.")
    report = report_send_now(actor=pm, project=project)
    report_deliver(report_id=report.pk)

    snapshot_text = str(report.snapshot)
    rendition = ReportRendition.objects.get(report=report, language="en")
    [message] = mail.outbox
    for secret in ("Secret cutover", "Vendor insolvency", "margin is thin", "supplier owes us"):
        assert secret not in snapshot_text
        assert secret not in rendition.body_html
        assert secret not in message.body
    assert "Go-live" in snapshot_text
    assert "Scanner supply" in rendition.body_html
    assert "Scanner supply" in message.body
    pdf_text = _pdf_text(bytes(rendition.pdf))
    assert "Scanner supply" in pdf_text
    assert "Vendor insolvency" not in pdf_text
    assert "Secret cutover" not in pdf_text


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_delivery_sends_html_text_and_the_pdf_in_the_recipients_language(pm, project, rep):
    rep.language = "zh-hans"
    rep.save()
    make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "en")])
    report = report_send_now(actor=pm, project=project)
    outcomes = report_deliver(report_id=report.pk)
    assert set(outcomes.values()) == {SendOutcome.SENT}
    by_to = {message.to[0]: message for message in mail.outbox}
    chinese, english = by_to["rep@a.test"], by_to["sponsor@a.test"]
    # Chinese strings arrive with the merger's translations; the date format is already Chinese.
    assert "年" in chinese.subject
    assert chinese.extra_headers["Content-Language"] == "zh-hans"
    assert english.subject.startswith("Status report: A One")
    assert english.extra_headers["Content-Language"] == "en"
    for message in (chinese, english):
        assert message.alternatives[0][1] == "text/html"
        [(_filename, content, mimetype)] = message.attachments
        assert mimetype == "application/pdf"
        assert content.startswith(b"%PDF")
    assert ReportRendition.objects.filter(report=report).count() == 2  # one per language
    assert set(report.deliveries.values_list("status", flat=True)) == {"sent"}


def _pdf_fonts(pdf: bytes) -> set[str]:
    import io

    from pypdf import PdfReader

    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_the_pdf_embeds_the_projects_small_font_and_falls_back_for_rare_hanzi(pm, project, rep):
    """The PDF is set in Rapport Sans SC (a cut of Noto Sans CJK SC, `make fonts`), which keeps
    a report to a few KB of font; a name outside GB 2312 still renders, from the system's Noto
    Sans CJK SC."""
    rep.language = "zh-hans"
    rep.save()
    make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "en")])
    first = report_send_now(actor=pm, project=project, now=datetime(2026, 3, 25, tzinfo=UTC))
    report_deliver(report_id=first.pk)
    for language, limit in (("en", 40_000), ("zh-hans", 100_000)):
        rendition = ReportRendition.objects.get(report=first, language=language)
        fonts = _pdf_fonts(bytes(rendition.pdf))
        assert fonts
        assert all(font.startswith("Rapport-Sans-SC") for font in fonts), fonts
        assert rendition.pdf_size < limit, (language, rendition.pdf_size)

    summary_save(actor=pm, project=project, summary="张喆确认了上线计划。")
    second = report_send_now(actor=pm, project=project, now=datetime(2026, 4, 1, tzinfo=UTC))
    report_deliver(report_id=second.pk)
    chinese = ReportRendition.objects.get(report=second, language="zh-hans")
    assert "张喆确认了上线计划" in _pdf_text(bytes(chinese.pdf))
    assert any("Noto-Sans-CJK-SC" in font for font in _pdf_fonts(bytes(chinese.pdf)))


def test_pdf_is_rendered_once_per_language_and_shared(pm, project, rep, client_admin, viewer):
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project)
    report_deliver(report_id=report.pk)
    assert len(mail.outbox) == 3
    assert ReportRendition.objects.filter(report=report).count() == 1
    pdfs = {message.attachments[0][1] for message in mail.outbox}
    assert len(pdfs) == 1


def test_a_sent_delivery_is_not_sent_again(pm, project, rep):
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project)
    report_deliver(report_id=report.pk)
    delivery = report.deliveries.get()
    assert delivery_send(delivery_id=delivery.pk).value == "already_done"
    assert len(mail.outbox) == 1


def test_sweeper_takes_back_a_stale_sending_claim(pm, project, rep, settings):
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project)
    delivery = report.deliveries.get()
    old = datetime(2026, 1, 1, tzinfo=UTC)
    ReportDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=old, attempts=1
    )
    assert delivery_send(delivery_id=delivery.pk).value == "sent"  # stale: claimed again
    ReportDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=datetime.now(UTC), sent_at=None
    )
    assert delivery_send(delivery_id=delivery.pk).value == "busy"
    assert deliveries_sweep() == []  # a fresh claim is left alone
    settings.REPORTS_SENDING_STALE_SECONDS = 0
    assert deliveries_sweep() == [delivery.pk]
    assert ReportDelivery.objects.get(pk=delivery.pk).status == "queued"


def test_sweeper_waits_for_a_backlog_before_calling_a_queued_delivery_lost(
    pm, project, rep, settings
):
    """While the broker still holds tasks, a queued delivery is most likely waiting behind them:
    it is taken again only after the long backlog grace; a stale claim is taken at once."""
    make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "en")])
    report = report_send_now(actor=pm, project=project)
    waiting, claimed = report.deliveries.order_by("pk")
    minutes_ago = datetime.now(UTC) - timedelta(minutes=10)
    ReportDelivery.objects.filter(pk=waiting.pk).update(created_at=minutes_ago)
    ReportDelivery.objects.filter(pk=claimed.pk).update(
        status="sending", claimed_at=minutes_ago, attempts=1
    )
    assert deliveries_sweep(backlog=True) == [claimed.pk]
    assert deliveries_sweep(backlog=True) == []
    assert deliveries_sweep(backlog=False) == [waiting.pk]  # no backlog: it was lost
    settings.REPORTS_SWEEP_BACKLOG_GRACE_SECONDS = 300
    assert deliveries_sweep(backlog=True) == [waiting.pk]  # waiting too long even so


def test_pm_is_told_of_a_bounced_address(pm, project, rep, smtp_server):
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project)
    smtp_server.refuse_rcpt("550 5.1.1 No such mailbox")

    report_deliver(report_id=report.pk)

    delivery = report.deliveries.get()
    assert (delivery.status, delivery.attempts, delivery.is_bounced) == ("failed", 1, True)
    assert "550" in delivery.last_error
    [notice] = Notification.objects.filter(user=pm)
    assert "rep@a.test" in notice.title
    assert not Notification.objects.filter(user=rep).exists()
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("stage", "reply", "outcome", "outbox_status", "delivery_status"),
    [
        ("rcpt", "550 5.1.1 Mailbox unavailable", SendOutcome.FAILED, "failed", "failed"),
        ("data", "554 5.7.1 Message rejected", SendOutcome.FAILED, "failed", "failed"),
        ("rcpt", "450 4.2.1 Mailbox busy", SendOutcome.RETRY, "pending", "queued"),
        ("data", "451 4.3.0 Local problem", SendOutcome.RETRY, "pending", "queued"),
    ],
)
def test_the_outbox_and_the_reports_judge_a_refusal_alike(
    pm, project, rep, smtp_server, settings, stage, reply, outcome, outbox_status, delivery_status
):
    """Both go through notifications.mail: the same reply ends the same way on the first try."""
    from notifications.services.outbox import outbox_enqueue, outbox_send

    settings.OUTBOX_MAX_ATTEMPTS = settings.REPORTS_MAX_ATTEMPTS = 8
    make_schedule(pm, project)
    report = report_send_now(actor=pm, project=project)
    message = outbox_enqueue(
        kind="test",
        to_email="rep@a.test",
        language="en",
        template="notifications/email/digest",
        context={"person": rep, "items": [], "day": date(2026, 3, 2)},
    )
    getattr(smtp_server, f"refuse_{stage}")(reply)

    report_outcomes = report_deliver(report_id=report.pk)
    outbox_outcome = outbox_send(message_id=message.pk)

    delivery = report.deliveries.get()
    message.refresh_from_db()
    assert list(report_outcomes.values()) == [outcome]
    assert outbox_outcome is outcome
    assert (message.status, message.attempts) == (outbox_status, 1)
    assert (delivery.status, delivery.attempts) == (delivery_status, 1)
    code, enhanced = reply.split()[:2]
    assert code in message.last_error
    assert enhanced in message.last_error
    assert message.last_error == delivery.last_error  # the same reason, worded alike
    assert delivery.is_bounced is (outcome is SendOutcome.FAILED)
    assert (message.next_attempt_at is None) is (outcome is SendOutcome.FAILED)
    assert (delivery.next_attempt_at is None) is (outcome is SendOutcome.FAILED)
    assert smtp_server.received == []


def test_member_who_left_is_not_a_recipient(pm, project, rep, client_admin):
    make_schedule(pm, project)
    Membership.objects.filter(user=rep).delete()
    report = report_send_now(actor=pm, project=project)
    assert list(report.deliveries.values_list("email", flat=True)) == ["admin@a.test"]


def test_dispatcher_fires_each_client_at_its_own_local_hour(pm, provider):
    from reports.schedule import next_run_after
    from tests.factories import OrganizationFactory, ProjectFactory, add_member

    zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York"]
    for zone in zones:
        project = ProjectFactory(client=OrganizationFactory(time_zone=zone))
        add_member(project, pm, Role.PM)
        fresh_pm = type(pm).objects.get(pk=pm.pk)  # its roles are cached per object
        schedule = make_schedule(fresh_pm, project, roles=[])
        start = datetime(2026, 5, 31, 12, tzinfo=UTC)  # Sunday noon UTC
        ReportSchedule.objects.filter(pk=schedule.pk).update(
            next_run_at=next_run_after(schedule, start, zone)
        )
    fired = {}
    for hour in range(24):
        now = datetime(2026, 6, 1, hour, 5, tzinfo=UTC)
        reports_dispatch(now=now)
        for report in Report.objects.select_related("project__client"):
            fired.setdefault(report.project.client.time_zone, hour)
    # Monday 09:00 local: 01:00 UTC in Shanghai, 07:00 in Berlin (summer), 13:00 in New York.
    assert fired == {"Asia/Shanghai": 1, "Europe/Berlin": 7, "America/New_York": 13}
    assert Report.objects.count() == 3


def test_registered_sections_are_frozen_in_the_snapshot(pm, project, rep):
    from reports.sections import register_report_section, unregister_report_section

    calls = []

    def complaints(project_arg, *, period_start, period_end):
        calls.append((project_arg.pk, period_start, period_end))
        return {"open": 2}

    register_report_section("test_complaints", complaints, template="reports/_nothing.html")
    register_report_section("test_none", lambda *a, **k: None, template="x.html")
    try:
        make_schedule(pm, project)
        report = report_send_now(actor=pm, project=project, now=datetime(2026, 3, 25, tzinfo=UTC))
    finally:
        unregister_report_section("test_complaints")
        unregister_report_section("test_none")
    assert report.snapshot["sections"]["test_complaints"] == {"open": 2}
    assert calls == [(project.pk, date(2026, 3, 23), date(2026, 3, 30))]


def test_a_report_shows_the_pms_health_override_then_ends_it(pm, project, rep):
    """The PM's hand-set health holds until the next status report: the report shows it (not
    its written reason, which may be internal), then the computed health shows again."""
    from projects.models import HealthStatus
    from projects.services.projects import project_health_override

    make_schedule(pm, project)
    project_health_override(
        actor=pm, project=project, status=HealthStatus.AMBER, reason="Vendor slip agreed"
    )
    report = report_send_now(actor=pm, project=project)
    assert report.snapshot["health"]["status"] == HealthStatus.AMBER
    assert report.snapshot["health"]["is_assessed_by_pm"] is True
    assert "Vendor slip agreed" not in str(report.snapshot)
    project.refresh_from_db()
    assert project.health_override == ""
    assert project.health_override_until is None
    latest, before = project.history.all()[:2]
    assert (latest.health_override, before.health_override) == ("", HealthStatus.AMBER)


def test_a_worker_still_sending_renews_its_claims_and_the_sweeper_leaves_them(
    pm, project, rep, settings
):
    """A long send renews the claims of the deliveries not sent yet, so only a dead worker's
    claims go stale; one the sweeper took back meanwhile is not renewed (nor finished later)."""
    from reports.delivery import _claim_due, claims_renew

    make_schedule(pm, project, extras=[("sponsor@a.test", "Sam", "en")])
    report = report_send_now(actor=pm, project=project)
    claimed = _claim_due(report)
    assert len(claimed) == 2
    stale = datetime.now(UTC) - timedelta(seconds=settings.REPORTS_SENDING_STALE_SECONDS + 5)
    ReportDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(claimed_at=stale)
    for delivery in claimed:
        delivery.claimed_at = stale
    # The sweeper got to one of them first (queued again): its new owner keeps it.
    taken_back = claimed[0]
    ReportDelivery.objects.filter(pk=taken_back.pk).update(status="queued", claimed_at=None)
    assert claims_renew(claimed) == 1
    assert deliveries_sweep() == []  # the renewed claim is fresh again
    renewed = ReportDelivery.objects.get(pk=claimed[1].pk)
    assert renewed.status == "sending"
    assert renewed.claimed_at == claimed[1].claimed_at
    assert ReportDelivery.objects.get(pk=taken_back.pk).status == "queued"
