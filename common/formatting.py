"""Numbers, money, percentages, durations and dates as people of each language write them.

One formatting layer for every output: pages (through the filters of
`common/templatetags/formatting.py`), e-mails, PDFs and anything else written in Python. Each
function reads the active Django language (`translation.get_language()`, or `language=` to choose
one) and formats with the CLDR data of Babel: "€488,400.00" in English, "€488,400.00" and
"1天后" in Simplified Chinese.

Dates follow the language's format module (config/formats/<locale>/formats.py), as the `date`
template filter does, so a page and an e-mail write a day the same way: "Jan 27, 2027" and
"2027年1月27日". Exports (CSV, Excel) do not use this module: they keep ISO dates and plain numbers
that a spreadsheet reads back.

A value that is None reads as an em dash ("—").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

DASH = "—"

# Django language code -> Babel locale. Simplified Chinese is written in mainland China's
# conventions (zh_Hans_CN: "¥" for the yuan rather than "CN¥").
BABEL_LOCALES = {"en": "en", "zh-hans": "zh_Hans_CN"}

# Babel names the largest unit of which a duration holds at least this fraction, rounded:
# 23 h 59 min reads "in 1 day", 55 min "in 1 hour", but 20 h stays "in 20 hours".
DURATION_THRESHOLD = 0.9

Number = int | float | Decimal


@functools.cache
def _locale_for(language: str) -> Locale:
    code = BABEL_LOCALES.get(language.lower())
    if code is None:
        code = translation.to_locale(language)
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(BABEL_LOCALES.get(settings.LANGUAGE_CODE, "en"))


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale of `language`, by default the active language."""
    return _locale_for(language or translation.get_language() or settings.LANGUAGE_CODE)


def _with_decimals(pattern: str, decimals: int) -> str:
    """The CLDR number pattern with exactly `decimals` fraction digits: "#,##0.###" -> "#,##0.00"
    for 2."""
    fraction = "." + "0" * decimals if decimals > 0 else ""
    return re.sub(r"([#,]*0)(\.[0#]*)?", lambda match: match.group(1) + fraction, pattern)


