"""A project's health: red, amber or green, with the reasons, in the reader's language.

Built-in rules (projects only):

- schedule slippage: the current end against the baseline end, as a share of the baseline
  duration: more than 5 % is amber, more than 15 % is red;
- overdue milestones (not completed, due date passed): one is amber, two or more are red.

Other apps add their own rules as **health signals** (open critical risks, recent satisfaction
...). A signal is a callable registered once, at app start-up (in its `AppConfig.ready()`):

    from projects.health import HealthFinding, register_health_signal

    def critical_risks(projects, *, today):
        counts = ...one query for all `projects`...
        return {
            pk: [HealthFinding(HealthStatus.RED, reason(lambda: _("2 open critical risks")))]
            for pk in ...
        }

    register_health_signal(critical_risks)

It receives every project of the page at once (a list of `Project`) and the day of evaluation,
and returns, per project id, the findings it has (nothing for a healthy project). It must read
all the projects with a fixed number of queries, never one per project, so that lists keep a
constant number of queries (a signal may count with annotations a portfolio column put on the
projects' query, `projects.selectors.portfolio.register_portfolio_columns`, and read the
others itself). A finding says whether the client may read it (`audience`). Its
reason is a sentence written when it is read (`reason(...)`): health is computed once and read
in each reader's language (a status report's recipients, a page's).

A PM may override the computed health with a written reason. The override holds until the next
status report, which shows it and then ends it, or until a date (`health_override_until`, 14 days
by default) if that comes first; the computed health shows again after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, cast

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects.models import HealthStatus, Milestone, Visibility

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

    from accounts.models import User
    from projects.models import Project

SLIPPAGE_AMBER = 0.05
SLIPPAGE_RED = 0.15
OVERDUE_MILESTONES_RED = 2

_RANK = {HealthStatus.GREEN: 0, HealthStatus.AMBER: 1, HealthStatus.RED: 2}


class Audience:
    """Who may read a finding."""

    EVERYONE = "everyone"
    STAFF = "staff"  # the provider side only (it rests on internal items)
    CLIENT = "client"  # the client's version of a finding whose staff version is internal


def _written(sentence: Callable[[], str]) -> str:
    return sentence()


# One lazy factory for every reason: making a factory per reason prepares its proxy class again
# each time (a tenth of a millisecond, a portfolio page makes hundreds).
_lazy_reason = lazy(_written, str)


def reason(sentence: Callable[[], str]) -> StrPromise:
    """A finding's reason: `sentence()` (a gettext or ngettext call and its figures) is
    written each time the reason is read, in the language active then."""
    return cast("StrPromise", _lazy_reason(sentence))


@dataclass(frozen=True)
class HealthFinding:
    status: str
    reason: StrPromise | str
    audience: str = Audience.EVERYONE

    @property
    def is_internal(self) -> bool:
        return self.audience == Audience.STAFF


@dataclass(frozen=True)
class HealthOverride:
    status: str
    reason: str
    by: User | None
    until: date | None


@dataclass(frozen=True)
class Health:
    """The health shown to the team: `status` is the override if one holds, else computed."""

    status: str
    computed_status: str
    reasons: list[HealthFinding]
    override: HealthOverride | None = None
    client_reasons: list[HealthFinding] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(HealthStatus(self.status).label)

    @property
    def computed_label(self) -> str:
        return str(HealthStatus(self.computed_status).label)

    @property
    def reason_text(self) -> str:
        """The reasons on one line (for a title attribute)."""
        if not self.reasons:
            return _("No problem found.")
        return "; ".join(str(finding.reason) for finding in self.reasons)

    @property
    def client_status(self) -> str:
        """What the client sees: the PM's assessment if one holds, else the status computed
        from what the client may see."""
        if self.override is not None:
            return self.override.status
        return _worst(self.client_reasons)

    @property
    def client_label(self) -> str:
        return str(CLIENT_LABELS[HealthStatus(self.client_status)])


# The client reads a plain status instead of colours.
CLIENT_LABELS = {
    HealthStatus.GREEN: gettext_lazy("On track"),
    HealthStatus.AMBER: gettext_lazy("At risk"),
    HealthStatus.RED: gettext_lazy("Off track"),
}


HealthSignal = Callable[..., Mapping[int, Iterable[HealthFinding]]]
_signals: list[HealthSignal] = []


def register_health_signal(signal: HealthSignal) -> HealthSignal:
    """Add a rule from another app (see the module's docstring). Usable as a decorator;
    registering the same callable twice has no effect."""
    if signal not in _signals:
        _signals.append(signal)
    return signal


def unregister_health_signal(signal: HealthSignal) -> None:
    """For tests."""
    if signal in _signals:
        _signals.remove(signal)


def _worst(findings: Iterable[HealthFinding]) -> str:
    status = HealthStatus.GREEN
    for finding in findings:
        if _RANK[HealthStatus(finding.status)] > _RANK[status]:
            status = HealthStatus(finding.status)
    return str(status)


def health_rank(status: str) -> int:
    """2 for red, 1 for amber, 0 for green: for sorting the worst first."""
    return _RANK[HealthStatus(status)]


def _slipped(late: int, percent: int) -> str:
    return ngettext(
        "The end is %(days)d day later than the baseline (%(percent)d %% of its duration).",
        "The end is %(days)d days later than the baseline (%(percent)d %% of its duration).",
        late,
    ) % {"days": late, "percent": percent}


def _slippage(project: Project) -> HealthFinding | None:
    start, baseline_end, end = (
        project.baseline_start_date,
        project.baseline_end_date,
        project.end_date,
    )
    if start is None or baseline_end is None or end is None:
        return None
    duration = (baseline_end - start).days
    late = (end - baseline_end).days
    if duration <= 0 or late <= 0:
        return None
    share = late / duration
    if share <= SLIPPAGE_AMBER:
        return None
    percent = round(share * 100)
    slipped = reason(partial(_slipped, late, percent))
    return HealthFinding(HealthStatus.RED if share > SLIPPAGE_RED else HealthStatus.AMBER, slipped)


def _overdue_finding(count: int, audience: str) -> HealthFinding:
    return HealthFinding(
        HealthStatus.RED if count >= OVERDUE_MILESTONES_RED else HealthStatus.AMBER,
        reason(
            lambda: (
                ngettext(
                    "%(count)d milestone is overdue.", "%(count)d milestones are overdue.", count
                )
                % {"count": count}
            )
        ),
        audience,
    )


def _overdue(project: Project) -> list[HealthFinding]:
    # Both counts are annotations of the portfolio's query (overdue_milestone_filter).
    overdue = project.overdue_milestone_count  # type: ignore[attr-defined]
    overdue_for_client = project.overdue_client_milestone_count  # type: ignore[attr-defined]
    if overdue == overdue_for_client:
        return [_overdue_finding(overdue, Audience.EVERYONE)] if overdue else []
    findings = [_overdue_finding(overdue, Audience.STAFF)]
    if overdue_for_client:
        findings.append(_overdue_finding(overdue_for_client, Audience.CLIENT))
    return findings


def overdue_milestone_filter(today: date, prefix: str = "") -> Q:
    """Milestones not completed whose due date has passed (prefix "milestones__" from a project)."""
    return Q(**{f"{prefix}due_date__lt": today}) & ~Q(
        **{f"{prefix}status": Milestone.Status.COMPLETED}
    )


def _annotate_overdue(projects: Sequence[Project], today: date) -> None:
    """Give projects that lack them the overdue milestone counts: one query for all."""
    missing = [project for project in projects if not hasattr(project, "overdue_milestone_count")]
    if not missing:
        return
    counts = {
        row["project_id"]: row
        for row in Milestone.objects.filter(project__in=missing)
        .filter(overdue_milestone_filter(today))
        .values("project_id")
        .annotate(
            total=Count("pk"),
            for_client=Count("pk", filter=Q(visibility=Visibility.CLIENT)),
        )
    }
    for project in missing:
        row = counts.get(project.pk, {})
        project.overdue_milestone_count = row.get("total", 0)  # type: ignore[attr-defined]
        project.overdue_client_milestone_count = row.get("for_client", 0)  # type: ignore[attr-defined]


def active_override(project: Project, today: date) -> HealthOverride | None:
    if not project.health_override:
        return None
    if project.health_override_until is not None and project.health_override_until < today:
        return None
    return HealthOverride(
        status=project.health_override,
        reason=project.health_override_reason,
        by=project.health_override_by,
        until=project.health_override_until,
    )


def project_health_many(
    projects: Sequence[Project], *, today: date | None = None
) -> dict[int, Health]:
    """The health of each project, by id, with a fixed number of queries whatever their number:
    the overdue counts come annotated (`projects.selectors.project_portfolio_for`) or from one
    grouped query, each registered signal reads all the projects at once. Load
    `health_override_by` with the projects (select_related) to show who overrode."""
    today = today or timezone.localdate()
    projects = list(projects)
    _annotate_overdue(projects, today)
    from_signals: dict[int, list[HealthFinding]] = {project.pk: [] for project in projects}
    for signal in _signals:
        for project_id, findings in signal(projects, today=today).items():
            if project_id in from_signals:
                from_signals[project_id].extend(findings)
    result: dict[int, Health] = {}
    for project in projects:
        findings = [f for f in [_slippage(project)] if f is not None]
        findings += _overdue(project)
        findings += from_signals[project.pk]
        staff = [f for f in findings if f.audience != Audience.CLIENT]
        client = [f for f in findings if f.audience != Audience.STAFF]
        computed = _worst(staff)
        override = active_override(project, today)
        result[project.pk] = Health(
            status=override.status if override else computed,
            computed_status=computed,
            reasons=staff,
            override=override,
            client_reasons=client,
        )
    return result


def project_health(project: Project, *, today: date | None = None) -> Health:
    """The health of one project (see the module's docstring for the rules)."""
    return project_health_many([project], today=today)[project.pk]
