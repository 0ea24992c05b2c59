"""The dashboard's figures and its filter choices come from the cache until something they are
made of is written (feedback.selectors.satisfaction, feedback.receivers): per person, filters,
time zone and language, under a version every such write replaces, at once and again after the
commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.models import Organization
from feedback.models import SurveyInvitation
from feedback.selectors.satisfaction import (
    FIGURES_VERSION_KEY,
    DashboardFilters,
    dashboard_choices_for,
    satisfaction_figures,
)
from projects.models import Role
from tests.factories import ProjectFactory, add_member
from tests.feedback.surveys.helpers import add_contacts, answer, make_template, send_campaign

pytestmark = pytest.mark.django_db


def _filters(**kwargs):
    today = timezone.localdate()
    return DashboardFilters(start=today - timedelta(days=30), end=today, **kwargs)


@pytest.fixture
def surveyed(am, project):
    """Four people sent a survey, two of whom answered (NPS 10 and 3)."""
    add_contacts(project, 4)
    campaign = send_campaign(am, project, make_template(am))
    invitations = list(SurveyInvitation.objects.filter(campaign=campaign).order_by("pk"))
    answer(invitations[0], nps=10, csat=5)
    answer(invitations[1], nps=3, csat=2)
    return invitations


def test_the_figures_are_read_once_then_from_the_cache(surveyed, am, django_assert_num_queries):
    first = satisfaction_figures(user=am, filters=_filters())
    with django_assert_num_queries(0):
        again = satisfaction_figures(user=am, filters=_filters())
    assert again == first
    assert (again.totals["responses"], again.totals["nps"]) == (2, 0.0)


def test_an_answer_given_counts_at_once(surveyed, am):
    assert satisfaction_figures(user=am, filters=_filters()).totals["responses"] == 2

    answer(surveyed[2], nps=9, csat=4, communication=5)

    figures = satisfaction_figures(user=am, filters=_filters())
    assert (figures.totals["responses"], figures.totals["answered"]) == (3, 3)
    assert figures.totals["nps"] == 33.3
    assert [topic["answers"] for topic in figures.topics] == [1]


def test_a_new_project_of_the_person_and_a_rename_count_at_once(surveyed, am, project):
    before = satisfaction_figures(user=am, filters=_filters())
    assert [row["campaign__project__name"] for row in before.by_project] == [project.name]

    other = ProjectFactory(client=project.client, code="other", name="Other work")
    add_member(other, am, Role.AM)
    am.__dict__.pop("project_roles", None)  # as the next request would read them
    add_contacts(other, 1, prefix="other")
    campaign = send_campaign(am, other, make_template(am, name="Other pulse"))
    answer(SurveyInvitation.objects.get(campaign=campaign), nps=8, csat=4)
    project.name = "Renamed work"
    project.save(update_fields=["name"])
    Organization.objects.filter(pk=project.client_id).get().save()

    names = [
        row["campaign__project__name"]
        for row in satisfaction_figures(user=am, filters=_filters()).by_project
    ]
    assert sorted(names) == ["Other work", "Renamed work"]


def test_writes_that_change_no_figure_keep_the_cache(surveyed, am, project):
    satisfaction_figures(user=am, filters=_filters())
    version = cache.get(FIGURES_VERSION_KEY)

    am.last_login = timezone.now()
    am.save(update_fields=["last_login"])  # every sign-in
    project.save(update_fields=["revision"])  # every change to a project's plan

    assert cache.get(FIGURES_VERSION_KEY) == version


def test_the_version_is_replaced_again_after_the_commit(
    surveyed, am, django_capture_on_commit_callbacks
):
    satisfaction_figures(user=am, filters=_filters())
    versions = [cache.get(FIGURES_VERSION_KEY)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer(surveyed[2], nps=9)
        versions.append(cache.get(FIGURES_VERSION_KEY))
    versions.append(cache.get(FIGURES_VERSION_KEY))

    assert callbacks
    # At once (a reader in this process) and after the commit (a reader elsewhere that built
    # the figures from the data before it, and kept them under the version of the moment).
    assert len(set(versions)) == 3


def test_each_person_time_zone_and_language_has_figures_of_their_own(surveyed, am, pm, project):
    add_member(ProjectFactory(client=project.client, code="elsewhere"), pm, Role.PM)
    assert satisfaction_figures(user=am, filters=_filters()).totals["responses"] == 2
    # The project's PM sees the same project: read for them, not taken from the AM's entry.
    assert satisfaction_figures(user=pm, filters=_filters()).totals["responses"] == 2
    filtered = _filters(client_id=project.client_id + 1000)
    assert satisfaction_figures(user=am, filters=filtered).totals["responses"] == 0

    in_london = satisfaction_figures(user=am, filters=_filters())
    with timezone.override("Asia/Shanghai"), translation.override("zh-hans"):
        in_shanghai = satisfaction_figures(user=am, filters=_filters())
    assert in_shanghai.monthly[0]["bucket"].utcoffset() == timedelta(hours=8)
    assert in_london.monthly[0]["bucket"].utcoffset() != timedelta(hours=8)


def test_without_a_cache_the_figures_are_read_each_time(
    surveyed, am, settings, django_assert_num_queries
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with django_assert_num_queries(1):
        assert satisfaction_figures(user=am, filters=_filters()).totals["responses"] == 2
    with django_assert_num_queries(1):
        satisfaction_figures(user=am, filters=_filters())


def test_the_filter_choices_are_read_once_then_from_the_cache(
    surveyed, am, pm, project, django_assert_num_queries
):
    first = dashboard_choices_for(user=am)
    assert first.clients == [(project.client_id, project.client.name)]
    assert first.pms == [(pm.pk, pm.display_name)]
    with django_assert_num_queries(0):
        assert dashboard_choices_for(user=am) == first


def test_a_new_pm_a_new_client_and_renames_reach_the_filter_choices_at_once(
    surveyed, am, pm, project, teammate
):
    dashboard_choices_for(user=am)

    other_client = Organization.objects.create(name="Aardvark Holdings", kind="client")
    other = ProjectFactory(client=other_client, code="aardvark", name="Aardvark work")
    add_member(other, am, Role.AM)
    add_member(other, teammate, Role.PM)
    pm.display_name = "Zoe Renamed"
    pm.save(update_fields=["display_name"])
    project.client.name = "Renamed client"
    project.client.save(update_fields=["name"])

    choices = dashboard_choices_for(user=am)
    assert choices.clients == [
        (other_client.pk, "Aardvark Holdings"),
        (project.client_id, "Renamed client"),
    ]
    assert sorted(name for _pk, name in choices.pms) == sorted(
        [teammate.display_name, "Zoe Renamed"]
    )
    # Another person's choices are their own.
    assert dashboard_choices_for(user=pm).clients == [(project.client_id, "Renamed client")]


def test_without_a_cache_the_filter_choices_are_read_each_time(
    surveyed, am, settings, django_assert_num_queries
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with django_assert_num_queries(1):
        dashboard_choices_for(user=am)
    with django_assert_num_queries(1):
        dashboard_choices_for(user=am)
