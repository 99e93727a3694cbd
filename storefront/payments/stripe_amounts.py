"""Amounts as Stripe's API counts them, converted from and to the shop's minor units.

Stripe expects "amount values in the currency's minor unit" (docs: Supported
currencies), which for nearly every currency is ISO 4217's, the shop's own.
Stripe's documented exceptions live here, and nowhere else:

- ISK and HUF: Stripe takes them "with two decimals" for backwards
  compatibility, though ISO 4217 (and Babel) give them none;
- three-decimal currencies (BHD, JOD, KWD, OMR, TND): "the least-significant
  (last) digit" must be 0, so such a price must be a whole 10 fils.

Pure functions, no SDK: the catalog importer and the shipping rates use
``check_chargeable`` to refuse, at load time, a price Stripe could never charge.
"""

from __future__ import annotations

from ..money import minor_digits

# Digits Stripe's API uses where they differ from ISO 4217's.
_STRIPE_DIGITS = {"ISK": 2, "HUF": 2}


def _shift(currency: str) -> int:
    currency = currency.upper()
    return _STRIPE_DIGITS.get(currency, minor_digits(currency)) - minor_digits(currency)


def to_stripe(amount: int, currency: str) -> int:
    """An amount in the shop's minor units as the integer Stripe's API expects."""
    return amount * 10 ** _shift(currency)


def from_stripe(amount: int | None, currency: str) -> int:
    """An amount Stripe reported, in the shop's minor units (None, as Stripe sends for "none", is 0)."""
    return (amount or 0) // 10 ** _shift(currency)


def check_chargeable(amount: int, currency: str) -> None:
    """Raise ValueError when Stripe cannot charge this amount in this currency."""
    if minor_digits(currency) == 3 and amount % 10:
        raise ValueError(f"Stripe charges {currency.upper()} only in whole tens of its minor unit "
                         "(the last of the three decimals must be 0)")
