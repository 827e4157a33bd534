"""Languages through Babel: tags, names, dates, numbers, plural forms."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.plurals import get_plural
from babel.numbers import format_decimal


@lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    return Locale.parse(lang)


def check_language(lang: str) -> str | None:
    """None if Babel knows ``lang``, else a message saying what is wrong."""
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        return f"unknown language '{lang}' ({exc}); use a CLDR locale id such as zh_Hans, zh_Hant, en, fr"
    return None


@lru_cache(maxsize=None)
def bcp47(lang: str) -> str:
    """``zh_Hans`` → ``zh-Hans``: the value of ``<html lang>``."""
    loc = locale(lang)
    parts = [loc.language]
    if loc.script:
        parts.append(loc.script)
    if loc.territory:
        parts.append(loc.territory)
    if loc.variant:
        parts.append(loc.variant.lower())
    return "-".join(parts)


def url_tag(lang: str) -> str:
    """``zh_Hans`` → ``zh-hans``: the language in URLs and file names."""
    return bcp47(lang).lower()


def is_cjk(lang: str) -> bool:
    return locale(lang).language in ("zh", "ja", "ko")


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name, by default in itself (中文（简体）, English)."""
    name = locale(lang).get_display_name(locale(in_lang or lang)) or lang
    return name[:1].upper() + name[1:] if not is_cjk(in_lang or lang) else name


def date(value: dt.date, precision: str, lang: str) -> str:
    """2026年10月15日 / October 15, 2026; by month: 2026年10月 / October 2026."""
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=locale(lang))
    return format_date(value, format="long", locale=locale(lang))


def number(value: int | float, lang: str) -> str:
    return format_decimal(value, locale=locale(lang))


def plural_forms(lang: str) -> str:
    """The gettext ``Plural-Forms`` header value for ``lang``."""
    plural = get_plural(locale(lang))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def list_join(items: list[str], lang: str) -> str:
    from babel.lists import format_list

    if not items:
        return ""
    return format_list(items, locale=locale(lang))
