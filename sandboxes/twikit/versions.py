"""Published plugin versions: version number -> the product definitions it contains.

The spec publishes "a new script containing all required logic & data to a
new URL" on every change, "to guarantee maximum stability". So a version is
frozen when published: its products are copied into the table, and later
edits to ``products.py`` only reach shops through a new version.
"""

import json
import sqlite3
from datetime import UTC, datetime

from . import products
from .db import get_db


def seed(connection: sqlite3.Connection) -> None:
    """Publish version 1 on the very first start; a no-op afterwards."""
    connection.execute(
        "INSERT OR IGNORE INTO plugin_versions (version, products_json, published_at) VALUES (1, ?, ?)",
        (json.dumps(products.V1_PRODUCTS), _now()),
    )
    connection.commit()


def publish(product_definitions: list[dict]) -> int:
    """Freeze ``product_definitions`` into the next version and return its number."""
    db = get_db()
    # BEGIN IMMEDIATE takes the write lock first, so two publishers cannot pick the same number.
    db.execute("BEGIN IMMEDIATE")
    try:
        (latest,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM plugin_versions").fetchone()
        db.execute(
            "INSERT INTO plugin_versions (version, products_json, published_at) VALUES (?, ?, ?)",
            (latest + 1, json.dumps(product_definitions), _now()),
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return latest + 1


def get_products(version: int) -> list[dict] | None:
    """Return the product definitions of ``version``, or None if it was never published."""
    row = get_db().execute(
        "SELECT products_json FROM plugin_versions WHERE version = ?", (version,)
    ).fetchone()
    return None if row is None else json.loads(row["products_json"])


def find_product(version: int, product_key: str) -> dict | None:
    """Return one product's definition as published in ``version``, or None."""
    for product in get_products(version) or []:
        if product["key"] == product_key:
            return product
    return None


def list_versions() -> list[dict]:
    """Return every published version, newest first, with its products."""
    rows = get_db().execute(
        "SELECT version, products_json, published_at FROM plugin_versions ORDER BY version DESC"
    ).fetchall()
    return [
        {"version": row["version"], "products": json.loads(row["products_json"]),
         "published_at": row["published_at"]}
        for row in rows
    ]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
