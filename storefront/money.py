"""Money: integers in the currency's minor unit, and the decimal strings people write.

ISO 4217 says how many digits a currency has after the point: EUR 2, JPY 0,
KWD 3. Babel knows it (``get_currency_precision``), so the shop never
assumes "cents": 49.00 EUR is 4900, 4900 JPY is 4900, 12.340 KWD is 12340.
Every amount the shop stores is such an integer; the ``*_cents`` columns hold
the currency's minor unit, whatever its name.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import get_currency_precision, is_currency


def check_currency(code: str) -> str:
    """The ISO 4217 code, upper-cased; raises ValueError for one ISO 4217 does not know."""
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


def minor_digits(currency: str) -> int:
    """How many digits the currency has after the decimal point (ISO 4217): EUR 2, JPY 0, KWD 3."""
    return get_currency_precision(currency.upper())


def to_major(amount: int, currency: str) -> Decimal:
    """An integer in minor units as an exact Decimal in major units: 4900 EUR -> 49.00."""
    return Decimal(amount).scaleb(-minor_digits(currency))


def amount_text(amount: int, currency: str) -> str:
    """An integer in minor units as the decimal string the files and forms use: 4900 EUR -> "49.00"."""
    return f"{to_major(amount, currency):f}"


def parse_amount(text: str, currency: str, *, limit: int = 9_999_999) -> int:
    """A decimal string in major units ("49.00", "4900" for JPY) as an integer in minor units.

    Raises ValueError, with a message that shows the expected form, for
    anything else: a float, more decimals than the currency has, a sign.
    """
    digits = minor_digits(currency)
    fraction = rf"(\.\d{{1,{digits}}})?" if digits else ""
    if not isinstance(text, str) or not re.fullmatch(rf"\d{{1,7}}{fraction}", text):
        raise ValueError(f"{text!r} is not an amount like {example(currency)!r}")
    amount = int(Decimal(text).scaleb(digits))
    if amount > limit:
        raise ValueError(f"{text!r} is larger than this shop allows")
    return amount


def example(currency: str) -> str:
    """How an amount is written in this currency's file formats: "49.00", "4900", "12.340"."""
    digits = minor_digits(currency)
    return "49." + "0" * digits if digits else "4900"
