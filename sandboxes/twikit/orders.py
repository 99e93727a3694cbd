"""Received orders, their verification calls, and exports' internal orders: storage and read-back.

"Twikit will only process an order once": an order identifier and an item
identifier can each be stored once. ``store`` lets the UNIQUE constraints
decide, so two identical requests that pass the early checks at the same
moment still end with one order and one IdentifierAlreadyExists.
"""

import json
import sqlite3
from datetime import UTC, datetime

from .db import get_db
from .payloads import Envelope, ExportRequest, OrderRequest
from .verification import Verification


class IdentifierTaken(Exception):
    """The order identifier or an item identifier is already stored; the message says which."""


def identifier_conflict(order: OrderRequest) -> str | None:
    """Why ``order`` would be a second order with a used identifier, or None."""
    db = get_db()
    if db.execute("SELECT 1 FROM orders WHERE identifier = ?", (order.identifier,)).fetchone():
        return f"The order identifier {order.identifier!r} is already in use."
    for item in order.items:
        row = db.execute(
            """SELECT orders.identifier FROM order_items JOIN orders USING (order_id)
               WHERE order_items.identifier = ?""", (item.identifier,)).fetchone()
        if row:
            return f"The item identifier {item.identifier!r} is already in use by order {row['identifier']!r}."
    return None


def unknown_configurations(configuration_ids: list[int]) -> list[int]:
    """The IDs in ``configuration_ids`` that no saved configuration has, in order, once each."""
    db = get_db()
    unknown = []
    for configuration_id in dict.fromkeys(configuration_ids):
        if not db.execute("SELECT 1 FROM configurations WHERE configuration_id = ?",
                          (configuration_id,)).fetchone():
            unknown.append(configuration_id)
    return unknown


