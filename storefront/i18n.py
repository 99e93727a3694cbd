"""The shop's locale (en, nl): choosing it, translating UI text and formatting money.

The same locale is handed to the Twikit plugin, so the customizer's
parameter labels follow the shop's language (spec: createContext's locale).
"""

from __future__ import annotations

from babel.numbers import format_currency
from flask import Blueprint, Flask, abort, current_app, redirect, request, session, url_for

from .money import to_major
from .safe_urls import local_path

LOCALES = {"en": "English", "nl": "Nederlands"}
DEFAULT_LOCALE = "en"

# Babel locale used to format numbers for each shop locale.
_NUMBER_LOCALES = {"en": "en_IE", "nl": "nl_NL"}

_NL = {
    "Shop": "Winkel",
    "Cart": "Winkelwagen",
    "Language": "Taal",
    "Customise yours": "Ontwerp de jouwe",
    "Our products": "Onze producten",
    "Designed by you, made to order": "Door jou ontworpen, op bestelling gemaakt",
    "Every piece is customised in 3D and produced just for you.":
        "Elk stuk ontwerp je in 3D en wordt speciaal voor jou geproduceerd.",
    "from": "vanaf",
    "Add to cart": "In winkelwagen",
    "Quantity": "Aantal",
    "Loading the designer…": "De ontwerper wordt geladen…",
    "Saving your design…": "Je ontwerp wordt bewaard…",
    "Your design could not be saved:": "Je ontwerp kon niet worden bewaard:",
    "This variation is not sold in this shop. Please choose another option.":
        "Deze variant wordt niet verkocht in deze winkel. Kies een andere optie.",
    "Your browser cannot show the 3D designer. Please try a recent version of Chrome, Firefox, Safari or Edge.":
        "Je browser kan de 3D-ontwerper niet tonen. Probeer een recente versie van Chrome, Firefox, Safari of Edge.",
    "The designer could not be loaded. Please reload the page.":
        "De ontwerper kon niet worden geladen. Herlaad de pagina.",
    "Your cart": "Je winkelwagen",
    "Your cart is empty.": "Je winkelwagen is leeg.",
    "Continue shopping": "Verder winkelen",
    "Product": "Product",
    "Price": "Prijs",
    "Total": "Totaal",
    "Subtotal": "Subtotaal",
    "Update": "Bijwerken",
    "Remove": "Verwijderen",
    "Configuration": "Configuratie",
    "Added to your cart.": "Toegevoegd aan je winkelwagen.",
    "Cart updated.": "Winkelwagen bijgewerkt.",
    "Removed from your cart.": "Verwijderd uit je winkelwagen.",
    "Preview of your design": "Voorbeeld van je ontwerp",
    "Page not found": "Pagina niet gevonden",
    "Back to the shop": "Terug naar de winkel",
    "Variant": "Variant",
    "Checkout": "Afrekenen",
    "Billing address": "Factuuradres",
    "Delivery address": "Leveringsadres",
    "Continue to payment": "Verder naar betalen",
    "Please correct the fields marked below.": "Verbeter de gemarkeerde velden hieronder.",
    "optional": "optioneel",
    "Order": "Bestelling",
    "Your order": "Je bestelling",
    "Thank you!": "Bedankt!",
    "Progress": "Voortgang",
    "done": "klaar",
    "Awaiting payment": "Wacht op betaling",
    "Paid": "Betaald",
    "Payment failed": "Betaling mislukt",
    "Checkout expired": "Afrekenen verlopen",
    "Cancelled": "Geannuleerd",
    "Submitted for production": "In productie gegeven",
    "Produced": "Geproduceerd",
    "Shipped": "Verzonden",
    "Being reviewed by our team": "Wordt nagekeken door ons team",
    "Tracking number": "Trackingnummer",
    "Track your parcel": "Volg je pakket",
    "We are waiting for the payment to be confirmed. This page updates when you reload it.":
        "We wachten op de bevestiging van je betaling. Herlaad deze pagina om de stand te zien.",
    "Your payment is confirmed. We will e-mail you when your order ships.":
        "Je betaling is bevestigd. We mailen je zodra je bestelling verzonden is.",
    "Your order is on its way. We sent you an e-mail with the tracking details.":
        "Je bestelling is onderweg. We stuurden je een e-mail met de trackinggegevens.",
    "Keep this page's link: it always shows your order's latest status.":
        "Bewaar de link naar deze pagina: ze toont altijd de laatste stand van je bestelling.",
}
TRANSLATIONS = {"en": {}, "nl": _NL}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(_=gettext, current_locale=current_locale, LOCALES=LOCALES)
    app.jinja_env.filters["money"] = format_money


def current_locale() -> str:
    """The customer's chosen locale, else the browser's preference, else English."""
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(list(LOCALES)) or DEFAULT_LOCALE


def gettext(message: str) -> str:
    """Translate a UI string into the current locale; English is the source text."""
    return TRANSLATIONS.get(current_locale(), {}).get(message, message)


def format_money(amount: int, currency: str | None = None, locale: str | None = None) -> str:
    """Format an amount in minor units for display: 4900 EUR -> '€49.00' (en), 4900 JPY -> '¥4,900'."""
    currency = currency or current_app.config["SHOP_CURRENCY"]
    number_locale = _NUMBER_LOCALES[locale or current_locale()]
    # to_major divides by the currency's own 10^digits (ISO 4217), exactly: a float could print 0.1 + 0.2.
    return format_currency(to_major(amount, currency), currency, locale=number_locale)


bp = Blueprint("i18n", __name__)


@bp.post("/locale")
def switch_locale():
    """Remember the customer's language and return to the page they were on."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400, description=f"Unknown language {locale!r}.")
    session["locale"] = locale
    return redirect(local_path(request.form.get("next", "")) or url_for("catalog.index"), 303)
