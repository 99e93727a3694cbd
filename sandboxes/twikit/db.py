"""The sandbox's own SQLite storage (never the shop's database).

One connection per request, opened lazily and closed at teardown, as in
Flask's tutorial: sqlite3 connections must not be shared between threads,
and the sandbox serves threaded requests.
"""

import os
import sqlite3

from flask import Flask, current_app, g

# Every statement is idempotent, so the schema is applied on each start and
# an older database file gains the tables added since.
SCHEMA = """
CREATE TABLE IF NOT EXISTS plugin_versions (
    version        INTEGER PRIMARY KEY,
    products_json  TEXT NOT NULL,      -- the product definitions frozen into this version
    published_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS configurations (
    configuration_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    product_key       TEXT NOT NULL,
    plugin_version    INTEGER NOT NULL REFERENCES plugin_versions (version),
    parameters_json   TEXT NOT NULL,
    variation_id      TEXT NOT NULL,
    variation_sku     TEXT NOT NULL,
    preview_png       BLOB NOT NULL,
    created_at        TEXT NOT NULL
);

-- Start configuration IDs at 1001 so they look like real ones in the shop.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'configurations', 1000
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'configurations');

-- The site configuration (settings.py); a name never stored reads as its default.
CREATE TABLE IF NOT EXISTS settings (
    name        TEXT PRIMARY KEY,
    value_json  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Every call to the shop's payment-verification webhook, kept even when the
-- order was refused (code 3) or bounced (code 9), so no foreign key to orders.
CREATE TABLE IF NOT EXISTS verification_calls (
    call_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_identifier  TEXT NOT NULL,
    url               TEXT NOT NULL,
    request_json      TEXT NOT NULL,
    http_status       INTEGER,            -- NULL when no HTTP answer arrived
    response_body     TEXT,
    error             TEXT NOT NULL,      -- why the call counts as faulty or refused; '' when verified
    outcome           TEXT NOT NULL CHECK (outcome IN ('verified', 'refused', 'faulty')),
    result_code       INTEGER NOT NULL,   -- what Create Order answered after this call
    duration_ms       INTEGER NOT NULL,
    called_at         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verification_calls_by_order ON verification_calls (order_identifier);

-- Orders received through Create Order. UNIQUE identifiers are the final
-- arbiter between two identical requests that arrive at once.
CREATE TABLE IF NOT EXISTS orders (
    order_id               INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier             TEXT NOT NULL UNIQUE,
    status                 TEXT NOT NULL CHECK (status IN ('created', 'unhealthy')),
    result_code            INTEGER NOT NULL,
    order_payload          TEXT NOT NULL,     -- the exact string received, as it was hashed
    hash                   TEXT NOT NULL,
    billing_address_json   TEXT NOT NULL,
    delivery_address_json  TEXT NOT NULL,
    data_json              TEXT,              -- IOrderPayload.data; NULL when absent
    verification_call_id   INTEGER REFERENCES verification_calls (call_id),  -- NULL: no webhook configured
    created_at             TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS order_items (
    order_item_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders (order_id),
    position          INTEGER NOT NULL,
    identifier        TEXT NOT NULL UNIQUE,
    configuration_id  INTEGER NOT NULL REFERENCES configurations (configuration_id),
    amount            INTEGER NOT NULL
);

-- Production-file exports: "Twikit will automatically create an internal order".
CREATE TABLE IF NOT EXISTS internal_orders (
    internal_order_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    configuration_id   INTEGER NOT NULL REFERENCES configurations (configuration_id),
    amount             INTEGER NOT NULL,
    payload            TEXT NOT NULL,         -- the exact string received, as it was hashed
    hash               TEXT NOT NULL,
    data_json          TEXT,
    stl_file_name      TEXT NOT NULL,
    triangle_count     INTEGER NOT NULL,
    zip_bytes          INTEGER NOT NULL,
    created_at         TEXT NOT NULL
);

-- Webhooks Twikit sends to the shop (outbound.py): one row per attempt. A
-- faulty first attempt of a completion webhook gets one retry row, due
-- WEBHOOK_RETRY_DELAY_SECONDS later; the background worker sends it.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    delivery_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    event             TEXT NOT NULL CHECK (event IN
                          ('production-completion', 'order-completion', 'website-publication')),
    order_identifier  TEXT,               -- NULL for website-publication
    url               TEXT,               -- NULL when skipped: no URL configured
    body_json         TEXT NOT NULL,      -- exactly what is (or would have been) POSTed
    attempt           INTEGER NOT NULL CHECK (attempt IN (1, 2)),
    retry_of          INTEGER REFERENCES webhook_deliveries (delivery_id),
    due_at            REAL NOT NULL,      -- unix time when the attempt may be sent
    leased_until      REAL,               -- while 'sending': the sender's lease ends then (unix time)
    status            TEXT NOT NULL CHECK (status IN
                          ('pending', 'sending', 'delivered', 'faulty', 'alarm', 'skipped')),
    http_status       INTEGER,            -- NULL until an HTTP answer arrives
    answer_excerpt    TEXT,
    error             TEXT NOT NULL DEFAULT '',   -- why the attempt counts as faulty; '' otherwise
    duration_ms       INTEGER,
    created_at        TEXT NOT NULL,
    sent_at           TEXT
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, due_at);
-- "Retry once": at most one retry per attempt, even if two senders ever raced.
CREATE UNIQUE INDEX IF NOT EXISTS webhook_deliveries_one_retry ON webhook_deliveries (retry_of);
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_order ON webhook_deliveries (order_identifier);

-- What the producer did in the back-office (producer.py), newest last; the
-- latest action of each kind is the order's current production / shipping state.
CREATE TABLE IF NOT EXISTS producer_actions (
    action_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_identifier  TEXT NOT NULL REFERENCES orders (identifier),
    action            TEXT NOT NULL CHECK (action IN ('production-completion', 'order-completion')),
    details_json      TEXT NOT NULL,      -- what the producer entered
    delivery_id       INTEGER NOT NULL REFERENCES webhook_deliveries (delivery_id),
    created_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS producer_actions_by_order ON producer_actions (order_identifier);
"""

BUSY_TIMEOUT_MS = 5000


def connect(path: str) -> sqlite3.Connection:
    """Open a connection that waits for, rather than fails on, a concurrent writer."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def get_db() -> sqlite3.Connection:
    """Return this request's connection, opening it on first use."""
    if "twikit_sandbox_db" not in g:
        g.twikit_sandbox_db = connect(current_app.config["SANDBOX_DATABASE"])
    return g.twikit_sandbox_db


def close_db(_exception: BaseException | None = None) -> None:
    """Close this request's connection, if one was opened."""
    connection = g.pop("twikit_sandbox_db", None)
    if connection is not None:
        connection.close()


def init_app(app: Flask) -> None:
    """Create the database file and schema, and close connections after each request."""
    path = app.config["SANDBOX_DATABASE"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    connection = connect(path)
    try:
        # WAL lets the home page read while a save is being written.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(SCHEMA)
        connection.commit()
    finally:
        connection.close()
    app.teardown_appcontext(close_db)