def store(order: OrderRequest, envelope: Envelope, verification: Verification | None) -> None:
    """Store a verified (or unverified) order with its items and its verification call, atomically.

    Raises IdentifierTaken if another request stored the same identifier first.
    """
    code = 1 if verification is None else int(verification.result_code)
    db = get_db()
    # Only local writes happen inside the transaction; the webhook was called before it began.
    db.execute("BEGIN IMMEDIATE")
    try:
        call_id = None if verification is None else _insert_call(db, order.identifier, verification, code)
        order_id = db.execute(
            """INSERT INTO orders (identifier, status, result_code, order_payload, hash,
                   billing_address_json, delivery_address_json, data_json, verification_call_id, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (order.identifier, "created" if code == 1 else "unhealthy", code, envelope.payload, envelope.hash,
             json.dumps(order.billing_address), json.dumps(order.delivery_address),
             json.dumps(order.data) if order.has_data else None, call_id, _now()),
        ).lastrowid
        db.executemany(
            """INSERT INTO order_items (order_id, position, identifier, configuration_id, amount)
               VALUES (?, ?, ?, ?, ?)""",
            [(order_id, position, item.identifier, item.configuration_id, item.amount)
             for position, item in enumerate(order.items)],
        )
        db.commit()
    except sqlite3.IntegrityError:
        db.rollback()
        # The check before verification passed, so a concurrent request won the race.
        raise IdentifierTaken(identifier_conflict(order) or "An identifier of this order is already in use.") \
            from None
    except BaseException:
        db.rollback()
        raise


def record_call(identifier: str, verification: Verification, result_code: int) -> None:
    """Log a verification call whose order was not stored (refused, or beaten by a duplicate)."""
    db = get_db()
    _insert_call(db, identifier, verification, result_code)
    db.commit()


def latest(limit: int = 50) -> list[dict]:
    """The most recently received orders, newest first, with items and verification summary."""
    rows = get_db().execute(f"{ORDER_QUERY} ORDER BY orders.order_id DESC LIMIT ?", (limit,)).fetchall()
    return [_order_dict(row) for row in rows]


def get(identifier: str) -> dict | None:
    """One order by its identifier, or None."""
    row = get_db().execute(f"{ORDER_QUERY} WHERE orders.identifier = ?", (identifier,)).fetchone()
    return None if row is None else _order_dict(row)


def calls(identifier: str | None = None, limit: int = 50) -> list[dict]:
    """Verification calls, newest first; only those for order ``identifier`` when given."""
    where, arguments = ("WHERE order_identifier = ?", (identifier, limit)) if identifier else ("", (limit,))
    rows = get_db().execute(
        f"SELECT * FROM verification_calls {where} ORDER BY call_id DESC LIMIT ?", arguments).fetchall()
    return [_call_dict(row) for row in rows]


def store_internal_order(export: ExportRequest, envelope: Envelope, stl_file_name: str, triangle_count: int,
                         zip_bytes: int) -> int:
    """Record a production-file export as the internal order the spec says it creates; return its ID."""
    db = get_db()
    internal_order_id = db.execute(
        """INSERT INTO internal_orders (configuration_id, amount, payload, hash, data_json,
               stl_file_name, triangle_count, zip_bytes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (export.configuration_id, export.amount, envelope.payload, envelope.hash,
         json.dumps(export.data) if export.has_data else None, stl_file_name, triangle_count, zip_bytes, _now()),
    ).lastrowid
    db.commit()
    return internal_order_id


def latest_internal_orders(limit: int = 50) -> list[dict]:
    """The most recent exports, newest first."""
    rows = get_db().execute(
        "SELECT * FROM internal_orders ORDER BY internal_order_id DESC LIMIT ?", (limit,)).fetchall()
    return [{
        "internalOrderId": row["internal_order_id"],
        "configurationId": row["configuration_id"],
        "amount": row["amount"],
        "data": None if row["data_json"] is None else json.loads(row["data_json"]),
        "payload": row["payload"],
        "hash": row["hash"],
        "stlFileName": row["stl_file_name"],
        "triangleCount": row["triangle_count"],
        "zipBytes": row["zip_bytes"],
        "createdAt": row["created_at"],
    } for row in rows]


ORDER_QUERY = """
    SELECT orders.*, verification_calls.outcome AS verification_outcome,
           verification_calls.error AS verification_error,
           verification_calls.http_status AS verification_http_status,
           verification_calls.duration_ms AS verification_duration_ms
    FROM orders LEFT JOIN verification_calls ON verification_calls.call_id = orders.verification_call_id
"""


def _insert_call(db: sqlite3.Connection, identifier: str, verification: Verification, result_code: int) -> int:
    return db.execute(
        """INSERT INTO verification_calls (order_identifier, url, request_json, http_status, response_body,
               error, outcome, result_code, duration_ms, called_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (identifier, verification.url, json.dumps(verification.request), verification.http_status,
         verification.response_body, verification.error, verification.outcome, result_code,
         verification.duration_ms, _now()),
    ).lastrowid


def _order_dict(row: sqlite3.Row) -> dict:
    items = get_db().execute(
        "SELECT identifier, configuration_id, amount FROM order_items WHERE order_id = ? ORDER BY position",
        (row["order_id"],)).fetchall()
    verification = None
    if row["verification_call_id"] is not None:
        verification = {"outcome": row["verification_outcome"], "error": row["verification_error"],
                        "httpStatus": row["verification_http_status"],
                        "durationMs": row["verification_duration_ms"]}
    return {
        "identifier": row["identifier"],
        "status": row["status"],
        "resultCode": row["result_code"],
        "items": [{"identifier": item["identifier"], "configurationId": item["configuration_id"],
                   "amount": item["amount"]} for item in items],
        "billingAddress": json.loads(row["billing_address_json"]),
        "deliveryAddress": json.loads(row["delivery_address_json"]),
        "data": None if row["data_json"] is None else json.loads(row["data_json"]),
        "orderPayload": row["order_payload"],
        "hash": row["hash"],
        # None: no payment-verification webhook was configured, so none was called.
        "verification": verification,
        "createdAt": row["created_at"],
    }


def _call_dict(row: sqlite3.Row) -> dict:
    return {
        "identifier": row["order_identifier"],
        "url": row["url"],
        "request": json.loads(row["request_json"]),
        "httpStatus": row["http_status"],
        "responseBody": row["response_body"],
        "outcome": row["outcome"],
        "error": row["error"],
        "resultCode": row["result_code"],
        "durationMs": row["duration_ms"],
        "calledAt": row["called_at"],
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
