"""Numbers, money, percentages, durations and dates as people of each language write them
(common/formatting.py, its template filters, and the date formats of config/formats)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from django.template import Context, Template
from django.utils import formats, timezone, translation

from common import formatting

EN, ZH = "en", "zh-hans"
A_DAY = date(2027, 1, 27)
A_MOMENT = datetime(2027, 1, 27, 17, 42, tzinfo=UTC)


def render(source: str, **context) -> str:
    return Template("{% load formatting %}" + source).render(Context(context))


# --- Money and numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("language", [EN, ZH])
def test_amounts_and_numbers_kept_per_text_are_written_as_babel_writes_them(language):
    """The texts are kept per value's text: a decimal with another exponent, a float or an
    integer of the same value are each written as Babel writes them."""
    locale = formatting.babel_locale(language)
    values = [Decimal("1.5"), Decimal("1.50"), Decimal("1E+3"), 1.5, 3, "2.25", Decimal("-0.005")]
    for value in values * 2:  # the second time from what was kept
        assert formatting.money(value, "eur", language=language) == format_currency(
            Decimal(str(value)), "EUR", locale=locale
        )
        assert formatting.number(value, language=language) == format_decimal(
            Decimal(str(value)), locale=locale
        )
    assert formatting.number(Decimal("1.5"), 2, language=language) == format_decimal(
        Decimal("1.5"), format="#,##0.00", locale=locale
    )
    with translation.override(language):
        assert formatting.money(Decimal("1234.5"), "USD") == formatting.money(
            Decimal("1234.5"), "USD", language=language
        )


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        (EN, "EUR", "€488,400.00"),
        (ZH, "EUR", "€488,400.00"),
        (EN, "USD", "$488,400.00"),
        (ZH, "CNY", "¥488,400.00"),
        (EN, "CNY", "CN¥488,400.00"),
    ],
)
def test_money_has_the_currency_and_the_separators_of_the_language(language, currency, expected):
    with translation.override(language):
        assert formatting.money(Decimal("488400.00"), currency) == expected


def test_money_takes_floats_ints_text_negatives_and_none():
    with translation.override(EN):
        assert formatting.money(1234.5, "EUR") == "€1,234.50"
        assert formatting.money(0, "EUR") == "€0.00"
        assert formatting.money("-200", "eur") == "-€200.00"
        assert formatting.money(None, "EUR") == "—"
        # Without a currency: the amount with two decimals.
        assert formatting.money(Decimal("1200"), "") == "1,200.00"


def test_an_explicit_language_wins_over_the_active_one():
    with translation.override(EN):
        assert formatting.money(Decimal("5"), "CNY", language=ZH) == "¥5.00"
        assert formatting.relative(A_DAY, A_DAY + timedelta(days=2), language=ZH) == "2天前"


@pytest.mark.parametrize("language", [EN, ZH])
def test_numbers_have_group_separators_and_the_decimals_asked_for(language):
    with translation.override(language):
        assert formatting.number(1234567) == "1,234,567"
        assert formatting.number(Decimal("1234.5")) == "1,234.5"
        assert formatting.number(Decimal("1234.5"), 2) == "1,234.50"
        assert formatting.number(Decimal("0.8"), 2) == "0.80"
        assert formatting.number(None) == "—"


def test_percent_reads_percentage_points():
    """The app stores percentages as points (accepted_percent = 42 means 42 %)."""
    with translation.override(EN):
        assert formatting.percent(42) == "42%"
        assert formatting.percent(100) == "100%"
        assert formatting.percent(66.67, 1) == "66.7%"
        assert formatting.percent(50.0, 1) == "50.0%"
        assert formatting.percent(None) == "—"
    with translation.override(ZH):
        assert formatting.percent(42) == "42%"


# --- Durations and relative times -------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "english", "chinese"),
    [
        (timedelta(hours=23, minutes=59), "in 1 day", "1天后"),
        (timedelta(hours=20), "in 20 hours", "20小时后"),
        (timedelta(minutes=55), "in 1 hour", "1小时后"),
        (timedelta(days=3, hours=2), "in 3 days", "3天后"),
        (-timedelta(hours=2), "2 hours ago", "2小时前"),
        (-timedelta(minutes=5), "5 minutes ago", "5分钟前"),
    ],
)
def test_durations_read_naturally_with_their_direction(delta, english, chinese):
    with translation.override(EN):
        assert formatting.duration(delta) == english
    with translation.override(ZH):
        assert formatting.duration(delta) == chinese


def test_a_duration_without_direction_is_its_length():
    with translation.override(EN):
        assert formatting.duration(timedelta(hours=3), direction=False) == "3 hours"
        assert formatting.duration(-timedelta(hours=3), direction=False) == "3 hours"
        assert formatting.duration(None) == "—"


def test_relative_counts_from_now_or_from_the_moment_given():
    now = datetime(2026, 12, 6, 17, 43, tzinfo=UTC)
    with translation.override(EN):
        assert formatting.relative(now + timedelta(hours=23, minutes=59), now) == "in 1 day"
        assert formatting.relative(now - timedelta(hours=2), now) == "2 hours ago"
        assert formatting.relative(timezone.now() + timedelta(days=2, minutes=1)) == "in 2 days"
        # A day without a time counts whole days from today.
        assert formatting.relative(date(2026, 12, 8), now) == "in 2 days"
        assert formatting.relative(date(2026, 12, 6), now) == "today"
        assert formatting.relative(None, now) == "—"
    with translation.override(ZH):
        assert formatting.relative(now + timedelta(days=1), now) == "1天后"


# --- Dates: one style per language ------------------------------------------------------------


def test_one_date_style_in_english():
    with translation.override(EN), timezone.override("UTC"):
        assert formatting.date(A_DAY) == "Jan 27, 2027"
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(A_DAY, name) == "Jan 27, 2027"
        assert formatting.date_time(A_MOMENT) == "Jan 27, 2027, 5:42 PM"
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(A_MOMENT, name) == "Jan 27, 2027, 5:42 PM"
        assert formats.time_format(A_MOMENT, "TIME_FORMAT") == "5:42 PM"
        # September is "Sep", without a full stop either.
        assert formatting.date(date(2026, 9, 3)) == "Sep 3, 2026"


def test_one_date_style_in_chinese():
    with translation.override(ZH), timezone.override("UTC"):
        assert formatting.date(A_DAY) == "2027年1月27日"
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(A_DAY, name) == "2027年1月27日"
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(A_MOMENT, name) == "2027年1月27日 17:42"
        assert formats.time_format(A_MOMENT, "TIME_FORMAT") == "17:42"


def test_the_day_filter_writes_what_the_date_filter_writes():
    """|day is |date:"SHORT_DATE_FORMAT" (or the format named), each day kept once per
    language: switching language switches the text, a moment is turned to the current time zone
    first, and what is not a day goes to the date filter."""
    for language, expected in ((EN, "Jan 27, 2027"), (ZH, "2027年1月27日"), (EN, "Jan 27, 2027")):
        with translation.override(language), timezone.override("Asia/Shanghai"):
            assert render("{{ d|day }}", d=A_DAY) == expected
            assert render('{{ d|day }}|{{ d|date:"SHORT_DATE_FORMAT" }}', d=A_DAY) == (
                f"{expected}|{expected}"
            )
            assert render('{{ d|day:"DATE_FORMAT" }}', d=A_DAY) == expected
            assert render("{{ m|day }}", m=A_MOMENT) == render(
                '{{ m|date:"SHORT_DATE_FORMAT" }}', m=A_MOMENT
            )
    with translation.override(EN), timezone.override("Asia/Shanghai"):
        assert render("{{ m|day }}", m=A_MOMENT) == "Jan 28, 2027"
        assert render("[{{ d|day }}]", d=None) == "[]"
        assert render("[{{ d|day }}]", d="") == "[]"


@pytest.mark.parametrize(("language", "expected"), [(EN, "Jan 27"), (ZH, "1月27日")])
def test_a_chart_axis_shows_the_day_without_its_year(language, expected):
    assert formatting.month_day(A_DAY, language=language) == expected
    assert formatting.month_day(None, language=language) == "—"


def test_a_moment_is_shown_in_the_current_time_zone():
    with translation.override(EN), timezone.override("Asia/Shanghai"):
        assert formatting.date_time(A_MOMENT) == "Jan 28, 2027, 1:42 AM"
        assert formatting.date(A_MOMENT) == "Jan 28, 2027"


@pytest.mark.parametrize("language", [EN, ZH])
def test_date_inputs_still_accept_iso(language):
    with translation.override(language):
        assert "%Y-%m-%d" in formats.get_format("DATE_INPUT_FORMATS")


def test_a_time_at_the_end_of_a_sentence_ends_with_one_full_stop():
    source = (
        '{% load i18n %}{% blocktranslate with date=due|date:"DATETIME_FORMAT" %}'
        "The link expires on {{ date }}.{% endblocktranslate %} "
        '{% blocktranslate with time=due|time:"TIME_FORMAT" %}Come back at {{ time }}.'
        "{% endblocktranslate %}"
    )
    with translation.override(EN), timezone.override("UTC"):
        html = render(source, due=A_MOMENT)
    assert html == "The link expires on Jan 27, 2027, 5:42 PM. Come back at 5:42 PM."
    assert "p.m." not in html
    assert ".." not in html


# --- Template filters -------------------------------------------------------------------------


def test_the_filters_wrap_the_functions():
    with translation.override(EN):
        html = render(
            "{{ budget|money:currency }} · {{ hours|number:1 }} · {{ share|percent }} · "
            '{{ ahead|duration }} · {{ span|duration:"plain" }} · {{ due|relative:now }}',
            budget=Decimal("488400"),
            currency="EUR",
            hours=Decimal("1234.26"),
            share=42,
            ahead=timedelta(hours=23, minutes=59),
            span=timedelta(hours=3),
            due=A_MOMENT - timedelta(hours=2),
            now=A_MOMENT,
        )
    assert html == "€488,400.00 · 1,234.3 · 42% · in 1 day · 3 hours · 2 hours ago"


def test_a_filter_shows_what_it_cannot_read_as_it_is():
    with translation.override(EN):
        assert render("{{ value|money:'EUR' }}|{{ value|number }}", value="n/a") == "n/a|n/a"
        assert render("{{ value|money:'EUR' }}", value=None) == "—"


@pytest.mark.parametrize("format_name", ["SHORT_DATE_FORMAT", "DATE_FORMAT", "j M"])
def test_day_texts_write_a_day_as_day_text_does_in_the_language_active_when_made(format_name):
    days = [date(2030, 1, 7), date(2031, 12, 31), date(2028, 2, 29)]
    with translation.override("zh-hans"):
        chinese = formatting.day_texts(format_name)
        expected_chinese = [formats.date_format(day, format_name) for day in days]
    with translation.override("en"):
        english = formatting.day_texts(format_name)
        assert [english(day) for day in days] == [
            formatting.day_text(day, format_name) for day in days
        ]
        assert [english(day) for day in days] == [
            formats.date_format(day, format_name) for day in days
        ]
        # Bound to Chinese when it was made, whatever the language active when it writes.
        assert [chinese(day) for day in days] == expected_chinese
    assert expected_chinese != [english(day) for day in days]
