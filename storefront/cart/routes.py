"""Cart pages. Views parse the form and call the cart service; the rules live there."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..orders.links import status_url
from . import service
from .forms import AddToCartForm, QuantityForm, RemoveLineForm

bp = Blueprint("cart", __name__, url_prefix="/cart")


@bp.get("")
def show():
    cart = service.current_cart()
    reserved_for = service.reserving_order(cart)
    return render_template("cart/cart.html", cart=cart, lines=cart.lines if cart else [], reserved_for=reserved_for,
                           reserved_link=status_url(reserved_for) if reserved_for else None)


@bp.post("/lines")
def add():
    form = AddToCartForm()
    if not form.validate_on_submit():
        abort(400, description=_first_error(form))
    cart = service.current_cart(create=True)
    try:
        service.add_line(cart, form.product.data, form.sku.data, form.configuration_id.data,
                         form.preview_url.data, form.quantity.data, design_summary=form.design_summary.data)
    except service.CartError as error:
        abort(400, description=str(error))
    flash(_("Added to your cart."), "success")
    return redirect(url_for(".show"), 303)


@bp.post("/lines/<int:line_id>/quantity")
def update_quantity(line_id: int):
    line = service.find_line(service.current_cart(), line_id) or abort(404)
    form = QuantityForm()
    if not form.validate_on_submit():
        abort(400, description=_first_error(form))
    service.set_quantity(line, form.quantity.data)
    flash(_("Cart updated."), "success")
    return redirect(url_for(".show"), 303)


@bp.post("/lines/<int:line_id>/remove")
def remove(line_id: int):
    line = service.find_line(service.current_cart(), line_id) or abort(404)
    if not RemoveLineForm().validate_on_submit():
        abort(400)
    service.remove_line(line)
    flash(_("Removed from your cart."), "success")
    return redirect(url_for(".show"), 303)


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = getattr(form, field).label.text if hasattr(form, field) else field
        return f"{label}: {errors[0]}"
    return _("The form is not valid.")
