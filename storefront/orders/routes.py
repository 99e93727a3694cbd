"""The customer's order status page, at a stable link only the customer has, and the JSON its script polls."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _

from ..models import Order
from .links import token_matches
from .lookup import find_order
from .progress import progress_of

bp = Blueprint("orders", __name__, url_prefix="/orders")

# How often an open status page asks for news (static/js/order-status.js).
POLL_SECONDS = 5


@bp.get("/<identifier>/<token>")
def status(identifier: str, token: str):
    order = _order(identifier, token)
    return render_template("orders/status.html", order=order, progress=progress_of(order), poll_seconds=POLL_SECONDS)


@bp.get("/<identifier>/<token>/status.json")
def status_json(identifier: str, token: str):
    """The order's progress for the page's script: one indexed read, no writes, a 304 when nothing changed."""
    response = jsonify(asdict(progress_of(_order(identifier, token))))
    # Every poll revalidates; the ETag turns an unchanged answer into an empty 304.
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def _order(identifier: str, token: str) -> Order:
    """The order the signed link names, or a 404 (the token is checked before the database is asked)."""
    order = find_order(identifier, with_lines=True) if token_matches(identifier, token) else None
    if order is None:
        abort(404, description=_("We could not find that order. Check the link in your e-mail."))
    return order
