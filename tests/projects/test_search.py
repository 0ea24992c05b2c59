"""Search (projects.search): ranking, Chinese, scoping per role, query counts, the GIN indexes,
and the page and API answers to an empty or short query."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse

from common.migration_operations import weighted_vector_sql
from discussions.models import Entry
from feedback.models import FeedbackTicket
from lessons.models import Lesson
from projects import search
from projects.models import Deliverable, Document, Milestone, Project, Role, Task, Visibility
from projects.services.deliverables import deliverable_create
from projects.services.documents import document_upload
from projects.services.milestones import milestone_create
from projects.services.tasks import task_create
from risks.models import Risk
from stakeholders.models import ChangeRequest, Meeting, Requirement
from tests.factories import ProjectFactory, add_member

WORD = "zephyr"


def titles(user, text=WORD, **options) -> dict[str, list[str]]:
    groups = search.search_grouped(user=user, text=text, side="staff", per_kind=50, **options)
    return {group.kind: sorted(hit.title for hit in group.hits) for group in groups if group.hits}


@pytest.fixture
def findable(cast):
    """Items of every kind and visibility, all with the word "zephyr" in their name."""
    pm, project = cast.pm, cast.project
    project.summary = "The zephyr programme"
    project.save()
    shared = milestone_create(
        actor=pm, project=project, name="Zephyr launch", due_date=date(2027, 3, 1)
    )
    internal_milestone = milestone_create(
        actor=pm,
        project=project,
        name="Zephyr prep",
        due_date=date(2027, 2, 1),
        visibility=Visibility.INTERNAL,
    )
    deliverable_create(actor=pm, milestone=shared, name="Zephyr guide", criteria=["Read"])
    deliverable_create(
        actor=pm,
        milestone=shared,
        name="Zephyr costing",
        criteria=["Checked"],
        visibility=Visibility.INTERNAL,
    )
    deliverable_create(actor=pm, milestone=internal_milestone, name="Zephyr hidden", criteria=["X"])
    task_create(
        actor=pm,
        project=project,
        name="Zephyr rollout",
        milestone=shared,
        visibility=Visibility.CLIENT,
    )
    task_create(actor=pm, project=project, name="Zephyr budget")
    task_create(
        actor=pm,
        project=project,
        name="Zephyr shadow",
        milestone=internal_milestone,
        visibility=Visibility.CLIENT,
    )
    for title, visibility in (("Zephyr handbook", Visibility.CLIENT), ("Margins", "internal")):
        document_upload(
            actor=pm,
            project=project,
            file=SimpleUploadedFile(f"{title.lower()}-zephyr.pdf", b"%PDF-1.4\n%%EOF\n"),
            title=title,
            visibility=visibility,
        )
    # Client B's project and an archived project of client A.
    cast.other_project.summary = "zephyr for B"
    cast.other_project.save()
    Milestone.objects.create(
        project=cast.other_project,
        name="Zephyr B",
        due_date=date(2027, 1, 1),
        baseline_due_date=date(2027, 1, 1),
    )
    archived = ProjectFactory(client=project.client, name="Zephyr archive", is_archived=True)
    add_member(archived, cast.pm, Role.PM)
    add_member(archived, cast.rep, Role.CUSTOMER_REP)
    return cast


PROVIDER_VIEW = {
    "project": ["A One"],
    "milestone": ["Zephyr launch", "Zephyr prep"],
    "deliverable": ["Zephyr costing", "Zephyr guide", "Zephyr hidden"],
    "task": ["Zephyr budget", "Zephyr rollout", "Zephyr shadow"],
    "document": ["Margins", "Zephyr handbook"],
}
CLIENT_VIEW = {
    "project": ["A One"],
    "milestone": ["Zephyr launch"],
    "deliverable": ["Zephyr guide"],
    "task": ["Zephyr rollout"],
    "document": ["Zephyr handbook"],
}
ADMIN_VIEW = {
    **PROVIDER_VIEW,
    "project": ["A One", "B One"],
    "milestone": ["Zephyr B", "Zephyr launch", "Zephyr prep"],
}
EXPECTED = {
    "pm": PROVIDER_VIEW,
    "am": PROVIDER_VIEW,
    "teammate": PROVIDER_VIEW,
    "client_admin": CLIENT_VIEW,
    "rep": CLIENT_VIEW,
    "viewer": CLIENT_VIEW,
    "other_client_rep": {"project": ["B One"], "milestone": ["Zephyr B"]},
    "outsider": {},
    "staff_admin": ADMIN_VIEW,
}


@pytest.mark.parametrize("role_name", sorted(EXPECTED))
def test_every_role_finds_exactly_what_it_may_see(findable, role_name):
    assert titles(findable.by_name(role_name)) == EXPECTED[role_name]


@pytest.mark.parametrize("text", [WORD, "Zephyr handbook", "生产"])
@pytest.mark.parametrize("role_name", sorted(EXPECTED))
def test_the_hits_read_together_are_those_of_each_kinds_own_query(findable, role_name, text):
    """The kinds read in one query give, hit for hit and in the same order, what each kind's
    own query gives: the title, the snippet and its marks, the link and the project shown."""
    findable.project.name = "生产 Zephyr"
    findable.project.save()
    user = findable.by_name(role_name)
    for side in ("staff", "portal"):
        groups = search.search_grouped(user=user, text=text, side=side, per_kind=2)
        for group in groups:
            searchable = search.searchable_get(group.kind)
            own = list(search.search_queryset(searchable, user=user, text=text)[:3])
            expected = [search.to_hit(searchable, item, text=text, side=side) for item in own]
            assert group.hits == expected[:2], group.kind
            assert group.has_more == (len(own) > 2)
            for hit, item in zip(group.hits, own, strict=False):
                assert (hit.project.pk, hit.project.code, hit.project.name) == (
                    (item if group.kind == "project" else item.project).pk,
                    (item if group.kind == "project" else item.project).code,
                    (item if group.kind == "project" else item.project).name,
                )


@pytest.mark.parametrize("role_name", sorted(EXPECTED))
def test_the_api_gives_every_role_exactly_what_it_may_see(findable, client, role_name):
    client.force_login(findable.by_name(role_name))
    response = client.get("/api/v1/search/", {"q": WORD, "limit": 50})
    assert response.status_code == 200
    found = {
        group["kind"]: sorted(hit["title"] for hit in group["results"])
        for group in response.json()["groups"]
        if group["results"]
    }
    assert found == EXPECTED[role_name]


def test_archived_projects_are_found_only_when_asked(findable):
    assert "Zephyr archive" not in titles(findable.rep)["project"]
    assert titles(findable.rep, include_archived=True)["project"] == ["A One", "Zephyr archive"]
    assert titles(findable.pm, include_archived=True)["project"] == ["A One", "Zephyr archive"]


def test_a_document_is_found_by_its_file_name(findable):
    assert titles(findable.pm, text="margins-zephyr")["document"] == ["Margins"]
    assert "document" not in titles(findable.rep, text="margins-zephyr")


def test_the_portal_page_shows_client_hits_linking_to_portal_pages(findable, client):
    client.force_login(findable.rep)
    response = client.get(reverse("portal:search"), {"q": WORD})
    assert response.status_code == 200
    page = response.content.decode()
    task = Task.objects.get(name="Zephyr rollout")
    deliverable = Deliverable.objects.get(name="Zephyr guide")
    assert f'href="/portal/projects/{task.project_id}/timeline/"' in page
    assert f'href="/portal/projects/{task.project_id}/deliverables/{deliverable.pk}/"' in page
    for hidden in ("Zephyr budget", "Zephyr costing", "Zephyr hidden", "Margins", "B One"):
        assert hidden not in page


def test_the_staff_page_links_to_staff_pages(findable, client):
    client.force_login(findable.pm)
    response = client.get(reverse("search"), {"q": WORD})
    task = Task.objects.get(name="Zephyr budget")
    assert f'href="/projects/{task.project_id}/tasks/{task.pk}/"' in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ranks titles first only")
def test_ranking_puts_title_matches_before_description_matches(cast):
    """Worked example: "boiler" is in the title of one task, twice in the description of
    another, once in the description of a third. Title weight A beats weight B."""
    for name, description in (
        ("Replace pumps", "Boiler room first, then the boiler itself."),
        ("Boiler inspection", "Yearly check."),
        ("Paint walls", "Next to the boiler."),
        ("Unrelated", "Nothing here."),
    ):
        task_create(actor=cast.pm, project=cast.project, name=name, description=description)
    groups = search.search_grouped(user=cast.pm, text="boiler", side="staff", kinds=["task"])
    hits = groups[0].hits
    assert [hit.title for hit in hits] == ["Boiler inspection", "Replace pumps", "Paint walls"]
    assert hits[1].snippet_html.count("<mark>") == 2
    assert "<mark>Boiler</mark>" in hits[1].snippet_html


def test_a_chinese_query_finds_a_substring_of_a_chinese_name(cast):
    cast.project.name = "生产执行系统升级"
    cast.project.save()
    task_create(actor=cast.pm, project=cast.project, name="测试执行系统接口")
    task_create(actor=cast.pm, project=cast.project, name="培训")
    found = titles(cast.pm, text="执行系统")
    assert found == {"project": ["生产执行系统升级"], "task": ["测试执行系统接口"]}
    assert titles(cast.rep, text="执行系统") == {"project": ["生产执行系统升级"]}


def test_snippets_are_escaped(cast):
    task_create(
        actor=cast.pm, project=cast.project, name="Escape", description="if a < b & c then zed"
    )
    hit = search.search_grouped(user=cast.pm, text="zed", side="staff", kinds=["task"])[0].hits[0]
    assert hit.snippet_html == "if a &lt; b &amp; c then <mark>zed</mark>"
    assert hit.snippet == "if a < b & c then zed"


def _bulk_items(project: Project, count: int) -> None:
    milestone = Milestone.objects.create(
        project=project,
        name="Zephyr bulk",
        due_date=date(2027, 1, 1),
        baseline_due_date=date(2027, 1, 1),
    )
    Deliverable.objects.bulk_create(
        Deliverable(project=project, milestone=milestone, name=f"Zephyr part {index}")
        for index in range(count)
    )
    Task.objects.bulk_create(
        Task(project=project, name=f"Zephyr step {index}", position=index, visibility="client")
        for index in range(count)
    )


SEARCH_QUERIES = 4 if connection.vendor == "postgresql" else 3


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("role_name", ["pm", "rep"])
def test_the_search_page_keeps_a_constant_number_of_queries(
    cast, client, django_assert_num_queries, count, role_name
):
    _bulk_items(cast.project, count)
    user = cast.by_name(role_name)
    client.force_login(user)
    url = reverse("portal:search" if role_name == "rep" else "search")
    client.get(url, {"q": WORD})  # warm the session and per-user caches
    # the user (with their project roles), the hits of every kind read from their own rows in
    # one query, and the discussion entries (named after their items, read apart); on
    # PostgreSQL, where that one query is compiled, the documents apart too (matched on words
    # made from the text). The session, the second factor, the unread notifications and the
    # portal's waiting-items badge are read from the cache.
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(url, {"q": WORD})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_api_keeps_a_constant_number_of_queries(cast, client, django_assert_num_queries, count):
    _bulk_items(cast.project, count)
    client.force_login(cast.pm)
    client.get("/api/v1/search/", {"q": WORD})  # warm the per-process caches
    # the user, the hits of every kind but discussions (and, on PostgreSQL, documents), the
    # discussion entries (and the documents); the session and the second factor come from the
    # cache
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get("/api/v1/search/", {"q": WORD})
    assert response.status_code == 200


INDEXED = [
    ("project", "project_search_vector_gin"),
    ("milestone", "milestone_search_vector_gin"),
    ("deliverable", "deliverable_search_vector_gin"),
    ("task", "task_search_vector_gin"),
    ("document", "document_search_vector_gin"),
    ("change_request", "change_request_search_vector_gin"),
    ("meeting", "meeting_search_vector_gin"),
    ("feedback_ticket", "feedback_ticket_search_vector_gin"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL only")
@pytest.mark.parametrize(("kind", "index_name"), INDEXED)
def test_the_search_query_uses_the_gin_index(cast, kind, index_name):
    items = search.search_queryset(search.searchable_get(kind), user=cast.staff_admin, text=WORD)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = items.explain()
    assert index_name in plan


def _stored_and_expected(model, fields, **filters) -> list[tuple[str, str]]:
    """Each row's stored vector and the vector of its fields, as text."""
    rows = (
        model.objects.filter(**filters)
        .annotate(
            stored=Cast(search.StoredVector(), TextField()),
            expected=Cast(search.search_vector(fields), TextField()),
        )
        .order_by("pk")
        .values_list("stored", "expected")
    )
    return list(rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored vectors are PostgreSQL only")
@pytest.mark.django_db
@pytest.mark.parametrize("kind", [searchable.kind for searchable in search.searchables()])
def test_every_kind_stores_the_vector_of_its_registered_fields(kind):
    """The trigger that keeps a kind's `search_vector` computes the registration's vector: the
    same fields with the same weights, and it runs when one of those fields is written."""
    searchable = search.searchable_get(kind)
    table = _model_of(kind)._meta
    columns = [(table.get_field(name).column, weight) for name, weight in searchable.fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosrc, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = %s::regclass "
            "AND t.tgname = %s",
            [table.db_table, f"{table.db_table}_search_vector"],
        )
        found = cursor.fetchall()
    assert len(found) == 1, found
    source, definition = found[0]
    expected = weighted_vector_sql(columns, connection.ops.quote_name, row="NEW.")
    assert f'NEW."search_vector" := {expected};' in source
    written = ", ".join(column for column, _weight in columns)
    assert f"BEFORE INSERT OR UPDATE OF {written} ON" in definition


def _model_of(kind):
    return {
        "project": Project,
        "milestone": Milestone,
        "deliverable": Deliverable,
        "task": Task,
        "document": Document,
        "change_request": ChangeRequest,
        "requirement": Requirement,
        "meeting": Meeting,
        "discussion": Entry,
        "risk": Risk,
        "feedback_ticket": FeedbackTicket,
        "lesson": Lesson,
    }[kind]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored vectors are PostgreSQL only")
def test_the_stored_vector_follows_every_way_a_row_is_written(findable):
    fields = search.searchable_get("task").fields
    task = Task.objects.get(name="Zephyr budget")
    [(stored, expected)] = _stored_and_expected(Task, fields, pk=task.pk)
    assert stored == expected
    assert "'zephyr':1A" in stored

    task.description = "Mistral in the description"
    task.save()
    Task.objects.filter(pk=task.pk).update(name="Sirocco budget")
    Task.objects.bulk_create(
        [Task(project=task.project, name="Bora plan", description="Levante", position=99)]
    )
    rows = _stored_and_expected(Task, fields, project=task.project)
    assert len(rows) == Task.objects.filter(project=task.project).count() > 3
    assert all(stored == expected for stored, expected in rows)
    [(stored, _expected)] = _stored_and_expected(Task, fields, pk=task.pk)
    assert "'sirocco':1A" in stored
    assert "'mistral':3B" in stored
    # A save that writes none of the fields leaves the vector as it is, and it is still found.
    Task.objects.filter(pk=task.pk).update(percent_complete=50)
    assert titles(findable.pm, "mistral") == {"task": ["Sirocco budget"]}
    assert titles(findable.pm, "levante") == {"task": ["Bora plan"]}
    assert titles(findable.pm, "zephyr").get("task") == ["Zephyr rollout", "Zephyr shadow"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL only")
def test_the_file_name_search_uses_its_gin_index(cast):

    documents = search.search_queryset(
        search.searchable_get("document"), user=cast.staff_admin, text=WORD
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = documents.explain()
    assert "document_file_search_gin" in plan


@pytest.mark.parametrize(("url_name", "user_name"), [("search", "pm"), ("portal:search", "rep")])
def test_an_empty_query_asks_for_two_characters(cast, client, url_name, user_name):
    client.force_login(cast.by_name(user_name))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "Type at least 2 characters to search." in response.content.decode()


@pytest.mark.parametrize(("url_name", "user_name"), [("search", "pm"), ("portal:search", "rep")])
def test_a_short_query_is_refused_with_a_message(cast, client, url_name, user_name):
    client.force_login(cast.by_name(user_name))
    response = client.get(reverse(url_name), {"q": "a"})
    assert response.status_code == 400
    assert 'data-testid="search-error"' in response.content.decode()
    assert "Type at least 2 characters to search." in response.content.decode()


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "a"}, {"q": " a "}])
def test_the_api_refuses_a_short_query_naming_the_field(cast, client, query):
    client.force_login(cast.rep)
    response = client.get("/api/v1/search/", query)
    assert response.status_code == 400
    assert list(response.json()) == ["q"]
    assert "2 characters" in response.json()["q"][0]


