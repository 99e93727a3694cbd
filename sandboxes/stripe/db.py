"""SQLite storage: one file, WAL mode, short write transactions.

Objects are stored as the JSON Stripe would return, next to a few plain
columns (status, due times) that the code needs to query on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id             TEXT PRIMARY KEY,
    created        INTEGER NOT NULL,
    status         TEXT NOT NULL,             -- open | complete | expired
    payment_status TEXT NOT NULL,             -- unpaid | paid
    expires_at     INTEGER NOT NULL,
    settle_at      REAL,                      -- async cards: when to settle
    settle_outcome TEXT,                      -- succeeded | failed
    api_version    TEXT NOT NULL,
    object         TEXT NOT NULL,             -- the checkout.session JSON
    line_items     TEXT NOT NULL              -- list of {item, product} JSON
);
CREATE INDEX IF NOT EXISTS sessions_open ON sessions (status, expires_at);

CREATE TABLE IF NOT EXISTS events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT, -- gives "newest first" order
    id      TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    type    TEXT NOT NULL,
    body    TEXT NOT NULL                      -- exact JSON that is signed
);

-- The outbox: one row per (event, endpoint), written in the same
-- transaction as the change that caused the event, so nothing is lost.
CREATE TABLE IF NOT EXISTS deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL REFERENCES events (id),
    url             TEXT NOT NULL,
    status          TEXT NOT NULL,            -- pending | delivered | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    last_http_status INTEGER,
    created         REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE IF NOT EXISTS delivery_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id      INTEGER NOT NULL REFERENCES deliveries (id),
    event_id         TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    at               REAL NOT NULL,
    http_status      INTEGER,
    response_excerpt TEXT,
    error            TEXT
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    api_key     TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,                -- hash of method, path, params
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created     INTEGER NOT NULL,
    PRIMARY KEY (api_key, key)
);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open a connection tuned for a small multi-threaded server."""
    # isolation_level=None: no implicit transactions; we BEGIN explicitly.
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.row_factory = sqlite3.Row
    # WAL lets readers work while a writer commits; the busy timeout makes a
    # second writer wait for the lock instead of failing at once.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def init_schema(path: str) -> None:
    """Create the tables if they do not exist yet."""
    conn = connect(path)
    try:
        conn.executescript(SCHEMA)
    finally:
        conn.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that commits on success and rolls back on error.

    ``BEGIN IMMEDIATE`` takes the write lock up front. Two requests that both
    read-then-write (e.g. the same idempotency key, or a double-clicked Pay
    button) are therefore serialised instead of racing.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def get_db() -> sqlite3.Connection:
    """The current request's connection, opened on first use."""
    if "sandbox_db" not in g:
        g.sandbox_db = connect(current_app.config["SANDBOX_DATABASE"])
    return g.sandbox_db


def close_db(_exc: BaseException | None = None) -> None:
    """Teardown hook: close the request's connection, if one was opened."""
    conn = g.pop("sandbox_db", None)
    if conn is not None:
        conn.close()
