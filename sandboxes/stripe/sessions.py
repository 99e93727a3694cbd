"""Checkout Sessions: their JSON shape, storage, and lifecycle.

    open ──pay──▶ complete (paid)
      │           complete (unpaid) ──settle──▶ paid / stays unpaid
      └──expire──▶ expired

Each transition also records the event Stripe would send. Transition
functions expect the caller to hold a write transaction (``db.transaction``),
so the change and its event are committed together; the two ``*_due`` sweeps
used by the worker open one transaction per session themselves.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import events, pricing, shipping
from .config import Settings
from .db import transaction
from .ids import new_id


def create(
    conn: sqlite3.Connection, spec: dict[str, Any], *, pay_url_base: str,
    api_version: str, now: int,
) -> dict[str, Any]:
    """Store a new open session built from a validated spec; return its JSON."""
    session_id = new_id("cs_test", 58)
    session = {
        "id": session_id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": spec.get("allow_promotion_codes"),
        "amount_subtotal": spec["amount_subtotal"],
        "amount_total": spec["amount_subtotal"],  # until pricing.recompute adds shipping, tax and discounts
        # A fixed demo rate stands in for Stripe Tax (pricing.py), so the calculation is always complete.
        "automatic_tax": {"enabled": bool(spec.get("automatic_tax")), "liability": None,
                          "status": "complete" if spec.get("automatic_tax") else None},
        "billing_address_collection": None,
        "cancel_url": spec["cancel_url"],
        "client_reference_id": spec["client_reference_id"],
        "created": now,
        "currency": spec["currency"],
        "customer": None,
        "customer_creation": "if_required",
        "customer_details": None,  # filled in when the customer pays
        "customer_email": spec["customer_email"],
        "discounts": [],
        "expires_at": spec["expires_at"],
        "invoice": None,
        "livemode": False,
        "locale": spec["locale"],
        "metadata": spec["metadata"],
        "mode": spec["mode"],
        "payment_intent": None,  # "pi_..." once the customer pays
        "payment_link": None,
        "payment_method_collection": "always",
        "payment_method_types": spec["payment_method_types"],
        "payment_status": "unpaid",
        "recovered_from": None,
        "setup_intent": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": None,
        "subscription": None,
        "success_url": spec["success_url"],
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": f"{pay_url_base}/pay/{session_id}",
    }
    items = [_line_item(spec_item, now) for spec_item in spec["line_items"]]
    rates = shipping.create_rates(conn, spec.get("shipping_options") or [], now)
    session["shipping_options"] = [{"shipping_amount": rate["fixed_amount"]["amount"], "shipping_rate": rate["id"]}
                                   for rate in rates]
    pricing.recompute(session, items, rates)  # the first shipping option is pre-selected
    conn.execute(
        "INSERT INTO sessions (id, created, status, payment_status, expires_at,"
        " api_version, object, line_items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, now, "open", "unpaid", session["expires_at"], api_version,
         json.dumps(session), json.dumps(items)),
    )
    return session


def _line_item(spec: dict[str, Any], now: int) -> dict[str, Any]:
    """A Stripe line item (``object: "item"``) plus the product data for display."""
    amount = spec["unit_amount"] * spec["quantity"]
    product = {
        "id": new_id("prod"), "name": spec["name"],
        "description": spec["description"], "images": spec["images"],
    }
    price = {
        "id": new_id("price"), "object": "price", "active": False,
        "billing_scheme": "per_unit", "created": now, "currency": spec["currency"],
        "livemode": False, "metadata": {}, "product": product["id"],
        "type": "one_time", "unit_amount": spec["unit_amount"],
        "unit_amount_decimal": str(spec["unit_amount"]),
    }
    item = {
        "id": new_id("li"), "object": "item", "amount_discount": 0,
        "amount_subtotal": amount, "amount_tax": 0, "amount_total": amount,
        "currency": spec["currency"], "description": spec["name"],
        "price": price, "quantity": spec["quantity"],
    }
    return {"item": item, "product": product, "tax_behavior": spec.get("tax_behavior", "unspecified")}


def get(conn: sqlite3.Connection, session_id: str) -> dict[str, Any] | None:
    """The session's JSON, or None for an unknown id."""
    row = conn.execute("SELECT object FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return json.loads(row["object"]) if row else None


def line_items(conn: sqlite3.Connection, session_id: str) -> list[dict[str, Any]]:
    """Stored line items: ``[{"item": <API object>, "product": {...}}, ...]``."""
    row = conn.execute("SELECT line_items FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return json.loads(row["line_items"]) if row else []


def recent(conn: sqlite3.Connection, limit: int = 50) -> list[dict[str, Any]]:
    """Newest sessions first (for the dashboard and the list endpoint)."""
    rows = conn.execute(
        "SELECT object FROM sessions ORDER BY created DESC, rowid DESC LIMIT ?", (limit,)
    ).fetchall()
    return [json.loads(r["object"]) for r in rows]


def update_choices(conn: sqlite3.Connection, session: dict[str, Any], *, shipping_rate: str | None,
                   promotion_code: str | None) -> str | None:
    """The customer picked a shipping rate or entered a promotion code: recompute and save the amounts.

    Returns an error message for the customer (an unknown code), or None.
    """
    rates = shipping.session_rates(conn, session)
    error = None
    if shipping_rate and any(rate["id"] == shipping_rate for rate in rates):
        session["shipping_cost"] = {**(session.get("shipping_cost") or {}), "shipping_rate": shipping_rate}
    if promotion_code is not None and promotion_code.strip():
        if session.get("allow_promotion_codes") and pricing.promotion_code_valid(promotion_code):
            session["discounts"] = [dict(pricing.DEMO_DISCOUNT)]
        else:
            error = "This code is invalid."
    entries = line_items(conn, session["id"])
    pricing.recompute(session, entries, rates)
    _save(conn, session)
    conn.execute("UPDATE sessions SET line_items = ? WHERE id = ?", (json.dumps(entries), session["id"]))
    return error


def complete(
    conn: sqlite3.Connection, settings: Settings, session: dict[str, Any], *,
    email: str, name: str, settle: str | None, now: float,
) -> dict[str, Any]:
    """The customer paid. ``settle`` is None for an instant card payment, or
    ``"succeeded"``/``"failed"``: the outcome of a delayed (async) payment."""
    session.update(
        status="complete",
        payment_status="unpaid" if settle else "paid",
        payment_intent=new_id("pi"),
        url=None,  # Stripe clears the URL once the session is no longer open
        customer_details={
            "address": None, "email": email, "name": name, "phone": None,
            "tax_exempt": "none", "tax_ids": [],
        },
    )
    settle_at = now + settings.async_settle_seconds if settle else None
    _save(conn, session, settle_at=settle_at, settle_outcome=settle)
    _event(conn, settings, "checkout.session.completed", session, now)
    return session


def expire(
    conn: sqlite3.Connection, settings: Settings, session: dict[str, Any], *,
    now: float, request_id: str | None = None, idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Close an open session without payment."""
    session.update(status="expired", url=None)
    _save(conn, session)
    _event(conn, settings, "checkout.session.expired", session, now,
           request_id=request_id, idempotency_key=idempotency_key)
    return session


def expire_if_due(
    conn: sqlite3.Connection, settings: Settings, session: dict[str, Any], now: float
) -> dict[str, Any]:
    """Expire an open session whose ``expires_at`` has passed (the worker's
    sweep may not have run yet); otherwise return it unchanged."""
    if session["status"] == "open" and session["expires_at"] <= now:
        return expire(conn, settings, session, now=now)
    return session


def expire_overdue(conn: sqlite3.Connection, settings: Settings, now: float) -> int:
    """Worker sweep: expire every open session past ``expires_at``."""
    ids = [r["id"] for r in conn.execute(
        "SELECT id FROM sessions WHERE status = 'open' AND expires_at <= ?", (now,))]
    for session_id in ids:
        with transaction(conn):
            session = get(conn, session_id)  # re-read under the write lock
            if session and session["status"] == "open":
                expire(conn, settings, session, now=now)
    return len(ids)


def settle_due(conn: sqlite3.Connection, settings: Settings, now: float) -> int:
    """Worker sweep: finish async payments whose settle time has come."""
    rows = conn.execute(
        "SELECT id FROM sessions WHERE settle_at IS NOT NULL AND settle_at <= ?", (now,)
    ).fetchall()
    for row in rows:
        with transaction(conn):
            outcome = conn.execute(
                "SELECT settle_outcome FROM sessions WHERE id = ? AND settle_at IS NOT NULL",
                (row["id"],),
            ).fetchone()
            if outcome is None:
                continue  # another worker got here first
            session = get(conn, row["id"])
            succeeded = outcome["settle_outcome"] == "succeeded"
            if succeeded:
                session["payment_status"] = "paid"
            _save(conn, session, settle_at=None, settle_outcome=None)
            kind = "succeeded" if succeeded else "failed"
            _event(conn, settings, f"checkout.session.async_payment_{kind}", session, now)
    return len(rows)


def _save(conn: sqlite3.Connection, session: dict[str, Any], **columns: Any) -> None:
    """Write the JSON back, keeping the query columns in step with it."""
    values = {"status": session["status"], "payment_status": session["payment_status"],
              "object": json.dumps(session), **columns}
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE sessions SET {assignments} WHERE id = ?",
                 (*values.values(), session["id"]))


def _event(conn: sqlite3.Connection, settings: Settings, event_type: str,
           session: dict[str, Any], now: float, **request: Any) -> None:
    """Record an event rendered with the API version the session was created with."""
    (api_version,) = conn.execute(
        "SELECT api_version FROM sessions WHERE id = ?", (session["id"],)).fetchone()
    events.record(conn, settings, event_type, session, api_version=api_version,
                  now=now, **request)
