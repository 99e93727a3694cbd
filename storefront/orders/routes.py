"""The customer's order status page, at a stable link only the customer has."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from .links import token_matches
from .lookup import find_order
from .progress import progress_steps
from .states import LABELS, Status

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.get("/<identifier>/<token>")
def status(identifier: str, token: str):
    order = find_order(identifier) if token_matches(identifier, token) else None
    if order is None:
        abort(404, description="We could not find that order. Check the link in your e-mail.")
    return render_template("orders/status.html", order=order, label=LABELS[Status(order.status)],
                           Status=Status, steps=progress_steps(order))
