"""Webhook delivery: one signed POST per attempt, retried on a schedule.

A delivery (a row in ``deliveries``) is tried at ``next_attempt_at``. A 2xx
answer marks it delivered. Anything else (another status, a timeout, a
refused connection) is logged in ``delivery_attempts`` and scheduled again
after the next delay in ``WEBHOOK_RETRY_DELAYS``; when the delays run out the
delivery is marked failed. Because the schedule lives in the database,
pending retries survive a restart.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

import requests

from . import signing
from .config import Settings
from .db import transaction

#: How much of the receiver's answer we keep for the dashboard.
EXCERPT_CHARS = 500


@dataclass(frozen=True)
class AttemptResult:
    http_status: int | None
    response_excerpt: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


def deliver_due(conn: sqlite3.Connection, settings: Settings, now: float) -> int:
    """Try every delivery that is due; return how many were attempted."""
    due = conn.execute(
        "SELECT d.id, d.url, d.attempts, d.event_id, e.body FROM deliveries d"
        " JOIN events e ON e.id = d.event_id"
        " WHERE d.status = 'pending' AND d.next_attempt_at <= ?"
        " ORDER BY d.next_attempt_at, d.id",
        (now,),
    ).fetchall()
    attempted = 0
    for row in due:
        if not _claim(conn, row["id"], now, lease=settings.webhook_timeout + 5):
            continue  # another process took it
        result = send(row["url"], row["body"], settings.webhook_secret or "",
                      settings.webhook_timeout)
        _record(conn, row, result, settings.retry_delays)
        attempted += 1
    return attempted


def send(url: str, body: str, secret: str, timeout: float) -> AttemptResult:
    """POST the event body, signed with a fresh timestamp, and report the answer."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signing.header(body, secret, int(time.time())),
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks) sandbox",
    }
    try:
        # Redirects are not followed: Stripe counts a 3xx as a failure too.
        response = requests.post(url, data=body.encode("utf-8"), headers=headers,
                                 timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        return AttemptResult(None, None, f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS])
    return AttemptResult(response.status_code, response.text[:EXCERPT_CHARS], None)


def _claim(conn: sqlite3.Connection, delivery_id: int, now: float, lease: float) -> bool:
    """Push ``next_attempt_at`` past the attempt's timeout so no one else picks
    the row meanwhile. Atomic: exactly one claimer sees ``rowcount == 1``."""
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE deliveries SET next_attempt_at = ?"
            " WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?",
            (now + lease, delivery_id, now),
        )
    return cursor.rowcount == 1


def _record(conn: sqlite3.Connection, row: sqlite3.Row, result: AttemptResult,
            delays: tuple[float, ...]) -> None:
    """Log the attempt and decide what happens next."""
    attempt, now = row["attempts"] + 1, time.time()
    if result.ok:
        status, next_at = "delivered", None
    elif attempt <= len(delays):
        status, next_at = "pending", now + delays[attempt - 1]
    else:
        status, next_at = "failed", None
    with transaction(conn):
        conn.execute(
            "INSERT INTO delivery_attempts (delivery_id, event_id, attempt, at,"
            " http_status, response_excerpt, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row["id"], row["event_id"], attempt, now, result.http_status,
             result.response_excerpt, result.error),
        )
        conn.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
            " last_http_status = ? WHERE id = ?",
            (status, attempt, next_at, result.http_status, row["id"]),
        )
