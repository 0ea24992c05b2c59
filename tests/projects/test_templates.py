"""Project templates (projects.services.templates, projects.copying): saving a project's plan as
a template, starting a project from it or as a copy of a project, every date moved to the new
start; who may; nothing half-made on bad input; a template is never a project."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from common.errors import Conflict, InvalidInput, NotAllowed, NotFound
from feedback.models import CampaignTrigger, SurveyAutomation
from feedback.services.automations import automation_create
from projects.models import (
    AcceptanceCriterion,
    AcceptanceRound,
    Deliverable,
    Membership,
    Milestone,
    Project,
    ProjectTemplate,
    Role,
    Task,
    TaskDependency,
    TimeEntry,
    Visibility,
)
from projects.selectors import PortfolioFilters, project_portfolio_for
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from projects.services.tasks import dependency_add, task_create, task_update
from projects.services.templates import (
    project_copy,
    project_create_from_template,
    template_delete,
    template_save,
)
from reports.models import ReportSchedule
from reports.services.schedules import ExtraAddress, schedule_save
from stakeholders.models import RaciAssignment, Stakeholder
from stakeholders.services.register import raci_assign, stakeholder_create
from tests.feedback.surveys.helpers import make_template
from tests.helpers import count_queries, logged_in

TODAY = date(2026, 11, 23)
SOURCE_START = date(2027, 1, 4)
NEW_START = date(2027, 2, 3)  # 30 days later


@pytest.fixture(autouse=True)
def _clock_at_today(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, tzinfo=UTC), tick=False)


@pytest.fixture
def seeded(project, pm, teammate):
    """The source project: milestones, a deliverable with criteria, a WBS with SS and FF links
    and lags, a constraint, the RACI, a report schedule, survey automations, and progress that
    must not be copied."""
    Project.objects.filter(pk=project.pk).update(
        start_date=SOURCE_START,
        end_date=date(2027, 3, 31),
        summary="Roll out the warehouse system",
        currency="CHF",
        tags=["wms"],
        deemed_acceptance_days=5,
    )
    project.refresh_from_db()
    first = milestone_create(actor=pm, project=project, name="Design", due_date=date(2027, 1, 29))
    milestone_create(
        actor=pm,
        project=project,
        name="Go-live",
        due_date=date(2027, 3, 15),
        visibility=Visibility.INTERNAL,
    )
    design = deliverable_create(
        actor=pm,
        milestone=first,
        name="Design document",
        criteria=["Signed off by IT", "Covers returns"],
        due_date=date(2027, 1, 27),
    )
    parent = task_create(actor=pm, project=project, name="Build")
    one = task_create(
        actor=pm,
        project=project,
        name="Schema",
        parent=parent,
        milestone=first,
        assignee=teammate,
        estimate_hours=Decimal("16.50"),
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
    )
    two = task_create(
        actor=pm,
        project=project,
        name="Screens",
        parent=parent,
        start_date=date(2027, 1, 11),
        due_date=date(2027, 1, 15),
        constraint=Task.Constraint.START_NO_EARLIER_THAN,
        constraint_date=date(2027, 1, 11),
    )
    three = task_create(
        actor=pm,
        project=project,
        name="Reports",
        parent=parent,
        start_date=date(2027, 1, 11),
        due_date=date(2027, 1, 20),
        visibility=Visibility.CLIENT,
    )
    dependency_add(
        actor=pm,
        predecessor=one,
        successor=two,
        kind=TaskDependency.Kind.START_TO_START,
        lag_days=2,
    )
    dependency_add(
        actor=pm,
        predecessor=two,
        successor=three,
        kind=TaskDependency.Kind.FINISH_TO_FINISH,
        lag_days=-1,
    )
    task_update(
        actor=pm, task=one, changes={"status": Task.Status.DONE, "actual_hours": Decimal(12)}
    )
    Deliverable.objects.filter(pk=design.pk).update(status=Deliverable.Status.ACCEPTED)
    sponsor = stakeholder_create(
        actor=pm, project=project, name="Sam Sponsor", role="Sponsor", organisation="Client A"
    )
    raci_assign(actor=pm, project=project, work_area="Testing", user=pm, letter="A")
    raci_assign(actor=pm, project=project, work_area="Testing", user=teammate, letter="R")
    raci_assign(actor=pm, project=project, deliverable=design, stakeholder=sponsor, letter="A")
    raci_assign(actor=pm, project=project, deliverable=design, user=pm, letter="C")
    schedule_save(
        actor=pm,
        project=project,
        cadence="biweekly",
        weekday=4,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN],
        is_active=True,
        extra_recipients=[ExtraAddress("sponsor@a.test", "Sam Sponsor")],
    )
    survey = make_template(pm)
    automation_create(
        actor=pm,
        project=project,
        template=survey,
        trigger=CampaignTrigger.DELIVERABLE_ACCEPTED,
        open_days=10,
    )
    automation_create(
        actor=pm,
        project=project,
        template=survey,
        trigger=CampaignTrigger.PERIODIC,
        interval_months=3,
        first_run_on=date(2027, 2, 1),
    )
    pm.__dict__.pop("project_roles", None)
    return project


def assert_plan_shifted_by_30_days(new: Project, pm) -> None:
    """Every date of the seeded plan, hand-moved 30 days; links, criteria, RACI, schedule and
    automations kept; no status, progress, time, people or addresses."""
    assert new.start_date == date(2027, 2, 3)
    assert new.end_date == date(2027, 4, 30)
    assert new.baseline_end_date == date(2027, 4, 30)
    assert new.phase == "initiation"
    assert (new.summary, new.currency, new.tags, new.deemed_acceptance_days) == (
        "Roll out the warehouse system",
        "CHF",
        ["wms"],
        5,
    )
    assert list(Membership.objects.filter(project=new).values_list("user_id", "role")) == [
        (pm.pk, Role.PM)
    ]
    milestones = list(
        Milestone.objects.filter(project=new).values_list(
            "name", "due_date", "baseline_due_date", "visibility", "status"
        )
    )
    assert milestones == [
        ("Design", date(2027, 2, 28), date(2027, 2, 28), Visibility.CLIENT, "planned"),
        ("Go-live", date(2027, 4, 14), date(2027, 4, 14), Visibility.INTERNAL, "planned"),
    ]
    deliverable = Deliverable.objects.get(project=new)
    assert (deliverable.name, deliverable.due_date, deliverable.status, deliverable.owner) == (
        "Design document",
        date(2027, 2, 26),
        Deliverable.Status.IN_PROGRESS,
        None,
    )
    assert deliverable.milestone.name == "Design"
    assert list(
        AcceptanceCriterion.objects.filter(deliverable=deliverable).values_list("text", flat=True)
    ) == ["Signed off by IT", "Covers returns"]
    assert not AcceptanceRound.objects.filter(deliverable=deliverable).exists()
    tasks = {task.name: task for task in Task.objects.filter(project=new)}
    assert {
        name: (t.start_date, t.due_date, t.status, t.percent_complete, t.actual_hours)
        for name, t in tasks.items()
    } == {
        "Build": (date(2027, 2, 3), date(2027, 2, 19), "todo", 0, 0),
        "Schema": (date(2027, 2, 3), date(2027, 2, 7), "todo", 0, 0),
        "Screens": (date(2027, 2, 10), date(2027, 2, 14), "todo", 0, 0),
        "Reports": (date(2027, 2, 10), date(2027, 2, 19), "todo", 0, 0),
    }
    assert tasks["Schema"].parent == tasks["Build"]
    assert tasks["Schema"].milestone.name == "Design"
    assert tasks["Schema"].milestone.project_id == new.pk
    assert tasks["Schema"].estimate_hours == Decimal("16.50")
    assert tasks["Schema"].assignee is None
    assert (tasks["Screens"].constraint, tasks["Screens"].constraint_date) == (
        "snet",
        date(2027, 2, 10),
    )
    assert tasks["Reports"].visibility == Visibility.CLIENT
    links = list(
        TaskDependency.objects.filter(successor__project=new)
        .order_by("id")
        .values_list("predecessor__name", "successor__name", "kind", "lag_days")
    )
    assert links == [("Schema", "Screens", "ss", 2), ("Screens", "Reports", "ff", -1)]
    assert not TimeEntry.objects.filter(project=new).exists()
    # The RACI by role: the PM's letters go to the new PM, everyone else becomes a stand-in.
    assert set(Stakeholder.objects.filter(project=new).values_list("name", "role")) == {
        ("Team member", "Team member"),
        ("Sponsor", "Sponsor"),
    }
    raci = {
        (cell.row_label, cell.person_label, cell.letter)
        for cell in RaciAssignment.objects.filter(project=new).select_related(
            "deliverable", "stakeholder", "user"
        )
    }
    pm_name = pm.get_full_name() or str(pm)
    assert raci == {
        ("Testing", pm_name, "A"),
        ("Testing", "Team member", "R"),
        ("Design document", "Sponsor", "A"),
        ("Design document", pm_name, "C"),
    }
    assert all(
        cell.deliverable is None or cell.deliverable.project_id == new.pk
        for cell in RaciAssignment.objects.filter(project=new)
    )
    schedule = ReportSchedule.objects.get(project=new)
    assert (
        schedule.cadence,
        schedule.weekday,
        schedule.hour,
        schedule.recipient_roles,
        schedule.is_active,
    ) == ("biweekly", 4, 9, [Role.CLIENT_ADMIN], True)
    # The first week (the Monday of the source's: 42 days before its start) moves as well:
    # 3 Feb 2027 - 42 days = Wednesday 23 Dec 2026, whose Monday is 21 Dec.
    assert schedule.anchor_date == date(2026, 12, 21)
    assert not schedule.extra_recipients.exists()
    automations = list(
        SurveyAutomation.objects.filter(project=new)
        .order_by("trigger")
        .values_list("trigger", "open_days", "interval_months", "next_run_on", "created_by")
    )
    assert automations == [
        (CampaignTrigger.DELIVERABLE_ACCEPTED, 10, None, None, pm.pk),
        (CampaignTrigger.PERIODIC, 14, 3, date(2027, 3, 3), pm.pk),
    ]


def test_project_from_template_has_every_date_moved_to_the_new_start(seeded, pm, client_b):
    template = template_save(actor=pm, project=seeded, name="Rollout", description="WMS")
    assert (template.source_project_code, template.created_by) == ("a-one", pm)

    new = project_create_from_template(
        actor=pm,
        template=template,
        client=client_b,
        code="b-two",
        name="B Two",
        start_date=NEW_START,
    )

    assert (new.client, new.code, new.name) == (client_b, "b-two", "B Two")
    assert_plan_shifted_by_30_days(new, pm)


def test_copy_of_a_project_has_every_date_moved_to_the_new_start(seeded, pm, client_a):
    new = project_copy(
        actor=pm, source=seeded, client=client_a, code="a-two", name="A Two", start_date=NEW_START
    )

    assert_plan_shifted_by_30_days(new, pm)
    # The source is untouched.
    assert Task.objects.get(project=seeded, name="Schema").status == Task.Status.DONE
    assert Milestone.objects.filter(project=seeded).count() == 2


def test_template_keeps_its_plan_when_the_source_changes(seeded, pm, client_b):
    template = template_save(actor=pm, project=seeded, name="Rollout")
    Milestone.objects.filter(project=seeded).delete()

    new = project_create_from_template(
        actor=pm, template=template, client=client_b, code="b-two", name="B", start_date=NEW_START
    )

    assert Milestone.objects.filter(project=new).count() == 2


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("pm", None),
        ("staff_admin", None),
        ("am", NotAllowed),
        ("teammate", NotAllowed),
        ("client_admin", NotAllowed),
        ("rep", NotAllowed),
        ("viewer", NotAllowed),
        ("outsider", NotFound),
        ("other_client_rep", NotFound),
    ],
)
def test_who_may_save_a_project_as_a_template(cast, seeded, role, error):
    actor = cast.by_name(role)
    if error is None:
        template_save(actor=actor, project=seeded, name="Rollout")
        assert ProjectTemplate.objects.count() == 1
        return
    with pytest.raises(error):
        template_save(actor=actor, project=seeded, name="Rollout")
    assert not ProjectTemplate.objects.exists()


@pytest.mark.parametrize("role", ["client_admin", "rep", "viewer"])
def test_client_users_cannot_start_a_project_from_a_template(cast, seeded, role, client_a):
    template = template_save(actor=cast.pm, project=seeded, name="Rollout")
    before = Project.objects.count()

    with pytest.raises(NotAllowed):
        project_create_from_template(
            actor=cast.by_name(role),
            template=template,
            client=client_a,
            code="a-two",
            name="A Two",
            start_date=NEW_START,
        )
    with pytest.raises((NotAllowed, NotFound)):
        project_copy(
            actor=cast.by_name(role),
            source=seeded,
            client=client_a,
            code="a-two",
            name="A Two",
            start_date=NEW_START,
        )
    assert Project.objects.count() == before


def test_copy_needs_to_see_the_source(seeded, outsider, client_a):
    with pytest.raises(NotFound):
        project_copy(
            actor=outsider,
            source=seeded,
            client=client_a,
            code="a-two",
            name="A Two",
            start_date=NEW_START,
        )
    assert not Project.objects.filter(code="a-two").exists()


def test_a_duplicate_code_creates_nothing(seeded, pm, client_b):
    template = template_save(actor=pm, project=seeded, name="Rollout")
    counts = (Project.objects.count(), Milestone.objects.count(), Task.objects.count())

    with pytest.raises(Conflict) as refused:
        project_create_from_template(
            actor=pm,
            template=template,
            client=client_b,
            code="a-one",
            name="Again",
            start_date=NEW_START,
        )

    assert refused.value.field == "code"
    assert (Project.objects.count(), Milestone.objects.count(), Task.objects.count()) == counts


def test_a_provider_organisation_is_not_a_client(seeded, pm, provider):
    template = template_save(actor=pm, project=seeded, name="Rollout")
    with pytest.raises(InvalidInput) as refused:
        project_create_from_template(
            actor=pm, template=template, client=provider, code="x-1", name="X", start_date=NEW_START
        )
    assert refused.value.field == "client"
    assert not Project.objects.filter(code="x-1").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda plan: plan.update(version=99),
        lambda plan: plan["parts"]["tasks"]["tasks"][1].update(parent="t0"),
        lambda plan: plan["parts"]["milestones"][0].update(due="soon"),
        lambda plan: plan["parts"]["tasks"]["dependencies"][0].update(kind="xx"),
        lambda plan: plan["parts"]["raci"][0].update(letter="Z"),
    ],
    ids=["version", "unknown-parent", "date", "link-kind", "raci-letter"],
)
def test_a_template_whose_plan_cannot_be_read_creates_nothing(seeded, pm, client_b, damage):
    template = template_save(actor=pm, project=seeded, name="Rollout")
    damage(template.plan)
    template.save()
    counts = (Project.objects.count(), Milestone.objects.count(), Stakeholder.objects.count())

    with pytest.raises(InvalidInput) as refused:
        project_create_from_template(
            actor=pm,
            template=template,
            client=client_b,
            code="b-two",
            name="B Two",
            start_date=NEW_START,
        )

    assert refused.value.field == "template"
    assert not Project.objects.filter(code="b-two").exists()
    assert (
        Project.objects.count(),
        Milestone.objects.count(),
        Stakeholder.objects.count(),
    ) == counts


def test_a_project_without_start_cannot_be_saved_as_template(project, pm):
    with pytest.raises(InvalidInput) as refused:
        template_save(actor=pm, project=project, name="Rollout")
    assert refused.value.field == "start_date"
    assert not ProjectTemplate.objects.exists()


def test_only_the_author_or_a_staff_admin_deletes_a_template(seeded, pm, teammate, staff_admin):
    template = template_save(actor=pm, project=seeded, name="Rollout")
    with pytest.raises(NotAllowed):
        template_delete(actor=teammate, template=template)
    assert ProjectTemplate.objects.filter(pk=template.pk).exists()
    template_delete(actor=staff_admin, template=template)
    assert not ProjectTemplate.objects.exists()


# --- Pages -----------------------------------------------------------------------------------


def test_a_template_never_appears_as_a_project(seeded, pm, client_b):
    template_save(actor=pm, project=seeded, name="Rollout blueprint")
    projects_before = Project.objects.count()

    page = logged_in(pm).get(reverse("projects:list"))

    assert Project.objects.count() == projects_before
    content = page.content.decode()
    assert "A One" in content
    assert "Rollout blueprint" not in content
    names = [row.name for row in project_portfolio_for(user=pm, filters=PortfolioFilters())]
    assert names == ["A One"]


def test_the_pm_saves_a_template_from_the_edit_page(seeded, pm):
    client = logged_in(pm)
    edit = client.get(reverse("projects:edit", args=[seeded.pk]))
    assert reverse("projects:template_save", args=[seeded.pk]) in edit.content.decode()

    response = client.post(
        reverse("projects:template_save", args=[seeded.pk]),
        {"name": "Rollout blueprint", "description": "For WMS projects"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("projects:templates")
    template = ProjectTemplate.objects.get()
    assert (template.name, template.description, template.created_by) == (
        "Rollout blueprint",
        "For WMS projects",
        pm,
    )
    listing = client.get(reverse("projects:templates")).content.decode()
    assert "Rollout blueprint" in listing
    assert "2 milestones" in listing
    assert "4 tasks" in listing


def test_a_team_member_cannot_save_a_template_by_post(seeded, teammate):
    response = logged_in(teammate).post(
        reverse("projects:template_save", args=[seeded.pk]), {"name": "Mine"}
    )
    assert response.status_code == 403
    assert not ProjectTemplate.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("rep", 302), ("client_admin", 302), ("pm", 200)])
def test_templates_page_per_role(cast, seeded, role, status):
    template_save(actor=cast.pm, project=seeded, name="Rollout blueprint")
    response = logged_in(cast.by_name(role)).get(reverse("projects:templates"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == reverse("portal:home")
        assert b"Rollout blueprint" not in response.content
    else:
        assert b"Rollout blueprint" in response.content


def test_delete_page_refuses_someone_else(seeded, pm, outsider):
    template = template_save(actor=pm, project=seeded, name="Rollout")
    url = reverse("projects:template_delete", args=[template.pk])
    assert logged_in(outsider).post(url).status_code == 403
    assert ProjectTemplate.objects.filter(pk=template.pk).exists()
    assert logged_in(pm).post(url).status_code == 302
    assert not ProjectTemplate.objects.exists()


def test_new_project_page_starts_from_a_template(seeded, pm, client_b):
    template = template_save(actor=pm, project=seeded, name="Rollout blueprint")
    client = logged_in(pm)
    page = client.get(reverse("projects:create"), {"start": "template", "template": template.pk})
    content = page.content.decode()
    assert 'data-testid="start-choice"' in content
    assert "Rollout blueprint" in content

    response = client.post(
        reverse("projects:create"),
        {
            "start": "template",
            "template": template.pk,
            "client": client_b.pk,
            "code": "b-two",
            "name": "B Two",
            "start_date": "2027-02-03",
        },
    )

    new = Project.objects.get(code="b-two")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:plan", args=[new.pk])
    assert_plan_shifted_by_30_days(new, pm)


def test_new_project_page_copies_a_project(seeded, pm, client_a):
    client = logged_in(pm)
    page = client.get(reverse("projects:create"), {"start": "copy"})
    assert "a-one · A One" in page.content.decode()

    response = client.post(
        reverse("projects:create"),
        {
            "start": "copy",
            "source": seeded.pk,
            "client": client_a.pk,
            "code": "a-two",
            "name": "A Two",
            "start_date": "2027-02-03",
        },
    )

    assert response.status_code == 302
    assert_plan_shifted_by_30_days(Project.objects.get(code="a-two"), pm)


def test_new_project_page_shows_a_used_code_on_the_form(seeded, pm, client_a):
    before = Project.objects.count()
    response = logged_in(pm).post(
        reverse("projects:create"),
        {
            "start": "copy",
            "source": seeded.pk,
            "client": client_a.pk,
            "code": "a-one",
            "name": "Again",
            "start_date": "2027-02-03",
        },
    )
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert Project.objects.count() == before


def test_pages_in_chinese(seeded, pm):
    template_save(actor=pm, project=seeded, name="Rollout blueprint")
    pm.language = "zh-hans"
    pm.save(update_fields=["language"])
    client = logged_in(pm)
    for url, shown in (
        (reverse("projects:templates"), "Rollout blueprint"),
        (reverse("projects:create") + "?start=template", "Rollout blueprint"),
        (reverse("projects:create") + "?start=copy", "a-one · A One"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert 'lang="zh-hans"' in content
        assert shown in content
        assert "table-responsive" in content or "start-choice" in content


def test_templates_list_queries_do_not_grow_with_templates(seeded, pm, staff_admin):
    template_save(actor=pm, project=seeded, name="First")
    client = logged_in(pm)
    url = reverse("projects:templates")
    few = count_queries(client, url, warm=True)
    for number in range(4):
        template_save(actor=staff_admin, project=seeded, name=f"More {number}")
    assert count_queries(client, url, warm=True) == few
