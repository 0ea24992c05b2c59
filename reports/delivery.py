"""Sending a report: its rendition per language (rendered once, shared by the recipients of that
language) and each recipient's e-mail with the PDF attached.

The PDF is rendered first (no transaction open while it renders). Then a delivery is claimed
in a short transaction (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, the IMMEDIATE
transaction on SQLite; status `sending`, `claimed_at`), sent with no transaction open, then
finished in one guarded statement of its own (sent, queued again for a retry, or failed). Two
workers never claim the same row; a worker that dies between claim and finish leaves `sending`,
which the sweeper (reports.dispatch.deliveries_sweep) queues again once the claim is stale.
When the SMTP server accepted the message but the finish fails (the database locked longer
than common.database.retry_when_locked waits, or unreachable), the accept is handed on
(notifications.mail.AcceptedNotRecorded) and recorded later without sending again. The one
window left is a worker dying after the accept and before the finish commits: the message then
goes out again with the same Message-ID, so that receiving servers and clients can recognise
the copy.

Building, sending (over the worker's kept SMTP connection) and judging a refusal are
notifications.mail's, shared with the outbox: a permanent refusal (an SMTP 5xx refusing the
recipient or the message) fails the delivery at once and flags the address to the project's
PMs; a transient one (4xx, a refused or dropped connection) is retried with the same back-off
until REPORTS_MAX_ATTEMPTS, then fails.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.db import DatabaseError, IntegrityError, InterfaceError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.database import retry_when_locked
from notifications import mail
from notifications.mail import AcceptedNotRecorded, SendOutcome
from projects.services.notify import notify_pms
from reports.models import Report, ReportDelivery, ReportRendition
from reports.rendering import render_report, report_pdf_filename


def max_attempts() -> int:
    return int(getattr(settings, "REPORTS_MAX_ATTEMPTS", settings.OUTBOX_MAX_ATTEMPTS))


def sending_stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "REPORTS_SENDING_STALE_SECONDS", 75)))


# A worker sending a report's deliveries renews the claims of those it has not sent yet this
# often, so that a claim goes stale (REPORTS_SENDING_STALE_SECONDS) only when its worker died,
# however many recipients a report has.
CLAIM_RENEW_SECONDS = 15


def rendition_ensure(
    *, report: Report, language: str, known: dict[str, ReportRendition] | None = None
) -> ReportRendition:
    """The report's rendition in `language`, rendered now if it does not exist yet. It renders
    with no transaction open (a PDF takes a while, and SQLite would hold its one write lock all
    that time), then stores the result in one INSERT; a worker that rendered the same language
    at the same time finds the other's row (the unique constraint) and returns that one, so
    every recipient of a language gets the same PDF. `known`: the renditions already read (by
    language), to skip the lookup."""
    existing = (
        known.get(language)
        if known is not None
        else ReportRendition.objects.filter(report=report, language=language).first()
    )
    if existing is not None:
        return existing
    portal_url = settings.SITE_URL.rstrip("/") + reverse(
        "reports:portal_report",
        kwargs={"project_id": report.project_id, "report_id": report.pk},
    )
    rendered = render_report(report.snapshot, language, portal_url=portal_url)
    return _rendition_store(report, language, rendered)


@retry_when_locked
def _rendition_store(report: Report, language: str, rendered: Any) -> ReportRendition:
    try:
        with transaction.atomic():  # a savepoint when the caller has a transaction open
            return ReportRendition.objects.create(
                report=report,
                language=language,
                subject=rendered.subject,
                body_text=rendered.body_text,
                body_html=rendered.body_html,
                pdf=rendered.pdf,
                pdf_size=len(rendered.pdf),
                pdf_seconds=rendered.pdf_seconds,
            )
    except IntegrityError:
        return ReportRendition.objects.get(report=report, language=language)


def _build(delivery: ReportDelivery, rendition: ReportRendition) -> EmailMultiAlternatives:
    return mail.build(
        to=delivery.email,
        subject=rendition.subject,
        body_text=rendition.body_text,
        body_html=rendition.body_html,
        message_id=delivery.message_id,
        language=delivery.language,
        attachments=[
            (
                report_pdf_filename(delivery.report.snapshot),
                bytes(rendition.pdf),
                "application/pdf",
            )
        ],
    )


class _Composer:
    """Each rendition's e-mail built and flattened once per run: the copies for its recipients
    differ only in To and Message-ID, so the rest (the HTML, the text, the PDF in base64) is
    reused as bytes. Only for the SMTP backend; the others get the message object."""

    def __init__(self) -> None:
        self.flattened: dict[int, tuple[bytes, bytes]] = {}

    @staticmethod
    def applies() -> bool:
        return mail.keeps_connection()

    def message(
        self, delivery: ReportDelivery, rendition: ReportRendition
    ) -> tuple[str, str, bytes] | None:
        """(envelope sender, recipient, message bytes), or None when this address needs the
        general path (it does not come out as plain ASCII)."""
        encoding = settings.DEFAULT_CHARSET
        to = sanitize_address(delivery.email, encoding)
        if not (to.isascii() and delivery.message_id.isascii()):
            return None
        if rendition.pk not in self.flattened:
            raw = _build(delivery, rendition).message().as_bytes(linesep="\r\n")
            head, _blank, body = raw.partition(b"\r\n\r\n")
            fields = re.split(rb"\r\n(?![ \t])", head)
            kept = [f for f in fields if not f.lower().startswith((b"to:", b"message-id:"))]
            self.flattened[rendition.pk] = (b"\r\n".join(kept), body)
        head, body = self.flattened[rendition.pk]
        data = b"".join(
            [
                b"To: " + to.encode() + b"\r\n",
                b"Message-ID: " + delivery.message_id.encode() + b"\r\n",
                head,
                b"\r\n\r\n",
                body,
            ]
        )
        return sanitize_address(settings.DEFAULT_FROM_EMAIL, encoding), to, data


@retry_when_locked
def _claim(delivery_id: int) -> SendOutcome | ReportDelivery:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            ReportDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            exists = ReportDelivery.objects.filter(pk=delivery_id).exists()
            return SendOutcome.BUSY if exists else SendOutcome.ALREADY_DONE
        if delivery.status in (ReportDelivery.Status.SENT, ReportDelivery.Status.FAILED):
            return SendOutcome.ALREADY_DONE
        if (
            delivery.status == ReportDelivery.Status.SENDING
            and delivery.claimed_at is not None
            and delivery.claimed_at > now - sending_stale_after()
        ):
            return SendOutcome.BUSY  # another worker is on it (or the sweeper will be)
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return SendOutcome.RETRY  # too early: its retry is scheduled
        delivery.status = ReportDelivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
    return delivery


def delivery_send(*, delivery_id: int, accepted_at: datetime | None = None) -> SendOutcome:
    """Render, claim, send and finish one delivery (see the module's docstring). Raises
    AcceptedNotRecorded when the server accepted the e-mail but the finish failed; called again
    with its `accepted_at`, it only records the send."""
    if accepted_at is not None:
        try:
            return _record_accepted(delivery_id, accepted_at)
        except (DatabaseError, InterfaceError) as error:
            raise AcceptedNotRecorded(accepted_at) from error  # still only to be recorded
    waiting = (
        ReportDelivery.objects.select_related("report__project")
        .filter(pk=delivery_id)
        .exclude(status__in=[ReportDelivery.Status.SENT, ReportDelivery.Status.FAILED])
        .first()
    )
    if waiting is None:
        return SendOutcome.ALREADY_DONE
    report = waiting.report
    rendition = rendition_ensure(report=report, language=waiting.language)
    claimed = _claim(delivery_id)
    if isinstance(claimed, SendOutcome):
        return claimed
    delivery = claimed
    delivery.report = report
    if delivery.language != rendition.language:  # the recipient's language changed meanwhile
        rendition = rendition_ensure(report=report, language=delivery.language)
    return _deliver(delivery, rendition)


@retry_when_locked
def _record_accepted(delivery_id: int, accepted_at: datetime) -> SendOutcome:
    """Record a send the SMTP server accepted earlier (see AcceptedNotRecorded)."""
    recorded = (
        ReportDelivery.objects.filter(pk=delivery_id)
        .exclude(status__in=[ReportDelivery.Status.SENT, ReportDelivery.Status.FAILED])
        .update(
            status=ReportDelivery.Status.SENT,
            sent_at=accepted_at,
            next_attempt_at=None,
        )
    )
    return SendOutcome.SENT if recorded else SendOutcome.ALREADY_DONE


def _deliver(
    delivery: ReportDelivery, rendition: ReportRendition, composer: _Composer | None = None
) -> SendOutcome:
    """Send one claimed delivery and record what happened (one UPDATE, guarded by the claim:
    a row the sweeper took back meanwhile is left to its new owner). Raises AcceptedNotRecorded
    when the server accepted it but the record failed."""
    flattened = composer.message(delivery, rendition) if composer is not None else None
    if flattened is not None:
        result = mail.send_raw(*flattened)
    else:
        result = mail.send(_build(delivery, rendition))
    if result.accepted:
        accepted_at = timezone.now()
        try:
            _finish(
                delivery,
                {
                    "status": ReportDelivery.Status.SENT,
                    "sent_at": accepted_at,
                    "next_attempt_at": None,
                },
            )
        except (DatabaseError, InterfaceError) as error:
            raise AcceptedNotRecorded(accepted_at) from error
        return SendOutcome.SENT
    outcome, fields = mail.refusal_fields(
        result, attempts=delivery.attempts, max_attempts=max_attempts()
    )
    if outcome is SendOutcome.FAILED:
        fields["status"] = ReportDelivery.Status.FAILED
        fields["is_bounced"] = result.verdict is mail.Verdict.PERMANENT
    else:
        fields["status"] = ReportDelivery.Status.QUEUED
    _finish(delivery, fields)
    return outcome


@retry_when_locked
def _finish(delivery: ReportDelivery, fields: dict[str, Any]) -> None:
    finish = ReportDelivery.objects.filter(
        pk=delivery.pk, status=ReportDelivery.Status.SENDING, claimed_at=delivery.claimed_at
    )
    if fields.get("is_bounced"):
        with transaction.atomic():  # the row and the PMs' notices together
            finish.update(**fields)
            _flag_bounce(delivery, delivery.report, fields["last_error"])
    else:
        finish.update(**fields)  # one statement: atomic on its own


def _flag_bounce(delivery: ReportDelivery, report: Report, reason: str) -> None:
    """Tell the project's PMs, in the app and in their language, that an address refused the
    report (they see it on the report's page and can correct the recipients)."""
    url = reverse(
        "reports:report", kwargs={"project_id": report.project_id, "report_id": report.pk}
    )
    notify_pms(
        report.project_id,
        title=lambda: (
            _("The status report of %(project)s was refused by %(email)s")
            % {"project": report.project.name, "email": delivery.email}
        ),
        body=reason,
        url=url,
    )


def _due(report: Report) -> QuerySet[ReportDelivery]:
    """The report's queued deliveries whose time has come (not those waiting for a retry)."""
    return ReportDelivery.objects.filter(report=report, status=ReportDelivery.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )


@retry_when_locked
def _claim_due(report: Report) -> list[ReportDelivery]:
    """Claim every queued delivery of the report that is due, in one short transaction:
    `SELECT … FOR UPDATE SKIP LOCKED` (rows another worker holds are its own), then one UPDATE
    to `sending`. A delivery waiting for its retry time is left to its retry task."""
    now = timezone.now()
    with transaction.atomic():
        deliveries = list(_due(report).select_for_update(skip_locked=True).order_by("pk"))
        if deliveries:
            ReportDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                status=ReportDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    for delivery in deliveries:
        delivery.status = ReportDelivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.report = report
    return deliveries


@retry_when_locked
def claims_renew(deliveries: list[ReportDelivery]) -> int:
    """Still sending: renew the claims of `deliveries` (claimed together, not sent yet). A row
    the sweeper took back meanwhile is left to its new owner: its finish will not match."""
    if not deliveries:
        return 0
    now = timezone.now()
    renewed = ReportDelivery.objects.filter(
        pk__in=[delivery.pk for delivery in deliveries],
        status=ReportDelivery.Status.SENDING,
        claimed_at=deliveries[0].claimed_at,
    ).update(claimed_at=now)
    for delivery in deliveries:
        delivery.claimed_at = now
    return renewed


def report_deliver(*, report_id: int) -> dict[int, SendOutcome | AcceptedNotRecorded]:
    """Send the report's queued deliveries that are due: the report and its renditions read
    once, each missing rendition rendered once (before the claim, so that a claim lasts only as
    long as the sending), the deliveries claimed together, then each e-mail sent and its row
    finished on its own. Returns the outcome per delivery id, or the AcceptedNotRecorded of a
    delivery the server accepted but whose record failed (the caller records it later)."""
    report = Report.objects.select_related("project").filter(pk=report_id).first()
    if report is None:
        return {}
    languages = set(_due(report).values_list("language", flat=True).distinct())
    if not languages:
        return {}
    known = {
        rendition.language: rendition
        for rendition in ReportRendition.objects.filter(report=report, language__in=languages)
    }
    for language in sorted(languages):
        known[language] = rendition_ensure(report=report, language=language, known=known)
    deliveries = _claim_due(report)
    for language in sorted({d.language for d in deliveries} - known.keys()):  # added meanwhile
        known[language] = rendition_ensure(report=report, language=language, known=known)
    composer = _Composer() if _Composer.applies() else None
    outcomes: dict[int, SendOutcome | AcceptedNotRecorded] = {}
    renewed = time.monotonic()
    for index, delivery in enumerate(deliveries):
        if time.monotonic() - renewed >= CLAIM_RENEW_SECONDS:
            claims_renew(deliveries[index:])
            renewed = time.monotonic()
        try:
            outcomes[delivery.pk] = _deliver(delivery, known[delivery.language], composer)
        except AcceptedNotRecorded as accepted:
            outcomes[delivery.pk] = accepted
    return outcomes


def delivery_retry_countdown(*, delivery_id: int) -> float:
    return mail.retry_countdown(
        ReportDelivery.objects.filter(pk=delivery_id)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
