"""The hosted page's card form: input checks and Stripe's test cards.

Only these numbers are "real" here; any other number is rejected, so a
typo can never look like a successful payment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

SUCCEEDS = "succeeds"
DECLINED = "declined"
ASYNC_SUCCEEDS = "async_succeeds"  # completes unpaid, settles as paid later
ASYNC_FAILS = "async_fails"  # completes unpaid, then the payment fails

TEST_CARDS = {
    "4242424242424242": SUCCEEDS,
    "4000000000000002": DECLINED,
    "4000002500003155": ASYNC_SUCCEEDS,
    "4000000000009995": ASYNC_FAILS,
}

#: Shown on the payment page, in this order.
TEST_CARD_HINTS = [
    ("4242 4242 4242 4242", "Payment succeeds"),
    ("4000 0000 0000 0002", "Card is declined"),
    ("4000 0025 0000 3155", "Completes now, payment succeeds a few seconds later"),
    ("4000 0000 0000 9995", "Completes now, payment fails a few seconds later"),
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EXPIRY = re.compile(r"^(\d{1,2})\s*/?\s*(\d{2}|\d{4})$")


@dataclass(frozen=True)
class CardCheck:
    """Result of checking the form: an error for one field, or an outcome."""

    outcome: str | None = None
    field: str | None = None
    message: str | None = None


def check(form: dict[str, str], today: dt.date) -> CardCheck:
    """Check the fields top to bottom and report the first problem, like Stripe."""
    email = form.get("email", "").strip()
    if not email:
        return CardCheck(field="email", message="Your email is incomplete.")
    if not _EMAIL.match(email):
        return CardCheck(field="email", message="Your email address is invalid.")

    number = re.sub(r"[\s-]", "", form.get("card_number", ""))
    if not number:
        return CardCheck(field="card_number", message="Your card number is incomplete.")
    if number not in TEST_CARDS:
        return CardCheck(field="card_number", message="Your card number is incorrect.")

    expiry_error = _check_expiry(form.get("expiry", ""), today)
    if expiry_error:
        return CardCheck(field="expiry", message=expiry_error)

    if not re.fullmatch(r"\d{3,4}", form.get("cvc", "").strip()):
        return CardCheck(field="cvc", message="Your card's security code is incomplete.")

    if not form.get("cardholder_name", "").strip():
        return CardCheck(
            field="cardholder_name", message="Please enter the name on your card."
        )

    outcome = TEST_CARDS[number]
    if outcome == DECLINED:
        return CardCheck(outcome=DECLINED, field="card_number",
                         message="Your card was declined.")
    return CardCheck(outcome=outcome)


def _check_expiry(value: str, today: dt.date) -> str | None:
    """Accept ``MM/YY``, ``MM / YY``, ``MMYY`` or ``MM/YYYY``; return an error or None."""
    match = _EXPIRY.match(value.strip())
    if not match:
        return "Your card's expiration date is incomplete."
    month, year = int(match.group(1)), int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        return "Your card's expiration month is invalid."
    if (year, month) < (today.year, today.month):
        return "Your card's expiration date is in the past."
    if year > today.year + 50:
        return "Your card's expiration year is invalid."
    return None
