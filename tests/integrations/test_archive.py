"""The project archive (integrations.archive): a whole project as a versioned JSON document, and a
new project started from one. It round-trips; a bad, tampered or newer archive, a code in use
and unknown people are reported before anything is written; only the PM and staff admins
download it, and client people neither download nor import."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from common.errors import InvalidInput, NotAllowed
from integrations.archive import VERSION, export_archive
from integrations.archive_import import import_archive
from projects.models import (
    Deliverable,
    Membership,
    Milestone,
    Project,
    Role,
    TaskDependency,
    Visibility,
)
from projects.services.objectives import objective_create
from risks.models import Risk
from risks.services.actions import mitigation_action_add
from risks.services.register import risk_create
from stakeholders.models import Requirement
from stakeholders.services.requirements import requirement_create
from tests.projects.test_templates import seeded  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

START = date(2027, 1, 4)
CANARY = "CANARY-internal-note"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, tzinfo=UTC), tick=False)


@pytest.fixture
def rich(cast, seeded):  # noqa: F811  (the fixture imported above)
    """The templates' seeded project (a plan with a bit of everything, a RACI, a report schedule,
    survey automations, progress) with what only an archive holds besides: a budget, an
    objective, a requirement and a risk with an action, both linked to the plan."""
    project, pm, teammate = seeded, cast.pm, cast.teammate
    Project.objects.filter(pk=project.pk).update(budget=Decimal("120000.00"))
    project.refresh_from_db()
    objective_create(actor=pm, project=project, title="Ship faster", target="2 days")
    design = Milestone.objects.get(project=project, name="Design")
    document = Deliverable.objects.get(milestone=design)
    requirement = requirement_create(
        actor=pm,
        project=project,
        title="Barcode scanning",
        priority=Requirement.Priority.MUST,
        visibility=Visibility.CLIENT,
        milestones=[design],
        deliverables=[document],
    )
    Requirement.objects.filter(pk=requirement.pk).update(status=Requirement.Status.CONFIRMED)
    risk = risk_create(
        actor=pm,
        project=project,
        title="Vendor delay",
        probability=4,
        impact=3,
        owner=teammate,
        internal_note=CANARY,
        next_review_date=date(2027, 1, 20),
        requirements=[requirement],
        milestones=[design],
    )
    mitigation_action_add(
        actor=pm, risk=risk, text="Second supplier", owner=teammate, due_date=date(2027, 1, 15)
    )
    return project


def _without_identity(archive: dict) -> dict:
    """The archive without what must differ between two projects: when, code, client."""
    archive = copy.deepcopy(archive)
    archive.pop("exported_at")
    for name in ("code", "client"):
        archive["project"].pop(name)
    return archive


def _import(actor, archive: dict, client, *, code: str = "c-new", dry_run: bool = False, **extra):
    return import_archive(
        actor=actor,
        content=json.dumps(archive).encode(),
        client=client,
        code=code,
        dry_run=dry_run,
        **extra,
    )


def test_a_project_archive_round_trips(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    assert archive["format"] == "rapport-project-archive"
    assert archive["version"] == VERSION
    assert archive["files_included"] is False

    report = _import(cast.pm, archive, client_b)

    assert report.problems == []
    assert report.written
    new = report.project
    assert new is not None
    assert new.client == client_b
    assert new.code == "c-new"
    again = export_archive(actor=cast.pm, project=new)
    first, second = _without_identity(archive), _without_identity(again)
    # Client people of client A are not people of client B's project: reported, left out.
    assert [row["email"] for row in second["members"]] == [
        "am@provider.test",
        "pm@provider.test",
        "team@provider.test",
    ]
    first["members"] = [row for row in first["members"] if row["email"].endswith("provider.test")]
    for section in first:
        assert second[section] == first[section], section
    assert {line.split(":")[0] for line in report.people_left_out} == {
        "admin@a.test",
        "rep@a.test",
        "viewer@a.test",
    }


def test_the_archive_refers_to_items_by_keys_of_its_own(cast, rich):
    archive = export_archive(actor=cast.pm, project=rich)
    milestones = archive["plan"]["parts"]["milestones"]
    assert [row["key"] for row in milestones] == ["m1", "m2"]
    assert milestones[0]["deliverables"][0]["key"] == "d1"
    assert milestones[0]["deliverables"][0]["status"] == Deliverable.Status.ACCEPTED
    tasks = archive["plan"]["parts"]["tasks"]
    assert [(row["key"], row["parent"], row["assignee"]) for row in tasks["tasks"]] == [
        ("t1", None, None),
        ("t2", "t1", "team@provider.test"),
        ("t3", "t1", None),
        ("t4", "t1", None),
    ]
    assert tasks["dependencies"] == [
        {
            "predecessor": "t2",
            "successor": "t3",
            "kind": TaskDependency.Kind.START_TO_START,
            "lag_days": 2,
        },
        {
            "predecessor": "t3",
            "successor": "t4",
            "kind": TaskDependency.Kind.FINISH_TO_FINISH,
            "lag_days": -1,
        },
    ]
    assert {(cell["stakeholder"], cell["member"]) for cell in archive["raci"]} == {
        ("s1", None),
        (None, "pm@provider.test"),
        (None, "team@provider.test"),
    }
    assert archive["requirements"][0]["milestones"] == ["m1"]
    assert archive["risks"][0]["requirements"] == ["r1"]
    assert archive["risks"][0]["owner"] == "team@provider.test"


def test_a_new_start_date_moves_every_date(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    report = _import(cast.pm, archive, client_b, start_date=date(2027, 2, 3))
    new = report.project
    assert new is not None
    assert new.start_date == date(2027, 2, 3)
    assert Milestone.objects.get(project=new, name="Design").due_date == date(2027, 2, 28)
    assert Risk.objects.get(project=new).next_review_date == date(2027, 2, 19)


def test_a_dry_run_reports_and_writes_nothing(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    before = Project.objects.count()
    report = _import(cast.pm, archive, client_b, dry_run=True)
    assert report.problems == []
    assert not report.written
    assert report.project is None
    assert dict(report.counts)["Milestones"] == 2
    assert Project.objects.count() == before


def test_a_code_in_use_is_refused_and_nothing_is_written(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    before = Project.objects.count()
    report = _import(cast.pm, archive, client_b, code="b-one")
    assert report.problems == ["The code b-one is already used by another project."]
    assert not report.written
    assert Project.objects.count() == before


def test_a_missing_reference_is_reported(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    archive["requirements"][0]["milestones"] = ["m9"]
    report = _import(cast.pm, archive, client_b)
    assert report.problems == ["The archive refers to the item m9, which it does not hold."]
    assert not Project.objects.filter(code="c-new").exists()


def test_a_tampered_item_writes_nothing(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    archive["risks"][0]["probability"] = 9
    report = _import(cast.pm, archive, client_b)
    assert report.problems
    assert not report.written
    assert not Project.objects.filter(code="c-new").exists()
    assert Milestone.objects.filter(project__client=client_b).count() == 0


def test_unknown_people_are_reported_not_created(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    archive["members"].append({"email": "nobody@elsewhere.test", "role": Role.TEAM_MEMBER})
    report = _import(cast.pm, archive, client_b)
    assert report.written
    assert any(line.startswith("nobody@elsewhere.test:") for line in report.people_left_out)
    assert not Membership.objects.filter(user__email="nobody@elsewhere.test").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "This file is not a JSON document"),
        (b'{"format": "something else"}', "This file is not a Rapport project archive."),
        (
            json.dumps({"format": "rapport-project-archive", "version": VERSION + 1}).encode(),
            "This archive was made by a newer version of Rapport",
        ),
        (
            json.dumps({"format": "rapport-project-archive", "version": "one"}).encode(),
            "Unknown archive version",
        ),
        (
            json.dumps({"format": "rapport-project-archive", "version": VERSION}).encode(),
            "The archive is damaged",
        ),
    ],
)
def test_a_file_that_is_not_a_known_archive_is_refused(cast, client_b, content, message):
    with pytest.raises(InvalidInput) as raised:
        import_archive(actor=cast.pm, content=content, client=client_b, code="c-new", dry_run=True)
    assert str(raised.value.message).startswith(message)
    assert raised.value.field == "file"


@pytest.mark.parametrize("role", ["am", "teammate", "client_admin", "rep", "outsider"])
def test_only_the_pm_and_staff_admins_export(cast, rich, role):
    with pytest.raises(NotAllowed):
        export_archive(actor=cast.by_name(role), project=rich)
    assert export_archive(actor=cast.staff_admin, project=rich)["project"]["name"] == "A One"


@pytest.mark.parametrize("role", ["client_admin", "rep", "viewer"])
def test_client_people_cannot_import(cast, rich, client_b, role):
    archive = export_archive(actor=cast.pm, project=rich)
    with pytest.raises(NotAllowed):
        _import(cast.by_name(role), archive, client_b)
