"""The order state machine: the one place that decides whether a status change is legal.

Every change goes through ``transition``, which also appends an OrderEvent.
The change is a compare-and-set (``UPDATE ... WHERE status = <expected>``),
so two processes racing to make the same change (the Stripe webhook and the
success page, say) produce exactly one transition on SQLite and PostgreSQL
alike; the loser learns it lost and does nothing.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from sqlalchemy import update

from ..extensions import db
from ..i18n import N_
from ..models import Order, OrderEvent, utcnow

log = logging.getLogger(__name__)


class Status(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SUBMITTED = "submitted"            # Twikit accepted the order for production
    PRODUCTION_COMPLETE = "production_complete"
    SHIPPED = "shipped"
    NEEDS_ATTENTION = "needs_attention"


# What a customer reads on the order status page, in English; N_ marks each for the
# translation catalogs, and the page shows _(label) in the customer's language.
LABELS = {
    Status.AWAITING_PAYMENT: N_("Awaiting payment"),
    Status.PAID: N_("Paid"),
    Status.PAYMENT_FAILED: N_("Payment failed"),
    Status.EXPIRED: N_("Checkout expired"),
    Status.CANCELLED: N_("Cancelled"),
    Status.SUBMITTED: N_("Submitted for production"),
    Status.PRODUCTION_COMPLETE: N_("Produced"),
    Status.SHIPPED: N_("Shipped"),
    Status.NEEDS_ATTENTION: N_("Being reviewed by our team"),
}

# Legal changes: from -> the statuses it may move to. Anything else is refused.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.AWAITING_PAYMENT: frozenset({Status.PAID, Status.PAYMENT_FAILED, Status.EXPIRED, Status.CANCELLED,
                                        Status.NEEDS_ATTENTION}),
    Status.PAID: frozenset({Status.SUBMITTED, Status.NEEDS_ATTENTION, Status.CANCELLED}),
    Status.SUBMITTED: frozenset({Status.PRODUCTION_COMPLETE, Status.SHIPPED, Status.NEEDS_ATTENTION}),
    Status.PRODUCTION_COMPLETE: frozenset({Status.SHIPPED, Status.NEEDS_ATTENTION}),
    Status.NEEDS_ATTENTION: frozenset({Status.PAID, Status.SUBMITTED, Status.PRODUCTION_COMPLETE, Status.SHIPPED,
                                       Status.CANCELLED}),
    # Closed, but money can still arrive (a payment that lands after its session expired or the order was
    # cancelled) or leave (a refund made in Stripe's dashboard): a person must look, and may refund.
    Status.PAYMENT_FAILED: frozenset({Status.NEEDS_ATTENTION}),
    Status.EXPIRED: frozenset({Status.NEEDS_ATTENTION}),
    Status.CANCELLED: frozenset({Status.NEEDS_ATTENTION}),
    Status.SHIPPED: frozenset(),
}

# What the merchant reads in the back-office: what the status means for the work, not for the customer.
MERCHANT_LABELS = {
    Status.AWAITING_PAYMENT: "Awaiting payment",
    Status.PAID: "Paid, queued for Twikit",
    Status.PAYMENT_FAILED: "Payment failed",
    Status.EXPIRED: "Checkout expired unpaid",
    Status.CANCELLED: "Cancelled",
    Status.SUBMITTED: "At Twikit, in production",
    Status.PRODUCTION_COMPLETE: "Produced, awaiting shipment",
    Status.SHIPPED: "Shipped",
    Status.NEEDS_ATTENTION: "Needs attention",
}


def merchant_label(status: str) -> str:
    """The back-office wording for a status (the customer's label for a status without one)."""
    try:
        return MERCHANT_LABELS.get(Status(status)) or LABELS[Status(status)]
    except (ValueError, KeyError):
        return str(status)


class IllegalTransition(ValueError):
    """The order cannot move from its status to the one asked for."""


class ActionRefused(ValueError):
    """A back-office action the order's state does not allow now; the message tells the merchant why."""


class TransitionLost(RuntimeError):
    """Another process changed the order's status first; this change was not made."""


def transition(order: Order, new: Status, *, source: str, message: str = "",
               details: dict[str, Any] | None = None, **changes: Any) -> None:
    """Move ``order`` to ``new`` and log it, within the caller's transaction.

    ``changes`` are other columns set by the same UPDATE (e.g. ``paid_at``).
    Raises IllegalTransition for a change the machine forbids, and
    TransitionLost when the row's status changed under us. The caller commits.
    """
    current = Status(order.status)
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(f"order {order.identifier}: {current} -> {new} is not allowed")
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == current.value)
        .values(status=new.value, updated_at=utcnow(), **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TransitionLost(f"order {order.identifier} left {current} before {source} could move it to {new}")
    db.session.add(OrderEvent(order_id=order.id, from_status=current.value, to_status=new.value, source=source,
                              message=message, details=details or {}))
    db.session.flush()
    db.session.refresh(order)
    log.info("order %s: %s -> %s (%s) %s", order.identifier, current, new, source, message)


def note(order: Order, *, source: str, message: str, details: dict[str, Any] | None = None) -> None:
    """Append an event that records a fact without changing the status."""
    db.session.add(OrderEvent(order_id=order.id, from_status=order.status, to_status=order.status, source=source,
                              message=message, details=details or {}))
    log.info("order %s: %s (%s)", order.identifier, message, source)
