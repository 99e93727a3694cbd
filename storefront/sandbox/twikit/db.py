"""The sandbox's own SQLite storage (never the shop's database).

One connection per request, opened lazily and closed at teardown, as in
Flask's tutorial: sqlite3 connections must not be shared between threads,
and the sandbox serves threaded requests.
"""

import os
import sqlite3

from flask import Flask, current_app, g

# Later parts (orders, exports, settings) add their tables here; every
# statement is idempotent so the schema is applied on each start.
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