def _decimal(value: Number | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(amount: Number | str | None, currency: str | None, *, language: str | None = None) -> str:
    """An amount in a currency (ISO 4217 code), with the language's symbol, separators and the
    currency's own decimals: money(Decimal("488400"), "EUR") -> "€488,400.00"."""
    if amount is None or amount == "":
        return DASH
    if not currency:
        return number(amount, 2, language=language)
    return _money_text(str(amount), currency.upper(), _language(language))


def _language(language: str | None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


# A page writes the same amounts at every request (a cost table, an earned-value series) and
# Babel takes about 60 µs an amount: each text is kept per process, by the value's text (a
# decimal's text keeps its exponent: the same decimal again), the currency or the number of
# decimals, and the language.
@functools.lru_cache(maxsize=8192)
def _money_text(amount: str, currency: str, language: str) -> str:
    return format_currency(Decimal(amount), currency, locale=_locale_for(language))


@functools.lru_cache(maxsize=8192)
def _number_text(value: str, decimals: int | None, language: str) -> str:
    locale = _locale_for(language)
    if decimals is None:
        return format_decimal(Decimal(value), locale=locale)
    pattern = _with_decimals(locale.decimal_formats[None].pattern, decimals)
    return format_decimal(Decimal(value), format=pattern, locale=locale)


def number(
    value: Number | str | None, decimals: int | None = None, *, language: str | None = None
) -> str:
    """A number with the language's separators: number(1234.5) -> "1,234.5"; with `decimals`,
    exactly that many fraction digits: number(1234.5, 2) -> "1,234.50"."""
    if value is None or value == "":
        return DASH
    return _number_text(str(value), decimals, _language(language))


def percent(value: Number | str | None, decimals: int = 0, *, language: str | None = None) -> str:
    """A percentage given in percentage points, as the app stores them (progress 0..100,
    `accepted_percent`, `percent_complete`): percent(42) -> "42%", percent(12.5, 1) -> "12.5%"."""
    if value is None or value == "":
        return DASH
    locale = babel_locale(language)
    pattern = _with_decimals(locale.percent_formats[None].pattern, decimals)
    return format_percent(_decimal(value) / 100, format=pattern, locale=locale)


def duration(
    delta: dt.timedelta | None, *, direction: bool = True, language: str | None = None
) -> str:
    """A length of time in words, rounded to its largest unit.

    With `direction` (the default) it says which way it points: a positive delta lies ahead
    ("in 1 day", "1天后"), a negative one behind ("2 hours ago", "2小时前"). Without it, the
    length alone ("3 hours"), for medians and other spans."""
    if delta is None:
        return DASH
    return format_timedelta(
        delta,
        threshold=DURATION_THRESHOLD,
        add_direction=direction,
        format="long",
        locale=babel_locale(language),
    )


def relative(
    moment: dt.datetime | dt.date | None,
    now: dt.datetime | dt.date | None = None,
    *,
    language: str | None = None,
) -> str:
    """When `moment` is, seen from `now` (by default the current time): "in 1 day", "2 hours ago".
    A date (without a time) counts whole days from today in the current time zone, and today
    reads "today"."""
    if moment is None:
        return DASH
    if not isinstance(moment, dt.datetime):
        if now is None:
            today = timezone.localdate()
        elif isinstance(now, dt.datetime):
            today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
        else:
            today = now
        days = (moment - today).days
        if days == 0:
            with translation.override(language) if language else nullcontext():
                return gettext("today")
        return duration(dt.timedelta(days=days), language=language)
    if now is None:
        now = timezone.now()
    elif not isinstance(now, dt.datetime):
        now = dt.datetime.combine(now, dt.time(), tzinfo=timezone.get_current_timezone())
    return duration(moment - now, language=language)


def date(value: dt.date | None, *, language: str | None = None) -> str:
    """A day in the language's one date style ("Jan 27, 2027", "2027年1月27日"). A date-time
    is first put in the current time zone."""
    return _django_format(value, "DATE_FORMAT", language)


def month_day(value: dt.date | None, *, language: str | None = None) -> str:
    """A day without its year, for a chart's axis where the year is plain from the span
    ("Sep 1", "9月1日")."""
    return _django_format(value, "MONTH_DAY_FORMAT", language)


def date_time(value: dt.datetime | None, *, language: str | None = None) -> str:
    """A moment in the language's one style, in the current time zone ("Jan 27, 2027, 5:42 PM",
    "2027年1月27日 17:42")."""
    return _django_format(value, "DATETIME_FORMAT", language)


def day_text(value: dt.date, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """`formats.date_format(value, format_name)` for a day (not a moment) in the active
    language, each day written once per language and format in a process: a schedule or a
    Gantt writes hundreds of dates, most of them the same few days. `format_name` is a format
    setting's name or a format string."""
    return _day_text(value, format_name, translation.get_language())


def day_texts(format_name: str = "SHORT_DATE_FORMAT") -> Callable[[dt.date], str]:
    """`day_text` for the language active now, bound to it: for a loop that writes a day in
    each of hundreds of rows (finding the active language costs more than the cached text)."""
    language = translation.get_language()
    cached = _day_text
    return lambda value: cached(value, format_name, language)


@functools.lru_cache(maxsize=8192)
def _day_text(value: dt.date, format_name: str, language: str | None) -> str:
    if language == translation.get_language():
        return formats.date_format(value, format_name)
    with translation.override(language):  # day_texts made in another language than this one
        return formats.date_format(value, format_name)


def _django_format(value: dt.date | None, format_name: str, language: str | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(language) if language else nullcontext():
        return formats.date_format(value, format_name)
