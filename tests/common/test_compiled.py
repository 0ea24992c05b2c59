"""Reads by id compiled once (common.compiled): the same objects as the ORM's, in one query."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Value

from common.compiled import CompiledGet
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _fields(project: Project) -> dict[str, object]:
    return {
        field.attname: getattr(project, field.attname) for field in Project._meta.concrete_fields
    }


def test_a_compiled_read_makes_what_the_orm_makes(django_assert_num_queries):
    project = ProjectFactory()
    read = CompiledGet(
        lambda: Project.objects.select_related("client").annotate(members=Count("memberships"))
    )
    expected = Project.objects.select_related("client").annotate(members=Count("memberships"))
    expected = expected.get(pk=project.pk)

    with django_assert_num_queries(1):
        found = read.get(project.pk)
        client_name = found.client.name

    assert type(found) is Project
    assert _fields(found) == _fields(expected)
    assert client_name == expected.client.name
    assert found.members == expected.members
    assert not found._state.adding
    assert found._state.db == "default"


def test_a_second_read_runs_the_same_sql_with_another_id(django_assert_num_queries):
    first, second = ProjectFactory(), ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())
    read.get(first.pk)

    with django_assert_num_queries(1) as context:
        found = read.get(str(second.pk))  # a text id is taken as a filter takes it

    assert found.pk == second.pk
    assert found.name == second.name
    assert str(second.pk) in context.captured_queries[0]["sql"]


# 2**63 - 1 fits the key (the query runs) but is never given out; 10**20 does not fit it.
@pytest.mark.parametrize("pk", [0, -1, 2**63 - 1, 10**20, -(10**20)])
def test_a_missing_or_impossible_id_reads_none(pk, django_assert_max_num_queries):
    ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())

    with django_assert_max_num_queries(1):
        assert read.get(pk) is None


def test_a_read_that_would_prefetch_is_refused():
    ProjectFactory()
    read = CompiledGet(lambda: Project.objects.prefetch_related("memberships"))

    with pytest.raises(ImproperlyConfigured):
        read.get(1)


def test_a_project_address_with_an_impossible_id_is_not_found(cast):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(cast.rep)
    for project_id in (10**20, 0):
        url = reverse("portal:project", kwargs={"project_id": project_id})
        assert client.get(url).status_code == 404
        api = f"/api/v1/projects/{project_id}/deliverables/"
        assert client.get(api).status_code == 404


# --- prepared on PostgreSQL -----------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)


def _prepared() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@on_postgresql
def test_a_read_runs_a_statement_prepared_once_per_connection(django_assert_num_queries):
    first, second = ProjectFactory(), ProjectFactory()
    read = CompiledGet(lambda: Project.objects.select_related("client"))
    queryset = Project.objects.select_related("client").filter(pk=first.pk).order_by()
    plain_sql = str(queryset.query.sql_with_params()[0])

    assert read.get(first.pk).pk == first.pk
    prepared = _prepared()
    with django_assert_num_queries(1) as context:
        assert read.get(second.pk).client.name == second.client.name

    (sql,) = [query["sql"] for query in context.captured_queries]
    name = sql.split()[1]
    assert sql == f"EXECUTE {name} ({second.pk})"
    assert prepared[name] == f"PREPARE {name} AS " + plain_sql.replace("%s", "$1")
    assert _prepared() == prepared  # nothing prepared again


@on_postgresql
def test_a_prepared_statement_keeps_one_plan_for_any_id_from_its_first_run(
    django_assert_num_queries,
):
    """The plan of a prepared statement reads its id as a parameter ($1) from the first run
    on: one generic plan, not a plan made again for each id."""
    first, second = ProjectFactory(), ProjectFactory()
    read = CompiledGet(lambda: Project.objects.select_related("client"))
    with django_assert_num_queries(1) as context:
        assert read.get(first.pk).pk == first.pk
    name = context.captured_queries[0]["sql"].split()[1]

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN EXECUTE {name} (%s)", [second.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "$1" in plan
    assert str(second.pk) not in plan


@on_postgresql
def test_a_read_planned_per_run_is_sent_as_sql_not_prepared(django_assert_num_queries):
    from common.compiled import CompiledValues

    project = ProjectFactory(name="Harbour crane")
    read = CompiledValues(
        lambda key, values: Project.objects.filter(name=values[0]).values("pk"),
        planned_per_run=True,
    )
    before = _prepared()

    with django_assert_num_queries(2) as context:
        assert read.rows(["Harbour crane"], ()) == [{"pk": project.pk}]
        assert read.rows(["Quay"], ()) == []

    assert _prepared() == before
    assert all(
        "'Harbour crane'" in query["sql"] or "'Quay'" in query["sql"]
        for query in context.captured_queries
    )
    assert not any(query["sql"].startswith("EXECUTE") for query in context.captured_queries)


@on_postgresql
def test_a_read_after_a_rolled_back_transaction_works():
    project = ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())

    def prepared_then_rolled_back() -> None:
        with transaction.atomic():
            assert read.get(project.pk).pk == project.pk  # prepared inside the transaction
            Project.objects.create(name="No client", client_id=None)

    with pytest.raises(IntegrityError):
        prepared_then_rolled_back()

    assert read.get(project.pk).pk == project.pk  # the statement outlived the rollback


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    project = ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())
    assert read.get(project.pk).pk == project.pk

    connection.close()

    assert read.get(project.pk).pk == project.pk
    assert any(sql.startswith("PREPARE rapport_compiled_") for sql in _prepared().values())


# --- a list of ids ----------------------------------------------------------------------------


def _on_day(key):
    day, _zone = key
    return (
        Project.objects.select_related("client")
        .annotate(members=Count("memberships"), counted_on=Value(day))
        .annotate(late=Count("milestones", filter=Q(milestones__due_date__lt=day)))
    )


def test_compiled_rows_read_the_ids_in_their_order_as_the_orm_makes_them(
    django_assert_num_queries,
):
    from common.compiled import CompiledRows

    first, second, third = ProjectFactory(), ProjectFactory(), ProjectFactory()
    read = CompiledRows(_on_day)
    day = date(2030, 1, 7)
    expected = {project.pk: project for project in _on_day((day, "UTC"))}

    with django_assert_num_queries(1):
        found = read.read([third.pk, first.pk, 10**20, third.pk, second.pk], (day, "UTC"))

    assert [project.pk for project in found] == [third.pk, first.pk, second.pk]
    for project in found:
        assert _fields(project) == _fields(expected[project.pk])
        assert project.client.name == expected[project.pk].client.name
        assert project.counted_on == day  # a day selected as a value reads back as a day
        assert type(project.counted_on) is date
    assert read.read([], (day, "UTC")) == []
    assert read.read([0, -1], (day, "UTC")) == []


def test_compiled_rows_compile_again_for_another_key_and_keep_the_latest_shapes(
    django_assert_num_queries,
):
    from common.compiled import CompiledRows
    from projects.models import Milestone

    project = ProjectFactory()
    Milestone.objects.create(project=project, name="Due", due_date=date(2030, 1, 5))
    read = CompiledRows(_on_day, shapes=2)

    before = read.read([project.pk], (date(2030, 1, 4), "UTC"))[0]
    after = read.read([project.pk], (date(2030, 1, 7), "UTC"))[0]
    assert (before.late, before.counted_on) == (0, date(2030, 1, 4))
    assert (after.late, after.counted_on) == (1, date(2030, 1, 7))

    read.read([project.pk, project.pk + 10**6], (date(2030, 1, 7), "UTC"))  # a third shape
    assert len(read._statements) == 2  # the oldest dropped
    with django_assert_num_queries(1):
        assert read.read([project.pk], (date(2030, 1, 4), "UTC"))[0].late == 0


def _names_and_days(key, ids):
    (day,) = key
    projects = Project.objects.filter(pk__in=ids).order_by()
    named = projects.values("pk", "name").annotate(on=Value(day))
    coded = projects.values("pk", "code").annotate(on=Value(day))
    return named.union(coded, all=True)


def test_compiled_values_read_a_union_that_takes_its_ids_twice(django_assert_num_queries):
    from common.compiled import CompiledValues

    first, second, other = ProjectFactory(), ProjectFactory(), ProjectFactory()
    read = CompiledValues(_names_and_days)
    expected = list(_names_and_days((date(2030, 1, 7),), [first.pk, second.pk]))

    with django_assert_num_queries(1):
        rows = read.rows([first.pk, second.pk], (date(2030, 1, 7),))

    key = lambda row: (row["pk"], row["name"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(expected, key=key)
    assert len(rows) == 4
    assert {row["on"] for row in rows} == {date(2030, 1, 7)}
    assert other.pk not in {row["pk"] for row in rows}
    later = read.rows([other.pk], (date(2030, 1, 8),))
    assert sorted((row["name"], row["on"]) for row in later) == sorted(
        [(other.name, date(2030, 1, 8)), (other.code, date(2030, 1, 8))]
    )
    assert read.rows([], (date(2030, 1, 7),)) == []


@on_postgresql
def test_a_connection_keeps_a_bounded_number_of_prepared_statements(monkeypatch):
    from common import compiled

    monkeypatch.setattr(compiled, "_MAX_PREPARED", 2)
    project = ProjectFactory()
    reads = [CompiledGet(lambda: Project.objects.all()) for _ in range(3)]
    for read in reads:
        assert read.get(project.pk).pk == project.pk
    names = [name for name in _prepared() if name.startswith("rapport_compiled_")]
    assert len(names) == 1  # the first two, then the third alone after DEALLOCATE ALL
    assert all(read.get(project.pk).pk == project.pk for read in reads)  # prepared again


def _started_by(key, values):
    day, moment = values
    return Project.objects.filter(start_date__lte=day, created_at__lte=moment).values("pk")


def test_compiled_values_take_moments_and_days_read_anew_each_time(django_assert_num_queries):
    from datetime import UTC, datetime

    from common.compiled import CompiledValues

    early = ProjectFactory(start_date=date(2030, 1, 1))
    late = ProjectFactory(start_date=date(2030, 6, 1))
    read = CompiledValues(_started_by)
    now = datetime(2100, 1, 1, tzinfo=UTC)

    def ids(day, moment):
        return {row["pk"] for row in read.rows([day, moment], ("started",))}

    assert ids(date(2030, 3, 1), now) == {early.pk}
    with django_assert_num_queries(1):
        assert ids(date(2030, 7, 1), now) == {early.pk, late.pk}
    assert ids(date(2029, 12, 31), now) == set()
    assert ids(date(2030, 7, 1), datetime(2000, 1, 1, tzinfo=UTC)) == set()  # not yet made
    assert len(read._statements) == 1


def test_compiled_values_refuse_a_day_made_from_one_given_and_a_naive_moment():
    from datetime import datetime, timedelta

    from common.compiled import CompiledValues

    def two_weeks_on(key, values):
        (day,) = values
        return Project.objects.filter(start_date__lte=day + timedelta(days=14)).values("pk")

    with pytest.raises(ImproperlyConfigured):  # the day given is not used as it is
        CompiledValues(two_weeks_on).rows([date(2030, 1, 1)], ("soon",))

    def one_given_and_one_made(key, values):
        (day,) = values
        return Project.objects.filter(
            start_date__gte=day, end_date__lte=day + timedelta(days=14)
        ).values("pk")

    with pytest.raises(ImproperlyConfigured, match="as they are given"):
        CompiledValues(one_given_and_one_made).rows([date(2030, 1, 1)], ("soon",))
    naive = datetime(2030, 1, 1)  # noqa: DTZ001  (the moment refused)
    with pytest.raises(ImproperlyConfigured, match="aware"):
        CompiledValues(_started_by).rows([date(2030, 1, 1), naive], ("x",))


def test_compiled_values_take_a_text_as_it_is_and_refuse_one_made_from_it():
    from common.compiled import CompiledValues

    def named(key, values):
        (text,) = values
        return Project.objects.filter(name=text).values("pk")

    alpha = ProjectFactory(name="Alpha-1")
    read = CompiledValues(named)
    assert [row["pk"] for row in read.rows(["Alpha-1"], ("named",))] == [alpha.pk]
    assert read.rows(["Beta"], ("named",)) == []

    def named_and_coded(key, values):
        (text,) = values
        words = text.upper().replace("-", " ")  # made from the text: compiled as a constant
        return Project.objects.filter(name=text).exclude(code=words).values("pk")

    with pytest.raises(ImproperlyConfigured, match="as they are given"):
        CompiledValues(named_and_coded).rows(["Alpha-1"], ("named",))


def _ranked_after(key: tuple[object, ...], values: list[object]):
    """The projects of a client created after a moment, with their client and their rank."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    client_id, after = values
    return (
        Project.objects.filter(client_id=client_id, created_at__gt=after)
        .select_related("client")
        .annotate(rank=Window(RowNumber(), order_by=[F("code").asc(), F("pk").asc()]))
        .order_by("code", "pk")
    )


