"""Checkout pages: the address form, the hand-over to Stripe, and the way back."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..cart.service import current_cart, reserving_order
from ..i18n import current_locale
from ..orders.links import status_url
from ..orders.states import Status
from . import service
from .forms import CheckoutForm
from .summary import checkout_summary

bp = Blueprint("checkout", __name__, url_prefix="/checkout")


@bp.route("", methods=["GET", "POST"])
def start():
    cart = current_cart()
    if cart is None or not cart.lines:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("cart.show"))
    if reserving_order(cart) is not None:
        # Its payment is processing: the cart page says so; a second payment must not start.
        return redirect(url_for("cart.show"), 303)
    form = CheckoutForm()
    if form.validate_on_submit():
        try:
            return redirect(service.checkout(cart, form.billing_address(), form.delivery_address(),
                                             current_locale()), 303)
        except service.CheckoutError as error:
            flash(str(error), "error")
    status = 400 if form.is_submitted() else 200
    return render_template("checkout/checkout.html", form=form, cart=cart, summary=checkout_summary(cart)), status


@bp.get("/success")
def success():
    """Stripe sends the customer here. A GET records nothing, so this page only posts back.

    If the webhook has recorded the payment already, straight on to the order's
    page. Otherwise the page submits ``confirm`` at once (a button without
    script): a prefetched or reopened link can never change an order.
    """
    session_id = _session_id(request.args)
    order = service.order_of_session(session_id)
    if order is None:
        abort(404, description=_("We could not find that payment."))
    if order.status != Status.AWAITING_PAYMENT:
        return redirect(status_url(order), 303)
    return render_template("checkout/confirming.html", order=order, session_id=session_id)


@bp.post("/success")
def confirm():
    """We ask Stripe ourselves whether the session is paid, and record it if the webhook has not yet."""
    order = service.return_from_stripe(_session_id(request.form))
    if order is None:
        abort(404, description=_("We could not find that payment."))
    return redirect(status_url(order), 303)


def _session_id(values) -> str:
    session_id = values.get("session_id", "")
    if not session_id.startswith("cs_") or len(session_id) > 255:
        abort(400, description=_("This link is missing its Checkout Session."))
    return session_id


@bp.get("/cancel")
def cancel():
    """The customer left Stripe Checkout: back to the cart, with everything still there.

    A GET changes nothing: the order keeps waiting for its payment, and checking
    out again reuses it (or, if the cart changed, closes it then).
    """
    flash(_("Payment cancelled. Your cart is just as you left it."), "info")
    return redirect(url_for("cart.show"), 303)
