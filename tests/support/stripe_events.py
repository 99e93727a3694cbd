"""Stripe events made and signed by the tests themselves, exactly as Stripe signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import requests


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header: t=<unix time>,v1=<HMAC-SHA256 of "t.payload" keyed with the secret>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event(event_type: str, session: dict, event_id: str | None = None) -> bytes:
    """A Stripe Event object around a Checkout Session, as JSON bytes."""
    return json.dumps({
        "id": event_id or f"evt_test_{secrets.token_hex(8)}", "object": "event", "type": event_type,
        "api_version": "2024-06-20", "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None}, "data": {"object": session},
    }).encode()


def fetch_session(stripe_url: str, session_id: str) -> dict:
    """The session as the Stripe sandbox has it now."""
    response = requests.get(f"{stripe_url}/v1/checkout/sessions/{session_id}",
                            headers={"Authorization": "Bearer sk_test_sandbox"}, timeout=10)
    response.raise_for_status()
    return response.json()


def pay(session_url: str, card: str = "4242 4242 4242 4242") -> requests.Response:
    """Pay on the sandbox's hosted page over HTTP, as the customer's browser would post the form."""
    return requests.post(session_url, data={"email": "ada@example.com", "card_number": card, "expiry": "12/34",
                                            "cvc": "123", "cardholder_name": "Ada Lovelace"},
                         allow_redirects=False, timeout=10)


def paid_session(stripe_url: str, client_reference_id: str, amount: int = 4900) -> dict:
    """A Checkout Session for one line of ``amount`` cents, paid with 4242 on the sandbox's hosted page."""
    response = requests.post(f"{stripe_url}/v1/checkout/sessions", headers={"Authorization": "Bearer sk_test_sandbox"},
                             data={"mode": "payment", "success_url": "http://127.0.0.1:9/success",
                                   "client_reference_id": client_reference_id,
                                   "line_items[0][quantity]": "1",
                                   "line_items[0][price_data][currency]": "eur",
                                   "line_items[0][price_data][unit_amount]": str(amount),
                                   "line_items[0][price_data][product_data][name]": "Pendant"}, timeout=10)
    response.raise_for_status()
    pay(response.json()["url"])
    return fetch_session(stripe_url, response.json()["id"])


def events_about(stripe_url: str, event_type: str, object_field: str, value: str) -> list[dict]:
    """The sandbox's events of one type whose object's ``object_field`` is ``value``, newest first."""
    response = requests.get(f"{stripe_url}/v1/events", params={"type": event_type, "limit": 100},
                            headers={"Authorization": "Bearer sk_test_sandbox"}, timeout=10)
    response.raise_for_status()
    return [e for e in response.json()["data"] if e["data"]["object"].get(object_field) == value]
