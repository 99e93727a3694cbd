"""The sandbox's own JSON API (not part of Twikit's): what it received, and its settings.

    GET /api/sandbox/orders                    received orders, newest first
    GET /api/sandbox/orders/<identifier>       one order, with every verification call for its identifier
    GET /api/sandbox/verification-calls        every payment-verification call, newest first
    GET /api/sandbox/exports                   production-file exports (internal orders), newest first
    GET /api/sandbox/settings                  the site configuration
    PUT /api/sandbox/settings                  change some settings: {"NAME": value, ...}

Tests and the back-office read these; the shop never does.
"""

from flask import Blueprint, jsonify, request

from . import orders, settings

bp = Blueprint("sandbox_api", __name__, url_prefix="/api/sandbox")

MAX_LIMIT = 500


def _limit() -> int:
    return max(1, min(request.args.get("limit", 50, type=int), MAX_LIMIT))


@bp.get("/orders")
def list_orders():
    return jsonify(orders=orders.latest(_limit()))


@bp.get("/orders/<path:identifier>")
def order_detail(identifier: str):
    order = orders.get(identifier)
    if order is None:
        return jsonify(error=f"no order with identifier {identifier!r}",
                       verificationCalls=orders.calls(identifier)), 404
    order["verificationCalls"] = orders.calls(identifier)
    return jsonify(order)


@bp.get("/verification-calls")
def list_verification_calls():
    return jsonify(calls=orders.calls(limit=_limit()))


@bp.get("/exports")
def list_exports():
    return jsonify(exports=orders.latest_internal_orders(_limit()))


@bp.get("/settings")
def read_settings():
    return jsonify(settings.get_all())


@bp.put("/settings")
def change_settings():
    """Change the named settings together: all are checked before any is stored."""
    changes = request.get_json(force=True, silent=True)
    if not isinstance(changes, dict) or not changes:
        return jsonify(error='send a JSON object such as {"PAYMENT_VERIFICATION_URL": "http://..."}'), 400
    try:
        settings.put_many(changes)
    except settings.InvalidSetting as error:
        return jsonify(error=str(error)), 400
    return jsonify(settings.get_all())
