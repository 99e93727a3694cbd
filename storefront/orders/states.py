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
    # Who ships what (storefront.orders.shipments): a status for an order of which some lines
    # have shipped and others have not, and one for Twikit's parcel at the merchant's.
    PARTIALLY_SHIPPED = "partially_shipped"
    AT_MERCHANT = "at_merchant"        # TWIKIT_DELIVER_TO=merchant: Twikit's part reached the merchant


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
    Status.PARTIALLY_SHIPPED: N_("Partly shipped"),
    Status.AT_MERCHANT: N_("Being prepared for shipping"),
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

# Who ships what. Twikit ships the customised lines when it delivers to the customer; the merchant
# ships plain lines, and everything when Twikit delivers to the merchant. So an order may ship in
# parts, from statuses the Twikit-only flow never ships from, and may rest with the merchant.
_FULFILMENT: dict[Status, frozenset[Status]] = {
    # The merchant ships a plain-only order in one go, or the plain part of a mixed one.
    Status.PAID: frozenset({Status.SHIPPED, Status.PARTIALLY_SHIPPED}),
    # One part ships (Twikit's or the merchant's), or Twikit's parcel reaches the merchant.
    Status.SUBMITTED: frozenset({Status.PARTIALLY_SHIPPED, Status.AT_MERCHANT}),
    Status.PRODUCTION_COMPLETE: frozenset({Status.PARTIALLY_SHIPPED, Status.AT_MERCHANT}),
    # The rest ships; or Twikit's part fails in production after the plain part shipped.
    Status.PARTIALLY_SHIPPED: frozenset({Status.SHIPPED, Status.NEEDS_ATTENTION}),
    # The merchant ships it on, whole or in parts.
    Status.AT_MERCHANT: frozenset({Status.SHIPPED, Status.PARTIALLY_SHIPPED, Status.NEEDS_ATTENTION}),
    Status.NEEDS_ATTENTION: frozenset({Status.PARTIALLY_SHIPPED, Status.AT_MERCHANT}),
}
for _status, _targets in _FULFILMENT.items():
    TRANSITIONS[_status] = TRANSITIONS.get(_status, frozenset()) | _targets

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
    Status.PARTIALLY_SHIPPED: "Partly shipped",
    Status.AT_MERCHANT: "With you, to ship on",
}


def merchant_label(status: str, order: Order | None = None) -> str:
    """The back-office wording for a status (the customer's label for a status without one).

    Given the order, a paid order of plain products only, which Twikit never gets, says it is the merchant's.
    """
    if order is not None and status == Status.PAID and order.twikit_delivery is None:
        return "Paid, yours to ship"
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
    _update_while_unchanged(order, lost=f"order {order.identifier} left {current} before {source} could move it "
                                        f"to {new}", status=new.value, **changes)
    db.session.add(OrderEvent(order_id=order.id, from_status=current.value, to_status=new.value, source=source,
                              message=message, details=details or {}))
    db.session.flush()
    db.session.refresh(order)
    log.info("order %s: %s -> %s (%s) %s", order.identifier, current, new, source, message)


def set_facts_once(order: Order, empty: str, **changes: Any) -> None:
    """Set facts on ``order`` only while its ``empty`` column is still empty and its status unchanged.

    The compare-and-set of facts that change no status (a production report on an
    order that already shipped): two copies of one report at once must not both
    record it. Raises TransitionLost when another process got there first (our
    UPDATE changed nothing); the caller decides again on what is stored now, or
    carries on when the other's fact is as good as its own. The caller commits.
    """
    _update_while_unchanged(order, getattr(Order, empty).is_(None),
                            lost=f"order {order.identifier}: {empty} was set meanwhile", **changes)
    db.session.refresh(order)


def _update_while_unchanged(order: Order, *conditions: Any, lost: str, **changes: Any) -> None:
    """One UPDATE of ``order`` that applies only while its status (and ``conditions``) still hold as read.

    The compare-and-set under every change of an order: of two processes that
    read the same row, one UPDATE matches and the other raises TransitionLost.
    """
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == order.status, *conditions)
        .values(updated_at=utcnow(), **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TransitionLost(lost)


def note(order: Order, *, source: str, message: str, details: dict[str, Any] | None = None) -> None:
    """Append an event that records a fact without changing the status."""
    db.session.add(OrderEvent(order_id=order.id, from_status=order.status, to_status=order.status, source=source,
                              message=message, details=details or {}))
    log.info("order %s: %s (%s)", order.identifier, message, source)
