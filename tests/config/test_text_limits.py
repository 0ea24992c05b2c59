"""Every free text people write is bounded, and the bound is the same in the model, the page
form (the browser's `maxlength`), the API (a 400 naming the field) and the OpenAPI schema
(`maxLength`). Text the system writes itself is exempt, each field named here with the reason."""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from common.text import LONG_TEXT_MAX_LENGTH
from stakeholders.models import Requirement
from stakeholders.services.requirements import requirement_create

PROJECT_APPS = (
    "accounts",
    "notifications",
    "projects",
    "discussions",
    "stakeholders",
    "risks",
    "feedback",
    "reports",
    "closeout",
    "lessons",
    "portal",
)

# "<app_label>.<Model>.<field>": why nobody types it. A historical model (django-simple-history)
# follows the model it records.
SYSTEM_WRITTEN_TEXT = {
    "notifications.OutboxMessage.body_text": "an e-mail rendered from a template",
    "notifications.OutboxMessage.body_html": "an e-mail rendered from a template",
    "notifications.OutboxMessage.last_error": "the mail server's answer, recorded by the worker",
    "notifications.Notification.body": "an in-app notification written from an event",
    "reports.ReportRendition.body_text": "a status report rendered from its frozen snapshot",
    "reports.ReportRendition.body_html": "a status report rendered from its frozen snapshot",
    "reports.ReportDelivery.last_error": "the mail server's answer, recorded by the worker",
    "lessons.Lesson.search_document": "the search text the service writes from the lesson's texts",
}

TOO_LONG = "x" * (LONG_TEXT_MAX_LENGTH + 1)
FORM_ERROR = (
    f"Ensure this value has at most {LONG_TEXT_MAX_LENGTH} characters "
    f"(it has {LONG_TEXT_MAX_LENGTH + 1})."
)
API_ERROR = f"Ensure this field has no more than {LONG_TEXT_MAX_LENGTH} characters."


def _recorded_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, "instance_type", model)


def _text_fields() -> list[tuple[str, models.TextField]]:
    found = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField):
                    key = f"{_recorded_model(model)._meta.label}.{field.name}"
                    found.append((key, field))
    return found


def test_every_text_field_people_write_has_a_maximum_length():
    unbounded = sorted(
        key
        for key, field in _text_fields()
        if field.max_length is None and key not in SYSTEM_WRITTEN_TEXT
    )
    assert unbounded == [], "TextFields without max_length (bound them or exempt them here)"


def test_the_exemptions_name_existing_unbounded_fields():
    unbounded = {key for key, field in _text_fields() if field.max_length is None}
    assert set(SYSTEM_WRITTEN_TEXT) <= unbounded


def _subclasses(cls: type) -> set[type]:
    found = set()
    for subclass in cls.__subclasses__():
        found |= {subclass, *_subclasses(subclass)}
    return found


def test_every_text_area_of_the_pages_states_its_maximum_length():
    get_resolver().url_patterns  # noqa: B018 -- importing the views imports every form
    unbounded = sorted(
        f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        for form_class in _subclasses(forms.BaseForm)
        if form_class.__module__.split(".")[0] in (*PROJECT_APPS, "common")
        for name, field in getattr(form_class, "base_fields", {}).items()
        if isinstance(field, forms.CharField)
        and isinstance(field.widget, forms.Textarea)
        and field.max_length is None
    )
    assert unbounded == []


@pytest.fixture
def requirement(cast):
    return requirement_create(
        actor=cast.pm,
        project=cast.project,
        title="Scan barcodes",
        description="Every parcel is scanned at the gate.",
    )


def _unchanged(requirement: Requirement) -> bool:
    before = (requirement.version, requirement.description)
    requirement.refresh_from_db()
    return (requirement.version, requirement.description) == before


def test_the_requirement_page_states_the_limit_and_refuses_a_longer_description(
    cast, client, requirement
):
    client.force_login(cast.pm)
    ids = {"project_id": cast.project.pk, "requirement_id": requirement.pk}
    page = client.get(reverse("stakeholders:requirement", kwargs=ids)).content.decode()
    assert f'name="description" cols="40" rows="8" maxlength="{LONG_TEXT_MAX_LENGTH}"' in page
    assert "Markdown: **bold**, lists, links. At most 20,000 characters." in page
    url = reverse("stakeholders:requirement_edit", kwargs=ids)

    response = client.post(
        url,
        {
            "title": "Scan barcodes",
            "description": TOO_LONG,
            "priority": "must",
            "acceptance_notes": "",
            "visibility": "client",
        },
    )

    assert response.status_code in (200, 400)
    assert FORM_ERROR in response.content.decode()
    assert _unchanged(requirement)


def test_the_portal_refuses_a_new_requirement_with_a_longer_description(cast, client):
    client.force_login(cast.rep)
    response = client.post(
        reverse("portal:requirement_create", kwargs={"project_id": cast.project.pk}),
        {"title": "Print labels", "description": TOO_LONG},
    )

    assert response.status_code in (200, 400)
    assert FORM_ERROR in response.content.decode()
    assert not Requirement.objects.filter(project=cast.project).exists()


def test_the_api_refuses_a_longer_description_naming_the_field_and_the_limit(
    cast, client, requirement
):
    client.force_login(cast.pm)
    base = f"/api/v1/projects/{cast.project.pk}/requirements/"

    update = client.patch(
        f"{base}{requirement.pk}/", {"description": TOO_LONG}, content_type="application/json"
    )
    create = client.post(
        base, {"title": "Print labels", "description": TOO_LONG}, content_type="application/json"
    )

    for response in (update, create):
        assert response.status_code == 400
        assert response.json()["description"] == [API_ERROR]
    assert _unchanged(requirement)
    assert list(Requirement.objects.filter(project=cast.project)) == [requirement]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_states_the_requirement_description_limit(schema):
    components = schema["components"]["schemas"]
    for name in ("RequirementInputRequest", "PatchedRequirementUpdateRequest"):
        assert components[name]["properties"]["description"]["maxLength"] == LONG_TEXT_MAX_LENGTH


def _request_components(schema) -> set[str]:
    names = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for content in (body or {}).get("content", {}).values():
                reference = content["schema"].get("$ref", "")
                if reference:
                    names.add(reference.rsplit("/", 1)[-1])
    return names


def _is_unbounded_text(property_schema: dict) -> bool:
    return (
        property_schema.get("type") == "string"
        and not property_schema.get("readOnly")
        and not {"maxLength", "enum", "format"} & set(property_schema)
    )


def test_every_text_the_api_accepts_states_its_maximum_length(schema):
    components = schema["components"]["schemas"]
    unbounded = []
    for name in sorted(_request_components(schema)):
        for field, property_schema in components[name].get("properties", {}).items():
            is_list = property_schema.get("type") == "array"
            items = property_schema.get("items", {}) if is_list else {}
            if _is_unbounded_text(property_schema) or _is_unbounded_text(items):
                unbounded.append(f"{name}.{field}")
    assert unbounded == []
