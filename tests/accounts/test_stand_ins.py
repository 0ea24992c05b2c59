"""Stand-ins (accounts.stand_ins): a query built for everyone of a standing is refused when it
depends on more of the person than their id, organisation and standing, or reads the database
while it is built."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.stand_ins import Standing, built_alike
from projects.models import Membership, Project

pytestmark = pytest.mark.django_db

CLIENT = Standing(side="client", is_active=True, is_staff=False, is_superuser=False)


def test_a_query_of_the_id_and_organisation_is_built_once_for_everyone():
    built = built_alike(
        lambda person: Project.objects.filter(
            memberships__user=person, client_id=person.organization_id
        ).values("pk"),
        -5,
        -6,
        CLIENT,
    )
    _sql, params = built.query.get_compiler(using="default").as_sql()
    assert -5 in params
    assert -6 in params


@pytest.mark.parametrize(
    "build",
    [
        lambda person: Project.objects.filter(name=person.display_name).values("pk"),
        lambda person: Project.objects.filter(code=person.language).values("pk"),
        lambda person: Project.objects.filter(created_at__gte=person.date_joined).values("pk"),
        # The organisation, when it is not one of the read's values (None).
        lambda person: Project.objects.filter(client_id=person.organization_id).values("pk"),
    ],
)
def test_a_query_of_anything_else_of_the_person_is_refused(build):
    with pytest.raises(ImproperlyConfigured, match="depends on more of the person"):
        built_alike(build, -5, None, CLIENT)


def test_a_query_that_reads_the_person_s_data_while_it_is_built_is_refused():
    def build(person):
        ids = list(Membership.objects.filter(user=person).values_list("project_id", flat=True))
        return Project.objects.filter(pk__in=ids).values("pk")

    with pytest.raises(ImproperlyConfigured, match="read the database"):
        built_alike(build, -5, -6, CLIENT)


def test_the_content_types_may_be_read_while_it_is_built_but_nothing_joined_to_them():
    from django.contrib.contenttypes.models import ContentType

    def typed(person):
        kind = ContentType.objects.get_for_model(Project)
        return Membership.objects.filter(user=person, project__pk__gt=kind.pk).values("pk")

    ContentType.objects.clear_cache()  # read from the database while it is built
    built = built_alike(typed, -5, -6, CLIENT)
    assert list(built) == []

    def joined(person):
        ids = list(
            ContentType.objects.filter(app_label="projects", model__in=["project"])
            .exclude(pk__in=Membership.objects.filter(user=person).values("pk"))
            .values_list("pk", flat=True)
        )
        return Project.objects.filter(pk__in=ids).values("pk")

    with pytest.raises(ImproperlyConfigured, match="read the database"):
        built_alike(joined, -5, -6, CLIENT)
