"""The order summary beside the checkout form: lines, shipping with delivery times, tax, and the terms.

Stripe Checkout computes the final amounts (the customer picks the rate and
may enter a promotion code there); this shows, before the payment page, what
they will be offered, for the delivery country the form holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request

from ..i18n import current_locale
from ..models import Cart
from .shipping import Rate


@dataclass
class CheckoutSummary:
    subtotal: int
    country: str | None                    # the delivery country the offers are for; None: not chosen yet
    offers: list[tuple[Rate, int]] = field(default_factory=list)  # (rate, its price for this cart)
    zone_name: str | None = None
    charges_shipping: bool = False
    automatic_tax: bool = False
    prices_include_tax: bool = True
    promotion_codes: bool = False
    terms_url: str | None = None

    @property
    def total(self) -> int:
        """The subtotal with the rate Stripe pre-selects (the first); tax on top and codes come at payment."""
        return self.subtotal + (self.offers[0][1] if self.offers else 0)


def checkout_summary(cart: Cart) -> CheckoutSummary:
    """What the summary shows for this cart and the delivery country posted with the form (if any)."""
    config = current_app.config
    subtotal = cart.total_cents
    rates = config.get("SHIPPING_RATES")
    prefix = "delivery" if request.form.get("different_delivery") else "billing"
    country = (request.form.get(f"{prefix}-country_iso") or "").strip().upper() or None
    summary = CheckoutSummary(subtotal=subtotal, country=country, charges_shipping=rates is not None,
                              automatic_tax=config["STRIPE_AUTOMATIC_TAX"],
                              prices_include_tax=config["PRICES_INCLUDE_TAX"],
                              promotion_codes=config["STRIPE_PROMOTION_CODES"], terms_url=config.get("TERMS_URL"))
    if rates is not None:
        zone = rates.zone_for(country) if country else None
        # Before a country is chosen, the first zone's rates give an idea ("from ...").
        zone = zone or (rates.zones[0] if not country else None)
        if zone is not None:
            summary.zone_name = zone.translated("name", current_locale())
            summary.offers = [(rate, rate.amount_for(subtotal)) for rate in zone.rates]
    return summary
