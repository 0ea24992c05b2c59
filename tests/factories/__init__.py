"""factory_boy factories with minimal valid defaults."""

from __future__ import annotations

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from accounts.models import Organization, User
from projects.models import Membership, Project
from projects.services import membership_add

DEFAULT_PASSWORD = "correct-horse-battery-staple"
# A fixed TOTP secret for enrolled test users (tests compute codes from it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Client {n}")
    kind = Organization.Kind.CLIENT


def provider_organization() -> Organization:
    organization, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.PROVIDER, defaults={"name": "Provider Ltd"}
    )
    return organization


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    organization = factory.LazyFunction(provider_organization)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    client = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"prj-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")


def add_member(project: Project, user: User, role: str) -> Membership:
    """Adds through the service, as the product does (checks both sides)."""
    return membership_add(actor=None, project=project, user=user, role=role)


def enrol_totp(user: User, secret: str = TOTP_SECRET) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )


def totp_code(secret: str = TOTP_SECRET) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
