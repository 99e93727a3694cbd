"""Checkout: place the cart's order, and hand the customer to Stripe Checkout, once per cart.

One cart, one payment. A cart has at most one order awaiting payment (a
partial unique index on ``orders.cart_id`` says so to the database), and
that order has at most one open Checkout Session:

- checking out again with the same cart and addresses (a double click, a
  second tab, the back button) reuses the order and its open session;
- checking out with a changed cart or address first expires the old session
  at Stripe, so it can no longer be paid, and cancels its order;
- two checkouts at the very same moment race for the unique index: one
  places the order, the other finds it and reuses it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Cart, Order, OrderLine
from ..orders import states
from ..orders.links import status_url, token_for
from ..payments import stripe_checkout
from ..payments.fulfilment import fulfill_checkout
from ..twikit.payload import twikit_lines
from .shipping import Rate

log = logging.getLogger(__name__)

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CheckoutError(RuntimeError):
    """The order could not be handed to Stripe; the message is safe to show."""


def new_order_identifier() -> str:
    """A unique, human-readable order identifier such as ``TW-261129-7K3QX9``."""
    stamp = datetime.now(UTC).strftime("%y%m%d")
    return f"TW-{stamp}-{''.join(secrets.choice(_ALPHABET) for _ in range(6))}"


def checkout(cart: Cart, billing: Mapping[str, Any], delivery: Mapping[str, Any] | None, locale: str) -> str:
    """Place (or reuse) the cart's order and open its payment; returns the URL to send the customer to.

    ``billing`` and ``delivery`` are snake_case IOrderAddress fields; no delivery
    address means delivery to the billing address. The URL is Stripe's payment
    page, or the order's status page when this cart's payment already went through.
    """
    billing = dict(billing)
    delivery = dict(delivery) if delivery else dict(billing)
    for _attempt in range(4):
        pending = _pending_order(cart)
        if pending is None:
            order = place_order(cart, billing, delivery, locale)
            if order is None:
                continue  # another checkout of this cart placed its order this very moment
            return start_payment(order)
        url = _resume(pending) if _same_order(pending, cart, billing, delivery, locale) else _replace(pending)
        if url is not None:
            return url
    raise CheckoutError(_("Your cart is being checked out in another window. Please try again."))


def _pending_order(cart: Cart) -> Order | None:
    return db.session.scalar(select(Order).where(Order.cart_id == cart.id,
                                                 Order.status == states.Status.AWAITING_PAYMENT.value))


def _same_order(order: Order, cart: Cart, billing: dict, delivery: dict, locale: str) -> bool:
    """Would placing this cart now give this order again (same lines, prices and addresses)?"""
    def lines(rows):
        return sorted((r.sku, r.configuration_id or 0, r.quantity, r.unit_price_cents) for r in rows)

    ours = [(line.variant.sku, line.configuration_id or 0, line.quantity, line.variant.price_cents)
            for line in cart.lines]
    return (lines(order.lines) == sorted(ours) and order.billing_address == billing
            and order.delivery_address == delivery and order.locale == locale)


def _resume(order: Order) -> str | None:
    """The payment page of the cart's pending order: its open session, or a new one if it has none yet.

    None when its session expired: the order is closed, and the caller places a new one.
    """
    if order.stripe_session_id is None:
        return start_payment(order)  # the same idempotency key: the same session as any concurrent call
    session = _retrieve(order)
    if session.status == "open":
        return session.url
    if session.status == "complete":
        return status_url(order)  # paid (or paying): show the order, never a second payment page
    _close(order, states.Status.EXPIRED, "The Checkout Session expired unpaid")
    return None


def _replace(order: Order) -> str | None:
    """Retire a pending order whose cart or address changed. Returns a URL only if it was paid meanwhile."""
    if order.stripe_session_id is not None:
        session = _retrieve(order)
        if session.status == "open":
            try:
                # Expired sessions can never be paid: the old payment page dies before a new one exists.
                stripe_checkout.expire_checkout_session(order.stripe_session_id)
            except stripe_checkout.StripeError:
                session = _retrieve(order)  # completed meanwhile?
        if session.status == "complete":
            return status_url(order)
    _close(order, states.Status.CANCELLED, "Replaced by a new checkout of the same cart")
    return None


def _retrieve(order: Order):
    try:
        return stripe_checkout.retrieve_checkout_session(order.stripe_session_id)
    except stripe_checkout.StripeError as error:
        log.warning("order %s: Checkout Session not retrieved: %s", order.identifier, error)
        raise CheckoutError(_("We could not reach the payment provider. Nothing was charged; please try "
                              "again.")) from error


def _close(order: Order, new: states.Status, message: str) -> None:
    try:
        states.transition(order, new, source="checkout", message=message)
        db.session.commit()
    except (states.TransitionLost, states.IllegalTransition):
        db.session.rollback()  # the webhook (or another checkout) closed it first; the caller looks again


def place_order(cart: Cart, billing: Mapping[str, Any], delivery: Mapping[str, Any], locale: str) -> Order | None:
    """Create the cart's order awaiting payment, with lines and prices copied from the database.

    Returns None when another checkout of the same cart placed its order at the same moment.
    """
    for _attempt in range(5):
        order = _build_order(cart, dict(billing), dict(delivery), locale)
        db.session.add(order)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            if _pending_order(cart) is not None:
                return None  # the one-pending-order-per-cart index: someone else's order won
            continue  # an identifier collision: astronomically rare, so just draw again
        states.note(order, source="checkout", message="Order placed", details={"lines": len(order.lines)})
        db.session.commit()
        return order
    raise CheckoutError(_("We could not place your order. Please try again."))


def _build_order(cart: Cart, billing: dict, delivery: dict, locale: str) -> Order:
    identifier = new_order_identifier()
    lines = []
    for number, cart_line in enumerate(cart.lines, start=1):
        variant = cart_line.variant
        # The price is the variant's price now, never a number the browser sent; the names are
        # kept in the order's language, as the customer read them (the e-mails use them too).
        lines.append(OrderLine(
            identifier=f"{identifier}-{number}", product_key=cart_line.product.key,
            product_name=cart_line.product.translated("name", locale), sku=variant.sku,
            variant_name=variant.translated("name", locale),
            configuration_id=cart_line.configuration_id, preview_url=cart_line.preview_url,
            image_url=cart_line.product.image_url,
            design_summary=cart_line.design_summary,
            quantity=cart_line.quantity, unit_price_cents=variant.price_cents,
        ))
    subtotal = sum(line.total_cents for line in lines)
    order = Order(
        identifier=identifier, status=states.Status.AWAITING_PAYMENT.value, email=billing["email"],
        billing_address=billing, delivery_address=delivery, currency=cart.lines[0].variant.currency,
        subtotal_cents=subtotal, total_cents=subtotal, locale=locale, cart_id=cart.id, lines=lines,
        tax_included=current_app.config["PRICES_INCLUDE_TAX"],
    )
    if twikit_lines(order):
        # Fixed now, because it decides who ships what (storefront.orders.shipments).
        order.twikit_delivery = current_app.config["TWIKIT_DELIVER_TO"]
    return order


def shipping_offers(order: Order) -> list[tuple[Rate, int]]:
    """The shipping rates for the order's delivery country, each with its price for this order."""
    rates = current_app.config.get("SHIPPING_RATES")
    if rates is None:
        return []
    zone = rates.zone_for(order.delivery_address.get("country_iso", ""))
    if zone is None:  # the form refuses such a country; an order from before a rates change might have one
        raise CheckoutError(_("We do not deliver to this country."))
    return [(rate, rate.amount_for(order.subtotal_cents)) for rate in zone.rates]


