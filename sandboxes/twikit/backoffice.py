"""The producer's back-office: received orders, production files, and the webhook delivery log.

    GET  /orders                                  orders received, newest first
    GET  /orders/<identifier>                     one order: items, previews, production files, the two forms
    POST /orders/<identifier>                     a form: action=production-completion or order-completion
    GET  /production-files/<configuration_id>.zip?amount=N    the export ZIP (configuration.json + STL)
    GET  /deliveries                              every webhook attempt, newest first
    GET  /api/sandbox/deliveries                  the same as JSON: {"deliveries": [...]} (?event=, ?order=, ?limit=)
    POST /api/sandbox/producer/production-completion   {identifier, success, url, error}, as the form
    POST /api/sandbox/producer/order-completion        {identifier, trackingUrl, trackingId}, as the form

Forms post, then redirect back (303), so a reload never sends a webhook twice.
The JSON producer routes let tests and the demo act without a browser.
"""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from . import configurations, export, orders, outbound, producer, settings
from .payloads import MAX_AMOUNT, ExportRequest

bp = Blueprint("backoffice", __name__)

MAX_LIMIT = 500
ACTIONS = {
    outbound.PRODUCTION_COMPLETION: (producer.production_report, producer.complete_production),
    outbound.ORDER_COMPLETION: (producer.shipping_report, producer.complete_order),
}


@bp.get("/orders")
def order_list():
    received = [_with_details(order) for order in orders.latest(_limit(100))]
    return render_template("orders.html", orders=received)


@bp.route("/orders/<path:identifier>", methods=["GET", "POST"])
def order_page(identifier: str):
    order = orders.get(identifier)
    if order is None:
        abort(404, f"No order with identifier {identifier!r}.")
    if request.method == "POST":
        try:
            delivery = _act(order, request.form.get("action"), request.form)
        except producer.InvalidAction as invalid:
            return _render_order(order, error=str(invalid), form=request.form), 400
        return redirect(url_for(".order_page", identifier=identifier, delivery=delivery["deliveryId"]), 303)
    delivery = outbound.get(request.args.get("delivery", 0, type=int))
    if delivery is not None and delivery["orderIdentifier"] != identifier:
        delivery = None  # a hand-edited URL: show only this order's outcomes
    return _render_order(order, delivery=delivery)


def _act(order: dict, action: object, fields) -> dict:
    """Check what the producer entered and send the action's webhook; return the delivery."""
    if action not in ACTIONS:
        raise producer.InvalidAction(f"Unknown action {action!r}: use production-completion or order-completion.")
    check, act = ACTIONS[action]
    return act(order, check(fields))


def _render_order(order: dict, delivery: dict | None = None, error: str | None = None, form=None) -> str:
    urls = {event: settings.get(outbound.URL_SETTINGS[event]) for event in ACTIONS}
    return render_template("order.html", order=_with_details(order), delivery=delivery, error=error,
                           form=form or {}, urls=urls,
                           deliveries=outbound.latest(50, order_identifier=order["identifier"]))


def _with_details(order: dict) -> dict:
    """``order`` plus, per item, its saved configuration and links; plus the producer's state."""
    for item in order["items"]:
        configuration_id = item["configurationId"]
        item["configuration"] = configurations.get(configuration_id)
        item["previewUrl"] = url_for("plugin.preview", configuration_id=configuration_id)
        item["productionFileUrl"] = url_for(".production_file", configuration_id=configuration_id,
                                            amount=item["amount"])
    order["producer"] = producer.state(order["identifier"])
    return order


@bp.get("/production-files/<int:configuration_id>.zip")
def production_file(configuration_id: int):
    """The production files for one configuration and amount, built exactly as the export API builds them.

    No hash and no internal order: this is the producer's own download of an order Twikit already has.
    """
    # Not request.args.get(type=int): that would quietly turn "amount=many" into the default.
    amount = request.args.get("amount", "1")
    if not amount.isdecimal() or not 1 <= int(amount) <= MAX_AMOUNT:
        abort(400, f"amount must be a whole number from 1 to {MAX_AMOUNT}.")
    amount = int(amount)
    configuration = configurations.get(configuration_id)
    if configuration is None:
        abort(404, f"No configuration {configuration_id}.")
    name = f"{configuration['productKey']}-{configuration_id}"
    archive, _ = export.build_archive(configuration, ExportRequest(configuration_id, amount), f"{name}.stl")
    response = Response(archive, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


@bp.get("/deliveries")
def delivery_log():
    return render_template("deliveries.html", deliveries=outbound.latest(_limit(200)))


@bp.get("/api/sandbox/deliveries")
def delivery_log_json():
    event = request.args.get("event")
    if event is not None and event not in outbound.EVENTS:
        return jsonify(error=f"event must be one of {', '.join(outbound.EVENTS)}"), 400
    return jsonify(deliveries=outbound.latest(_limit(50), event=event, order_identifier=request.args.get("order")))


@bp.post("/api/sandbox/producer/<any('production-completion', 'order-completion'):action>")
def producer_api(action: str):
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("identifier"), str):
        return jsonify(error='send a JSON object with the order\'s "identifier"'), 400
    order = orders.get(body["identifier"])
    if order is None:
        return jsonify(error=f"no order with identifier {body['identifier']!r}"), 404
    try:
        delivery = _act(order, action, body)
    except producer.InvalidAction as invalid:
        return jsonify(error=str(invalid)), 400
    return jsonify(delivery=delivery, producer=producer.state(order["identifier"]))


def _limit(default: int) -> int:
    return max(1, min(request.args.get("limit", default, type=int), MAX_LIMIT))
