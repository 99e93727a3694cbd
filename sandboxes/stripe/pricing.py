"""A Checkout Session's amounts: subtotal, discount, shipping, tax and total, as Stripe adds them up.

    amount_total = amount_subtotal - total_details.amount_discount
                   + total_details.amount_shipping + (tax that is not included in a price)

The sandbox's "Stripe account" is set up with two things a real account
would configure in its dashboard, and the payment page says so:

- a demo promotion code, ``SANDBOX10``: 10 % off the items (as a Stripe
  coupon, it applies to line items, never to shipping);
- a fixed demo tax rate of 21 % standing in for Stripe Tax, which would look
  the rate up from the customer's address. A price's ``tax_behavior`` says
  whether the tax is inside it (``inclusive``) or added on top (``exclusive``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .money import CURRENCIES

DEMO_TAX_RATE = Decimal("0.21")
DEMO_PROMOTION_CODE = "SANDBOX10"
DEMO_PERCENT_OFF = 10
DEMO_DISCOUNT = {"coupon": "sandbox_coupon_10_off", "promotion_code": "promo_sandbox10"}


def promotion_code_valid(code: str) -> bool:
    """Promotion codes are matched without regard to case, as on Stripe's page."""
    return code.strip().upper() == DEMO_PROMOTION_CODE


def recompute(session: dict[str, Any], entries: list[dict[str, Any]], rates: list[dict[str, Any]]) -> None:
    """Set every amount of the session and its line items from its state: chosen rate, code, tax setting."""
    currency = session["currency"]
    amounts = [entry["item"]["amount_subtotal"] for entry in entries]
    subtotal = sum(amounts)
    discount = _round(Decimal(subtotal) * DEMO_PERCENT_OFF / 100, currency) if session.get("discounts") else 0
    shares = _allocate(discount, amounts)
    taxing = bool(session["automatic_tax"]["enabled"])
    tax_total, added_tax = 0, 0
    for entry, amount, share in zip(entries, amounts, shares, strict=True):
        behavior = entry.get("tax_behavior", "unspecified")
        tax = _tax(amount - share, behavior, currency) if taxing else 0
        exclusive = tax if behavior == "exclusive" else 0
        entry["item"].update(amount_discount=share, amount_tax=tax, amount_total=amount - share + exclusive)
        tax_total, added_tax = tax_total + tax, added_tax + exclusive

    chosen = (session.get("shipping_cost") or {}).get("shipping_rate")
    rate = next((r for r in rates if r["id"] == chosen), rates[0] if rates else None)
    shipping = 0
    if rate is not None:
        shipping = rate["fixed_amount"]["amount"]
        behavior = rate["tax_behavior"]
        shipping_tax = _tax(shipping, behavior, currency) if taxing else 0
        shipping_added = shipping_tax if behavior == "exclusive" else 0
        session["shipping_cost"] = {"amount_subtotal": shipping, "amount_tax": shipping_tax,
                                    "amount_total": shipping + shipping_added, "shipping_rate": rate["id"]}
        tax_total, added_tax = tax_total + shipping_tax, added_tax + shipping_added
    else:
        session["shipping_cost"] = None
    session.update(
        amount_subtotal=subtotal,
        amount_total=subtotal - discount + shipping + added_tax,
        total_details={"amount_discount": discount, "amount_shipping": shipping, "amount_tax": tax_total},
    )


def _tax(amount: int, behavior: str, currency: str) -> int:
    if behavior == "inclusive":  # the tax inside a price: amount - amount / (1 + rate)
        return _round(Decimal(amount) * DEMO_TAX_RATE / (1 + DEMO_TAX_RATE), currency)
    if behavior == "exclusive":
        return _round(Decimal(amount) * DEMO_TAX_RATE, currency)
    return 0


def _round(value: Decimal, currency: str) -> int:
    """To the minor unit; three-decimal currencies to whole tens, as Stripe charges them."""
    step = 10 if CURRENCIES[currency].exponent == 3 else 1
    return int((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


def _allocate(total: int, amounts: list[int]) -> list[int]:
    """Split ``total`` over the lines in proportion to their amounts; the last line takes the rounding."""
    whole = sum(amounts)
    if not total or not whole:
        return [0] * len(amounts)
    shares = [total * amount // whole for amount in amounts[:-1]]
    return [*shares, total - sum(shares)]
