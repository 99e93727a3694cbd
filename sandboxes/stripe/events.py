"""Stripe Event objects, and the outbox rows that get them delivered.

An event is written in the same transaction as the change it describes,
together with one ``deliveries`` row per webhook endpoint (here: at most
one, ``WEBHOOK_URL``). The worker then delivers from that table, so an
event is never lost between "session paid" and "webhook sent".
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .config import Settings
from .ids import new_id


def record(
    conn: sqlite3.Connection,
    settings: Settings,
    event_type: str,
    obj: dict[str, Any],
    *,
    api_version: str,
    now: float,
    request_id: str | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Store an event about ``obj`` and queue its delivery; return the event."""
    event = {
        "id": new_id("evt"),
        "object": "event",
        "api_version": api_version,
        "created": int(now),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1 if settings.webhook_url else 0,
        # Which API request caused it; both null for actions on the hosted page.
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": event_type,
    }
    # Stripe sends pretty-printed JSON. We keep the exact text: the signature
    # covers these bytes, and every retry must send the same body.
    body = json.dumps(event, indent=2)
    conn.execute(
        "INSERT INTO events (id, created, type, body) VALUES (?, ?, ?, ?)",
        (event["id"], event["created"], event_type, body),
    )
    if settings.webhook_url:
        conn.execute(
            "INSERT INTO deliveries (event_id, url, status, next_attempt_at, created)"
            " VALUES (?, ?, 'pending', ?, ?)",
            (event["id"], settings.webhook_url, now, now),
        )
    return event


def get(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    """The event as the API shows it now (``pending_webhooks`` is live)."""
    row = conn.execute("SELECT body FROM events WHERE id = ?", (event_id,)).fetchone()
    return _with_pending(conn, json.loads(row["body"])) if row else None


def page(
    conn: sqlite3.Connection,
    *,
    limit: int,
    starting_after: str | None = None,
    event_type: str | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Events newest first, Stripe-style cursor paging; returns (events, has_more)."""
    sql, args = "SELECT body FROM events WHERE 1=1", []
    if event_type:
        sql += " AND type = ?"
        args.append(event_type)
    if starting_after:
        sql += " AND seq < (SELECT seq FROM events WHERE id = ?)"
        args.append(starting_after)
    sql += " ORDER BY seq DESC LIMIT ?"
    args.append(limit + 1)  # one extra row tells us whether there is more
    rows = conn.execute(sql, args).fetchall()
    found = [_with_pending(conn, json.loads(r["body"])) for r in rows[:limit]]
    return found, len(rows) > limit


def _with_pending(conn: sqlite3.Connection, event: dict[str, Any]) -> dict[str, Any]:
    (pending,) = conn.execute(
        "SELECT COUNT(*) FROM deliveries WHERE event_id = ? AND status = 'pending'",
        (event["id"],),
    ).fetchone()
    event["pending_webhooks"] = pending
    return event
