"""What other apps show of the risks: the portfolio's risk columns (the team's view) and the
client-visible active risks of a status report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from projects.models import Project, Visibility
from projects.selectors.portfolio import count_per_project
from risks.health import annotate_risk_health
from risks.models import Risk


def annotate_risks(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The portfolio's risk columns (the team's view: internal risks count): open risks and the
    top risk's title, level and id, as subqueries of the same query (the open critical ones
    come with the health's counts, risks.health.annotate_risk_health)."""
    active = Risk.objects.filter(status__in=Risk.ACTIVE)
    top = active.filter(project=OuterRef("pk"), score__isnull=False).order_by("-score", "number")
    return projects.annotate(
        open_risk_count=count_per_project(active),
        top_risk_id=Subquery(top.values("pk")[:1]),
        top_risk_number=Subquery(top.values("number")[:1]),
        top_risk_title=Subquery(top.values("title")[:1]),
        top_risk_level=Subquery(top.values("level")[:1]),
    )


def portfolio_columns(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """The portfolio's risk columns (projects.selectors.portfolio): see annotate_risks; and what
    the risk health signal counts (risks.health.annotate_risk_health), so that the health of
    the projects read costs no query of its own."""
    return annotate_risk_health(annotate_risks(projects), today=today)


def client_risks_for_report(project: Project) -> list[dict[str, Any]]:
    """What a status report shows of the risks: the client-visible active ones with their
    level, response and owner; never the internal note. One query."""
    return client_risks_for_reports([project])[project.pk]


def client_risks_for_reports(projects: Sequence[Project]) -> dict[int, list[dict[str, Any]]]:
    """client_risks_for_report of several projects, by id, in one query."""
    risks = (
        Risk.objects.filter(
            project__in=[project.pk for project in projects],
            visibility=Visibility.CLIENT,
            status__in=Risk.ACTIVE,
        )
        .select_related("owner")
        .order_by("project_id", F("score").desc(nulls_last=True), "number")
    )
    result: dict[int, list[dict[str, Any]]] = {project.pk: [] for project in projects}
    for risk in risks:
        result[risk.project_id].append(
            {
                "reference": risk.reference,
                "title": risk.title,
                "category": risk.get_category_display(),
                "score": risk.score,
                "level": risk.level,
                "level_label": risk.get_level_display() if risk.level else _("Not assessed yet"),
                "strategy": risk.strategy,
                "strategy_label": risk.get_strategy_display(),
                "owner": risk.owner.display_name if risk.owner else "",
                "status": risk.get_status_display(),
                "next_review_date": risk.next_review_date,
            }
        )
    return result
