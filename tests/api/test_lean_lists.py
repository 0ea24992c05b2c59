"""API lists read only what they show (common.api.LeanListMixin, common.serializers.read_columns)
and count only what does not fit on their first page (common.api.DeferredJoinPaginator): the
same answers, for the team and the client, from fewer columns and queries."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation
from rest_framework import serializers

from accounts.models import Organization
from common.api import LeanListMixin
from common.serializers import Columns, ModelSerializer, read_columns, row_paths, write_rows
from projects.api.projects import ProjectSerializer
from projects.models import Role, Task, Visibility
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from projects.services.tasks import task_create
from risks.api.register import InternalRiskSerializer, RiskSerializer
from risks.services.register import risk_create
from stakeholders.services.requirements import requirement_create
from tests.factories import ProjectFactory, add_member
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _lean_views() -> set[str]:
    """The names of the viewsets in the URLconf whose lists read lean."""
    found: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                actions = getattr(pattern.callback, "actions", {}) or {}
                if view and issubclass(view, LeanListMixin) and "list" in actions.values():
                    found.add(view.__name__)

    walk(get_resolver().url_patterns)
    return found


LISTS = {
    "ProjectViewSet": "/api/v1/projects/",
    "RequirementViewSet": "/api/v1/projects/{project}/requirements/",
    "RiskViewSet": "/api/v1/projects/{project}/risks/",
    "DeliverableViewSet": "/api/v1/projects/{project}/deliverables/",
    "TaskViewSet": "/api/v1/projects/{project}/tasks/",
}
TABLES = {
    "ProjectViewSet": "projects_project",
    "RequirementViewSet": "stakeholders_requirement",
    "RiskViewSet": "risks_risk",
    "DeliverableViewSet": "projects_deliverable",
    "TaskViewSet": "projects_task",
}


def _list_query(queries: list[str], view: str) -> str:
    """The query that reads the list's page."""
    [found] = [sql for sql in queries if f'FROM "{TABLES[view]}"' in sql and " LIMIT " in sql]
    return found


def test_every_lean_list_is_checked_here():
    assert _lean_views() == set(LISTS)


def _add_rows(cast: Any, count: int) -> None:
    """`count` more of each kind of row the lists show, client-visible and internal alike, with
    an owner and a second project of the same client for the project list."""
    pm, project = cast.pm, cast.project
    milestone = milestone_create(
        actor=pm, project=project, name=f"Phase {next(_numbers)}", due_date=date(2027, 3, 1)
    )
    for index in range(count):
        number = next(_numbers)
        visibility = Visibility.INTERNAL if index % 2 else Visibility.CLIENT
        deliverable_create(
            actor=pm,
            milestone=milestone,
            name=f"Deliverable {number}",
            criteria=["Reviewed"],
            visibility=visibility,
        )
        requirement_create(
            actor=pm,
            project=project,
            title=f"Requirement {number}",
            description="What the client asked for",
            visibility=visibility,
        )
        task_create(
            actor=pm,
            project=project,
            name=f"Task {number}",
            milestone=milestone,
            assignee=pm if index % 3 else None,
            estimate_hours=Decimal("2.50"),
            start_date=date(2027, 1, 4),
            due_date=date(2027, 1, 8),
            visibility=visibility,
        )
        risk_create(
            actor=pm,
            project=project,
            title=f"Risk {number}",
            probability=1 + index % 5,
            impact=2,
            owner=pm if index % 3 else None,
            visibility=visibility,
            internal_note=f"Internal note {number}",
        )
        other = ProjectFactory(client=project.client, code=f"L{number}", name=f"Lean {number}")
        add_member(other, pm, Role.PM)
        add_member(other, cast.rep, Role.CUSTOMER_REP)


