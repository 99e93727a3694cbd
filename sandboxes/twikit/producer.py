"""The producer's actions on an order, and the webhooks they send (spec steps 16 and 17).

    Mark production complete  -> production-completion {identifier, url, success, error}
    Mark ready / shipped      -> order-completion {identifier, trackingUrl, trackingId,
                                 lineItems: [{identifier, configurationId, previewUrl, productKey, amount}]}

A field the producer left empty (the production url or error, the tracking
URL or number) is sent as ``null``: the spec types them ``string``, but a real
Twikit may well serialise an unset string that way, and a shop must cope.

Each action is kept in ``producer_actions`` with the delivery it started; the
latest one of each kind is the order's production or shipping state.
Actions may be repeated (a failed production can later succeed): the
sandbox lets the producer do what a real one might, so the shop can be
tested against it.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import url_for

from . import configurations, outbound
from .db import get_db
from .urls import public_url

MAX_URL = 2000
MAX_TEXT = 1000


class InvalidAction(ValueError):
    """What the producer entered cannot be sent; the message says why."""


def production_report(fields: Mapping) -> dict:
    """The checked ``{url, success, error}`` of a form or JSON body; raise InvalidAction."""
    success = fields.get("success")
    # A form says "yes"/"no", a JSON body true/false (and 1 is not true here).
    if success is True or success == "yes":
        success = True
    elif success is False or success == "no":
        success = False
    else:
        raise InvalidAction("Say whether production succeeded: success must be yes or no.")
    url = _text(fields, "url", MAX_URL)
    error = _text(fields, "error", MAX_TEXT)
    if not success and not error:
        raise InvalidAction("A failed production needs an error text: say what went wrong.")
    if success and error:
        raise InvalidAction("Leave the error text empty when production succeeded.")
    return {"url": url, "success": success, "error": error}


def shipping_report(fields: Mapping) -> dict:
    """The checked ``{trackingUrl, trackingId}`` of a form or JSON body; raise InvalidAction."""
    return {"trackingUrl": _text(fields, "trackingUrl", MAX_URL), "trackingId": _text(fields, "trackingId", MAX_TEXT)}


def complete_production(order: dict, report: dict) -> dict:
    """Send production-completion for ``order``, record the action; return the delivery."""
    body = {"identifier": order["identifier"], "url": report["url"] or None, "success": report["success"],
            "error": report["error"] or None}
    delivery = outbound.send(outbound.PRODUCTION_COMPLETION, body, order["identifier"])
    _record(order["identifier"], outbound.PRODUCTION_COMPLETION, report, delivery)
    return delivery


def complete_order(order: dict, report: dict) -> dict:
    """Send order-completion for ``order`` with every item, record the action; return the delivery."""
    body = {"identifier": order["identifier"], "trackingUrl": report["trackingUrl"] or None,
            "trackingId": report["trackingId"] or None, "lineItems": [line_item(item) for item in order["items"]]}
    delivery = outbound.send(outbound.ORDER_COMPLETION, body, order["identifier"])
    _record(order["identifier"], outbound.ORDER_COMPLETION, report, delivery)
    return delivery


def line_item(item: dict) -> dict:
    """An ILineItem: the order item, with the saved configuration's product key and preview."""
    configuration_id = item["configurationId"]
    # Create Order refuses unknown configurations and nothing deletes them, so this is never None.
    configuration = configurations.get(configuration_id)
    return {
        "identifier": item["identifier"],
        "configurationId": configuration_id,
        "previewUrl": public_url(url_for("plugin.preview", configuration_id=configuration_id)),
        "productKey": configuration["productKey"],
        "amount": item["amount"],
    }


def actions(order_identifier: str) -> list[dict]:
    """The producer's actions on one order, oldest first, each with the status of its webhook.

    That is the status of the retry once there is one: the first attempt's is history then.
    """
    rows = get_db().execute(
        """SELECT producer_actions.*, COALESCE(retries.status, firsts.status) AS delivery_status
           FROM producer_actions
           JOIN webhook_deliveries AS firsts USING (delivery_id)
           LEFT JOIN webhook_deliveries AS retries ON retries.retry_of = firsts.delivery_id
           WHERE producer_actions.order_identifier = ? ORDER BY action_id""",
        (order_identifier,)).fetchall()
    return [{"action": row["action"], "details": json.loads(row["details_json"]), "deliveryId": row["delivery_id"],
             "deliveryStatus": row["delivery_status"], "createdAt": row["created_at"]} for row in rows]


def state(order_identifier: str) -> dict:
    """The order's latest production report and latest shipping report (None when there is none)."""
    latest = {outbound.PRODUCTION_COMPLETION: None, outbound.ORDER_COMPLETION: None}
    for action in actions(order_identifier):
        latest[action["action"]] = action
    return {"production": latest[outbound.PRODUCTION_COMPLETION], "shipping": latest[outbound.ORDER_COMPLETION]}


def _record(order_identifier: str, action: str, details: dict, delivery: dict) -> None:
    db = get_db()
    db.execute(
        """INSERT INTO producer_actions (order_identifier, action, details_json, delivery_id, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        (order_identifier, action, json.dumps(details), delivery["deliveryId"],
         datetime.now(UTC).isoformat(timespec="milliseconds")))
    db.commit()


def _text(fields: Mapping, key: str, limit: int) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidAction(f"{key} must be text.")
    value = value.strip()
    if len(value) > limit:
        raise InvalidAction(f"{key} is longer than {limit} characters.")
    return value
