"""The Twikit webhooks (spec, "Webhooks"), under /webhooks/twikit/<TWIKIT_WEBHOOK_TOKEN>/.

Twikit lets the merchant configure only a URL, so the URL itself carries the
secret: a wrong token is a 404, compared in constant time. Each route checks
that the body is JSON of the spec's shape, hands it to one domain function,
and logs the delivery with its raw body and our answer. A repeated delivery
(Twikit retries once after 5 minutes) gets the same answer and has no second
effect, because every effect is a state-machine transition or checks what
is already stored.

What each route answers:

=========================  ======  =============================================
payment-verification       200     ``{"success": true|false, "error": ""}``
production-completion      200     ``{"error": ""}``: recorded, or nothing to change
order-completion           200     ``{"error": ""}``: shipped, or already shipped
website-publication        200     ``{"error": ""}``: script current, drafts created
any route, malformed body  400     ``{"error": "<what is wrong>"}`` (+ ``success: false``)
completion, unknown order  404     ``{"error": "no order with identifier ..."}``
completion, never sent     409     ``{"error": "order ... was never submitted ..."}``
publication, URL refused   400     ``{"error": "<why>"}``; nothing changes
database trouble           503     ``{"error": "..."}`` (+ ``success: false``)
=========================  ======  =============================================

What Twikit does with a faulty answer (an ``error`` filled in, or a status
other than 200) depends on the webhook, as the spec's "action" rows say:

- payment verification: no retry. The order is created "unhealthy" (result
  code 2), does not start, and Twikit contacts the merchant; the worker that
  is waiting for the create-order answer records it as needing attention.
- production and order completion: Twikit "will retry once after 5 minutes".
  An unknown identifier is therefore answered with an error (and the status
  that names it, 404): if it is only a race with our own records, the retry
  sees the order; if not, the report is lost after the retry, and our
  webhook log is where someone finds it.
- website publication: no retry; Twikit "will trigger an internal alarm and
  contact you".
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import csrf, db
from ..models import Order, WebhookDelivery
from ..orders import reports
from ..orders.lookup import find_order
from ..orders.states import TransitionLost
from ..orders.verification import why_not_verified
from .publication import PublicationRefused, publish
from .shapes import (
    ShapeError,
    check_order_completion,
    check_payment_verification,
    check_production_completion,
    check_text,
    check_website_publication,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

bp = Blueprint("twikit_webhooks", __name__, url_prefix="/webhooks/twikit/<token>")
csrf.exempt(bp)  # Twikit cannot send our CSRF token; the secret token in the URL authenticates it


@bp.url_value_preprocessor
def check_token(_endpoint, values: dict[str, Any]) -> None:
    token = values.pop("token", "").encode()
    # One token, or two ("new,old") while the merchant moves Twikit's publisher to the new URLs.
    # Each is compared in full, so the time taken tells nothing about either.
    tokens = current_app.config["TWIKIT_WEBHOOK_TOKENS"]
    matches = [hmac.compare_digest(token, expected.encode()) for expected in tokens]
    if not any(matches):
        abort(404)


class Answer:
    """What a route answers, and how the delivery log records it."""

    def __init__(self, body: dict[str, Any], status: int = 200, outcome: str = "accepted", reason: str = "",
                 identifier: str | None = None):
        self.body, self.status, self.outcome, self.reason, self.identifier = body, status, outcome, reason, identifier


def _handle(route: str, handler: Callable[[Any], Answer], invalid_body: Callable[[str], dict]):
    """Parse, validate, run and log one delivery. Handlers raise ShapeError for a malformed body."""
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        answer = Answer(invalid_body(f"the body is larger than {MAX_BODY_BYTES} bytes"), 400, "invalid")
    else:
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested deeper than Python recurses
            answer = Answer(invalid_body("the body is not valid JSON"), 400, "invalid")
        else:
            answer = _run(route, handler, body, invalid_body)
    _log_delivery(route, raw, answer)
    return jsonify(answer.body), answer.status


def _run(route: str, handler: Callable[[Any], Answer], body: Any, invalid_body: Callable[[str], dict]) -> Answer:
    try:
        check_text(body)
        return handler(body)
    except ShapeError as error:
        return Answer(invalid_body(str(error)), 400, "invalid")
    except (SQLAlchemyError, TransitionLost):
        # Our fault or a busy moment, not Twikit's. A completion report is retried once, 5 minutes
        # later; a faulty payment verification makes the order "unhealthy" (no retry: see above).
        db.session.rollback()
        log.exception("twikit webhook %s: could not apply the delivery", route)
        return Answer(invalid_body("the shop could not process this right now"), 503, "failed")


def _log_delivery(route: str, raw: bytes, answer: Answer) -> None:
    try:
        db.session.add(WebhookDelivery(
            # NUL cannot be stored in PostgreSQL text; the log keeps everything else as received.
            route=route, raw_body=raw[:MAX_BODY_BYTES].decode("utf-8", "replace").replace("\x00", "\ufffd"),
            order_identifier=answer.identifier,
            http_status=answer.status, outcome=answer.outcome, reason=answer.reason, answer=answer.body))
        db.session.commit()
    except SQLAlchemyError:  # the answer matters more than its log line
        db.session.rollback()
        log.exception("twikit webhook %s: delivery not logged", route)
    log.info("twikit webhook %s %s: %s %s", route, answer.identifier or "-", answer.outcome, answer.reason)


def _error_body(error: str) -> dict[str, str]:
    return {"error": error}


def _apply_report(identifier: str, apply: Callable[[Order], str]) -> Answer:
    """Run a completion report against its order, and turn the outcome into Twikit's answer."""
    order = find_order(identifier)
    if order is None:
        error = f"no order with identifier {identifier}"
        return Answer({"error": error}, 404, "refused", error, identifier)
    try:
        outcome = apply(order)
    except reports.ReportRefused as refusal:
        return Answer({"error": str(refusal)}, 409, "refused", str(refusal), identifier)
    return Answer({"error": ""}, reason=outcome, identifier=identifier)


