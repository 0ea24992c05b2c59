"""What the feedback app gives every status report: the project's open complaints the client can
see, and the latest satisfaction figures (the reports app registers them as sections, in
reports.feedback_sections). Codes are frozen, labels are rendered in the reader's language; one
query each."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from projects.models import Visibility

if TYPE_CHECKING:
    from projects.models import Project

SATISFACTION_MONTHS = 12


def complaints_section(
    project: Project, *, period_start: date, period_end: date
) -> dict[str, Any] | None:
    from feedback.models import FeedbackTicket, TicketKind
    from feedback.models.tickets import OPEN_STATUSES

    open_complaints = list(
        FeedbackTicket.objects.filter(
            project=project,
            kind=TicketKind.COMPLAINT,
            visibility=Visibility.CLIENT,
            status__in=OPEN_STATUSES,
        )
        .order_by("raised_at", "pk")
        .values("number", "title", "severity", "status", "raised_at", "resolution_due_at")
    )
    return {
        "open": len(open_complaints),
        "items": [
            {
                "reference": f"FB-{row['number']}",
                "title": row["title"],
                "severity": row["severity"],
                "status": row["status"],
                "raised": row["raised_at"].date().isoformat(),
                "due": row["resolution_due_at"].date().isoformat()
                if row["resolution_due_at"]
                else None,
            }
            for row in open_complaints
        ],
    }


def satisfaction_section(
    project: Project, *, period_start: date, period_end: date
) -> dict[str, Any] | None:
    """NPS and CSAT of the last twelve months up to the end of the period; None without any
    answer (the report then leaves the section out)."""
    from feedback.models import SurveyResponse

    since = period_end - timedelta(days=365)
    figures = SurveyResponse.objects.filter(
        project=project, submitted_at__date__gt=since, submitted_at__date__lte=period_end
    ).aggregate(
        responses=Count("pk"),
        nps_count=Count("pk", filter=Q(nps__isnull=False)),
        promoters=Count("pk", filter=Q(nps__gte=9)),
        detractors=Count("pk", filter=Q(nps__lte=6)),
        csat_count=Count("pk", filter=Q(csat__isnull=False)),
        satisfied=Count("pk", filter=Q(csat__gte=4)),
    )
    if not figures["responses"]:
        return None
    nps = (
        round((figures["promoters"] - figures["detractors"]) * 100 / figures["nps_count"], 1)
        if figures["nps_count"]
        else None
    )
    csat = (
        round(figures["satisfied"] * 100 / figures["csat_count"], 1)
        if figures["csat_count"]
        else None
    )
    return {
        "since": since.isoformat(),
        "until": period_end.isoformat(),
        "responses": figures["responses"],
        "nps": nps,
        "csat": csat,
    }
