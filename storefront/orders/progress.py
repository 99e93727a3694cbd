"""What the customer is told about an order: its status, what that means, the steps done, and tracking.

Built in one place for the status page and for the JSON its script polls, so a
page that updates itself says exactly what a reload would. The steps follow
the facts (``paid_at``, ``submitted_at``...), not the status: an order that
shipped before its production report still shows as produced.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..models import Order
from .states import LABELS, TRANSITIONS, Status


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class Progress:
    status: str
    label: str          # the status, in the customer's language
    heading: str
    message: str        # what the status means for the customer; may be empty
    final: bool         # no further change can come: a page may stop asking
    steps: list[Step]   # empty until the order is paid
    tracking_id: str | None
    tracking_url: str | None
    cart_link: bool     # the design is back in the cart: offer the way there


def progress_of(order: Order) -> Progress:
    """The order's progress as the customer reads it, in the current locale."""
    status = Status(order.status)
    steps = []
    if order.paid_at is not None:
        steps = [Step("paid", _("Paid"), True),
                 Step("submitted", _("Submitted for production"), order.submitted_at is not None),
                 Step("produced", _("Produced"), (order.produced_at or order.shipped_at) is not None),
                 Step("shipped", _("Shipped"), order.shipped_at is not None)]
    label = _(LABELS.get(status, status.value))
    if status is Status.AWAITING_PAYMENT and order.payment_pending_at is not None:
        label = _("Payment processing")  # the customer has paid, as far as they can tell
    return Progress(
        status=status.value, label=label,
        heading=_("Thank you!") if order.paid_at else _("Your order"),
        message=_message(order, status), final=_is_final(status),
        steps=steps, tracking_id=order.tracking_id if order.shipped_at else None,
        tracking_url=order.tracking_url if order.shipped_at else None,
        cart_link=status in (Status.PAYMENT_FAILED, Status.EXPIRED),
    )


def _message(order: Order, status: Status) -> str:
    if status is Status.AWAITING_PAYMENT and order.payment_pending_at is not None:
        return _("Your payment is being processed. This can take a little while; your cart is kept for this "
                 "order meanwhile.")
    messages = {
        Status.AWAITING_PAYMENT: _("We are waiting for the payment to be confirmed."),
        Status.PAID: _("Your payment is confirmed. We will e-mail you when your order ships."),
        Status.SUBMITTED: _("Your design is being made. We will e-mail you when your order ships."),
        Status.PRODUCTION_COMPLETE: _("Your design has been made and will ship soon."),
        Status.SHIPPED: _("Your order is on its way. We sent you an e-mail with the tracking details."),
        Status.PAYMENT_FAILED: _("The payment did not go through, so nothing was charged. Your design is still "
                                 "in your cart."),
        Status.EXPIRED: _("The payment page closed before the payment was made. Your design is still in your "
                          "cart."),
        Status.CANCELLED: _("This order was cancelled."),
        Status.NEEDS_ATTENTION: _("Our team is checking your order and will contact you if anything is needed."),
    }
    return messages.get(status, "")


def _is_final(status: Status) -> bool:
    """No change the customer waits for can come: the only way out, if any, is a flag for the team.

    A closed order (expired, failed, cancelled) moves on only when money arrives or leaves
    unexpectedly, which the team handles; the page need not keep asking for that.
    """
    return not (TRANSITIONS.get(status, frozenset()) - {Status.NEEDS_ATTENTION})
