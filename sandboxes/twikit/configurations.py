"""Saved configurations: what the plugin's ``save()`` stores and the IDs it hands out.

A configuration ID is what the shop later sends to the Orders API and the
production-file export, so this module is also how those parts read one back.
"""

import base64
import binascii
import json
from datetime import UTC, datetime

from . import versions
from .db import get_db
from .parameters import InvalidConfiguration, validate_parameters, variation_for

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PREVIEW_BYTES = 2 * 1024 * 1024
DATA_URL_PREFIX = "data:image/png;base64,"


def validate_save(body: object) -> dict:
    """Check a save request from the plugin; return the clean fields or raise InvalidConfiguration."""
    if not isinstance(body, dict):
        raise InvalidConfiguration("the request body must be a JSON object")
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or versions.get_products(version) is None:
        raise InvalidConfiguration(f"unknown plugin version: {version!r}")
    product_key = body.get("productKey")
    product = versions.find_product(version, product_key) if isinstance(product_key, str) else None
    if product is None:
        raise InvalidConfiguration(f"unknown product key for plugin v{version}: {product_key!r}")
    parameters = validate_parameters(product, body.get("parameters"))

    # Recomputed here: the variation decides the SKU and price, so it cannot come from the browser.
    expected = variation_for(product, parameters)
    variation = body.get("variation")
    if not isinstance(variation, dict) or (variation.get("id"), variation.get("sku")) != (
        expected["id"], expected["sku"]
    ):
        raise InvalidConfiguration(
            f"variation does not match the parameters: expected {expected['id']} ({expected['sku']})"
        )
    return {
        "product_key": product_key,
        "version": version,
        "parameters": parameters,
        "variation": expected,
        "preview_png": decode_preview(body.get("previewPng")),
    }


def decode_preview(data_url: object) -> bytes:
    """Return the PNG bytes of a ``data:image/png;base64,...`` URL, or raise InvalidConfiguration."""
    if not isinstance(data_url, str) or not data_url.startswith(DATA_URL_PREFIX):
        raise InvalidConfiguration("previewPng must be a data:image/png;base64 URL")
    encoded = data_url[len(DATA_URL_PREFIX):]
    # Check the size before decoding, so a huge body costs no memory spike.
    if len(encoded) * 3 // 4 > MAX_PREVIEW_BYTES + 3:
        raise InvalidConfiguration("previewPng is too large (2 MB at most)")
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidConfiguration("previewPng is not valid base64") from None
    if len(png) >= MAX_PREVIEW_BYTES:
        raise InvalidConfiguration("previewPng is too large (2 MB at most)")
    if not png.startswith(PNG_SIGNATURE):
        raise InvalidConfiguration("previewPng is not a PNG image")
    return png


def save(fields: dict) -> int:
    """Store a validated configuration and return its new configuration ID."""
    db = get_db()
    cursor = db.execute(
        """INSERT INTO configurations (product_key, plugin_version, parameters_json,
               variation_id, variation_sku, preview_png, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            fields["product_key"], fields["version"], json.dumps(fields["parameters"]),
            fields["variation"]["id"], fields["variation"]["sku"], fields["preview_png"],
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )
    db.commit()
    return cursor.lastrowid


def get(configuration_id: int) -> dict | None:
    """Return a stored configuration (without its PNG), or None if the ID is unknown."""
    row = get_db().execute(
        """SELECT configuration_id, product_key, plugin_version, parameters_json,
                  variation_id, variation_sku, created_at
           FROM configurations WHERE configuration_id = ?""",
        (configuration_id,),
    ).fetchone()
    return None if row is None else _as_dict(row)


def get_preview(configuration_id: int) -> bytes | None:
    """Return the stored preview PNG, or None if the ID is unknown."""
    row = get_db().execute(
        "SELECT preview_png FROM configurations WHERE configuration_id = ?", (configuration_id,)
    ).fetchone()
    return None if row is None else row["preview_png"]


def latest(limit: int = 12) -> list[dict]:
    """Return the most recently saved configurations, newest first."""
    rows = get_db().execute(
        """SELECT configuration_id, product_key, plugin_version, parameters_json,
                  variation_id, variation_sku, created_at
           FROM configurations ORDER BY configuration_id DESC LIMIT ?""",
        (limit,),
    ).fetchall()
    return [_as_dict(row) for row in rows]


def _as_dict(row) -> dict:
    return {
        "configurationId": row["configuration_id"],
        "productKey": row["product_key"],
        "version": row["plugin_version"],
        "parameters": json.loads(row["parameters_json"]),
        "variation": {"id": row["variation_id"], "sku": row["variation_sku"]},
        "createdAt": row["created_at"],
    }
