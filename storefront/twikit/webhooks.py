"""The Twikit webhooks (spec, "Webhooks"), under /webhooks/twikit/<TWIKIT_WEBHOOK_TOKEN>/.

Twikit lets the merchant configure only a URL, so the URL itself carries the
secret: a wrong token is a 404, compared in constant time. Each route checks
that the body is JSON of the spec's shape, answers from our database alone,
and logs the delivery with its raw body and our answer. A repeated delivery
(Twikit retries once after 5 minutes) gets the same answer and has no second
effect, because every effect is a state-machine transition.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections import Counter
from typing import Any, Callable

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import csrf, db
from ..models import Order, WebhookDelivery
from ..orders.states import Status
from .payload import twikit_lines
from .shapes import ShapeError, check_payment_verification

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

bp = Blueprint("twikit_webhooks", __name__, url_prefix="/webhooks/twikit/<token>")
csrf.exempt(bp)  # Twikit cannot send our CSRF token; the secret token in the URL authenticates it


@bp.url_value_preprocessor
def check_token(_endpoint, values: dict[str, Any]) -> None:
    token = values.pop("token", "")
    expected = current_app.config["TWIKIT_WEBHOOK_TOKEN"] or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
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
            answer = handler(json.loads(raw))
        except (ValueError, UnicodeDecodeError) as error:
            message = str(error) if isinstance(error, ShapeError) else "the body is not valid JSON"
            answer = Answer(invalid_body(message), 400, "invalid")
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("twikit webhook %s: database error", route)
            answer = Answer(invalid_body("the shop could not check this right now"), 503, "failed")
    _log_delivery(route, raw, answer)
    return jsonify(answer.body), answer.status


def _log_delivery(route: str, raw: bytes, answer: Answer) -> None:
    try:
        db.session.add(WebhookDelivery(
            route=route, raw_body=raw[:MAX_BODY_BYTES].decode("utf-8", "replace"), order_identifier=answer.identifier,
            http_status=answer.status, outcome=answer.outcome, reason=answer.reason, answer=answer.body))
        db.session.commit()
    except SQLAlchemyError:  # the answer matters more than its log line
        db.session.rollback()
        log.exception("twikit webhook %s: delivery not logged", route)
    log.info("twikit webhook %s %s: %s %s", route, answer.identifier or "-", answer.outcome, answer.reason)


# --- payment verification (spec step 13) ----------------------------------------------

@bp.post("/payment-verification")
def payment_verification():
    """Is this a real, paid order of ours with exactly these configurations? Answer from our database."""
    return _handle("payment-verification", _verify_payment, lambda error: {"success": False, "error": error})


def _verify_payment(body: Any) -> Answer:
    request_data = check_payment_verification(body)
    identifier = request_data["identifier"]
    order = db.session.scalar(select(Order).where(Order.identifier == identifier))
    reason = _why_not_valid(order, request_data["configurationIds"])
    # "success: false" means an invalid order, which Twikit ignores; "error" is only for our own faults.
    if reason:
        return Answer({"success": False, "error": ""}, outcome="refused", reason=reason, identifier=identifier)
    return Answer({"success": True, "error": ""}, identifier=identifier, reason="paid, configurations match")


def _why_not_valid(order: Order | None, configuration_ids: list[int]) -> str:
    if order is None:
        return "no such order"
    if order.paid_at is None:
        return f"the order is not paid (status {order.status})"
    if order.status == Status.CANCELLED:
        return "the order was cancelled"
    ours = Counter(line.configuration_id for line in twikit_lines(order))
    theirs = Counter(configuration_ids)
    if ours != theirs:
        return (f"configuration IDs differ: missing {sorted((ours - theirs).elements())}, "
                f"unexpected {sorted((theirs - ours).elements())}")
    return ""
