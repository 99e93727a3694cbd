"""Cancelling a paid order and refunding it in full through Stripe.

The order is cancelled first, and committed, before any money moves: from
that moment the worker will not submit it, and Twikit's payment-verification
webhook answers that it is cancelled, so Twikit ignores it even if a
submission was already on its way. Then Stripe refunds the payment. If
Stripe refuses, the order goes to "needs attention" with Stripe's reason,
and the same action tries again; Stripe's idempotency key makes a repeated
request return the same refund rather than a second one.

Stripe confirms with a ``charge.refunded`` event (storefront.payments.refunds).
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from ..extensions import db
from ..i18n import format_money
from ..models import JobState, Order, OutboxJob, utcnow
from ..outbox import JobKind
from ..payments import stripe_checkout
from ..payments.stripe_amounts import from_stripe
from .states import ActionRefused, Status, merchant_label, note, transition

log = logging.getLogger(__name__)

CANCELLABLE = {Status.PAID, Status.NEEDS_ATTENTION}


def why_not_cancel(order: Order) -> str | None:
    """Why the order cannot be cancelled and refunded now, or None when it can."""
    if order.stripe_payment_intent_id is None:
        return "Stripe holds no payment for this order, so there is nothing to refund."
    if order.status in (Status.SUBMITTED, Status.PRODUCTION_COMPLETE, Status.SHIPPED):
        return (f"This order is {merchant_label(order.status).lower()}: Twikit has it, and the integration offers "
                "no way to stop production. Agree on it with Twikit first.")
    if order.status not in CANCELLABLE:
        return f"An order that is {merchant_label(order.status).lower()} cannot be cancelled."
    if any(line.shipment_id is not None for line in order.lines):
        return ("Part of this order has shipped, so it cannot be cancelled and refunded in full; refund what "
                "did not ship in Stripe's dashboard.")
    return None


def cancel_and_refund(order: Order, *, source: str, reason: str = "") -> None:
    """Cancel the order, then refund its payment in full; raises ActionRefused when either cannot be done."""
    refusal = why_not_cancel(order)
    if refusal:
        raise ActionRefused(refusal)
    _stop_submission(order)
    transition(order, Status.CANCELLED, source=source, message="Cancelled by the merchant; refunding in full",
               details={"reason": reason[:500]} if reason else {}, attention_reason=None)
    db.session.commit()
    _refund(order, source)


def _stop_submission(order: Order) -> None:
    """Drop a pending submission job, in the caller's transaction; refuse while one is running."""
    db.session.execute(update(OutboxJob).where(OutboxJob.order_id == order.id, OutboxJob.kind == JobKind.SUBMIT_ORDER,
                                               OutboxJob.state == JobState.PENDING)
                       .values(state=JobState.DONE, last_error="the order was cancelled", updated_at=utcnow())
                       .execution_options(synchronize_session=False))
    running = db.session.scalar(select(OutboxJob.id).where(
        OutboxJob.order_id == order.id, OutboxJob.kind == JobKind.SUBMIT_ORDER, OutboxJob.state == JobState.RUNNING))
    if running is not None:
        db.session.rollback()
        raise ActionRefused("A submission to Twikit is running right now. Try again in a minute.")


def _refund(order: Order, source: str) -> None:
    try:
        refund = stripe_checkout.refund_payment(order)
    except stripe_checkout.StripeError as error:
        if stripe_checkout.already_refunded(error):
            order.refunded_at = order.refunded_at or utcnow()
            note(order, source=source, message="Stripe says this payment was refunded before; nothing more to refund")
            db.session.commit()
            return
        message = f"Cancelled, but Stripe did not refund it: {error.user_message or error}"
        transition(order, Status.NEEDS_ATTENTION, source=source, message=message, attention_reason=message,
                   details={"stripe_error": str(error)[:500]})
        db.session.commit()
        log.warning("order %s: refund refused by Stripe: %s", order.identifier, error)
        raise ActionRefused(message + " Try again, or refund it in Stripe's dashboard.") from None
    refunded = from_stripe(refund.amount, refund.currency)  # Stripe's units, as the order's
    amount = format_money(refunded, refund.currency.upper(), locale="en")
    order.stripe_refund_id = refund.id
    if refund.status == "succeeded":
        order.refunded_cents = max(order.refunded_cents or 0, refunded)
        order.refunded_at = order.refunded_at or utcnow()
    note(order, source=source, message=f"Refund of {amount} {refund.status} at Stripe ({refund.id})",
         details={"refund": refund.id, "amount": refunded, "status": refund.status})
    db.session.commit()
