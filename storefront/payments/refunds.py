"""Stripe's ``charge.refunded`` event, recorded on the order the charge paid for.

Stripe sends it for every refund on a charge: ours (the order is already
cancelled, and this confirms the money went back) and those made elsewhere,
such as in Stripe's dashboard. A refund the shop did not make is flagged for
a person, because the order may still be on its way to production.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..i18n import format_money
from ..models import Order, utcnow
from ..orders.states import IllegalTransition, Status, note, transition
from .stripe_amounts import from_stripe

SOURCE = "stripe-webhook"


def order_for_charge(charge) -> Order | None:
    """The order whose Checkout payment this charge is, by its PaymentIntent."""
    if not getattr(charge, "payment_intent", None):
        return None
    return db.session.scalar(select(Order).where(Order.stripe_payment_intent_id == charge.payment_intent))


def record_refund(charge) -> str:
    """Record what Stripe reports refunded on the charge; the caller commits. Returns what happened."""
    order = order_for_charge(charge)
    if order is None:
        return "no matching order"
    refunded = from_stripe(charge.amount_refunded, charge.currency)  # Stripe's units, as the order's
    amount = format_money(refunded, charge.currency.upper(), locale="en")
    # The charge's running total: a repeated or late event never lowers what was recorded.
    order.refunded_cents = max(order.refunded_cents or 0, refunded)
    order.refunded_at = order.refunded_at or utcnow()
    message = f"Stripe refunded {amount} ({'in full' if charge.refunded else 'in part'}, charge {charge.id})"
    if order.status == Status.CANCELLED:
        note(order, source=SOURCE, message=message)
        return f"order {order.identifier}: {message}"
    reason = (f"{message}, but not through the shop: check whether the order should still be produced, "
              "and cancel it here if not")
    try:
        transition(order, Status.NEEDS_ATTENTION, source=SOURCE, message=reason, attention_reason=reason)
    except IllegalTransition:  # already needs attention, or shipped: keep the status, flag the reason
        order.attention_reason = reason
        note(order, source=SOURCE, message=reason)
    return f"order {order.identifier}: {reason}"
