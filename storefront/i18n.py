"""The shop's languages (English, Dutch): choosing one per request, translating, and formatting for it.

Texts are translated with Flask-Babel from gettext catalogs. Mark a text where
it is written: ``_()`` in templates and request code, ``_l()`` where it is
defined at import time (form labels), ``N_()`` for a constant that is
translated where it is shown (order status labels). ``scripts/translations``
extracts, updates and checks the catalogs in ``storefront/translations/``
(see storefront.message_catalogs); the app compiles them when it starts.

The same locale is handed to the Twikit plugin, so the customizer's
parameter labels follow the shop's language (spec: createContext's locale).
"""

from __future__ import annotations

import logging
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale
from babel.numbers import format_currency
from babel.support import Translations
from flask import Blueprint, Flask, abort, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from wtforms.i18n import messages_path as wtforms_messages_path

from .money import to_major
from .safe_urls import local_path

log = logging.getLogger(__name__)

LOCALES = {"en": "English", "nl": "Nederlands"}
DEFAULT_LOCALE = "en"
# ?lang=nl picks the language for that link (the e-mails' links carry the order's language).
URL_PARAMETER = "lang"
SESSION_KEY = "locale"

# Babel locale used to format numbers for each shop locale.
_NUMBER_LOCALES = {"en": "en_IE", "nl": "nl_NL"}

babel = Babel()


def N_(message: str) -> str:
    """Mark a constant for translation without translating it now; ``_(constant)`` translates it where shown."""
    return message


def init_app(app: Flask) -> None:
    from .message_catalogs import compile_catalogs

    # The .po files are the source; the .mo files Flask-Babel reads are built from
    # them here, into the instance folder, so they can never be stale or committed.
    try:
        compiled = compile_catalogs(Path(app.instance_path) / "translations")
    except OSError as error:  # a read-only instance folder: a private temporary one serves as well
        log.warning("cannot write the compiled catalogs to the instance folder (%s); using a temporary one", error)
        compiled = compile_catalogs(Path(tempfile.mkdtemp(prefix="storefront-translations-")))
    app.config.update(BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE, BABEL_TRANSLATION_DIRECTORIES=str(compiled))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(current_locale=current_locale, LOCALES=LOCALES, url_without_locale=url_without_locale)
    app.jinja_env.filters.update(money=format_money, country=country_name, localized=localized)
    app.url_defaults(_keep_url_locale)


def select_locale() -> str:
    """The locale in the URL (``?lang=nl``), else the customer's choice, else the browser's preference."""
    for candidate in (request.args.get(URL_PARAMETER), session.get(SESSION_KEY)):
        if candidate in LOCALES:
            return candidate
    return request.accept_languages.best_match(list(LOCALES)) or DEFAULT_LOCALE


def current_locale() -> str:
    """The request's locale code, ``en`` or ``nl`` (``en`` outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LOCALES else DEFAULT_LOCALE


def url_locale() -> str | None:
    """The locale the URL names (``?lang=nl``), if it names one the shop has."""
    locale = request.args.get(URL_PARAMETER)
    return locale if locale in LOCALES else None


def _keep_url_locale(endpoint: str, values: dict) -> None:
    """A page opened with ``?lang=nl`` keeps Dutch on the links it renders, without storing anything."""
    if endpoint == "static" or not has_request_context() or URL_PARAMETER in values:
        return
    locale = url_locale()
    if locale is None:
        return
    try:
        expects_it = current_app.url_map.is_endpoint_expecting(endpoint, URL_PARAMETER)
    except KeyError:  # no such endpoint: url_for raises its own, clearer error
        return
    if not expects_it:
        values[URL_PARAMETER] = locale


def url_without_locale(url: str) -> str:
    """The same local URL without ``?lang=``, so a choice in the language switch is not overruled by the link."""
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != URL_PARAMETER]
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_translations(raw: Any, where: str, limits: dict[str, int]) -> dict[str, dict[str, str]]:
    """Texts of a data file in the shop's other languages, ``{"nl": {"name": "..."}}``; ValueError naming ``where``.

    Only the shop's other languages, only the fields in ``limits`` (each with its
    longest length), and non-empty strings. The catalog and the shipping rates
    use it; ``Translatable.translated`` reads the result.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f'{where}: must be an object such as {{"nl": {{"name": "..."}}}}')
    languages = sorted(set(LOCALES) - {DEFAULT_LOCALE})
    translations = {}
    for locale, texts in raw.items():
        if locale not in languages:
            raise ValueError(f"{where}: {locale!r} is not one of the shop's other languages ({', '.join(languages)})")
        if not isinstance(texts, dict):
            raise ValueError(f"{where}.{locale}: must be an object")
        for name, text in texts.items():
            if name not in limits:
                raise ValueError(f"{where}.{locale}: {name!r} cannot be translated (only {', '.join(limits)})")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{where}.{locale}.{name}: must be a non-empty string")
            if len(text) > limits[name]:
                raise ValueError(f"{where}.{locale}.{name}: longer than {limits[name]} characters")
        translations[locale] = {name: text.strip() for name, text in texts.items()}
    return translations


def format_money(amount: int, currency: str | None = None, locale: str | None = None) -> str:
    """Format an amount in minor units for display: 4900 EUR -> '€49.00' (en), 4900 JPY -> '¥4,900'."""
    currency = currency or current_app.config["SHOP_CURRENCY"]
    number_locale = _NUMBER_LOCALES[locale or current_locale()]
    return _format_currency(amount, currency, number_locale)


@lru_cache(maxsize=4096)
def _format_currency(amount: int, currency: str, number_locale: str) -> str:
    # Kept: a catalog shows the same few prices on every page, and CLDR formatting is not free.
    # to_major divides by the currency's own 10^digits (ISO 4217), exactly: a float could print 0.1 + 0.2.
    return format_currency(to_major(amount, currency), currency, locale=number_locale)


def country_name(code: str, locale: str | None = None) -> str:
    """An ISO 3166-1 alpha-2 code as the country's name in the locale, from Babel's CLDR data ('BE' -> 'België')."""
    return _territories(locale or current_locale()).get((code or "").upper(), code)


@lru_cache(maxsize=len(LOCALES))
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


@lru_cache(maxsize=len(LOCALES))
def wtforms_messages(locale: str) -> Translations:
    """WTForms' own messages ("This field is required.") in the locale, read from its catalog once."""
    return Translations.load(wtforms_messages_path(), [locale], domain="wtforms")


def localized(row, field: str) -> str:
    """A catalog text (a product's name, say) in the request's locale; the catalog's own text without one."""
    return row.translated(field, current_locale())


bp = Blueprint("i18n", __name__)


@bp.post("/locale")
def switch_locale():
    """Remember the customer's language and return to the page they were on."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400, description=_("Unknown language “%(locale)s”.", locale=locale))
    session[SESSION_KEY] = locale
    target = local_path(request.form.get("next", ""))
    return redirect(url_without_locale(target) if target else url_for("catalog.index"), 303)
