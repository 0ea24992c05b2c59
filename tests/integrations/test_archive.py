"""The project archive (integrations.archive): a whole project as a versioned JSON document, and a
new project started from one. It round-trips (meetings with their minutes, decisions and action
items, and baselines included); a version 1 archive still imports; a bad, tampered or newer
archive, a code in use and unknown people are reported before anything is written; only the PM
and staff admins download it, and client people neither download nor import."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.errors import InvalidInput, NotAllowed
from integrations.archive import VERSION, export_archive
from integrations.archive_import import import_archive
from projects.closure import closed_project_writes_allowed
from projects.models import (
    Baseline,
    Deliverable,
    Membership,
    Milestone,
    Phase,
    Project,
    Role,
    TaskDependency,
    Visibility,
)
from projects.services.baselines import baseline_set_first
from projects.services.milestones import milestone_create
from projects.services.objectives import objective_create
from risks.models import Risk
from risks.services.actions import mitigation_action_add
from risks.services.register import risk_create
from stakeholders.models import (
    ActionItem,
    ChangeRequest,
    Meeting,
    Requirement,
    ScheduleImpact,
    Side,
    Stakeholder,
)
from stakeholders.services.changes import change_request_create
from stakeholders.services.meetings import (
    action_item_create,
    action_item_set_done,
    meeting_create,
    meeting_decision_record,
)
from stakeholders.services.register import communication_item_create
from stakeholders.services.requirements import requirement_create
from tests.helpers import logged_in
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
    objective, a requirement and a risk with an action, both linked to the plan, a change
    request, a baseline, and two meetings with minutes, decisions and action items."""
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
    change = change_request_create(
        actor=pm,
        project=project,
        title="Add returns",
        reason="Asked by the client",
        requirements=[requirement.pk],
    )
    ChangeRequest.objects.filter(pk=change.pk).update(
        status=ChangeRequest.Status.APPROVED, cost_impact=Decimal("4500.00")
    )
    ScheduleImpact.objects.create(change_request=change, milestone=design, days=5)
    sponsor = Stakeholder.objects.get(project=project, name="Sam Sponsor")
    communication_item_create(
        actor=pm,
        project=project,
        what="Weekly status",
        recipients=[sponsor],
        sender=pm,
        channel="E-mail",
        frequency="Weekly",
    )
    baseline = baseline_set_first(actor=pm, project=project, reason="Agreed at kick-off")
    ChangeRequest.objects.filter(pk=change.pk).update(baseline=baseline)
    steering = meeting_create(
        actor=pm,
        project=project,
        title="Steering committee",
        starts_at=datetime(2027, 1, 11, 9, 30, tzinfo=UTC),
        location="Room 4",
        agenda="Scope",
        minutes="Scope agreed.",
        minutes_visibility=Visibility.CLIENT,
        attendees=[teammate, cast.rep],
        stakeholder_attendees=[sponsor],
        visibility=Visibility.CLIENT,
    )
    meeting_decision_record(
        actor=pm, meeting=steering, text="Returns go to phase 2", decided_by=Side.CLIENT
    )
    done = action_item_create(
        actor=pm, meeting=steering, text="Send the plan", owner=teammate, due_date=START
    )
    action_item_set_done(actor=pm, item=done, is_done=True)
    action_item_create(
        actor=pm,
        meeting=steering,
        text="Confirm the budget",
        owner=cast.rep,
        due_date=date(2027, 1, 18),
    )
    internal = meeting_create(
        actor=pm,
        project=project,
        title="Margin review",
        starts_at=datetime(2027, 1, 8, 15, tzinfo=UTC),
        minutes=CANARY,
    )
    action_item_create(actor=pm, meeting=internal, text="Check rates", owner=pm)
    project.refresh_from_db()
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
    # Likewise they leave the meetings; their action items go to the new project's PM.
    for meeting in first["meetings"]:
        meeting["attendees"] = [
            email for email in meeting["attendees"] if email.endswith("provider.test")
        ]
        for item in meeting["action_items"]:
            if not item["owner"].endswith("provider.test"):
                item["owner"] = "pm@provider.test"
    for section in first:
        assert second[section] == first[section], section
    assert {line.split(":")[0] for line in report.people_left_out} == {
        "admin@a.test",
        "rep@a.test",
        "viewer@a.test",
    }