def test_more_link_pages_through_one_kind(cast, client):
    _bulk_items(cast.project, 30)
    client.force_login(cast.pm)
    response = client.get(reverse("search"), {"q": WORD})
    assert 'data-testid="search-more-task"' in response.content.decode()
    response = client.get(reverse("search"), {"q": WORD, "kind": "task", "page": 2})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="search-hit"') == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled for full-text search")
def test_the_compiled_query_is_each_person_s_own(findable, monkeypatch):
    """The kinds read together come from one query compiled for everyone of a standing and read
    with the person's id, organisation and text: for every role and several texts, the same
    groups as the query built for the person; one statement serves the PM and the AM alike."""
    from discussions.services import entry_post

    guide = Deliverable.objects.get(name="Zephyr guide")
    entry_post(actor=findable.pm, target=guide, body="Zephyr reply on the guide")
    entry_post(actor=findable.pm, target=guide, body="Zephyr margin", kind="internal_note")
    people = [findable.by_name(name) for name in sorted(EXPECTED)]
    texts = [WORD, "Zephyr handbook", "launch OR guide", "nothing-here"]
    compiled = {
        (person.pk, text): search.search_grouped(user=person, text=text, side="staff")
        for person in people
        for text in texts
    }
    assert len(search._everyone_s_own_read._statements) > 0  # the discussion entries' query
    shapes = len(search._everyone_s_read._statements)
    search.search_grouped(user=findable.am, text="zephyr guide", side="staff")
    assert len(search._everyone_s_read._statements) == shapes  # the PM's statement, read again

    monkeypatch.setattr(search, "_read_compiled", lambda *args: False)
    for person in people:
        for text in texts:
            built = search.search_grouped(user=person, text=text, side="staff")
            assert compiled[(person.pk, text)] == built, (person.email, text)
    assert any(group.hits for group in compiled[(findable.rep.pk, WORD)])
    # The discussion entries, read by their own compiled query: the note for the team only.
    found = {
        person.email: next(
            [hit.snippet for hit in group.hits]
            for group in compiled[(person.pk, WORD)]
            if group.kind == "discussion"
        )
        for person in (findable.pm, findable.rep)
    }
    assert sorted(found[findable.pm.email]) == ["Zephyr margin", "Zephyr reply on the guide"]
    assert found[findable.rep.email] == ["Zephyr reply on the guide"]
