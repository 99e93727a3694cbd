"""Shipping rates: a few named rates per zone of countries, read from SHIPPING_RATES_FILE.

The file (see storefront/checkout/demo-shipping-rates.json)::

    {"currency": "EUR",
     "zones": [{"name": "Benelux", "countries": ["BE", "NL", "LU"],
                "rates": [{"id": "benelux-standard", "name": "Standard delivery", "amount": "4.95",
                           "free_from": "75.00", "delivery_days": [2, 4],
                           "translations": {"nl": {"name": "Standaardlevering"}}}]},
               {"name": "Rest of the world", "countries": "*", "rates": [...]}]}

The customer's delivery country picks the zone (the first that lists it,
else a ``"*"`` zone); its rates become the Checkout Session's
``shipping_options``, the first one pre-selected, and the customer chooses on
Stripe's page, under the rate's name in the order's language
(``translations``, as in the catalog file). A rate with ``free_from`` costs
nothing once the order's subtotal reaches that amount. A country no zone covers cannot check out.
Read once at start-up: a mistake stops the shop and names its place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry

from ..i18n import parse_translations
from ..models.base import Translatable
from ..money import parse_amount
from ..payments.stripe_amounts import check_chargeable

# Stripe Checkout accepts at most five shipping options per session.
MAX_RATES_PER_ZONE = 5
_RATE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class Rate(Translatable):
    id: str
    name: str                         # in the shop's default language; translated("name", locale) in others
    amount: int                       # minor units
    free_from: int | None             # subtotal (minor units) from which this rate is free
    delivery_days: tuple[int, int] | None  # business days, (minimum, maximum)
    translations: dict[str, dict[str, str]] | None = None

    def amount_for(self, subtotal: int) -> int:
        """What this rate costs for an order with this subtotal."""
        return 0 if self.free_from is not None and subtotal >= self.free_from else self.amount


@dataclass(frozen=True)
class Zone(Translatable):
    name: str
    countries: frozenset[str] | None  # None: every country ("*")
    rates: tuple[Rate, ...]
    translations: dict[str, dict[str, str]] | None = None


@dataclass(frozen=True)
class ShippingRates:
    currency: str
    zones: tuple[Zone, ...]

    def zone_for(self, country_iso: str) -> Zone | None:
        """The zone that ships to this country: the first that names it, else a "*" zone."""
        country = (country_iso or "").upper()
        named = next((zone for zone in self.zones if zone.countries and country in zone.countries), None)
        return named or next((zone for zone in self.zones if zone.countries is None), None)

    def rate(self, rate_id: str) -> Rate | None:
        return next((rate for zone in self.zones for rate in zone.rates if rate.id == rate_id), None)


def load_shipping_rates(path: str | Path, currency: str) -> ShippingRates:
    """Read and check a rates file; raises ValueError naming the file, the zone and the field."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from None
    try:
        return parse_shipping_rates(document, currency)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def parse_shipping_rates(document: Any, currency: str) -> ShippingRates:
    """Check a decoded rates document against the shop's currency."""
    if not isinstance(document, dict) or not isinstance(document.get("zones"), list) or not document["zones"]:
        raise ValueError('the file must be an object with a non-empty "zones" list')
    if str(document.get("currency", "")).upper() != currency:
        raise ValueError(f"currency: {document.get('currency')!r} is not the shop's currency {currency}")
    zones, ids = [], set()
    for index, raw in enumerate(document["zones"]):
        zone = _zone(raw, f"zones[{index}]", currency)
        for rate in zone.rates:
            if rate.id in ids:
                raise ValueError(f"zones[{index}]: rate id {rate.id!r} appears twice in the file")
            ids.add(rate.id)
        zones.append(zone)
    return ShippingRates(currency=currency, zones=tuple(zones))


def _zone(raw: Any, where: str, currency: str) -> Zone:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}.name: is required")
    countries = raw.get("countries")
    if countries == "*":
        codes = None
    elif isinstance(countries, list) and countries:
        codes = frozenset(_country(code, f"{where}.countries") for code in countries)
    else:
        raise ValueError(f'{where}.countries: must be a list of ISO 3166 codes, or "*" for every country')
    rates = raw.get("rates")
    if not isinstance(rates, list) or not 1 <= len(rates) <= MAX_RATES_PER_ZONE:
        raise ValueError(f"{where}.rates: must list 1 to {MAX_RATES_PER_ZONE} rates (Stripe shows at most five)")
    return Zone(name=name.strip(), countries=codes,
                rates=tuple(_rate(rate, f"{where}.rates[{i}]", currency) for i, rate in enumerate(rates)),
                translations=parse_translations(raw.get("translations"), f"{where}.translations", {"name": 100}))


def _country(code: Any, where: str) -> str:
    if not isinstance(code, str) or pycountry.countries.get(alpha_2=code.upper()) is None:
        raise ValueError(f"{where}: {code!r} is not an ISO 3166-1 alpha-2 country code")
    return code.upper()


def _rate(raw: Any, where: str, currency: str) -> Rate:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be an object")
    rate_id, name = raw.get("id"), raw.get("name")
    if not isinstance(rate_id, str) or not _RATE_ID.match(rate_id):
        raise ValueError(f"{where}.id: use lower-case letters, digits, '-' and '_'")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValueError(f"{where}.name: is required (at most 100 characters)")
    amount = _amount(raw.get("amount"), f"{where}.amount", currency)
    free_from = _amount(raw["free_from"], f"{where}.free_from", currency) if raw.get("free_from") else None
    days = raw.get("delivery_days")
    if days is not None:
        if (not isinstance(days, list) or len(days) != 2 or not all(type(d) is int and d > 0 for d in days)
                or days[0] > days[1]):
            raise ValueError(f"{where}.delivery_days: must be [minimum, maximum] business days, e.g. [2, 4]")
        days = (days[0], days[1])
    translations = parse_translations(raw.get("translations"), f"{where}.translations", {"name": 100})
    return Rate(id=rate_id, name=name.strip(), amount=amount, free_from=free_from, delivery_days=days,
                translations=translations)


def _amount(value: Any, where: str, currency: str) -> int:
    try:
        amount = parse_amount(value, currency)
        check_chargeable(amount, currency)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    return amount