def test_the_archive_holds_meetings_and_baselines(cast, rich):
    archive = export_archive(actor=cast.pm, project=rich)
    assert archive["version"] == 2
    internal, steering = archive["meetings"]
    assert (internal["title"], internal["start"], internal["time"]) == ("Margin review", 4, "15:00")
    assert internal["minutes"] == CANARY  # the team's archive: internal minutes too
    assert steering["attendees"] == ["rep@a.test", "team@provider.test"]
    assert steering["stakeholder_attendees"] == ["s1"]
    assert steering["decisions"] == [{"text": "Returns go to phase 2", "decided_by": Side.CLIENT}]
    assert steering["action_items"] == [
        {"text": "Send the plan", "owner": "team@provider.test", "due": 0, "is_done": True},
        {"text": "Confirm the budget", "owner": "rep@a.test", "due": 14, "is_done": False},
    ]
    (baseline,) = archive["baselines"]
    assert baseline["key"] == "b1"
    assert (baseline["number"], baseline["reason"], baseline["start"]) == (
        1,
        "Agreed at kick-off",
        0,
    )
    assert baseline["set_by"] == "pm@provider.test"
    assert {
        entry["milestone"] for entry in baseline["entries"] if entry["kind"] == "milestone"
    } == {
        "m1",
        "m2",
    }
    assert all(entry["task"] for entry in baseline["entries"] if entry["kind"] == "task")
    assert archive["change_requests"][0]["baseline"] == "b1"
    assert archive["plan"]["parts"]["milestones"][0]["baseline_due"] is not None
    assert archive["project"]["baseline_start"] == 0


def test_an_import_does_not_notify_action_owners(cast, rich, client_b):
    from notifications.models import Notification

    archive = export_archive(actor=cast.pm, project=rich)
    before = Notification.objects.count()
    report = _import(cast.pm, archive, client_b)
    assert report.written
    assert Notification.objects.count() == before
    items = ActionItem.objects.filter(meeting__project=report.project).order_by("pk")
    assert [(item.text, item.owner, item.is_done) for item in items] == [
        ("Check rates", cast.pm, False),
        ("Send the plan", cast.teammate, True),
        ("Confirm the budget", cast.pm, False),
    ]
    assert all(item.done_at for item in items if item.is_done)
    counts = dict(report.counts)
    assert (counts["Meetings"], counts["Action items"], counts["Baselines"]) == (2, 3, 1)