def test_compiled_values_make_model_objects_as_the_orm_makes_them(django_assert_num_queries):
    from datetime import UTC, datetime

    from common.compiled import CompiledValues

    first, second = ProjectFactory(code="B-1"), ProjectFactory(code="A-1")
    third = ProjectFactory(client=first.client, code="C-1")
    Project.objects.filter(pk=second.pk).update(client=first.client)
    other = ProjectFactory()
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    read = CompiledValues(_ranked_after)
    expected = list(_ranked_after((), [first.client_id, long_ago]))

    with django_assert_num_queries(1):
        found = read.objects([first.client_id, long_ago], ())
        clients = [project.client.name for project in found]

    assert [type(project) for project in found] == [Project] * 3
    assert [_fields(project) for project in found] == [_fields(project) for project in expected]
    assert [project.code for project in found] == ["A-1", "B-1", "C-1"]
    assert [project.rank for project in found] == [1, 2, 3]
    assert clients == [first.client.name] * 3
    assert all(not project._state.adding for project in found)
    # Read again with other values: the same statement, their own rows.
    assert [p.pk for p in read.objects([other.client_id, long_ago], ())] == [other.pk]
    later = Project.objects.get(pk=third.pk).created_at
    assert read.objects([first.client_id, later], ()) == []
    with pytest.raises(ImproperlyConfigured, match="objects"):
        read.rows([first.client_id, long_ago], ())


def test_compiled_values_of_rows_are_not_objects_and_a_prefetch_is_refused():
    from common.compiled import CompiledValues

    project = ProjectFactory()
    rows = CompiledValues(lambda key, values: Project.objects.filter(pk=values[0]).values("pk"))
    with pytest.raises(ImproperlyConfigured, match="rows"):
        rows.objects([project.pk], ())
    prefetching = CompiledValues(
        lambda key, values: Project.objects.filter(pk=values[0]).prefetch_related("memberships")
    )
    with pytest.raises(ImproperlyConfigured, match="prefetched"):
        prefetching.objects([project.pk], ())
