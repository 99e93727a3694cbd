"""The shapes of Twikit's webhook bodies, as the spec defines them, checked strictly.

Strict means JSON types exactly as the spec's TypeScript declares them: a
``number`` must be an integer here (configuration IDs and amounts count
things), ``true`` is not a number, and ``"42"`` is not one either. Strings
are bounded by the columns that store them, and may not hold NUL, which
PostgreSQL cannot store; identifiers, keys and URLs may hold no control
characters or spaces at all. No string anywhere in a body may hold a lone
UTF-16 surrogate (``"\ud800"`` is valid JSON, but no database or encoder
can store it as text).

One exception to strictness: the optional strings of the two completion
reports (production completion's ``url`` and ``error``, order completion's
``trackingUrl`` and ``trackingId``) may be ``null`` or absent, and then read
as empty. A serialiser may well write an unset string that way, and Twikit
retries a refused report only once: a 400 for a null would lose the report.
A value of another type is still a 400.
"""

from __future__ import annotations

import re
from typing import Any

MAX_IDENTIFIER = 100
MAX_CONFIGURATIONS = 1000
MAX_LINE_ITEMS = 1000
MAX_PRODUCTS = 1000
MAX_URL = 2048
MAX_TRACKING_ID = 200
MAX_PRODUCT_KEY = 100
MAX_TEXT = 10_000

_TOKEN = re.compile(r"[^\x00-\x20\x7f]+")  # printable, no spaces: identifiers, keys and URLs


class ShapeError(ValueError):
    """The body is JSON, but not of the spec's shape; the message says what is wrong."""


def _object(body: Any, where: str = "the body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ShapeError(f"{where} must be a JSON object")
    return body


def _list(body: dict[str, Any], key: str, limit: int) -> list[Any]:
    value = body.get(key)
    if not isinstance(value, list):
        raise ShapeError(f"{key} must be a list")
    if len(value) > limit:
        raise ShapeError(f"{key} has more than {limit} entries")
    return value


def check_text(body: Any) -> None:
    """Raise ShapeError if any string in the body (keys too) holds a lone surrogate."""
    pending = [body]
    while pending:  # a loop, not recursion: json.loads accepts deeper nesting than Python recurses
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ShapeError("the body contains text that is not valid Unicode (a lone UTF-16 surrogate)") from None


def _string(body: dict[str, Any], key: str, limit: int, *, where: str = "", empty: bool = True,
            token: bool = False, nullable: bool = False) -> str:
    """A string field: required, at most ``limit`` characters, optionally non-empty and without spaces.

    ``nullable``: ``null`` or no value at all reads as the empty string.
    """
    name = f"{where}{key}"
    value = body.get(key)
    if nullable and value is None:
        return ""
    if not isinstance(value, str):
        raise ShapeError(f"{name} must be a string")
    if not empty and not value.strip():
        raise ShapeError(f"{name} must be a non-empty string")
    if len(value) > limit:
        raise ShapeError(f"{name} is longer than {limit} characters")
    if "\x00" in value or (token and value and not _TOKEN.fullmatch(value)):
        raise ShapeError(f"{name} contains characters that are not allowed")
    return value


def _identifier(body: dict[str, Any], key: str = "identifier", where: str = "") -> str:
    return _string(body, key, MAX_IDENTIFIER, where=where, empty=False, token=True)


def _positive_int(value: Any, where: str) -> int:
    # bool is an int in Python, but true is not a configuration ID.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ShapeError(f"{where} must be a positive integer")
    return value


def _boolean(body: dict[str, Any], key: str) -> bool:
    value = body.get(key)
    if not isinstance(value, bool):
        raise ShapeError(f"{key} must be true or false")
    return value


def check_payment_verification(body: Any) -> dict[str, Any]:
    """``{configurationIds: number[], identifier: string}``"""
    body = _object(body)
    identifier = _identifier(body)
    ids = _list(body, "configurationIds", MAX_CONFIGURATIONS)
    return {"identifier": identifier,
            "configurationIds": [_positive_int(v, f"configurationIds[{i}]") for i, v in enumerate(ids)]}


def check_production_completion(body: Any) -> dict[str, Any]:
    """``{identifier: string, url: string, success: boolean, error: string}``; ``url`` and ``error`` may be empty."""
    body = _object(body)
    return {
        "identifier": _identifier(body),
        "url": _string(body, "url", MAX_URL, token=True, nullable=True),
        "success": _boolean(body, "success"),
        "error": _string(body, "error", MAX_TEXT, nullable=True),
    }


def check_order_completion(body: Any) -> dict[str, Any]:
    """``{identifier, trackingUrl, trackingId, lineItems: ILineItem[]}``; tracking data may be empty."""
    body = _object(body)
    identifier = _identifier(body)
    tracking_url = _string(body, "trackingUrl", MAX_URL, token=True, nullable=True)
    tracking_id = _string(body, "trackingId", MAX_TRACKING_ID, nullable=True)
    items = _list(body, "lineItems", MAX_LINE_ITEMS)
    return {"identifier": identifier, "trackingUrl": tracking_url, "trackingId": tracking_id,
            "lineItems": [_line_item(item, f"lineItems[{i}].") for i, item in enumerate(items)]}


def _line_item(item: Any, where: str) -> dict[str, Any]:
    """``ILineItem: {identifier, configurationId, previewUrl, productKey, amount}``"""
    item = _object(item, where.rstrip("."))
    return {
        "identifier": _identifier(item, where=where),
        "configurationId": _positive_int(item.get("configurationId"), f"{where}configurationId"),
        "previewUrl": _string(item, "previewUrl", MAX_URL, where=where, token=True),
        "productKey": _string(item, "productKey", MAX_PRODUCT_KEY, where=where, empty=False, token=True),
        "amount": _positive_int(item.get("amount"), f"{where}amount"),
    }


def check_website_publication(body: Any) -> dict[str, Any]:
    """``{scriptUrl: string, products: IProduct[]}`` with ``IProduct: {key: string}``."""
    body = _object(body)
    script_url = _string(body, "scriptUrl", MAX_URL, empty=False, token=True)
    products = _list(body, "products", MAX_PRODUCTS)
    keys = [_string(_object(p, f"products[{i}]"), "key", MAX_PRODUCT_KEY, where=f"products[{i}].", empty=False,
                    token=True) for i, p in enumerate(products)]
    return {"scriptUrl": script_url, "products": [{"key": key} for key in keys]}