def start_payment(order: Order) -> str:
    """Open the Stripe Checkout Session for an order; return the URL to send the customer to."""
    # Stripe fills in {CHECKOUT_SESSION_ID} (url_for would escape its braces); the URL may
    # already carry ?lang=, which keeps the customer's language on the way back.
    success_url = url_for("checkout.success", _external=True)
    success_url += ("&" if "?" in success_url else "?") + "session_id={CHECKOUT_SESSION_ID}"
    cancel_url = url_for("checkout.cancel", order=order.identifier, token=token_for(order), _external=True)
    try:
        session = stripe_checkout.create_checkout_session(order, success_url, cancel_url, shipping_offers(order))
    except stripe_checkout.StripeError as error:
        log.error("order %s: Stripe Checkout Session not created: %s", order.identifier, error)
        db.session.refresh(order)
        if order.stripe_session_id is None:  # else a concurrent checkout opened it: that one stays payable
            _close(order, states.Status.CANCELLED, "Stripe Checkout Session could not be created")
        raise CheckoutError(_("We could not start the payment. Nothing was charged; please try again.")) from error
    db.session.refresh(order)
    if order.status != states.Status.AWAITING_PAYMENT:
        # A checkout of the changed cart retired this order while its session was being opened:
        # close the session too, so that only the new order can be paid.
        _expire_quietly(order, session.id)
        raise CheckoutError(_("Your cart changed while the payment page was being opened. Please check out again."))
    if order.stripe_session_id != session.id:
        order.stripe_session_id = session.id
        states.note(order, source="checkout", message="Stripe Checkout Session created",
                    details={"session": session.id})
        db.session.commit()
    return session.url


def _expire_quietly(order: Order, session_id: str) -> None:
    try:
        stripe_checkout.expire_checkout_session(session_id)
    except stripe_checkout.StripeError as error:  # paid in that instant: the webhook flags it for a person
        log.warning("order %s: session %s of a retired order not expired: %s", order.identifier, session_id, error)


def order_of_session(session_id: str) -> Order | None:
    """The order this shop opened that Checkout Session for, or None."""
    return db.session.scalar(select(Order).where(Order.stripe_session_id == session_id))


def return_from_stripe(session_id: str) -> Order | None:
    """The order of a Checkout Session this shop created, its payment recorded if Stripe says it is paid.

    Only sessions in our own database are looked up, so a made-up session ID
    costs no call to Stripe. If Stripe cannot be asked right now, the order is
    returned as it is: the webhook records the payment when it comes.
    """
    order = order_of_session(session_id)
    if order is None:
        return None
    try:
        return fulfill_checkout(session_id, source="success-page") or order
    except stripe_checkout.StripeError as error:
        log.warning("order %s: payment not confirmed on the success page: %s", order.identifier, error)
        db.session.rollback()
        return order
