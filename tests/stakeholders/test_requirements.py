"""Requirements: the workflow per role, versions and confirmations, confidentiality of internal
requirements, sanitised Markdown, constant query counts and safe reference numbers."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from notifications.models import Notification, OutboxMessage
from projects.models import Milestone, Visibility
from stakeholders.models import Confirmation, Requirement, RequirementVersion
from stakeholders.services.requirements import (
    StaleVersion,
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
)
from tests.helpers import count_queries

S = Requirement.Status
ROLE_NAMES = ["pm", "am", "teammate", "client_admin", "rep", "viewer", "other_client_rep"]


def make(cast, *, status=S.DRAFT, visibility=Visibility.CLIENT, title="Scan barcodes", **extra):
    requirement = requirement_create(
        actor=cast.pm, project=cast.project, title=title, visibility=visibility, **extra
    )
    Requirement.objects.filter(pk=requirement.pk).update(status=status)
    requirement.refresh_from_db()
    return requirement


def snapshot(requirement):
    requirement.refresh_from_db()
    return {
        "status": requirement.status,
        "version": requirement.version,
        "title": requirement.title,
        "confirmations": Confirmation.objects.filter(requirement=requirement).count(),
        "outbox": OutboxMessage.objects.count(),
        "notifications": Notification.objects.count(),
    }


# (step, from, the roles allowed) for a client-visible requirement
STEPS = [
    ("submit", S.DRAFT, {"pm"}),
    ("submit", S.DEFERRED, {"pm"}),
    ("clarify", S.SUBMITTED, {"pm"}),
    ("clarify", S.DRAFT, {"pm"}),
    ("confirm", S.CLARIFIED, {"client_admin", "rep"}),
    ("start", S.CONFIRMED, {"pm"}),
    ("deliver", S.IN_PROGRESS, {"pm"}),
    ("accept", S.DELIVERED, {"client_admin", "rep"}),
    ("defer", S.SUBMITTED, {"pm"}),
    ("reject", S.CLARIFIED, {"pm"}),
]
TARGET = {
    "submit": S.SUBMITTED,
    "clarify": S.CLARIFIED,
    "confirm": S.CONFIRMED,
    "start": S.IN_PROGRESS,
    "deliver": S.DELIVERED,
    "accept": S.ACCEPTED,
    "defer": S.DEFERRED,
    "reject": S.REJECTED,
}


@pytest.mark.parametrize(("step", "source", "allowed"), STEPS)
@pytest.mark.parametrize("role_name", ROLE_NAMES)
def test_every_step_is_allowed_or_refused_per_role(cast, step, source, allowed, role_name):
    requirement = make(cast, status=source)
    actor = cast.by_name(role_name)
    before = snapshot(requirement)
    if role_name in allowed:
        requirement_transition(actor=actor, requirement=requirement, to=step, reason="Budget")
        requirement.refresh_from_db()
        assert requirement.status == TARGET[step]
    else:
        with pytest.raises(NotAllowed):
            requirement_transition(actor=actor, requirement=requirement, to=step, reason="Budget")
        assert snapshot(requirement) == before


@pytest.mark.parametrize(
    ("step", "source"),
    [
        ("confirm", S.DRAFT),
        ("start", S.SUBMITTED),
        ("deliver", S.CONFIRMED),
        ("accept", S.CONFIRMED),
        ("submit", S.ACCEPTED),
        ("reject", S.DELIVERED),
    ],
)
def test_a_step_from_the_wrong_status_is_refused_and_changes_nothing(cast, step, source):
    requirement = make(cast, status=source)
    actor = cast.rep if step in {"confirm", "accept"} else cast.pm
    before = snapshot(requirement)
    with pytest.raises(InvalidTransition):
        requirement_transition(actor=actor, requirement=requirement, to=step, reason="x")
    assert snapshot(requirement) == before


@pytest.mark.parametrize("step", ["defer", "reject"])
def test_defer_and_reject_need_a_reason(cast, step):
    requirement = make(cast, status=S.SUBMITTED)
    with pytest.raises(InvalidInput) as error:
        requirement_transition(actor=cast.pm, requirement=requirement, to=step, reason="  ")
    assert error.value.field == "reason"
    requirement.refresh_from_db()
    assert requirement.status == S.SUBMITTED


def test_confirmation_records_the_confirmed_version_and_its_exact_text(cast):
    requirement = make(cast, status=S.CLARIFIED, description="Every **pallet**")
    requirement_confirm(actor=cast.rep, requirement=requirement, version=1)
    confirmation = Confirmation.objects.get(requirement=requirement)
    assert (confirmation.version, confirmation.title, confirmation.description) == (
        1,
        "Scan barcodes",
        "Every **pallet**",
    )
    assert confirmation.confirmed_by == cast.rep
    requirement.refresh_from_db()
    assert requirement.status == S.CONFIRMED
    pm_mail = OutboxMessage.objects.get(to_user=cast.pm, kind="requirement_confirmed")
    assert "REQ-1" in pm_mail.subject
    assert Notification.objects.filter(user=cast.pm, title__contains="confirmed REQ-1").exists()


def test_editing_a_confirmed_requirement_reopens_it_and_keeps_the_old_version(cast):
    requirement = make(cast, status=S.CLARIFIED, description="Old text")
    requirement_confirm(actor=cast.rep, requirement=requirement, version=1)
    requirement_update(actor=cast.pm, requirement=requirement, description="New text")
    requirement.refresh_from_db()
    assert (requirement.status, requirement.version, requirement.description) == (
        S.CLARIFIED,
        2,
        "New text",
    )
    assert list(
        RequirementVersion.objects.filter(requirement=requirement)
        .order_by("number")
        .values_list("number", "description")
    ) == [(1, "Old text"), (2, "New text")]
    # The client is asked again, in their own language.
    assert (
        OutboxMessage.objects.filter(
            kind="requirement_clarified", to_user__in=[cast.rep, cast.client_admin]
        ).count()
        == 2
    )
    assert Confirmation.objects.get(requirement=requirement).description == "Old text"


def test_a_stale_confirmation_is_refused_and_changes_nothing(cast):
    requirement = make(cast, status=S.CLARIFIED)
    requirement_update(actor=cast.pm, requirement=requirement, title="Scan all barcodes")
    before = snapshot(requirement)
    with pytest.raises(StaleVersion):
        requirement_confirm(actor=cast.client_admin, requirement=requirement, version=1)
    assert snapshot(requirement) == before
    requirement_confirm(actor=cast.client_admin, requirement=requirement, version=2)
    assert Confirmation.objects.get(requirement=requirement).title == "Scan all barcodes"


def test_the_api_refuses_a_stale_confirmation_with_409(cast, client):
    requirement = make(cast, status=S.CLARIFIED)
    requirement_update(actor=cast.pm, requirement=requirement, title="Scan all barcodes")
    client.force_login(cast.rep)
    url = f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/confirm/"
    response = client.post(url, {"version": 1}, content_type="application/json")
    assert response.status_code == 409
    assert not Confirmation.objects.exists()
    response = client.post(url, {"version": 2}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"


def test_a_client_submits_from_the_portal_and_the_pm_is_told(cast, client):
    client.force_login(cast.rep)
    response = client.post(
        reverse("portal:requirement_create", kwargs={"project_id": cast.project.pk}),
        {"title": "Export to CSV", "description": "", "priority": "must"},
    )
    requirement = Requirement.objects.get(title="Export to CSV")
    assert response.status_code == 302
    assert (requirement.status, requirement.source, requirement.visibility) == (
        S.SUBMITTED,
        Requirement.Source.CLIENT,
        Visibility.CLIENT,
    )
    assert OutboxMessage.objects.filter(to_user=cast.pm, kind="requirement_submitted").count() == 1


def test_a_team_draft_is_internal_by_default(cast):
    requirement = requirement_create(actor=cast.teammate, project=cast.project, title="Refactor")
    assert (requirement.status, requirement.source, requirement.visibility) == (
        S.DRAFT,
        Requirement.Source.INTERNAL,
        Visibility.INTERNAL,
    )


def test_a_viewer_cannot_submit_and_nothing_is_created(cast):
    with pytest.raises(NotAllowed):
        requirement_create(actor=cast.viewer, project=cast.project, title="Nope")
    assert not Requirement.objects.exists()


def test_links_must_be_of_the_same_project(cast):
    requirement = make(cast)
    foreign = Milestone.objects.create(
        project=cast.other_project, name="B", due_date=date(2027, 1, 1)
    )
    with pytest.raises(InvalidInput):
        requirement_update(actor=cast.pm, requirement=requirement, milestones=[foreign])
    assert not requirement.milestones.exists()


# --- Internal requirements never reach the client ------------------------------------------------


def test_internal_requirements_never_reach_clients(cast, client):
    internal = make(cast, status=S.CLARIFIED, visibility=Visibility.INTERNAL, title="Zephyr secret")
    visible = make(cast, status=S.CLARIFIED, title="Zephyr public")
    # notifications of clarification go to nobody on the client side for the internal one
    requirement_transition(
        actor=cast.pm,
        requirement=make(cast, visibility=Visibility.INTERNAL, title="Zephyr hidden draft"),
        to="clarify",
    )
    assert not OutboxMessage.objects.filter(to_user__in=[cast.rep, cast.client_admin]).exists()
    assert not Notification.objects.filter(user__in=[cast.rep, cast.client_admin]).exists()
    for person in (cast.rep, cast.client_admin, cast.viewer):
        client.force_login(person)
        page = client.get(reverse("portal:requirements", kwargs={"project_id": cast.project.pk}))
        assert "Zephyr public" in page.content.decode()
        assert "Zephyr secret" not in page.content.decode()
        detail = client.get(
            reverse(
                "portal:requirement",
                kwargs={"project_id": cast.project.pk, "requirement_id": internal.pk},
            )
        )
        assert detail.status_code == 404
        api = client.get(f"/api/v1/projects/{cast.project.pk}/requirements/")
        assert [row["title"] for row in api.json()["results"]] == ["Zephyr public"]
        api_detail = client.get(f"/api/v1/projects/{cast.project.pk}/requirements/{internal.pk}/")
        assert api_detail.status_code == 404
        home = client.get(reverse("portal:home")).content.decode()
        assert "Zephyr secret" not in home
        search = client.get("/api/v1/search/", {"q": "Zephyr", "limit": 50}).json()
        found = [
            hit["title"]
            for group in search["groups"]
            if group["kind"] == "requirement"
            for hit in group["results"]
        ]
        assert found == ["Zephyr public"]
    client.force_login(cast.rep)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Zephyr public" in home
    with pytest.raises(NotAllowed):
        requirement_confirm(actor=cast.rep, requirement=internal, version=1)
    assert visible.pk


def test_the_team_finds_internal_requirements(cast, client):
    make(cast, visibility=Visibility.INTERNAL, title="Zephyr secret")
    client.force_login(cast.teammate)
    search = client.get("/api/v1/search/", {"q": "Zephyr"}).json()
    kinds = {group["kind"]: group["results"] for group in search["groups"]}
    assert [hit["title"] for hit in kinds["requirement"]] == ["Zephyr secret"]


def test_markdown_in_the_description_is_sanitised_on_the_page(cast, client):
    requirement = make(
        cast,
        description='**bold** <script>alert(1)</script> <img src=x onerror="alert(2)">'
        " [x](javascript:alert(3))",
    )
    for person, name in ((cast.pm, "stakeholders:requirement"), (cast.rep, "portal:requirement")):
        client.force_login(person)
        html = client.get(
            reverse(name, kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk})
        ).content.decode()
        # The rendered description (the PM's edit form shows the source, escaped, too).
        html = html.split('data-testid="requirement-description">', 1)[1].split("</div>", 1)[0]
        assert "<strong>bold</strong>" in html
        assert "<script>alert(1)" not in html
        assert "onerror" not in html
        assert "javascript:alert" not in html


# --- Constant queries --------------------------------------------------------------------------


def _fill(cast, count):
    for index in range(count):
        make(cast, status=S.CLARIFIED, title=f"Need {index}")


@pytest.mark.parametrize(
    ("role_name", "url"),
    [
        ("pm", lambda cast: reverse("stakeholders:requirements", args=[cast.project.pk])),
        (
            "pm",
            lambda cast: reverse("stakeholders:requirement_traceability", args=[cast.project.pk]),
        ),
        ("rep", lambda cast: reverse("portal:home")),
        ("rep", lambda cast: reverse("portal:requirements", args=[cast.project.pk])),
        ("pm", lambda cast: f"/api/v1/projects/{cast.project.pk}/requirements/?page_size=100"),
    ],
)
def test_lists_keep_a_constant_number_of_queries(
    cast, client, django_assert_num_queries, role_name, url
):
    client.force_login(cast.by_name(role_name))
    _fill(cast, 5)
    few = count_queries(client, url(cast), warm=True)  # cached: the client's working calendar
    _fill(cast, 45)
    client.get(url(cast))  # the writes made the portal's waiting count read afresh (once)
    with django_assert_num_queries(few):
        response = client.get(url(cast))
    assert response.status_code == 200
    assert response.content.decode().count("Need 4") >= 1


# --- References --------------------------------------------------------------------------------


def test_references_count_per_project_and_the_database_refuses_a_duplicate(cast):
    first = make(cast)
    second = make(cast)
    assert (first.reference, second.reference) == ("REQ-1", "REQ-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(project=cast.project, number=2, title="Twin")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creations_get_two_references(cast):
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    errors = []

    def create(title):
        try:
            barrier.wait(timeout=5)
            requirement_create(actor=cast.pm, project=cast.project, title=title)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(f"T{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Requirement.objects.values_list("number", flat=True)) == [1, 2]


# --- Demo ----------------------------------------------------------------------------------------


def test_the_demo_has_requirements_in_every_state_once(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    counts = Requirement.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Requirement.objects.count() == counts
    for code in ("NW-WMS", "HX-MES"):
        statuses = set(
            Requirement.objects.filter(project__code=code).values_list("status", flat=True)
        )
        assert statuses == set(S.values), code
    assert Requirement.objects.filter(project__code="HX-MES", title="中文界面").exists()
    reopened = Requirement.objects.get(project__code="NW-WMS", title="Slotting rules")
    assert (reopened.status, reopened.version, reopened.confirmations.count()) == (
        S.CLARIFIED,
        2,
        1,
    )


def test_the_requirement_search_uses_its_gin_index(cast):
    from django.db import connection

    from projects import search

    make(cast, title="Zephyr")
    requirements = search.search_queryset(
        search.searchable_get("requirement"), user=cast.staff_admin, text="Zephyr"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = requirements.explain()
    assert "requirement_search_vector_gin" in plan


def test_the_deciders_get_the_email_in_their_own_language(cast):
    cast.rep.language = "zh-hans"
    cast.rep.save(update_fields=["language"])
    requirement = make(cast, status=S.SUBMITTED)
    requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
    assert sorted(
        OutboxMessage.objects.filter(kind="requirement_clarified").values_list(
            "to_email", "language"
        )
    ) == [("admin@a.test", "en"), ("rep@a.test", "zh-hans")]
    assert Notification.objects.filter(user=cast.rep, url__contains="/portal/").count() == 1


@pytest.mark.parametrize(
    ("role_name", "to", "expected"),
    [("rep", "start", 403), ("teammate", "deliver", 403), ("pm", "deliver", 200)],
)
def test_the_api_applies_the_same_rules_to_steps(cast, client, role_name, to, expected):
    requirement = make(cast, status=S.IN_PROGRESS)
    client.force_login(cast.by_name(role_name))
    response = client.post(
        f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/transition/",
        {"to": to},
        content_type="application/json",
    )
    assert response.status_code == expected
    requirement.refresh_from_db()
    assert requirement.status == (S.DELIVERED if expected == 200 else S.IN_PROGRESS)


def test_the_pages_take_steps_and_show_a_stale_confirmation_as_a_message(cast, client):
    requirement = make(cast, status=S.SUBMITTED)
    client.force_login(cast.pm)
    staff_url = reverse(
        "stakeholders:requirement",
        kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk},
    )
    client.post(staff_url, {"to": "clarify"})
    requirement.refresh_from_db()
    assert requirement.status == S.CLARIFIED
    client.post(
        reverse(
            "stakeholders:requirement_edit",
            kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk},
        ),
        {
            "title": "Scan every barcode",
            "description": "",
            "priority": "must",
            "acceptance_notes": "",
            "visibility": "client",
        },
    )
    requirement.refresh_from_db()
    assert requirement.version == 2
    client.force_login(cast.rep)
    portal_url = reverse(
        "portal:requirement",
        kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk},
    )
    response = client.post(portal_url, {"to": "confirm", "version": 1}, follow=True)
    assert "The requirement changed since you read it" in response.content.decode()
    assert not Confirmation.objects.exists()
    client.post(portal_url, {"to": "confirm", "version": 2})
    assert Confirmation.objects.get(requirement=requirement).version == 2


def test_the_plain_text_email_shows_the_title_as_written(cast):
    requirement = make(cast, status=S.SUBMITTED, title='Pick & pack "fast"')
    requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
    message = OutboxMessage.objects.filter(to_user=cast.rep).get()
    assert 'Pick & pack "fast"' in message.body_text
    assert f"/portal/projects/{cast.project.pk}/requirements/{requirement.pk}/" in message.body_text


def test_the_page_lists_what_the_requirement_is_traced_to_and_its_form_keeps_it(cast, client):
    from projects.services.deliverables import deliverable_create
    from projects.services.milestones import milestone_create

    pilot, golive = (
        milestone_create(actor=cast.pm, project=cast.project, name=name, due_date=date(2031, 2, n))
        for n, name in ((1, "Pilot"), (2, "Go-live"))
    )
    manual = deliverable_create(
        actor=cast.pm, milestone=pilot, name="User manual", criteria=["Read"]
    )
    deliverable_create(actor=cast.pm, milestone=pilot, name="Training plan", criteria=["Held"])
    requirement = make(cast)
    requirement_update(
        actor=cast.pm, requirement=requirement, milestones=[golive], deliverables=[manual]
    )
    client.force_login(cast.pm)
    url = reverse("stakeholders:requirement", args=[cast.project.pk, requirement.pk])

    page = client.get(url).content.decode()

    traced = page.split("Traced to")[1].split("</ul>")[0]
    assert "Milestone: Go-live" in traced
    assert "User manual" in traced
    assert "Pilot" not in traced
    assert "Training plan" not in traced
    assert f'<option value="{golive.pk}" selected>Go-live' in page
    assert f'<option value="{pilot.pk}">Pilot' in page
    assert f'<option value="{manual.pk}" selected>' in page
