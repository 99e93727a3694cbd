"""Knowing an order is paid: one idempotent ``fulfill_checkout``, and the Stripe event handlers.

Stripe's fulfilment guide asks for one function, called from both the
webhook and the success page, that is safe to call any number of times.
Here the state machine's compare-and-set makes it so: whichever caller
moves the order from awaiting_payment to paid also, in the same transaction,
takes the ordered lines out of the cart and writes the outbox jobs that
submit the order to Twikit (when it has customised lines) and e-mail the
customer its confirmation. Every other caller finds the order
already paid and changes nothing.

A method that settles later (a bank debit; the sandbox's 3155 card)
completes Checkout unpaid: that is recorded as ``payment_pending_at``, which
reserves the cart for the order until Stripe says paid or failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from .. import outbox
from ..extensions import db
from ..models import CartLine, Order, StripeEvent, utcnow
from ..orders.states import IllegalTransition, Status, TransitionLost, note, set_facts_once, transition
from ..twikit.payload import twikit_lines
from . import stripe_checkout
from .refunds import order_for_charge, record_refund

log = logging.getLogger(__name__)

def fulfill_checkout(session_id: str, *, source: str) -> Order | None:
    """Record a Checkout Session's payment on its order, exactly once. Returns the order."""
    session = stripe_checkout.retrieve_checkout_session(session_id)
    order = _order_for(session)
    if order is None:
        log.warning("Checkout Session %s matches no order", session_id)
        return None
    if session.payment_status != "paid" or order.paid_at is not None:
        if session.status == "complete" and order.paid_at is None:
            _record_payment_pending(order, source)  # completed, but an async method is still settling
        return order  # not paid yet, or already recorded
    if order.status == Status.NEEDS_ATTENTION:
        return order  # already flagged (an amount mismatch); a person decides
    amounts = stripe_checkout.charged(session)
    problem = _amount_problem(amounts, order)
    try:
        if problem:
            # Not paid_at: the payment does not match the order, so it does not count as paid.
            transition(order, Status.NEEDS_ATTENTION, source=source, message=problem,
                       details=_session_details(session, amounts), attention_reason=problem,
                       stripe_payment_intent_id=session.payment_intent)
        else:
            # The order keeps what Stripe charged, so every total the customer and merchant see adds up to it.
            transition(order, Status.PAID, source=source, message="Payment confirmed by Stripe",
                       details=_session_details(session, amounts), paid_at=utcnow(),
                       stripe_payment_intent_id=session.payment_intent, total_cents=amounts.total,
                       shipping_cents=amounts.shipping, discount_cents=amounts.discount, tax_cents=amounts.tax,
                       shipping_rate=amounts.shipping_rate, shipping_rate_name=amounts.shipping_rate_name)
            _take_from_cart(order)
            # The outbox jobs: written in this transaction, so they exist exactly when the payment does.
            if twikit_lines(order):
                # An order of plain products only never goes to Twikit: the merchant ships it.
                outbox.enqueue(outbox.JobKind.SUBMIT_ORDER, order)
            outbox.enqueue(outbox.JobKind.SEND_CONFIRMATION_EMAIL, order)
        db.session.commit()
    except TransitionLost:
        db.session.rollback()  # another caller recorded it first; that is the one transition
    except IllegalTransition as error:
        # Paid, but the order was closed (cancelled or expired) meanwhile: money taken, so a person must look.
        db.session.rollback()
        _flag_late_payment(order, session, source, str(error))
    db.session.refresh(order)
    return order


def _record_payment_pending(order: Order, source: str) -> None:
    """Note, once, that the customer paid with a method that settles later; the cart stays reserved meanwhile."""
    if order.status != Status.AWAITING_PAYMENT or order.payment_pending_at is not None:
        return
    try:  # the webhook and the success page may both get here at once: one of them notes it
        set_facts_once(order, "payment_pending_at", payment_pending_at=utcnow())
        note(order, source=source, message="Checkout completed; the payment is processing and settles later")
    except TransitionLost:
        pass  # the other one did; its UPDATE matched, ours changed nothing
    db.session.commit()
    db.session.refresh(order)


def _order_for(session) -> Order | None:
    return db.session.scalar(select(Order).where(or_(
        Order.stripe_session_id == session.id, Order.identifier == session.client_reference_id)))


def _amount_problem(amounts: stripe_checkout.Charged, order: Order) -> str | None:
    """A payment for other lines, in another currency, or whose totals do not add up must not count as paid.

    Stripe computes shipping, discount and tax; what it charged must be the
    order's lines less the discount plus shipping, plus tax when not included.
    """
    if amounts.currency != order.currency or amounts.subtotal != order.subtotal_cents:
        return (f"Stripe collected {amounts.subtotal} {amounts.currency or '?'} for the lines, "
                f"but the order's lines total {order.subtotal_cents} {order.currency}")
    expected = (amounts.subtotal - amounts.discount + amounts.shipping
                + (0 if order.tax_included else amounts.tax))
    if amounts.total != expected or min(amounts.shipping, amounts.discount, amounts.tax) < 0:
        return (f"Stripe collected {amounts.total} {amounts.currency}, which is not the lines "
                f"{amounts.subtotal} - discount {amounts.discount} + shipping {amounts.shipping}"
                f"{'' if order.tax_included else f' + tax {amounts.tax}'} = {expected}")
    return None


