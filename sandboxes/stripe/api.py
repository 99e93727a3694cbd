"""The JSON API under ``/v1``, shaped like Stripe's for stripe-python.

Requests arrive form-encoded (``line_items[0][quantity]=2``); responses are
Stripe objects as JSON. Errors use Stripe's error shape so the SDK raises
its usual exceptions.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, request

from . import events, idempotency, refunds, sessions, shipping, state
from .db import get_db, transaction
from .errors import StripeError, invalid, not_found, render
from .ids import new_id
from .params import decode
from .validation import validate_create

bp = Blueprint("api", __name__, url_prefix="/v1")
bp.register_error_handler(StripeError, render)


# --- Authentication -------------------------------------------------------

@bp.before_request
def authenticate() -> None:
    """Accept ``Authorization: Bearer sk_test_...`` (or curl's ``-u sk_test_...:``)."""
    g.request_id = new_id("req", 14)
    key = _api_key_from_header(request.headers.get("Authorization", ""))
    if not key:
        raise StripeError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').", status=401)
    if not _accepted(key):
        raise StripeError(f"Invalid API Key provided: {key[:8]}****{key[-4:]}", status=401)
    g.api_key = key


def _accepted(key: str) -> bool:
    """The configured ``API_KEYS`` if any; otherwise any test-mode secret key."""
    allowed = state.current().settings.api_keys
    if allowed is not None:
        return key in allowed
    return key.startswith("sk_test_") and len(key) > len("sk_test_")


def _api_key_from_header(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value).decode().partition(":")[0]
        except ValueError:
            return None
        return user or None
    return None


@bp.after_request
def add_request_id(response: Response) -> Response:
    response.headers["Request-Id"] = g.get("request_id", "")
    return response


# --- Checkout Sessions ----------------------------------------------------

@bp.post("/checkout/sessions")
def create_session() -> Response:
    def work(conn, params):
        now = int(time.time())
        spec = validate_create(params, now)
        settings = state.current().settings
        session = sessions.create(
            conn, spec, now=now,
            pay_url_base=settings.public_url or request.host_url.rstrip("/"),
            api_version=request.headers.get("Stripe-Version") or settings.api_version,
        )
        return _expand(conn, session, params)
    return _idempotent_post(work)


@bp.get("/checkout/sessions")
def list_sessions() -> Response:
    limit = _limit(request.args.get("limit"))
    found = sessions.recent(get_db(), limit + 1)
    return _json(_list(found[:limit], len(found) > limit, "/v1/checkout/sessions"))


@bp.get("/checkout/sessions/<session_id>")
def retrieve_session(session_id: str) -> Response:
    conn = get_db()
    return _json(_expand(conn, _session_or_404(conn, session_id), _params()))


@bp.get("/checkout/sessions/<session_id>/line_items")
def list_line_items(session_id: str) -> Response:
    conn = get_db()
    _session_or_404(conn, session_id)
    return _json(_line_items_list(conn, session_id, _limit(request.args.get("limit"))))


@bp.post("/checkout/sessions/<session_id>/expire")
def expire_session(session_id: str) -> Response:
    def work(conn, params):
        session = _session_or_404(conn, session_id)
        if session["status"] != "open":
            raise StripeError(
                "Only Checkout Sessions with a status of `open` can be expired; "
                f"this session's status is `{session['status']}`.")
        return sessions.expire(
            conn, state.current().settings, session, now=time.time(),
            request_id=g.request_id,
            idempotency_key=request.headers.get("Idempotency-Key"))
    return _idempotent_post(work)


# --- Shipping rates (created with a session's shipping_options) -----------

@bp.get("/shipping_rates/<rate_id>")
def retrieve_shipping_rate(rate_id: str) -> Response:
    rate = shipping.get_rate(get_db(), rate_id)
    if rate is None:
        raise not_found("shipping_rate", rate_id)
    return _json(rate)


# --- Refunds --------------------------------------------------------------

@bp.post("/refunds")
def create_refund() -> Response:
    def work(conn, params):
        return refunds.create(conn, state.current().settings, params, request_id=g.request_id,
                              idempotency_key=request.headers.get("Idempotency-Key"))
    return _idempotent_post(work)


@bp.get("/refunds/<refund_id>")
def retrieve_refund(refund_id: str) -> Response:
    return _json(refunds.get(get_db(), refund_id))


# --- Events ---------------------------------------------------------------

@bp.get("/events/<event_id>")
def retrieve_event(event_id: str) -> Response:
    event = events.get(get_db(), event_id)
    if event is None:
        raise not_found("event", event_id)
    return _json(event)


@bp.get("/events")
def list_events() -> Response:
    found, has_more = events.page(
        get_db(), limit=_limit(request.args.get("limit")),
        starting_after=request.args.get("starting_after"),
        event_type=request.args.get("type"))
    return _json(_list(found, has_more, "/v1/events"))


# --- Helpers --------------------------------------------------------------

def _idempotent_post(work: Callable[[Any, dict], dict]) -> Response:
    """Run ``work(conn, params)`` in one write transaction, honouring
    ``Idempotency-Key``: a replay returns the stored response untouched."""
    conn, params, now = get_db(), _params(), int(time.time())
    key = request.headers.get("Idempotency-Key")
    fingerprint = idempotency.fingerprint_of(request.method, request.path, params)
    with transaction(conn):
        if key:
            stored = idempotency.lookup(conn, g.api_key, key, fingerprint, now)
            if stored:
                response = Response(stored.body, stored.status, mimetype="application/json")
                response.headers["Idempotent-Replayed"] = "true"
                return response
        body = json.dumps(work(conn, params), indent=2)
        if key:
            idempotency.remember(conn, g.api_key, key, fingerprint,
                                 idempotency.Stored(200, body), now)
    state.current().worker.wake()  # deliver any event the work recorded
    return Response(body, 200, mimetype="application/json")


def _params() -> dict[str, Any]:
    """The request's parameters, decoded from the form body or the query."""
    pairs = request.form if request.method == "POST" else request.args
    return decode(pairs.items(multi=True))


def _expand(conn, session: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Apply ``expand[]``: ``line_items`` and ``shipping_cost.shipping_rate`` can be expanded here."""
    for field in params.get("expand") or []:
        if field == "line_items":
            session = {**session, "line_items": _line_items_list(conn, session["id"], 100)}
        elif field == "shipping_cost.shipping_rate":
            session = shipping.expand_shipping_cost(conn, session)
        else:
            raise invalid("expand", f"This property cannot be expanded in the sandbox ({field}).")
    return session


def _line_items_list(conn, session_id: str, limit: int) -> dict[str, Any]:
    items = [entry["item"] for entry in sessions.line_items(conn, session_id)]
    return _list(items[:limit], len(items) > limit,
                 f"/v1/checkout/sessions/{session_id}/line_items")


def _session_or_404(conn, session_id: str) -> dict[str, Any]:
    session = sessions.get(conn, session_id)
    if session is None:
        raise not_found("checkout.session", session_id)
    return session


def _limit(value: str | None) -> int:
    if value is None:
        return 10
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise invalid("limit", "This value must be between 1 and 100.")
    return int(value)


def _list(data: list, has_more: bool, url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def _json(obj: Any, status: int = 200) -> Response:
    return Response(json.dumps(obj, indent=2), status, mimetype="application/json")


def unrecognized_url(error: Exception) -> Response:
    """App-level 404/405 handler body for ``/v1/...`` paths, in Stripe's words."""
    return _json(StripeError(
        f"Unrecognized request URL ({request.method}: {request.path}). "
        "This sandbox implements Checkout Sessions, Refunds and Events only.").to_dict(), 404)
