"""A report's snapshot shown to a person: on a page, in the e-mail, in the PDF — always in the
reader's language (labels are looked up from the stored codes here), dates as stored (the
client's days)."""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.branding import current_brand
from projects.health import CLIENT_LABELS
from projects.models import HealthStatus, Milestone
from projects.waits import KIND_LABELS
from reports.sections import section_template, section_text_template
from reports.timeline import timeline_layout
from risks.models import Level, Strategy
from stakeholders.models import Requirement

PDF_TEMPLATE = "reports/report_pdf.html"
EMAIL_TEMPLATE = "reports/email/report"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _label(choices: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _waiting(waiting: dict[str, Any] | None) -> dict[str, Any] | None:
    if waiting is None:
        return None
    total = waiting["client_days"] + waiting["team_days"]
    return {
        **waiting,
        "total_days": total,
        "client_percent": round(100 * waiting["client_days"] / total) if total else None,
        "items": [
            {
                **item,
                "due": _date(item["due"]),
                "kind_label": str(KIND_LABELS.get(item["kind"], "")),
            }
            for item in waiting["items"]
        ],
    }


def present(snapshot: dict[str, Any], language: str) -> dict[str, Any]:
    """The snapshot with dates parsed and labels in the active language (call it inside
    translation.override(language))."""
    health = snapshot["health"]
    status = health["status"]
    reasons = health["reasons"].get(language) or health["reasons"].get("en") or []
    progress = dict(snapshot["progress"])
    progress["baseline_end"] = _date(progress["baseline_end"])
    progress["current_end"] = _date(progress["current_end"])
    milestones = snapshot["milestones"]
    awaiting = snapshot["awaiting"]
    sections = [
        {
            "key": key,
            "template": section_template(key),
            "text_template": section_text_template(key),
            "data": data,
        }
        for key, data in snapshot.get("sections", {}).items()
    ]
    return {
        "project": snapshot["project"],
        "period_start": _date(snapshot["period"]["start"]),
        "period_end": _date(snapshot["period"]["end"]),
        "taken_at": _datetime(snapshot["taken_at"]),
        "time_zone": snapshot["time_zone"],
        "health": {
            "status": status,
            "label": str(CLIENT_LABELS.get(HealthStatus(status), status)),
            "reasons": reasons,
            "is_assessed_by_pm": health["is_assessed_by_pm"],
        },
        "progress": progress,
        "milestones_completed": [
            {
                **m,
                "due_date": _date(m["due_date"]),
                "completed_at": _datetime(m["completed_at"]),
            }
            for m in milestones["completed"]
        ],
        "milestones_next": [
            {
                **m,
                "due_date": _date(m["due_date"]),
                "baseline_due_date": _date(m["baseline_due_date"]),
                "status_label": _label(Milestone.Status, m["status"]),
            }
            for m in milestones["next"]
        ],
        "deliverables": [
            {
                **d,
                "submitted_at": _datetime(d["submitted_at"]),
                "due_date": _date(d["due_date"]),
            }
            for d in awaiting["deliverables"]
        ],
        "requirements": [
            {**r, "priority_label": _label(Requirement.Priority, r["priority"])}
            for r in awaiting["requirements"]
        ],
        "change_requests": awaiting["change_requests"],
        # Reports taken before the delay share was measured have no "waiting".
        "waiting": _waiting(snapshot.get("waiting")),
        "risks": [
            {
                **risk,
                "level_label": _label(Level, risk["level"]) or _("Not assessed yet"),
                "strategy_label": _label(Strategy, risk["strategy"]),
                "next_review_date": _date(risk["next_review_date"]),
            }
            for risk in snapshot["risks"]
        ],
        "timeline": timeline_layout(milestones.get("timeline")),
        "sections": [section for section in sections if section["template"]],
        "summary": snapshot["summary"],
        "has_decisions": bool(
            awaiting["deliverables"] or awaiting["requirements"] or awaiting["change_requests"]
        ),
    }


def report_context(snapshot: dict[str, Any], language: str, **extra: Any) -> dict[str, Any]:
    brand = current_brand()
    site_url = settings.SITE_URL.rstrip("/")
    return {
        "r": present(snapshot, language),
        "brand": brand,
        "site_url": site_url,
        "logo_url": f"{site_url}{brand.logo_path}" if brand.has_logo else "",
        **extra,
    }


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str
    pdf: bytes
    pdf_seconds: float


def render_report(snapshot: dict[str, Any], language: str, *, portal_url: str) -> Rendered:
    """The e-mail and the PDF of a report in `language`."""
    from common.pdf import render_pdf

    with translation.override(language):
        context = report_context(snapshot, language, portal_url=portal_url)
        subject = " ".join(render_to_string(f"{EMAIL_TEMPLATE}_subject.txt", context).split())
        body_text = render_to_string(f"{EMAIL_TEMPLATE}.txt", context)
        body_html = inline_css(render_to_string(f"{EMAIL_TEMPLATE}.html", context))
        # CPU time of this thread: what the PDF costs, however busy the machine is.
        started = clock.thread_time()
        pdf = render_pdf(PDF_TEMPLATE, context, None)
        pdf_seconds = clock.thread_time() - started
    return Rendered(subject[:998], body_text, body_html, pdf, pdf_seconds)


def inline_css(html: str) -> str:
    """The e-mail's stylesheet moved into style attributes: many mail clients (Gmail in some
    views, Outlook) ignore or strip <style>, none ignores style attributes."""
    import css_inline

    inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
    return inliner.inline(html)


def report_pdf_filename(snapshot: dict[str, Any]) -> str:
    code = "".join(ch for ch in snapshot["project"]["code"] if ch.isalnum() or ch in "-_")
    return f"status-report-{code or 'project'}-{snapshot['period']['end']}.pdf"