def test_a_version_1_archive_still_imports(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    archive["version"] = 1
    for section in ("meetings", "baselines"):
        del archive[section]
    for name in ("baseline_start", "baseline_end"):
        del archive["project"][name]
    for milestone in archive["plan"]["parts"]["milestones"]:
        del milestone["baseline_due"]
    for task in archive["plan"]["parts"]["tasks"]["tasks"]:
        del task["baseline_start"], task["baseline_due"]
    for change in archive["change_requests"]:
        del change["baseline"]
    report = _import(cast.pm, archive, client_b)
    assert report.problems == []
    assert report.written
    new = report.project
    assert not Meeting.objects.filter(project=new).exists()
    assert not Baseline.objects.filter(project=new).exists()
    assert export_archive(actor=cast.pm, project=new)["version"] == 2


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
    assert archive["change_requests"][0]["requirements"] == ["r1"]
    assert archive["change_requests"][0]["schedule_impacts"] == [{"milestone": "m1", "days": 5}]
    assert archive["communication_plan"][0]["recipients"] == ["s1"]


def test_a_new_start_date_moves_every_date(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    report = _import(cast.pm, archive, client_b, start_date=date(2027, 2, 3))
    new = report.project
    assert new is not None
    assert new.start_date == date(2027, 2, 3)
    assert Milestone.objects.get(project=new, name="Design").due_date == date(2027, 2, 28)
    assert Risk.objects.get(project=new).next_review_date == date(2027, 2, 19)
    shift = timedelta(days=30)
    steering = Meeting.objects.get(project=new, title="Steering committee")
    assert steering.starts_at == datetime(2027, 1, 11, 9, 30, tzinfo=UTC) + shift
    baseline = Baseline.objects.get(project=new)
    assert baseline.start_date == date(2027, 2, 3)
    assert new.baseline_start_date == date(2027, 2, 3)
    design = Milestone.objects.get(project=new, name="Design")
    old_design = Milestone.objects.get(project=rich, name="Design")
    assert design.baseline_due_date == old_design.baseline_due_date + shift


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


# --- Pages and API ------------------------------------------------------------------------------


def test_the_pm_downloads_the_archive(cast, rich):
    response = logged_in(cast.pm).get(reverse("integrations:archive_export", args=[rich.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["project"]["code"] == "a-one"
    assert CANARY in response.content.decode()  # internal items are in it: the team's only


@pytest.mark.parametrize(("role", "status"), [("rep", 302), ("client_admin", 302), ("am", 403)])
def test_others_cannot_download_the_archive(cast, rich, role, status):
    response = logged_in(cast.by_name(role)).get(
        reverse("integrations:archive_export", args=[rich.pk])
    )
    assert response.status_code in (status, 404)
    assert CANARY not in response.content.decode()


def test_another_projects_pm_cannot_download_the_archive(cast, rich, other_project):
    other_pm = cast.outsider
    Membership.objects.create(
        project=other_project,
        user=other_pm,
        role=Role.PM,
        member_organization_id=other_pm.organization_id,
        member_side=other_pm.side,
        project_client_id=other_project.client_id,
    )
    response = logged_in(other_pm).get(reverse("integrations:archive_export", args=[rich.pk]))
    assert response.status_code in (403, 404)
    assert CANARY not in response.content.decode()


def test_the_api_exports_for_the_pm_only(cast, rich):
    url = reverse("api:project_archive", args=[rich.pk])
    response = logged_in(cast.pm).get(url)
    assert response.status_code == 200
    assert response.json()["format"] == "rapport-project-archive"
    refused = logged_in(cast.rep).get(url)
    assert refused.status_code in (403, 404)
    assert CANARY not in refused.content.decode()


def _upload(archive: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("archive.json", json.dumps(archive).encode(), "application/json")


def test_the_api_checks_then_imports(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    client = logged_in(cast.pm)
    url = reverse("api:project_archives")
    data = {"file": _upload(archive), "client": client_b.pk, "code": "c-new"}
    checked = client.post(url, data)
    assert checked.status_code == 200, checked.content
    assert checked.json()["written"] is False
    assert not Project.objects.filter(code="c-new").exists()
    data = {"file": _upload(archive), "client": client_b.pk, "code": "c-new", "dry_run": False}
    created = client.post(url, data)
    assert created.status_code == 201, created.content
    new = Project.objects.get(code="c-new")
    assert created.json()["project"] == new.pk


def test_the_api_refuses_client_people(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    response = logged_in(cast.rep).post(
        reverse("api:project_archives"),
        {"file": _upload(archive), "client": client_b.pk, "code": "c-new", "dry_run": False},
    )
    assert response.status_code == 403
    assert not Project.objects.filter(code="c-new").exists()


def test_the_import_page_checks_then_creates(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    client = logged_in(cast.pm)
    page = client.get(reverse("integrations:archive_import"))
    assert page.status_code == 200
    data = {"file": _upload(archive), "client": client_b.pk, "code": "c-new"}
    checked = client.post(reverse("integrations:archive_import"), data)
    assert checked.status_code == 200
    assert "Milestones" in checked.content.decode()
    assert not Project.objects.filter(code="c-new").exists()
    data = {"file": _upload(archive), "client": client_b.pk, "code": "c-new", "confirm": "1"}
    created = client.post(reverse("integrations:archive_import"), data)
    new = Project.objects.get(code="c-new")
    assert created.status_code == 302
    assert created["Location"] == reverse("projects:detail", args=[new.pk])


def test_the_import_page_shows_problems(cast, rich, client_b):
    archive = export_archive(actor=cast.pm, project=rich)
    data = {"file": _upload(archive), "client": client_b.pk, "code": "b-one", "confirm": "1"}
    response = logged_in(cast.pm).post(reverse("integrations:archive_import"), data)
    assert response.status_code == 400
    assert "The code b-one is already used by another project." in response.content.decode()
    assert Project.objects.filter(code="b-one").count() == 1


def test_client_people_do_not_reach_the_import_page(cast):
    response = logged_in(cast.rep).get(reverse("integrations:archive_import"))
    assert response.status_code in (302, 403, 404)


def test_a_closed_projects_archive_downloads_and_imports_as_an_open_project(cast, rich, client_b):
    with closed_project_writes_allowed():
        rich.phase = Phase.CLOSED
        rich.save(update_fields=["phase", "updated_at"])
    response = logged_in(cast.pm).get(reverse("integrations:archive_export", args=[rich.pk]))
    assert response.status_code == 200
    archive = json.loads(response.content)
    assert archive["project"]["phase"] == Phase.CLOSED
    report = _import(cast.pm, archive, client_b)
    assert report.written
    assert report.project is not None
    assert report.project.phase == Phase.INITIATION


def test_a_project_without_a_start_date_says_so(cast):
    response = logged_in(cast.pm).get(
        reverse("integrations:archive_export", args=[cast.project.pk]), follow=True
    )
    assert "Give the project a start date first" in response.content.decode()


def test_the_pages_link_the_download_and_the_import(cast, rich):
    client = logged_in(cast.pm)
    edit = client.get(reverse("projects:edit", args=[rich.pk])).content.decode()
    assert reverse("integrations:archive_export", args=[rich.pk]) in edit
    projects = client.get(reverse("projects:list")).content.decode()
    assert reverse("integrations:archive_import") in projects


def test_the_export_reads_as_many_queries_however_many_items(cast, rich):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            export_archive(actor=cast.pm, project=rich)
        return len(context.captured_queries)

    queries()  # the first read fills the per-user caches
    before = queries()
    for number in range(3):
        milestone = milestone_create(
            actor=cast.pm, project=rich, name=f"Extra {number}", due_date=date(2027, 2, 10)
        )
        risk = risk_create(actor=cast.pm, project=rich, title=f"Extra risk {number}")
        mitigation_action_add(actor=cast.pm, risk=risk, text="Watch it")
        requirement_create(
            actor=cast.pm, project=rich, title=f"Extra {number}", milestones=[milestone]
        )
        meeting = meeting_create(
            actor=cast.pm,
            project=rich,
            title=f"Extra meeting {number}",
            starts_at=datetime(2027, 1, 20, 9, tzinfo=UTC),
            attendees=[cast.teammate],
        )
        meeting_decision_record(actor=cast.pm, meeting=meeting, text="Go")
        action_item_create(actor=cast.pm, meeting=meeting, text="Do it", owner=cast.teammate)
    assert queries() == before
