"""Languages of the portal: Arabic first (right to left), and English.

Translations live in gettext catalogs (locales/<lang>/LC_MESSAGES/messages.po). They are
compiled in memory when the portal starts, so no .mo file is committed or built."""

import gettext
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
COOKIE = "lang"
TIMEZONE = "Asia/Muscat"


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalog of `language`."""
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def chosen(cookie: str | None) -> str:
    """The language the user chose, else Arabic."""
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def direction(language: str) -> str:
    return Locale.parse(language).character_order == "right-to-left" and "rtl" or "ltr"


def localized(text: dict | None, language: str) -> str:
    """The user's language of a {"ar", "en"} text from a service, else the other one."""
    if not text:
        return ""
    return text.get(language) or text.get("en" if language == "ar" else "ar") or ""


class Formats:
    """Numbers and dates in the user's locale (Arabic uses Arabic-Indic digits)."""

    def __init__(self, language: str) -> None:
        self.locale = Locale.parse("ar_OM" if language == "ar" else "en_GB")

    def number(self, value: float | int | None) -> str:
        return format_decimal(value, locale=self.locale) if isinstance(value, int | float) else ""

    def percent(self, value: float | None) -> str:
        """`value` is already a percentage (0..100)."""
        if not isinstance(value, int | float):
            return ""
        return format_percent(value / 100, format="#,##0.#%", locale=self.locale)

    def date(self, value: str | date | None) -> str:
        if value is None:
            return ""
        return format_date(_parsed(value), format="long", locale=self.locale)

    def datetime(self, value: str | datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(_parsed(value), format="medium", tzinfo=TIMEZONE, locale=self.locale)


def _parsed(value: str | date | datetime) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)
