"""Placing an order: snapshot the cart, then hand the customer to Stripe Checkout."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Cart, Order, OrderLine
from ..orders import states
from ..orders.links import token_for
from ..payments import stripe_checkout

log = logging.getLogger(__name__)

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CheckoutError(RuntimeError):
    """The order could not be handed to Stripe; the message is safe to show."""


def new_order_identifier() -> str:
    """A unique, human-readable order identifier such as ``TW-261129-7K3QX9``."""
    stamp = datetime.now(UTC).strftime("%y%m%d")
    return f"TW-{stamp}-{''.join(secrets.choice(_ALPHABET) for _ in range(6))}"


def place_order(cart: Cart, billing: Mapping[str, Any], delivery: Mapping[str, Any] | None, locale: str) -> Order:
    """Create an order awaiting payment, with lines and prices copied from the database.

    ``billing`` and ``delivery`` are snake_case IOrderAddress fields; no delivery
    address means delivery to the billing address.
    """
    billing = dict(billing)
    delivery = dict(delivery) if delivery else dict(billing)
    for _attempt in range(5):
        order = _build_order(cart, billing, delivery, locale)
        db.session.add(order)
        try:
            db.session.flush()
        except IntegrityError:  # an identifier collision: astronomically rare, so just draw again
            db.session.rollback()
            continue
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
            design_summary=cart_line.design_summary,
            quantity=cart_line.quantity, unit_price_cents=variant.price_cents,
        ))
    total = sum(line.total_cents for line in lines)
    return Order(
        identifier=identifier, status=states.Status.AWAITING_PAYMENT.value, email=billing["email"],
        billing_address=billing, delivery_address=delivery, currency=cart.lines[0].variant.currency,
        subtotal_cents=total, total_cents=total, locale=locale, cart_id=cart.id, lines=lines,
    )


def start_payment(order: Order) -> str:
    """Open the Stripe Checkout Session for an order; return the URL to send the customer to."""
    # Stripe fills in {CHECKOUT_SESSION_ID} (url_for would escape its braces); the URL may
    # already carry ?lang=, which keeps the customer's language on the way back.
    success_url = url_for("checkout.success", _external=True)
    success_url += ("&" if "?" in success_url else "?") + "session_id={CHECKOUT_SESSION_ID}"
    cancel_url = url_for("checkout.cancel", order=order.identifier, token=token_for(order), _external=True)
    try:
        session = stripe_checkout.create_checkout_session(order, success_url, cancel_url)
    except stripe_checkout.StripeError as error:
        log.error("order %s: Stripe Checkout Session not created: %s", order.identifier, error)
        states.transition(order, states.Status.CANCELLED, source="checkout",
                          message="Stripe Checkout Session could not be created", details={"error": str(error)})
        db.session.commit()
        raise CheckoutError(_("We could not start the payment. Nothing was charged; please try again.")) from error
    order.stripe_session_id = session.id
    states.note(order, source="checkout", message="Stripe Checkout Session created", details={"session": session.id})
    db.session.commit()
    return session.url


def cancel_payment(order: Order) -> None:
    """The customer came back from Stripe without paying: close the session, keep the cart."""
    if order.status != states.Status.AWAITING_PAYMENT or not order.stripe_session_id:
        return
    try:
        # Closing it means this abandoned session can never be paid behind a new one.
        stripe_checkout.expire_checkout_session(order.stripe_session_id)
    except stripe_checkout.StripeError as error:
        # Already paid or already expired: the webhook will tell us which; nothing to undo here.
        log.info("order %s: session not expired on cancel: %s", order.identifier, error)
        return
    try:
        states.transition(order, states.Status.CANCELLED, source="checkout", message="Customer left Stripe Checkout")
        db.session.commit()
    except (states.TransitionLost, states.IllegalTransition):
        db.session.rollback()
