"""User and organisation rules, and the membership invariants the database itself enforces."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Organization, User
from common.errors import Conflict, InvalidInput
from projects.models import Membership, Role
from projects.services import membership_add
from tests.factories import DEFAULT_PASSWORD, UserFactory

# --- E-mail login ------------------------------------------------------------------------------


def test_create_user_stores_the_email_in_lower_case(client_a):
    user = User.objects.create_user(
        "Mixed.Case@Example.COM", DEFAULT_PASSWORD, display_name="Mia", organization=client_a
    )

    user.refresh_from_db()
    assert user.email == "mixed.case@example.com"


def test_authenticate_accepts_the_email_in_any_case(rep):
    user = authenticate(email="REP@A.TEST", password=DEFAULT_PASSWORD)

    assert user == rep


def test_login_form_accepts_the_email_in_any_case(client, rep):
    response = client.post(
        "/accounts/login/", {"login": "Rep@A.Test", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rep.pk)


def test_database_refuses_the_same_email_in_another_case(rep, client_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="REP@a.test", organization=client_a)

    assert list(User.objects.filter(email__iexact="rep@a.test")) == [rep]


# --- Organisations and sides -------------------------------------------------------------------


def test_database_refuses_a_second_provider_organisation(provider):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Second provider", kind=Organization.Kind.PROVIDER)

    assert list(Organization.objects.filter(kind=Organization.Kind.PROVIDER)) == [provider]


def test_second_client_organisation_is_fine(client_a, client_b):
    assert Organization.objects.filter(kind=Organization.Kind.CLIENT).count() == 2


def test_user_side_follows_the_organisation_kind(provider, client_a):
    client_person = UserFactory(organization=client_a)
    provider_person = UserFactory(organization=provider)
    operator = UserFactory(organization=None)

    assert (client_person.side, client_person.is_client_user) == ("client", True)
    assert (provider_person.side, provider_person.is_provider_user) == ("provider", True)
    assert (operator.side, operator.is_provider_user) == ("provider", True)


def test_user_side_changes_with_the_organisation(provider, client_a):
    person = UserFactory(organization=provider)

    person.organization = client_a
    person.save()

    person.refresh_from_db()
    assert person.side == "client"


def test_database_refuses_a_side_that_differs_from_the_organisation_kind(rep):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=rep.pk).update(side=Organization.Kind.PROVIDER)

    rep.refresh_from_db()
    assert rep.side == "client"


def test_client_user_cannot_be_staff_admin(rep):
    rep.is_staff = True

    with pytest.raises(ValidationError) as error:
        rep.full_clean()

    assert error.value.message_dict == {"is_staff": ["A client user cannot be a staff admin."]}
    rep.refresh_from_db()
    assert rep.is_staff is False


def test_client_user_flagged_staff_is_no_staff_admin(rep):
    User.objects.filter(pk=rep.pk).update(is_staff=True)

    rep.refresh_from_db()
    assert rep.is_staff_admin is False


def test_new_client_user_cannot_be_staff_admin(client_a):
    person = User(email="new@a.test", display_name="New", organization=client_a, is_staff=True)
    person.set_password(DEFAULT_PASSWORD)

    with pytest.raises(ValidationError):
        person.full_clean()


def test_provider_user_can_be_staff_admin(staff_admin):
    staff_admin.full_clean()

    assert staff_admin.is_staff_admin is True


# --- Memberships through the service ------------------------------------------------------------


def test_membership_add_refuses_client_user_on_another_clients_project(project, other_client_rep):
    with pytest.raises(InvalidInput) as error:
        membership_add(actor=None, project=project, user=other_client_rep, role=Role.CUSTOMER_REP)

    assert error.value.field == "role"
    assert str(error.value.message) == "Client roles are for people of Client A only."
    assert not Membership.objects.filter(project=project, user=other_client_rep).exists()


def test_membership_add_refuses_client_user_with_provider_role(project, client_a):
    person = UserFactory(organization=client_a)

    with pytest.raises(InvalidInput) as error:
        membership_add(actor=None, project=project, user=person, role=Role.PM)

    assert str(error.value.message) == "Provider roles are for provider people only."
    assert not Membership.objects.filter(user=person).exists()


def test_membership_add_refuses_provider_user_with_client_role(project, outsider):
    with pytest.raises(InvalidInput) as error:
        membership_add(actor=None, project=project, user=outsider, role=Role.CUSTOMER_REP)

    assert str(error.value.message) == "Client roles are for people of Client A only."
    assert not Membership.objects.filter(user=outsider).exists()


def test_membership_add_refuses_a_second_membership(project, rep):
    with pytest.raises(Conflict):
        membership_add(actor=None, project=project, user=rep, role=Role.CLIENT_VIEWER)

    assert list(Membership.objects.filter(user=rep).values_list("role", flat=True)) == [
        Role.CUSTOMER_REP
    ]


# --- Memberships in the database ---------------------------------------------------------------


def _raw_membership(*, project, user, role, **copies) -> Membership:
    values = {
        "member_organization_id": user.organization_id,
        "member_side": user.side,
        "project_client_id": project.client_id,
        **copies,
    }
    return Membership.objects.create(project=project, user=user, role=role, **values)


def test_database_refuses_client_user_on_another_clients_project(project, other_client_rep):
    with pytest.raises(IntegrityError, match="membership_side_matches_role"), transaction.atomic():
        _raw_membership(project=project, user=other_client_rep, role=Role.CUSTOMER_REP)

    assert not Membership.objects.filter(project=project, user=other_client_rep).exists()


def test_database_refuses_client_user_with_provider_role(project, client_a):
    person = UserFactory(organization=client_a)

    with pytest.raises(IntegrityError, match="membership_side_matches_role"), transaction.atomic():
        _raw_membership(project=project, user=person, role=Role.PM)

    assert not Membership.objects.filter(user=person).exists()


def test_database_refuses_provider_user_with_client_role(project, outsider):
    with pytest.raises(IntegrityError, match="membership_side_matches_role"), transaction.atomic():
        _raw_membership(project=project, user=outsider, role=Role.CLIENT_VIEWER)

    assert not Membership.objects.filter(user=outsider).exists()


def test_database_refuses_copies_that_lie_about_the_member(project, client_a, other_client_rep):
    with (
        pytest.raises(IntegrityError, match="membership_member_organization_fk"),
        transaction.atomic(),
    ):
        _raw_membership(
            project=project,
            user=other_client_rep,
            role=Role.CUSTOMER_REP,
            member_organization_id=client_a.pk,
        )

    assert not Membership.objects.filter(project=project, user=other_client_rep).exists()


def test_database_refuses_a_second_membership(project, rep):
    with pytest.raises(IntegrityError, match="membership_unique_user"), transaction.atomic():
        _raw_membership(project=project, user=rep, role=Role.CLIENT_VIEWER)

    assert Membership.objects.filter(user=rep).count() == 1


def test_database_refuses_moving_a_client_member_to_another_client(rep, client_a, client_b):
    rep.organization = client_b

    with pytest.raises(IntegrityError, match="membership_side_matches_role"), transaction.atomic():
        rep.save()

    rep.refresh_from_db()
    assert rep.organization == client_a
    membership = Membership.objects.get(user=rep)
    assert (membership.member_organization_id, membership.role) == (
        client_a.pk,
        Role.CUSTOMER_REP,
    )


def test_database_refuses_moving_a_provider_member_to_a_client(pm, provider, client_a):
    pm.organization = client_a

    with pytest.raises(IntegrityError, match="membership_side_matches_role"), transaction.atomic():
        pm.save()

    pm.refresh_from_db()
    assert (pm.organization, pm.side) == (provider, "provider")


def test_client_member_without_memberships_may_move_to_another_client(client_a, client_b):
    person = UserFactory(organization=client_a)

    person.organization = client_b
    person.save()

    person.refresh_from_db()
    assert (person.organization, person.side) == (client_b, "client")
