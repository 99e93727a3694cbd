"""The Stripe webhook endpoint: verify the raw bytes first, then hand over to fulfilment."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from ..extensions import csrf
from . import stripe_checkout
from .fulfilment import handle_event

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)


@bp.post("/webhooks/stripe")
@csrf.exempt  # Stripe cannot send our CSRF token; the signature authenticates it instead
def stripe_webhook():
    payload = request.get_data(cache=False)  # the raw bytes: parsing first could change what was signed
    try:
        event = stripe_checkout.verify_webhook(payload, request.headers.get("Stripe-Signature"))
    except stripe_checkout.SignatureVerificationError as error:
        log.warning("Stripe webhook refused: %s", error.user_message or error)
        return jsonify(error="invalid Stripe-Signature"), 400
    except ValueError:
        return jsonify(error="the body is not a JSON event"), 400
    try:
        outcome, duplicate = handle_event(event)
    except stripe_checkout.StripeError as error:
        # We could not ask Stripe about the session: answer non-2xx so that Stripe retries later.
        log.warning("Stripe event %s not handled yet: %s", event.id, error)
        return jsonify(error="Stripe could not be reached; please retry"), 503
    return jsonify(received=True, duplicate=duplicate, outcome=outcome)
