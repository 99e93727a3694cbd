"""Checkout pages: the address form, the hand-over to Stripe, and the way back."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..cart.service import current_cart
from ..i18n import current_locale
from ..orders.links import status_url, token_matches
from ..orders.lookup import find_order
from ..payments import stripe_checkout
from ..payments.fulfilment import fulfill_checkout
from . import service
from .forms import CheckoutForm

bp = Blueprint("checkout", __name__, url_prefix="/checkout")


@bp.route("", methods=["GET", "POST"])
def start():
    cart = current_cart()
    if cart is None or not cart.lines:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("cart.show"))
    form = CheckoutForm()
    if form.validate_on_submit():
        order = service.place_order(cart, form.billing_address(), form.delivery_address(), current_locale())
        try:
            return redirect(service.start_payment(order), 303)
        except service.CheckoutError as error:
            flash(str(error), "error")
    status = 400 if form.is_submitted() else 200
    return render_template("checkout/checkout.html", form=form, cart=cart), status


@bp.get("/success")
def success():
    """Stripe sends the customer here; we ask Stripe ourselves whether the session is paid."""
    session_id = request.args.get("session_id", "")
    if not session_id.startswith("cs_"):
        abort(400, description=_("This link is missing its Checkout Session."))
    try:
        order = fulfill_checkout(session_id, source="success-page")
    except stripe_checkout.StripeError:
        abort(404, description=_("We could not find that payment."))
    if order is None:
        abort(404, description=_("We could not find that order."))
    return redirect(status_url(order), 303)


@bp.get("/cancel")
def cancel():
    """The customer left Stripe Checkout: back to the cart, with everything still there."""
    identifier, token = request.args.get("order", ""), request.args.get("token", "")
    order = find_order(identifier) if token_matches(identifier, token) else None
    if order is not None:
        service.cancel_payment(order)
    flash(_("Payment cancelled. Your cart is just as you left it."), "info")
    return redirect(url_for("cart.show"), 303)
