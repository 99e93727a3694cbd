"""Idempotency keys, as Stripe's v1 API honours them.

The first successful response to a key is stored. A retry with the same key
and the same request gets that exact response back (and the header
``Idempotent-Replayed: true``); the same key with a different request is an
``idempotency_error``. Like Stripe, a request that failed validation is not
remembered, so the client can fix it and retry with the same key. Keys are
scoped to the API key and forgotten after 24 hours.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any, NamedTuple

from .errors import StripeError

KEY_LIFETIME = 24 * 60 * 60


class Stored(NamedTuple):
    status: int
    body: str


def fingerprint_of(method: str, path: str, params: dict[str, Any]) -> str:
    """A stable hash of what the request asked for."""
    text = json.dumps([method, path, params], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(conn: sqlite3.Connection, api_key: str, key: str, fingerprint: str,
           now: int) -> Stored | None:
    """The stored response for this key, None if the key is new, or an error
    if the key was used for a different request. Call inside the same write
    transaction that will ``remember`` the response, so retries serialise."""
    conn.execute("DELETE FROM idempotency_keys WHERE created < ?", (now - KEY_LIFETIME,))
    row = conn.execute(
        "SELECT fingerprint, status, body FROM idempotency_keys WHERE api_key = ? AND key = ?",
        (api_key, key),
    ).fetchone()
    if row is None:
        return None
    if row["fingerprint"] != fingerprint:
        raise StripeError(
            "Keys for idempotent requests can only be used with the same parameters "
            f"they were first used with. Try using a key other than '{key}' if you "
            "meant to execute a different request.",
            type="idempotency_error",
        )
    return Stored(row["status"], row["body"])


def remember(conn: sqlite3.Connection, api_key: str, key: str, fingerprint: str,
             stored: Stored, now: int) -> None:
    """Store the response for later replays."""
    conn.execute(
        "INSERT INTO idempotency_keys (api_key, key, fingerprint, status, body, created)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (api_key, key, fingerprint, stored.status, stored.body, now),
    )
