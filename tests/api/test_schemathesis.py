"""Property-based API testing with Schemathesis: every operation of the OpenAPI schema, called by
a signed-in customer representative with generated input, never answers 500, and every answer it
documents matches the schema (status, content type, body).

The representative's own project and a client-visible deliverable, requirement, change request
and risk exist, so generated ids sometimes hit real objects; everything else is a guess and must
be refused cleanly (400/403/404), never crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.wsgi import application

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.slow]


def _openapi() -> dict[str, Any]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    # Round-trip through JSON: the generator returns lazy strings and ordered dicts.
    return json.loads(json.dumps(document, default=str))


@pytest.fixture
def rep_token(cast) -> str:
    from risks.services.register import risk_create
    from stakeholders.services.changes import change_request_create
    from stakeholders.services.requirements import requirement_create

    requirement_create(actor=cast.rep, project=cast.project, title="Export to Excel")
    change_request_create(actor=cast.rep, project=cast.project, title="Add SSO")
    risk_create(actor=cast.pm, project=cast.project, title="Late data", visibility="client")
    return Token.objects.get_or_create(user=cast.rep)[0].key


def _in_project(case: Any, project_pk: int) -> Any:
    case.path_parameters = {**(case.path_parameters or {}), "project_pk": project_pk}
    return case


def _summary(error: BaseException) -> str:
    parts = [str(error)]
    for sub in getattr(error, "exceptions", ()):
        parts.append(str(sub))
    return "\n".join(parts)[:3000]


@pytest.fixture
def in_process_wsgi():
    """Calls through the WSGI handler inside the test's transaction: like Django's test client,
    keep the handler from closing the database connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_api_never_fails_and_answers_as_documented(cast, rep_token, in_process_wsgi):
    schema = schemathesis.openapi.from_dict(_openapi())
    schema.app = in_process_wsgi
    headers = {"Authorization": f"Token {rep_token}"}
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        strategy = operation.as_strategy()
        if "{project_pk}" in operation.path:
            # Half the calls are about the representative's own project, so they reach its
            # objects; the rest guess another project's id and must be refused cleanly.
            strategy = st.tuples(strategy, st.booleans()).map(
                lambda pair: _in_project(pair[0], cast.project.pk) if pair[1] else pair[0]
            )

        @given(case=strategy)
        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(
                headers=headers,
                checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # every operation is reported
            failures[operation.label] = _summary(error)
    assert operations > 50
    assert failures == {}, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
