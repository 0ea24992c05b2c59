"""Lists read inside another query as JSON (common.json_rows): the portal's project page reads
the project with its objectives, the milestones with their deliverables and the documents with
their versions, each in one query, and each gives what the two-query read gives, for the
provider side and for the client (whose internal items stay out)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import OuterRef

from common.json_rows import json_rows, objects_from_json, set_prefetched
from projects.models import Deliverable, DocumentVersion, Objective, Project, Visibility
from projects.selectors import (
    document_list_for,
    documents_with_versions_for,
    milestone_list_for,
    milestones_with_deliverables_for,
    objective_list_for,
    objectives_read_with,
)
from projects.selectors.portfolio import project_with_glance_get_for
from projects.services.deliverables import deliverable_create
from projects.services.documents import document_upload
from projects.services.milestones import milestone_create

pytestmark = pytest.mark.django_db


def _fields(item: Any) -> dict[str, Any]:
    return {
        field.attname: getattr(item, field.attname) for field in type(item)._meta.concrete_fields
    }


@pytest.fixture
def planned(cast):
    """Two milestones, one internal; deliverables with and without an owner and a due day, one
    internal; documents with two versions and one, one internal."""
    pm, project = cast.pm, cast.project
    first = milestone_create(actor=pm, project=project, name="Design", due_date=date(2030, 2, 1))
    internal = milestone_create(
        actor=pm,
        project=project,
        name="Hidden",
        due_date=date(2030, 1, 1),
        visibility=Visibility.INTERNAL,
    )
    for name, owner, due, visibility in [
        ("Wireframes", pm, date(2030, 1, 20), Visibility.CLIENT),
        ("Style guide", None, None, Visibility.CLIENT),
        ("Budget notes", pm, date(2030, 1, 10), Visibility.INTERNAL),
        ("Mock-ups", cast.teammate, date(2030, 1, 10), Visibility.CLIENT),
    ]:
        deliverable_create(
            actor=pm,
            milestone=first,
            name=name,
            criteria=["Agreed"],
            owner=owner,
            due_date=due,
            visibility=visibility,
        )
    deliverable_create(actor=pm, milestone=internal, name="Secret", criteria=["Done"])
    spec = document_upload(
        actor=pm,
        project=project,
        file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 one"),
        visibility=Visibility.CLIENT,
    ).document
    document_upload(
        actor=cast.teammate,
        project=project,
        document=spec,
        file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 two"),
        note="Their changes",
    )
    document_upload(
        actor=cast.rep, project=project, file=SimpleUploadedFile("brief.pdf", b"%PDF-1.4 ours")
    )
    document_upload(
        actor=pm,
        project=project,
        file=SimpleUploadedFile("costs.pdf", b"%PDF-1.4 internal"),
        visibility=Visibility.INTERNAL,
    )
    Objective.objects.create(project=project, title="Go live", target="March", position=2)
    Objective.objects.create(project=project, title="Train staff", position=1)
    return cast


@pytest.mark.parametrize("reader", ["pm", "rep"])
def test_milestones_come_with_their_deliverables_in_one_query(
    planned, reader, django_assert_num_queries
):
    user, project = getattr(planned, reader), planned.project
    expected = list(milestone_list_for(user=user, project=project))

    with django_assert_num_queries(1):
        found = milestones_with_deliverables_for(user=user, project=project)
        shown = [
            [(d.name, d.get_status_display(), d.owner and d.owner.display_name, d.milestone.name)]
            for milestone in found
            for d in milestone.deliverables.all()
        ]

    assert shown
    assert [_fields(m) for m in found] == [_fields(m) for m in expected]
    for ours, theirs in zip(found, expected, strict=True):
        assert ours.deliverable_count == theirs.deliverable_count
        made, read = list(ours.deliverables.all()), list(theirs.deliverables.all())
        # PostgreSQL's order, a day-less deliverable last, on either database.
        read.sort(key=lambda item: (item.due_date is None, item.due_date, item.pk))
        assert [_fields(d) for d in made] == [_fields(d) for d in read]
        assert [d.owner_id and d.owner.display_name for d in made] == [
            d.owner_id and d.owner.display_name for d in read
        ]
    names = {d.name for milestone in found for d in milestone.deliverables.all()}
    if reader == "rep":
        assert names == {"Wireframes", "Style guide", "Mock-ups"}
    else:
        assert names == {"Wireframes", "Style guide", "Budget notes", "Mock-ups", "Secret"}


@pytest.mark.parametrize("reader", ["pm", "rep"])
def test_documents_come_with_their_versions_in_one_query(
    planned, reader, django_assert_num_queries
):
    user, project = getattr(planned, reader), planned.project
    expected = list(document_list_for(user=user, project=project))

    with django_assert_num_queries(1):
        found = documents_with_versions_for(user=user, project=project)
        shown = [
            (v.number, v.original_name, v.size, v.uploaded_at, v.uploaded_by.display_name, v.note)
            for document in found
            for v in document.versions.all()
        ]

    assert [_fields(d) for d in found] == [_fields(d) for d in expected]
    assert shown == [
        (v.number, v.original_name, v.size, v.uploaded_at, v.uploaded_by.display_name, v.note)
        for document in expected
        for v in document.versions.all()
    ]
    for ours, theirs in zip(found, expected, strict=True):
        assert [_fields(v) for v in ours.versions.all()] == [
            _fields(v) for v in theirs.versions.all()
        ]
    titles = {document.title for document in found}
    client_side = {"spec.pdf", "brief.pdf"}
    assert titles == (client_side if reader == "rep" else client_side | {"costs.pdf"})


def test_one_compiled_read_serves_each_side_and_each_project(planned):
    """The two reads are compiled once per side of the internal items: read for the team and the
    client of one project and of another, each gets their own project's items and their side's;
    someone who cannot see the project gets nothing."""
    project, other = planned.project, planned.other_project
    from projects.models import Milestone

    Milestone.objects.create(project=other, name="Elsewhere", due_date=date(2030, 3, 1))
    for _ in range(2):  # the first read compiles, the second reads what was compiled
        for user in (planned.pm, planned.rep):
            names = {m.name for m in milestones_with_deliverables_for(user=user, project=project)}
            assert names == ({"Design"} if user == planned.rep else {"Design", "Hidden"})
            titles = {d.title for d in documents_with_versions_for(user=user, project=project)}
            assert ("costs.pdf" in titles) == (user == planned.pm)
        admin = planned.staff_admin  # who sees the internal items of every project
        assert [m.name for m in milestones_with_deliverables_for(user=admin, project=other)] == [
            "Elsewhere"
        ]
        assert documents_with_versions_for(user=admin, project=other) == []
        assert milestones_with_deliverables_for(user=planned.pm, project=other) == []
    assert milestones_with_deliverables_for(user=planned.outsider, project=project) == []
    assert documents_with_versions_for(user=planned.outsider, project=project) == []


def test_the_project_comes_with_its_objectives(planned, django_assert_num_queries):
    user, project = planned.rep, planned.project
    read = project_with_glance_get_for(user=user, project_id=project.pk)

    with django_assert_num_queries(0):
        objectives = objectives_read_with(read)
        shown = [(o.title, o.target, o.get_status_display()) for o in objectives]

    expected = list(objective_list_for(user=user, project=project))
    assert [_fields(o) for o in objectives] == [_fields(o) for o in expected]
    assert shown == [("Train staff", "", "Not started"), ("Go live", "March", "Not started")]


def test_a_list_read_as_json_is_a_prefetched_list(planned, django_assert_num_queries):
    document = document_list_for(user=planned.pm, project=planned.project).get(title="spec.pdf")
    versions = list(DocumentVersion.objects.filter(document=document).order_by("-number"))
    set_prefetched(document, "versions", versions)

    with django_assert_num_queries(0):
        assert list(document.versions.all()) == versions
        assert document.versions.all()[0] == versions[0]
        assert len(document.versions.all()) == 2
        assert list(document.versions.all()[1:]) == versions[1:]


def test_an_empty_foreign_key_reads_none_and_a_missing_list_reads_empty(planned):
    rows = (
        Project.objects.filter(pk=planned.project.pk)
        .annotate(
            rows=json_rows(
                Deliverable.objects.filter(project=OuterRef("pk"), name="Style guide"),
                ["id", "name", "owner_id"],
                by="project",
                related={"owner": ["id", "display_name"]},
            )
        )
        .get()
        .rows
    )

    (unowned,) = objects_from_json(Deliverable, rows, related=["owner"])
    assert unowned.name == "Style guide"
    assert unowned.owner is None
    assert objects_from_json(Deliverable, None) == []


def test_decimals_are_refused():
    with pytest.raises(ImproperlyConfigured, match="decimals"):
        json_rows(Project.objects.filter(pk=OuterRef("pk")), ["id", "budget"], by="id")
