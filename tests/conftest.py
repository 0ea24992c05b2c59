"""The named cast of every test (STYLE.md): one project of client A with a person of every role,
a customer representative of client B in B's own project, and a provider outsider.

Provider-side people are enrolled in TOTP (MFA is required for them); log them in with
`client.force_login(pm)` or through the login form with `totp_code()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from accounts.models import Organization, User
from projects.models import Project, Role
from tests.clock import OFFSET_DAYS, has_fixed_dates, move_clock_forward
from tests.factories import (
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
    add_member,
    enrol_totp,
    provider_organization,
)

# A Redis server of the test's own, to stop and start (and Celery's broker on it).
from tests.private_redis import private_broker, private_redis  # noqa: F401


def pytest_configure(config):
    move_clock_forward()


def pytest_collection_modifyitems(config, items):
    """With the clock moved forward, only the tests whose data can age (tests/clock.py)."""
    if not OFFSET_DAYS:
        return
    keep = [item for item in items if has_fixed_dates(item.path.resolve())]
    left = [item for item in items if not has_fixed_dates(item.path.resolve())]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = keep


def pytest_report_header(config):
    if OFFSET_DAYS:
        return f"clock moved forward by {OFFSET_DAYS} days: today is {datetime.now(UTC):%Y-%m-%d}"
    return None


def _clear_this_runs_cache() -> None:
    """Delete this test run's keys only: the Redis database is shared with other runs (and
    cache.clear() would flush all of it)."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = cache._cache.get_client(write=True)  # the redis-py client of Django's RedisCache
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and other cached state never leak from one test into the next."""
    _clear_this_runs_cache()
    yield
    _clear_this_runs_cache()


@pytest.fixture(autouse=True)
def _language_reset():
    """A page read in a person's language leaves that language active in the thread (the
    middleware activates it and nothing deactivates it): the next test starts in English."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    """Uploaded documents of a test go to its own temporary directory."""
    settings.DOCUMENTS_ROOT = str(tmp_path / "documents")
    return settings.DOCUMENTS_ROOT


@pytest.fixture
def provider(db) -> Organization:
    return provider_organization()


@pytest.fixture
def client_a(db) -> Organization:
    return OrganizationFactory(name="Client A")


@pytest.fixture
def client_b(db) -> Organization:
    return OrganizationFactory(name="Client B")


@pytest.fixture
def project(client_a) -> Project:
    return ProjectFactory(client=client_a, code="a-one", name="A One")


@pytest.fixture
def other_project(client_b) -> Project:
    return ProjectFactory(client=client_b, code="b-one", name="B One")


def _staff(email: str, name: str, provider: Organization, **extra) -> User:
    user = UserFactory(email=email, display_name=name, organization=provider, **extra)
    enrol_totp(user)
    return user


@pytest.fixture
def pm(provider, project) -> User:
    user = _staff("pm@provider.test", "Paula PM", provider)
    add_member(project, user, Role.PM)
    return user


@pytest.fixture
def am(provider, project) -> User:
    user = _staff("am@provider.test", "Adam AM", provider)
    add_member(project, user, Role.AM)
    return user


@pytest.fixture
def teammate(provider, project) -> User:
    user = _staff("team@provider.test", "Tina Team", provider)
    add_member(project, user, Role.TEAM_MEMBER)
    return user


@pytest.fixture
def staff_admin(provider) -> User:
    return _staff("admin@provider.test", "Alex Admin", provider, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(provider) -> User:
    """A provider person with no membership anywhere."""
    return _staff("outsider@provider.test", "Otto Outsider", provider)


@pytest.fixture
def client_admin(client_a, project) -> User:
    user = UserFactory(email="admin@a.test", display_name="Clara Admin", organization=client_a)
    add_member(project, user, Role.CLIENT_ADMIN)
    return user


@pytest.fixture
def rep(client_a, project) -> User:
    user = UserFactory(email="rep@a.test", display_name="Rory Rep", organization=client_a)
    add_member(project, user, Role.CUSTOMER_REP)
    return user


@pytest.fixture
def viewer(client_a, project) -> User:
    user = UserFactory(email="viewer@a.test", display_name="Vera Viewer", organization=client_a)
    add_member(project, user, Role.CLIENT_VIEWER)
    return user


@pytest.fixture
def other_client_rep(client_b, other_project) -> User:
    user = UserFactory(email="rep@b.test", display_name="Bea B-Rep", organization=client_b)
    add_member(other_project, user, Role.CUSTOMER_REP)
    return user


@dataclass
class Cast:
    pm: User
    am: User
    teammate: User
    client_admin: User
    rep: User
    viewer: User
    other_client_rep: User
    outsider: User
    staff_admin: User
    project: Project
    other_project: Project

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


ROLE_NAMES = [
    "anonymous",
    "pm",
    "am",
    "teammate",
    "client_admin",
    "rep",
    "viewer",
    "other_client_rep",
    "outsider",
    "staff_admin",
]


@pytest.fixture
def cast(
    pm,
    am,
    teammate,
    client_admin,
    rep,
    viewer,
    other_client_rep,
    outsider,
    staff_admin,
    project,
    other_project,
) -> Cast:
    return Cast(
        pm=pm,
        am=am,
        teammate=teammate,
        client_admin=client_admin,
        rep=rep,
        viewer=viewer,
        other_client_rep=other_client_rep,
        outsider=outsider,
        staff_admin=staff_admin,
        project=project,
        other_project=other_project,
    )


# The confidentiality suite's tests that each check one endpoint for every role.
_ROLE_TABLE_TESTS = (
    "tests/confidentiality/test_role_table.py::test_page_outcome_for_every_role",
    "tests/confidentiality/test_role_table.py::test_api_outcome_for_every_role",
    "tests/confidentiality/test_role_table.py::test_admin_pages_are_for_staff_admins_only",
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Says how many (endpoint x role) cases the confidentiality suite ran and passed."""
    ran = [
        report
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "") == "call" and report.nodeid.startswith(_ROLE_TABLE_TESTS)
    ]
    if not ran:
        return
    passed = sum(1 for report in ran if report.passed)
    terminalreporter.write_line(
        f"confidentiality suite: {len(ran)} endpoints x {len(ROLE_NAMES)} roles = "
        f"{len(ran) * len(ROLE_NAMES)} cases run, {passed * len(ROLE_NAMES)} passed"
    )