# --- payment verification (spec step 13) ----------------------------------------------

@bp.post("/payment-verification")
def payment_verification():
    """Is this a real, paid order of ours with exactly these configurations? Answer from our database."""
    return _handle("payment-verification", _verify_payment, lambda error: {"success": False, "error": error})


def _verify_payment(body: Any) -> Answer:
    request_data = check_payment_verification(body)
    identifier = request_data["identifier"]
    reason = why_not_verified(find_order(identifier), request_data["configurationIds"])
    # "success: false" means an invalid order, which Twikit ignores; "error" is only for our own faults.
    if reason:
        return Answer({"success": False, "error": ""}, outcome="refused", reason=reason, identifier=identifier)
    return Answer({"success": True, "error": ""}, identifier=identifier, reason="paid, configurations match")


# --- production completion (spec step 17) -----------------------------------------------

@bp.post("/production-completion")
def production_completion():
    """The producer made the order (or could not): record the result and the producer's url."""
    return _handle("production-completion", _production_completed, _error_body)


def _production_completed(body: Any) -> Answer:
    report = check_production_completion(body)
    return _apply_report(report["identifier"], lambda order: reports.record_production(
        order, success=report["success"], url=report["url"], error=report["error"]))


# --- order completion (spec step 18) ------------------------------------------------------

@bp.post("/order-completion")
def order_completion():
    """The parcel left the producer: mark the order shipped and tell the customer."""
    return _handle("order-completion", _order_completed, _error_body)


def _order_completed(body: Any) -> Answer:
    report = check_order_completion(body)
    return _apply_report(report["identifier"], lambda order: reports.record_shipment(
        order, tracking_url=report["trackingUrl"], tracking_id=report["trackingId"],
        line_items=report["lineItems"]))


# --- website publication (product creation flow, step 4) ---------------------------------

@bp.post("/website-publication")
def website_publication():
    """Twikit published a new plugin script: load it from now on, and draft products we lack."""
    return _handle("website-publication", _published, _error_body)


def _published(body: Any) -> Answer:
    publication = check_website_publication(body)
    try:
        outcome = publish(publication["scriptUrl"], [product["key"] for product in publication["products"]])
    except PublicationRefused as refusal:
        return Answer({"error": str(refusal)}, 400, "refused", str(refusal))
    return Answer({"error": ""}, reason=outcome)
