"""The dispatcher takes the snapshots of a batch together (reports.snapshot.take_snapshots):
each is exactly what taking it alone gives, nothing of one project shows in another's, and the
number of queries grows only by the registered sections of each extra project."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Milestone, Role, Visibility
from projects.services.milestones import milestone_create
from reports.sections import registered_sections
from reports.snapshot import SnapshotRequest, take_snapshots
from risks.services.register import risk_create
from tests.factories import ProjectFactory, add_member

UNTIL = datetime(2026, 3, 30, 7, tzinfo=UTC)


def _populate(pm, project, tag: str, *, completed_at: datetime) -> None:
    done = milestone_create(
        actor=pm, project=project, name=f"{tag} design signed", due_date=date(2026, 3, 20)
    )
    Milestone.objects.filter(pk=done.pk).update(
        status=Milestone.Status.COMPLETED, completed_at=completed_at
    )
    milestone_create(actor=pm, project=project, name=f"{tag} go-live", due_date=date(2026, 4, 3))
    milestone_create(
        actor=pm,
        project=project,
        name=f"{tag} secret cutover",
        due_date=date(2026, 4, 1),
        visibility=Visibility.INTERNAL,
    )
    risk_create(
        actor=pm,
        project=project,
        title=f"{tag} scanner supply",
        probability=3,
        impact=4,
        visibility=Visibility.CLIENT,
    )
    risk_create(
        actor=pm, project=project, title=f"{tag} vendor insolvency", probability=5, impact=5
    )


def _request(project, time_zone: str) -> SnapshotRequest:
    return SnapshotRequest(project, date(2026, 3, 23), date(2026, 3, 30), UNTIL, "S", time_zone)


def test_a_batch_gives_each_project_what_it_would_get_alone(pm, project, other_project):
    add_member(other_project, pm, Role.PM)
    _populate(pm, project, "Alpha", completed_at=datetime(2026, 3, 25, tzinfo=UTC))
    _populate(pm, other_project, "Beta", completed_at=datetime(2026, 1, 5, tzinfo=UTC))
    requests = [_request(project, "Europe/Berlin"), _request(other_project, "Asia/Shanghai")]

    batch = take_snapshots(requests)

    for request in requests:
        assert batch[request.project.pk] == take_snapshots([request])[request.project.pk]
    alpha, beta = str(batch[project.pk]), str(batch[other_project.pk])
    assert "Beta" not in alpha
    assert "Alpha" not in beta
    for text in (alpha, beta):
        assert "secret cutover" not in text
        assert "vendor insolvency" not in text
    # Alpha's milestone was completed in the period, Beta's long before it.
    assert [m["name"] for m in batch[project.pk]["milestones"]["completed"]] == [
        "Alpha design signed"
    ]
    assert batch[other_project.pk]["milestones"]["completed"] == []
    assert [m["name"] for m in batch[other_project.pk]["milestones"]["next"]] == ["Beta go-live"]
    assert [r["title"] for r in batch[project.pk]["risks"]] == ["Alpha scanner supply"]


def test_a_batch_costs_a_fixed_number_of_queries_but_for_the_sections(pm, project):
    projects = [project] + [ProjectFactory(client=project.client) for _ in range(4)]
    for each in projects[1:]:
        add_member(each, pm, Role.PM)
    pm = type(pm).objects.get(pk=pm.pk)  # its memberships read afresh
    for each in projects:
        _populate(pm, each, each.code, completed_at=datetime(2026, 3, 25, tzinfo=UTC))

    # Counted warm: the working calendars (the delay share's) come from the cache. Warmed with
    # fresh copies of the projects (the health annotates the objects it reads).
    take_snapshots(
        [_request(type(each).objects.get(pk=each.pk), "Europe/Berlin") for each in projects]
    )
    with CaptureQueriesContext(connection) as one:
        take_snapshots([_request(projects[0], "Europe/Berlin")])
    with CaptureQueriesContext(connection) as five:
        take_snapshots([_request(each, "Europe/Berlin") for each in projects])

    per_project = len(registered_sections())  # each section reads its project: one query
    assert len(five.captured_queries) - len(one.captured_queries) == 4 * per_project


def test_recipients_of_a_batch_are_each_schedules_own(
    pm, project, other_project, rep, viewer, other_client_rep
):
    """Read together, each schedule still gets its own project's members in its own roles and
    its own extra addresses, nothing of another client's."""
    from reports.recipients import recipients_many, recipients_of
    from tests.reports.conftest import make_schedule

    add_member(other_project, pm, Role.PM)
    pm = type(pm).objects.get(pk=pm.pk)
    mine = make_schedule(
        pm, project, roles=[Role.CUSTOMER_REP], extras=[("sam@a.test", "Sam", "en")]
    )
    theirs = make_schedule(
        pm,
        other_project,
        roles=[Role.CUSTOMER_REP, Role.CLIENT_VIEWER],
        extras=[("kim@b.test", "Kim", "zh-hans")],
    )

    batch = recipients_many([mine, theirs])

    assert batch[mine.pk] == recipients_of(mine)
    assert batch[theirs.pk] == recipients_of(theirs)
    assert [r.email for r in batch[mine.pk]] == [rep.email, "sam@a.test"]  # not the viewer
    assert [r.email for r in batch[theirs.pk]] == [other_client_rep.email, "kim@b.test"]


def test_the_health_is_read_once_and_written_in_every_language(pm, project, settings):
    """The reasons are written per language from one reading of the health: a second
    language costs no query."""
    from reports.snapshot import health_snapshots

    _populate(pm, project, "Alpha", completed_at=datetime(2026, 3, 25, tzinfo=UTC))
    risk_create(
        actor=pm,
        project=project,
        title="Port strike",
        probability=5,
        impact=5,
        visibility=Visibility.CLIENT,
    )
    day = date(2026, 3, 30)
    health_snapshots([(type(project).objects.get(pk=project.pk), day)])  # warm
    counts = {}
    for languages in (settings.LANGUAGES[:1], settings.LANGUAGES):
        settings.LANGUAGES = languages
        fresh = type(project).objects.get(pk=project.pk)
        with CaptureQueriesContext(connection) as queries:
            health = health_snapshots([(fresh, day)])[project.pk]
        counts[len(languages)] = len(queries.captured_queries)
    assert counts[1] == counts[2]
    assert health["reasons"] == {
        "en": ["1 open critical risk."],
        "zh-hans": ["1 个未关闭的极高风险。"],
    }
