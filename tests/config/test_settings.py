"""Settings per environment, read from real subprocesses (`manage.py`) with a clean environment,
and the security and API defaults every environment shares."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.settings import api_settings

from common.api import Pagination
from projects.models import Project
from tests.factories import OrganizationFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MARKER = "SETTINGS-JSON:"
DUMP = f"""
import json
from django.conf import settings as s
print({MARKER!r} + json.dumps({{
    "DEBUG": s.DEBUG,
    "DATABASE": {{k: str(s.DATABASES["default"].get(k)) for k in ("ENGINE", "NAME", "PORT")}},
    "CONN_HEALTH_CHECKS": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
    "CELERY_BROKER_TRANSPORT_OPTIONS": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "CACHE": s.CACHES["default"]["BACKEND"],
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": str(getattr(s, "EMAIL_FILE_PATH", "")),
    "EMAIL_HOST": getattr(s, "EMAIL_HOST", ""),
    "EMAIL_PORT": getattr(s, "EMAIL_PORT", None),
    "CSP": s.CONTENT_SECURITY_POLICY,
    "REST_FRAMEWORK": s.REST_FRAMEWORK,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "RAPPORT_STAFF_MFA_REQUIRED": s.RAPPORT_STAFF_MFA_REQUIRED,
    "SECRET_KEY_LENGTH": len(s.SECRET_KEY),
}}))
"""


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py with only the given variables (plus PATH and HOME) in its environment."""
    env = {"PATH": os.environ["PATH"], "HOME": str(Path.home()), **environment}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def dump_settings(**environment: str) -> dict:
    result = manage("shell", "-c", DUMP, **environment)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    return json.loads(line.removeprefix(MARKER))


@pytest.fixture
def production_environment(tmp_path) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "rapport.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/rapport",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "RAPPORT_VAR_DIR": str(tmp_path / "var"),
    }


def script_sources(policy: str) -> list[str]:
    for directive in policy.split(";"):
        name, *sources = directive.split()
        if name == "script-src":
            return sources
    raise AssertionError(f"no script-src in {policy!r}")


# --- Production ------------------------------------------------------------------------------


def test_production_passes_the_deploy_check(production_environment):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_environment)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_uses_the_real_services_and_hardens(production_environment):
    values = dump_settings(**production_environment)

    assert values["DEBUG"] is False
    assert values["DATABASE"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "rapport",
        "PORT": "5432",
    }
    assert values["CONN_HEALTH_CHECKS"] is True
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/9"
    assert values["CACHE"] == "common.cache.FailOpenRedisCache"  # Redis, failing open
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("127.0.0.1", 2525)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["RAPPORT_STAFF_MFA_REQUIRED"] is True
    assert values["SECRET_KEY_LENGTH"] == 60
    script_src = values["CSP"]["DIRECTIVES"]["script-src"]
    assert script_src == ["'self'"]
    assert (
        values["REST_FRAMEWORK"]["DEFAULT_PERMISSION_CLASSES"]
        == (settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"])
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_variable(production_environment, missing):
    del production_environment[missing]

    result = manage("check", **production_environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


# --- The embedded default ---------------------------------------------------------------------


def test_embedded_default_runs_on_sqlite_files_and_the_filesystem_broker(tmp_path):
    var = tmp_path / "var"

    values = dump_settings(RAPPORT_VAR_DIR=str(var))

    assert values["DEBUG"] is True
    assert values["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASE"]["NAME"] == str(var / "rapport.sqlite3")
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    options = values["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options["data_folder_in"] == options["data_folder_out"] == str(var / "celery/queue")
    assert options["processed_folder"] == str(var / "celery/processed")
    assert values["CACHE"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == str(var / "mail")
    assert values["SECRET_KEY_LENGTH"] >= 50
    for folder in ("mail", "cache", "celery/queue", "celery/processed", "media"):
        assert (var / folder).is_dir()


def test_embedded_default_writes_emails_under_var_mail(tmp_path):
    var = tmp_path / "var"
    send = (
        "from django.core.mail import send_mail;"
        "send_mail('Hello', 'Body text', None, ['someone@example.com'])"
    )

    result = manage("shell", "-c", send, RAPPORT_VAR_DIR=str(var))

    assert result.returncode == 0, result.stderr
    [written] = list((var / "mail").iterdir())
    content = written.read_text()
    assert "Subject: Hello" in content
    assert "someone@example.com" in content


# --- Shared by every environment (read here from the test settings) --------------------------


def test_database_connections_are_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_csp_allows_no_inline_script():
    script_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]

    assert script_src == ["'self'"]
    assert not any("unsafe" in source for source in script_src)


@pytest.mark.parametrize("path", ["healthz", "account_login"])
def test_csp_header_allows_scripts_from_self_only(client, db, path):
    response = client.get(reverse(path))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert all("unsafe" not in source for source in script_sources(policy))
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_api_requires_authentication_by_default():
    """One default permission, which is (a stricter form of) IsAuthenticated."""
    [permission] = api_settings.DEFAULT_PERMISSION_CLASSES

    assert issubclass(permission, IsAuthenticated)
    assert permission().has_permission(Request(RequestFactory().get("/api/v1/")), None) is False


def test_api_pagination_caps_the_page_size_at_200():
    assert api_settings.DEFAULT_PAGINATION_CLASS is Pagination
    assert Pagination.max_page_size == 200
    assert Pagination.page_size_query_param == "page_size"


def test_api_list_as_the_pm_is_paginated(client, pm, project):
    client.force_login(pm)

    response = client.get("/api/v1/projects/", {"page_size": 1000})

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["next"] is None
    assert [item["code"] for item in body["results"]] == ["a-one"]


def test_api_list_never_returns_more_than_200_rows(client, staff_admin):
    client_org = OrganizationFactory()
    Project.objects.bulk_create(
        Project(client=client_org, code=f"bulk-{n:03}", name=f"Bulk {n:03}") for n in range(205)
    )
    client.force_login(staff_admin)

    response = client.get("/api/v1/projects/", {"page_size": 1000})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert "page=2" in body["next"]


def test_api_refuses_anonymous(client, db):
    response = client.get("/api/v1/projects/")

    assert response.status_code == 401


def test_every_beat_entry_names_a_task_the_worker_has():
    """A task moved to another module keeps its registered name, so the beat schedule and
    messages already queued still reach it."""
    from config.celery import app

    app.loader.import_default_modules()
    registered = set(app.tasks)
    missing = {
        key: entry["task"]
        for key, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in registered
    }
    assert settings.CELERY_BEAT_SCHEDULE
    assert missing == {}
