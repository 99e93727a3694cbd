"""The order list and an order's page."""

from __future__ import annotations

from flask import abort, render_template, request

from ..orders.detail import order_detail
from ..orders.listing import find_orders
from ..orders.states import Status, merchant_label
from .forms import ActionForm, AddressesForm, CancelForm, ResolveForm
from .routes import bp


@bp.get("/")
def orders():
    page = find_orders(status=request.args.get("status", ""), search=request.args.get("q", ""),
                       page=request.args.get("page", 1, type=int) or 1)
    return render_template("admin/orders.html", page=page, statuses=list(Status), merchant_label=merchant_label)


@bp.get("/orders/<identifier>")
def order(identifier: str):
    detail = order_detail(identifier) or abort(404)
    addresses = AddressesForm(data={"billing": detail.order.billing_address,
                                    "delivery": detail.order.delivery_address})
    return render_template("admin/order.html", detail=detail, order=detail.order, merchant_label=merchant_label,
                           action_form=ActionForm(), resolve_form=ResolveForm(), cancel_form=CancelForm(),
                           addresses_form=addresses)
