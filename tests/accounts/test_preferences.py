"""Each person's language and time zone: active on every request they make, whatever their
browser says; anonymous visitors get their browser's language; the switcher and the profile
save them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from notifications.models import Notification
from tests.factories import DEFAULT_PASSWORD


def _chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def test_chinese_user_gets_chinese_whatever_the_browser_says(client, rep):
    rep.language = "zh-hans"
    rep.save()
    client.force_login(rep)

    response = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in response.content.decode()
    assert _chinese("My projects") != "My projects"
    assert _chinese("My projects") in response.content.decode()


def test_english_user_gets_english_from_a_chinese_browser(client, rep):
    client.force_login(rep)

    response = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9")

    assert response["Content-Language"] == "en"
    assert "My projects" in response.content.decode()


def test_chinese_provider_user_gets_chinese_in_the_staff_app(client, pm):
    pm.language = "zh-hans"
    pm.save()
    client.force_login(pm)

    response = client.get("/projects/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("zh-Hans,zh;q=0.9,en;q=0.5", "zh-hans"), ("zh-CN", "zh-hans"), ("en-GB", "en"), ("", "en")],
)
def test_anonymous_visitor_gets_the_browser_language(db, client, accept_language, expected):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 200
    assert response["Content-Language"] == expected


def test_anonymous_visitor_sees_the_login_page_in_chinese(db, client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-Hans")

    sign_in = _chinese("Sign In")  # from allauth's catalogue
    assert sign_in != "Sign In"
    assert sign_in in response.content.decode()


def test_times_show_in_the_users_time_zone(client, rep):
    rep.time_zone = "Asia/Shanghai"
    rep.save()
    notification = Notification.objects.create(user=rep, title="Report ready")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=datetime(2025, 1, 15, 13, 30, tzinfo=UTC)
    )
    client.force_login(rep)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert response.context["TIME_ZONE"] == "Asia/Shanghai"
    content = response.content.decode()
    assert "Jan 15, 2025, 9:30 PM" in content
    assert "Jan 15, 2025, 1:30 PM" not in content


def test_times_show_in_utc_for_a_utc_user(client, rep):
    notification = Notification.objects.create(user=rep, title="Report ready")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=datetime(2025, 1, 15, 13, 30, tzinfo=UTC)
    )
    client.force_login(rep)

    response = client.get("/notifications/")

    assert response.context["TIME_ZONE"] == "UTC"
    assert "Jan 15, 2025, 1:30 PM" in response.content.decode()


def test_a_users_time_zone_does_not_leak_into_the_next_request(client, rep, client_admin):
    rep.time_zone = "Asia/Shanghai"
    rep.save()
    client.force_login(rep)
    client.get("/notifications/")
    client.logout()

    response = client.get("/accounts/login/")

    assert response.context["TIME_ZONE"] == "UTC"


def test_language_switcher_saves_the_language_on_the_account(client, rep):
    client.force_login(rep)

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/portal/"})

    assert (response.status_code, response["Location"]) == (302, "/portal/")
    assert response.cookies["django_language"].value == "zh-hans"
    rep.refresh_from_db()
    assert rep.language == "zh-hans"
    client.cookies.clear()  # the account, not the cookie, decides from now on
    client.force_login(rep)
    page = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "zh-hans"


def test_language_switcher_ignores_an_unknown_language(client, rep):
    client.force_login(rep)

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/portal/"})

    assert (response.status_code, response["Location"]) == (302, "/portal/")
    rep.refresh_from_db()
    assert rep.language == "en"
    assert client.get("/portal/")["Content-Language"] == "en"


def test_language_switcher_for_anonymous_visitors_sets_the_cookie_only(client, rep):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.cookies["django_language"].value == "zh-hans"
    assert page["Content-Language"] == "zh-hans"
    rep.refresh_from_db()
    assert rep.language == "en"


def test_language_chosen_before_login_gives_way_to_the_account(client, rep):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    client.post("/accounts/login/", {"login": "rep@a.test", "password": DEFAULT_PASSWORD})

    response = client.get("/portal/")

    assert response["Content-Language"] == "en"


def test_profile_saves_language_and_time_zone(client, rep):
    client.force_login(rep)

    response = client.post(
        "/accounts/profile/",
        {"display_name": "Rory R.", "language": "zh-hans", "time_zone": "Asia/Shanghai"},
    )

    assert (response.status_code, response["Location"]) == (302, "/accounts/profile/")
    assert response.cookies["django_language"].value == "zh-hans"
    rep.refresh_from_db()
    assert (rep.display_name, rep.language, rep.time_zone) == (
        "Rory R.",
        "zh-hans",
        "Asia/Shanghai",
    )


@pytest.mark.parametrize(
    ("time_zone", "language"),
    [("Mars/Olympus", "en"), ("Asia/Shanghai ", "en"), ("asia/shanghai", "en")],
)
def test_profile_rejects_an_unknown_time_zone_and_changes_nothing(client, rep, time_zone, language):
    client.force_login(rep)

    response = client.post(
        "/accounts/profile/",
        {"display_name": "Someone Else", "language": "zh-hans", "time_zone": time_zone},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "time_zone": [f"Select a valid choice. {time_zone} is not one of the available choices."]
    }
    assert "django_language" not in response.cookies
    rep.refresh_from_db()
    assert (rep.display_name, rep.language, rep.time_zone) == ("Rory Rep", language, "UTC")
