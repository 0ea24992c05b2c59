"""Model serializers whose fields are worked out once per class (common.serializers): each
instance gets the fields DRF would build, its own and bound to it, and builds nothing from the
model after the first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation
from rest_framework import serializers

from common.serializers import ModelSerializer
from projects.models import Milestone
from stakeholders.models import Requirement
from tests.factories import ProjectFactory, UserFactory

# Compared otherwise (the validators by kind, the relation by its model) or not the field's own
# (its parent, the order fields were made in, the arguments it was made with).
UNDESCRIBED = {"parent", "child_relation", "validators", "_validators", "_creation_counter"}
UNDESCRIBED |= {"_args", "_kwargs"}
FIELDS = ["id", "reference", "title", "priority", "project", "milestones", "created_at"]


class Counted(ModelSerializer[Requirement]):
    """The serializer under test, counting the fields it builds from the model."""

    built = 0
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Requirement
        fields = FIELDS

    def build_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).built += 1
        return super().build_field(*args, **kwargs)


class Plain(serializers.ModelSerializer[Requirement]):
    """The same serializer on DRF's own base: what each instance must match."""

    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Requirement
        fields = FIELDS


def _described(serializer: serializers.Serializer) -> dict[str, dict[str, str]]:
    """Every field as a reader of it sees it: its kind and its bound attributes, a related
    field's relation included."""
    described = {}
    for name, field in serializer.fields.items():
        seen = {key: str(value) for key, value in vars(field).items() if key not in UNDESCRIBED}
        seen["class"] = type(field).__name__
        seen["validators"] = str([type(v).__name__ for v in field.validators])
        if isinstance(field, serializers.ManyRelatedField):
            relation = field.child_relation
            seen["relation"] = f"{type(relation).__name__} {relation.queryset.model.__name__}"
        described[name] = seen
    return described


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_instance_has_the_fields_drf_builds(language):
    with translation.override(language):
        first, second, third = Counted(), Counted(), Counted()
        expected = _described(Plain())

        assert _described(first) == expected
        assert _described(second) == expected
        assert _described(third) == expected
        assert list(third.fields) == FIELDS


def test_the_model_is_read_for_the_first_instance_only():
    Counted.built = 0
    Counted().fields  # noqa: B018
    after_first = Counted.built
    Counted().fields  # noqa: B018
    Counted().fields  # noqa: B018

    # The class may have been built by an earlier test; then no instance builds anything.
    assert after_first in (0, len(FIELDS) - 1)  # every field but the declared one
    assert Counted.built == after_first


def test_each_instance_has_its_own_bound_fields():
    first, second = Counted(), Counted()

    for name in FIELDS:
        assert first.fields[name] is not second.fields[name]
        assert second.fields[name].parent is second
        assert second.fields[name].field_name == name
    many = second.fields["milestones"]
    assert isinstance(many, serializers.ManyRelatedField)
    assert many.child_relation is not first.fields["milestones"].child_relation
    assert many.child_relation.parent is many


@pytest.mark.django_db
def test_output_and_validation_are_drfs():
    user = UserFactory()
    project = ProjectFactory()
    milestone = Milestone.objects.create(project=project, name="Launch", due_date=date(2030, 1, 7))
    requirement = Requirement.objects.create(
        project=project, number=1, title="Export", created_by=user
    )
    requirement.milestones.add(milestone)

    for _ in range(2):
        assert Counted(requirement).data == Plain(requirement).data
        data = {"title": "x" * 201, "priority": "never", "project": project.pk, "milestones": [0]}
        ours, theirs = Counted(data=data), Plain(data=data)
        assert not ours.is_valid()
        assert not theirs.is_valid()
        assert ours.errors == theirs.errors
        assert set(ours.errors) == {"title", "priority", "milestones"}


@pytest.mark.parametrize(("first", "then"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_labels_follow_the_language_of_each_request(first, then):
    class Fresh(ModelSerializer[Requirement]):
        class Meta:
            model = Requirement
            fields = ["title", "priority", "milestones"]

    with translation.override(first):
        Fresh().fields  # noqa: B018  (built in the first language)
    for language, title, milestones in [
        (then, *_labels(then)),
        (first, *_labels(first)),
    ]:
        with translation.override(language):
            fields = Fresh().fields
            assert (str(fields["title"].label), str(fields["milestones"].label)) == (
                title,
                milestones,
            )
            assert str(fields["priority"].error_messages["invalid_choice"]) == str(
                Plain().fields["priority"].error_messages["invalid_choice"]
            )


def _labels(language: str) -> tuple[str, str]:
    return {"en": ("Title", "Milestones"), "zh-hans": ("标题", "里程碑")}[language]


# --- Reading each field's value: plain paths directly, the rest as DRF does ----------------------

READ = [
    "id",
    "reference",
    "title",
    "status_label",
    "creator_name",
    "creator_team",
    "creator_or_none",
    "milestones",
    "created_at",
    "missing",
    "creator_key",
]


def _read_fields() -> dict[str, serializers.Field]:
    return {
        "reference": serializers.CharField(read_only=True),
        # A callable at the end of the path: DRF calls it.
        "status_label": serializers.CharField(source="get_status_display", read_only=True),
        # A path through a relation; one through an empty one, with a default.
        "creator_name": serializers.CharField(source="created_by.display_name", read_only=True),
        "creator_team": serializers.CharField(
            source="created_by.organization.name", read_only=True
        ),
        "creator_or_none": serializers.CharField(
            source="created_by.display_name", read_only=True, default=None, allow_null=True
        ),
        # No such attribute and not required: DRF leaves the field out.
        # A related key written by a field of its own: an empty one is None, not "None".
        "creator_key": serializers.PrimaryKeyRelatedField(
            source="created_by", read_only=True, pk_field=serializers.CharField()
        ),
        "missing": serializers.CharField(
            source="no_such_attribute", read_only=True, required=False
        ),
    }


class Read(ModelSerializer[Requirement]):
    locals().update(_read_fields())

    class Meta:
        model = Requirement
        fields = READ


class ReadByDrf(serializers.ModelSerializer[Requirement]):
    locals().update(_read_fields())

    class Meta:
        model = Requirement
        fields = READ


@pytest.mark.django_db
def test_each_value_is_the_one_drf_reads():
    user = UserFactory(display_name="Cara Creator")
    project = ProjectFactory()
    milestone = Milestone.objects.create(project=project, name="Launch", due_date=date(2030, 1, 7))
    requirements = [
        Requirement.objects.create(
            project=project, number=number, title=f"R{number}", created_by=user
        )
        for number in (1, 2)
    ]
    requirements[0].milestones.add(milestone)
    requirements[1].created_by = None

    ours = Read(requirements, many=True).data
    assert ours == ReadByDrf(requirements, many=True).data
    assert ours[0]["creator_name"] == "Cara Creator"
    assert ours[0]["status_label"] == requirements[0].get_status_display()
    assert ours[0]["milestones"] == [milestone.pk]
    assert "missing" not in ours[0]
    # An empty relation on the way: the default where there is one, else the field left out.
    assert ours[1]["creator_or_none"] is None
    assert "creator_name" not in ours[1]
    assert "creator_team" not in ours[1]
    assert (ours[0]["creator_key"], ours[1]["creator_key"]) == (str(user.pk), None)
    # A dictionary is read as DRF reads it.
    row = {"id": 7, "reference": "REQ-7", "title": "T", "status_label": "Draft"}
    assert Read().to_representation(row) == ReadByDrf().to_representation(row)
    assert Read().to_representation(row)["title"] == "T"