def _queries_and_answer(client: Any, url: str) -> tuple[list[str], Any]:
    """The SQL of a warm GET of `url` (the session read, the statements prepared), and its
    answer. The SQL is copied at once: the next request clears the connection's log."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return [query["sql"] for query in queries.captured_queries], response


@pytest.mark.parametrize(
    ("role_name", "zone"), [("pm", "UTC"), ("rep", "UTC"), ("pm", "Asia/Shanghai")]
)
@pytest.mark.parametrize("view", sorted(LISTS))
def test_a_lean_list_answers_as_a_whole_read_would_in_fewer_columns(
    cast, monkeypatch, view, role_name, zone
):
    _add_rows(cast, 5)
    reader = cast.by_name(role_name)
    reader.time_zone = zone  # its moments written in the person's zone, by both reads
    reader.save(update_fields=["time_zone"])
    done = Task.objects.filter(project=cast.project).order_by("pk").values("pk")[:2]
    Task.objects.filter(pk__in=done).update(
        status=Task.Status.DONE, completed_at=datetime(2027, 1, 8, 17, 30, 5, 123456, tzinfo=UTC)
    )
    client = logged_in(reader)
    url = LISTS[view].format(project=cast.project.pk)

    written = []
    monkeypatch.setattr(
        "common.api.write_rows", lambda *args: written.append(args) or write_rows(*args)
    )
    lean_queries, lean = _queries_and_answer(client, url)
    assert written, "the page is written from its rows, without model objects"
    # The whole rows, as model objects, each value read as DRF reads it.
    monkeypatch.setattr("common.api.read_columns", lambda serializer_class: None)
    monkeypatch.setattr("common.api.row_paths", lambda serializer_class: None)
    monkeypatch.setattr(
        ModelSerializer,
        "to_representation",
        lambda serializer, instance: serializer.for_reader(
            serializers.ModelSerializer.to_representation(serializer, instance)
        ),
    )
    whole_queries, whole = _queries_and_answer(client, url)

    assert lean.status_code == whole.status_code == 200
    assert lean.content == whole.content  # the same fields, in the same order and form
    assert lean.json()["count"] >= 3
    assert len(lean_queries) <= len(whole_queries)
    listed, whole_listed = _list_query(lean_queries, view), _list_query(whole_queries, view)
    assert len(listed) < len(whole_listed)
    # What a list does not show is not even read: the project's scope, the person's password.
    assert '"scope_statement"' not in listed
    assert '"password"' not in listed
    if view == "RiskViewSet" and role_name == "rep":
        assert '"internal_note"' not in listed


@pytest.mark.parametrize("view", sorted(LISTS))
def test_a_lean_list_costs_as_many_queries_whatever_its_rows(cast, view):
    client = logged_in(cast.pm)
    url = LISTS[view].format(project=cast.project.pk)
    assert_queries_constant(client, url, lambda count: _add_rows(cast, count))


# --- What a serializer reads ---------------------------------------------------------------------


def test_the_columns_come_from_fields_paths_nested_serializers_and_hints():
    assert read_columns(ProjectSerializer) == Columns(
        only=(
            "id",
            "code",
            "name",
            "summary",
            "client__id",
            "client__name",
            "client__kind",
            "start_date",
            "end_date",
            "is_archived",
            "revision",
        ),
        related=("client",),
    )
    risk = read_columns(RiskSerializer)
    assert risk is not None
    assert {"number", "raised_side", "owner", "owner__display_name"} <= set(risk.only)
    assert "internal_note" not in risk.only
    assert risk.related == ("owner",)
    internal = read_columns(InternalRiskSerializer)
    assert internal is not None
    assert "internal_note" in internal.only


class _Shown(ModelSerializer):
    role_label = serializers.CharField(source="get_status_display", read_only=True)
    milestone_name = serializers.CharField(source="milestone.name", read_only=True)
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Task
        fields = ["id", "name", "role_label", "milestone_name", "predecessors"]


class _Computed(ModelSerializer):
    late = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "late"]

    def get_late(self, task: Task) -> bool:
        return False


class _Property(ModelSerializer):
    is_visible_to_client = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = ["id", "is_visible_to_client"]


class _Hinted(_Property):
    class Meta(_Property.Meta):
        reads = {"is_visible_to_client": ["visibility", "milestone__visibility"]}


def test_choice_labels_relation_paths_and_lists_of_other_rows():
    assert read_columns(_Shown) == Columns(
        only=("id", "name", "status", "milestone__name"), related=("milestone",)
    )


def test_a_field_that_may_read_anything_reads_the_whole_row_unless_it_says_what_it_reads():
    assert read_columns(_Computed) is None
    assert read_columns(_Property) is None
    assert read_columns(_Hinted) == Columns(
        only=("id", "visibility", "milestone__visibility"), related=("milestone",)
    )


# --- Rows written as their objects -------------------------------------------------------------


class _Organization(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]


class _Rows(ModelSerializer):
    """Every kind of field a row is written with: through a relation that may be missing (with a
    default, null, or left out), a choice's label, a nested object, a method named in `reads`,
    a decimal, a day and a moment (the properties of `reads`: the risk list's, above)."""

    assignee_name = serializers.CharField(
        source="assignee.display_name", read_only=True, default="nobody"
    )
    milestone_name = serializers.CharField(source="milestone.name", read_only=True)
    milestone_due = serializers.DateField(
        source="milestone.due_date", read_only=True, allow_null=True
    )
    client = _Organization(source="project.client", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    twice = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "name",
            "assignee",
            "assignee_name",
            "milestone",
            "milestone_name",
            "milestone_due",
            "client",
            "status",
            "status_label",
            "estimate_hours",
            "start_date",
            "completed_at",
            "twice",
        ]
        reads = {"twice": ["position"]}

    def get_twice(self, task: Any) -> int:
        return task.pk * 1000 + task.position * 2


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rows_are_written_as_their_objects_are(cast, language):
    _add_rows(cast, 3)
    Task.objects.filter(project=cast.project).update(visibility=Visibility.CLIENT)
    first = Task.objects.filter(project=cast.project).order_by("pk").first()
    assert first is not None
    Task.objects.filter(pk=first.pk).update(
        milestone=None,
        status=Task.Status.DONE,
        completed_at=datetime(2027, 1, 8, 23, 30, tzinfo=UTC),
        estimate_hours=None,
    )
    tasks = Task.objects.filter(project=cast.project).order_by("pk")
    assert tasks.filter(assignee=None).exists()
    assert tasks.exclude(assignee=None).exists()
    paths = row_paths(_Rows)
    assert paths is not None
    with translation.override(language), timezone.override("Asia/Shanghai"):
        objects = _Rows(tasks, many=True).data
        rows = list(tasks.values(*paths))
        written = write_rows(_Rows(rows, many=True).child, rows)
    assert json.dumps(written) == json.dumps(objects)
    [missing] = [row for row in written if row["id"] == first.pk]
    assert "milestone_name" not in missing  # left out, as DRF leaves it out of the object's
    assert missing["milestone_due"] is None
    assert missing["milestone"] is None
    assert missing["completed_at"] == "2027-01-09T07:30:00+08:00"


def test_a_serializer_that_may_read_anything_writes_no_rows():
    assert row_paths(_Computed) is None  # a method not named in `reads`
    assert row_paths(_Property) is None  # a property not named in `reads`
    assert row_paths(_Shown) is None  # a list of other rows


# --- The first page counted by its rows ---------------------------------------------------------


@pytest.fixture
def tasks(cast) -> list[Task]:
    return Task.objects.bulk_create(
        Task(project=cast.project, name=f"Task {number:02}", position=number)
        for number in range(12)
    )


def _read(client: Any, url: str) -> tuple[dict[str, Any], list[str]]:
    queries, response = _queries_and_answer(client, url)
    assert response.status_code == 200
    return response.json(), queries


@pytest.mark.parametrize("page", ["", "&page=1"])
def test_a_list_that_fits_its_first_page_is_counted_by_its_rows(cast, tasks, page):
    url = f"/api/v1/projects/{cast.project.pk}/tasks/?page_size=12{page}"
    body, queries = _read(logged_in(cast.pm), url)
    assert body["count"] == 12
    assert [task["name"] for task in body["results"]] == [task.name for task in tasks]
    assert body["next"] is None
    assert not any("COUNT(" in sql for sql in queries)


def test_a_longer_list_is_counted_and_its_first_page_read_once(cast, tasks):
    url = f"/api/v1/projects/{cast.project.pk}/tasks/?page_size=5"
    body, queries = _read(logged_in(cast.pm), url)
    assert body["count"] == 12
    assert [task["name"] for task in body["results"]] == [task.name for task in tasks[:5]]
    assert body["next"].endswith("page=2&page_size=5")
    assert sum("COUNT(" in sql for sql in queries) == 1
    second, _ = _read(logged_in(cast.pm), f"{url}&page=3")
    assert [task["name"] for task in second["results"]] == [task.name for task in tasks[10:]]


def test_an_empty_list_is_counted_by_its_rows(cast):
    body, queries = _read(logged_in(cast.pm), f"/api/v1/projects/{cast.project.pk}/tasks/")
    assert (body["count"], body["results"], body["next"]) == (0, [], None)
    assert not any("COUNT(" in sql for sql in queries)
