"""Currencies: minor-unit exponents, Stripe's minimum charges, and display.

Amounts are integers in the currency's smallest unit, as in Stripe's API:
``1999`` EUR is 19.99 EUR; ``500`` JPY is 500 JPY (JPY has no minor unit).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class Currency(NamedTuple):
    exponent: int  # digits after the decimal point
    minimum: int  # smallest amount Stripe will charge, in minor units
    symbol: str  # prefix for display; "" -> show the ISO code after


#: A practical subset of the currencies Stripe supports.
CURRENCIES: dict[str, Currency] = {
    "aud": Currency(2, 50, "A$"),
    "bgn": Currency(2, 100, ""),
    "brl": Currency(2, 50, "R$"),
    "cad": Currency(2, 50, "CA$"),
    "chf": Currency(2, 50, ""),
    "czk": Currency(2, 1500, ""),
    "dkk": Currency(2, 250, ""),
    "eur": Currency(2, 50, "€"),
    "gbp": Currency(2, 30, "£"),
    "hkd": Currency(2, 400, "HK$"),
    "huf": Currency(2, 17500, ""),
    "inr": Currency(2, 50, "₹"),
    "jpy": Currency(0, 50, "¥"),
    "krw": Currency(0, 50, "₩"),
    "kwd": Currency(3, 200, ""),  # three decimals; Stripe wants the last one to be 0
    "mxn": Currency(2, 1000, "MX$"),
    "nok": Currency(2, 300, ""),
    "nzd": Currency(2, 50, "NZ$"),
    "pln": Currency(2, 200, ""),
    "ron": Currency(2, 200, ""),
    "sek": Currency(2, 300, ""),
    "sgd": Currency(2, 50, "S$"),
    "usd": Currency(2, 50, "$"),
}

#: Stripe's largest amount for a single charge (8 digits of minor units).
MAX_AMOUNT = 99_999_999


def format_amount(amount: int, currency: str) -> str:
    """``format_amount(123456, "eur")`` -> ``"€1,234.56"``; ``"chf"`` -> ``"1,234.56 CHF"``."""
    info = CURRENCIES.get(currency.lower(), Currency(2, 0, ""))
    major = Decimal(amount).scaleb(-info.exponent)
    number = f"{major:,.{info.exponent}f}"
    if info.symbol:
        return f"{info.symbol}{number}"
    return f"{number} {currency.upper()}"
