"""Refunds: ``POST /v1/refunds`` and ``GET /v1/refunds/<id>``, with Stripe's shapes, errors and events.

A Checkout payment's money sits on a charge behind its PaymentIntent. The
sandbox makes that charge when it is first needed (the first refund), from
the paid session. Each refund is recorded with the charge's new refunded
total and two events, as Stripe sends them: ``refund.created`` and
``charge.refunded`` (whose object is the charge, ``amount_refunded``
included). Card refunds succeed at once, as in Stripe's test mode.

Errors are Stripe's: a missing ``payment_intent``/``charge``, an unknown
one (404), an unpaid PaymentIntent, a refund larger than what is left
(``amount_too_large``), a charge refunded already
(``charge_already_refunded``), and a bad ``reason`` or ``amount``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from . import events
from .config import Settings
from .db import connect
from .errors import StripeError, invalid, not_found
from .ids import new_id
from .money import format_amount

SCHEMA = """
CREATE TABLE IF NOT EXISTS charges (
    id             TEXT PRIMARY KEY,
    payment_intent TEXT NOT NULL UNIQUE,
    api_version    TEXT NOT NULL,
    object         TEXT NOT NULL               -- the charge JSON, amount_refunded kept current
);
CREATE TABLE IF NOT EXISTS refunds (
    id      TEXT PRIMARY KEY,
    charge  TEXT NOT NULL REFERENCES charges (id),
    created INTEGER NOT NULL,
    object  TEXT NOT NULL                       -- the refund JSON
);
"""

REASONS = ("duplicate", "fraudulent", "requested_by_customer")
SUPPORTED = {"payment_intent", "charge", "amount", "reason", "metadata", "expand"}


def init_schema(path: str) -> None:
    """Create the charges and refunds tables if they do not exist yet."""
    conn = connect(path)
    try:
        conn.executescript(SCHEMA)
    finally:
        conn.close()


def create(conn: sqlite3.Connection, settings: Settings, params: dict[str, Any], *, request_id: str | None,
           idempotency_key: str | None) -> dict[str, Any]:
    """Refund all or part of a charge; the caller holds the write transaction."""
    unknown = sorted(set(params) - SUPPORTED)
    if unknown:
        raise invalid(unknown[0], f"Received unknown parameter: {unknown[0]}")
    charge = _charge_for(conn, params)
    left = charge["amount"] - charge["amount_refunded"]
    if left <= 0:
        raise StripeError(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    amount = _amount(params.get("amount"), left, charge)
    reason = params.get("reason")
    if reason is not None and reason not in REASONS:
        raise invalid("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
    metadata = params.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise invalid("metadata", "Invalid object")
    now = int(time.time())
    refund = {
        "id": new_id("re"), "object": "refund", "amount": amount, "balance_transaction": new_id("txn"),
        "charge": charge["id"], "created": now, "currency": charge["currency"],
        "destination_details": {"card": {"reference_status": "pending", "reference_type": "acquirer_reference_number",
                                         "type": "refund"}, "type": "card"},
        "metadata": metadata, "payment_intent": charge["payment_intent"], "reason": reason,
        "receipt_number": None, "source_transfer_reversal": None, "status": "succeeded", "transfer_reversal": None,
    }
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    conn.execute("INSERT INTO refunds (id, charge, created, object) VALUES (?, ?, ?, ?)",
                 (refund["id"], charge["id"], now, json.dumps(refund)))
    conn.execute("UPDATE charges SET object = ? WHERE id = ?", (json.dumps(charge), charge["id"]))
    api_version = conn.execute("SELECT api_version FROM charges WHERE id = ?", (charge["id"],)).fetchone()[0]
    request = {"request_id": request_id, "idempotency_key": idempotency_key}
    events.record(conn, settings, "refund.created", refund, api_version=api_version, now=now, **request)
    events.record(conn, settings, "charge.refunded", charge, api_version=api_version, now=now, **request)
    return refund


def get(conn: sqlite3.Connection, refund_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT object FROM refunds WHERE id = ?", (refund_id,)).fetchone()
    if row is None:
        raise not_found("refund", refund_id)
    return json.loads(row["object"])


def _charge_for(conn: sqlite3.Connection, params: dict[str, Any]) -> dict[str, Any]:
    """The charge to refund, named by ``charge`` or by ``payment_intent`` (made from the paid session if new)."""
    if params.get("charge"):
        row = conn.execute("SELECT object FROM charges WHERE id = ?", (params["charge"],)).fetchone()
        if row is None:
            raise not_found("charge", params["charge"], param="charge")
        return json.loads(row["object"])
    payment_intent = params.get("payment_intent")
    if not payment_intent:
        raise StripeError("One of the following params should be provided for this request: payment_intent or "
                          "charge.", code="parameter_missing")
    row = conn.execute("SELECT object FROM charges WHERE payment_intent = ?", (payment_intent,)).fetchone()
    if row is not None:
        return json.loads(row["object"])
    session_row = conn.execute(
        "SELECT object, api_version FROM sessions WHERE json_extract(object, '$.payment_intent') = ?",
        (payment_intent,)).fetchone()
    if session_row is None:
        raise not_found("payment_intent", payment_intent, param="payment_intent")
    session = json.loads(session_row["object"])
    if session["payment_status"] != "paid":
        raise StripeError(f"This PaymentIntent ({payment_intent}) does not have a successful charge to refund.",
                          code="charge_not_refundable", param="payment_intent")
    charge = _new_charge(session)
    conn.execute("INSERT INTO charges (id, payment_intent, api_version, object) VALUES (?, ?, ?, ?)",
                 (charge["id"], payment_intent, session_row["api_version"], json.dumps(charge)))
    return charge


def _new_charge(session: dict[str, Any]) -> dict[str, Any]:
    details = session.get("customer_details") or {}
    return {
        "id": new_id("ch"), "object": "charge", "amount": session["amount_total"],
        "amount_captured": session["amount_total"], "amount_refunded": 0, "balance_transaction": new_id("txn"),
        "billing_details": {"address": None, "email": details.get("email"), "name": details.get("name"),
                            "phone": None},
        "captured": True, "created": int(time.time()), "currency": session["currency"], "description": None,
        "livemode": False, "metadata": {}, "paid": True, "payment_intent": session["payment_intent"],
        "payment_method_details": {"type": "card"}, "receipt_email": details.get("email"), "refunded": False,
        "status": "succeeded",
    }


def _amount(value: Any, left: int, charge: dict[str, Any]) -> int:
    if value is None:
        return left  # no amount: the whole remaining amount, as Stripe does
    if not str(value).isdigit() or int(value) <= 0:
        raise invalid("amount", "Invalid positive integer")
    amount = int(value)
    if amount > left:
        raise StripeError(
            f"Refund amount ({format_amount(amount, charge['currency'])}) is greater than unrefunded amount on "
            f"charge ({format_amount(left, charge['currency'])})", param="amount", code="amount_too_large")
    return amount