def _take_from_cart(order: Order) -> None:
    """Take the ordered lines out of the cart, and nothing the customer added while paying."""
    if order.cart_id is None:
        return
    cart_lines = db.session.scalars(select(CartLine).where(CartLine.cart_id == order.cart_id)).all()
    for ordered in order.lines:
        match = next((line for line in cart_lines if line.configuration_id == ordered.configuration_id
                      and (ordered.configuration_id is not None or line.variant.sku == ordered.sku)), None)
        if match is None:
            continue
        if match.quantity > ordered.quantity:  # raised after checkout: the extra stays in the cart
            match.quantity -= ordered.quantity
        else:
            db.session.delete(match)
            cart_lines.remove(match)


def _session_details(session, amounts: stripe_checkout.Charged | None = None) -> dict:
    details = {"session": session.id, "payment_intent": session.payment_intent,
               "amount_total": session.amount_total, "currency": session.currency}
    if amounts is not None:
        details.update(subtotal=amounts.subtotal, shipping=amounts.shipping, discount=amounts.discount,
                       tax=amounts.tax, shipping_rate=amounts.shipping_rate)
    return details


def _flag_late_payment(order: Order, session, source: str, reason: str) -> None:
    db.session.refresh(order)
    if order.paid_at is not None:
        return
    message = f"Payment received for an order that was {order.status}; refund or fulfil by hand"
    try:
        transition(order, Status.NEEDS_ATTENTION, source=source, message=message, details=_session_details(session),
                   attention_reason=message, paid_at=utcnow(), stripe_payment_intent_id=session.payment_intent)
        db.session.commit()
    except (IllegalTransition, TransitionLost):
        db.session.rollback()
        log.error("order %s: late payment could not be flagged (%s)", order.identifier, reason)


def _close_unpaid(session, new: Status, message: str, source: str) -> str:
    order = _order_for(session)
    if order is None:
        return "no matching order"
    if order.status != Status.AWAITING_PAYMENT:
        return f"order {order.identifier} is {order.status}; nothing to do"
    try:
        transition(order, new, source=source, message=message, details={"session": session.id})
        db.session.commit()
    except (TransitionLost, IllegalTransition):
        db.session.rollback()
        return f"order {order.identifier} changed meanwhile; nothing to do"
    return f"order {order.identifier} is now {new}"


# --- webhook event handlers, looked up by event type --------------------------------

def _on_paid(session) -> str:
    order = fulfill_checkout(session.id, source="stripe-webhook")
    return f"order {order.identifier} is {order.status}" if order else "no matching order"


def _on_async_failed(session) -> str:
    return _close_unpaid(session, Status.PAYMENT_FAILED, "The payment failed", "stripe-webhook")


def _on_expired(session) -> str:
    return _close_unpaid(session, Status.EXPIRED, "The Checkout Session expired unpaid", "stripe-webhook")


EVENT_HANDLERS: dict[str, Callable] = {
    # completed with payment_status "unpaid" means an async method is still pending;
    # fulfill_checkout sees that and waits for async_payment_succeeded.
    "checkout.session.completed": _on_paid,
    "checkout.session.async_payment_succeeded": _on_paid,
    "checkout.session.async_payment_failed": _on_async_failed,
    "checkout.session.expired": _on_expired,
    # Any refund on an order's charge: ours, confirmed, or one made in Stripe's dashboard.
    "charge.refunded": record_refund,
}


def _session_id_of(obj) -> str | None:
    """The Checkout Session an event's object belongs to, so the back-office lists the event with its order."""
    if getattr(obj, "object", None) == "charge":
        order = order_for_charge(obj)
        return order.stripe_session_id if order else None
    return getattr(obj, "id", None)


def handle_event(event) -> tuple[str, bool]:
    """Handle a verified Stripe event once. Returns (outcome, was_duplicate)."""
    if db.session.get(StripeEvent, event.id) is not None:
        return "duplicate event; already handled", True
    handler = EVENT_HANDLERS.get(event.type)
    obj = event.data.object
    outcome = handler(obj) if handler else f"ignored event type {event.type}"
    db.session.add(StripeEvent(id=event.id, type=event.type, outcome=outcome,
                               session_id=_session_id_of(obj) if handler else None))
    try:
        db.session.commit()
    except IntegrityError:  # the same event, delivered twice at once: the other delivery recorded it
        db.session.rollback()
        return "duplicate event; handled concurrently", True
    log.info("stripe event %s (%s): %s", event.id, event.type, outcome)
    return outcome, False
