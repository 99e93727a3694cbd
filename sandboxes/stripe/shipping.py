"""Shipping options on a Checkout Session: ``shipping_options[][shipping_rate_data]`` and ShippingRate objects.

Stripe creates a ShippingRate (``shr_...``) for each ``shipping_rate_data``
given with the session, lists them in the session's ``shipping_options``
(``{shipping_amount, shipping_rate}``), pre-selects the first, and reports
the customer's choice in ``shipping_cost`` (``shipping_rate`` is expandable).
Rates given by ID (``shipping_rate``) need a rate made in the dashboard,
which this sandbox has not, so they are refused as Stripe refuses an unknown ID.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .db import connect
from .errors import StripeError, invalid, missing
from .ids import new_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS shipping_rates (
    id      TEXT PRIMARY KEY,
    created INTEGER NOT NULL,
    object  TEXT NOT NULL                       -- the shipping_rate JSON
);
"""
#: Stripe Checkout shows at most five shipping options.
MAX_OPTIONS = 5
TIME_UNITS = {"business_day", "day", "hour", "month", "week"}
TAX_BEHAVIORS = {"inclusive", "exclusive", "unspecified"}


def init_schema(path: str) -> None:
    """Create the shipping_rates table if it does not exist yet."""
    conn = connect(path)
    try:
        conn.executescript(SCHEMA)
    finally:
        conn.close()


def validate_options(value: Any, currency: str, check_amount) -> list[dict[str, Any]]:
    """Check ``shipping_options``; return the rate data of each, in order (the first is pre-selected)."""
    if value is None or value == "" or value == []:
        return []
    if not isinstance(value, list):
        raise invalid("shipping_options", "Invalid array")
    if len(value) > MAX_OPTIONS:
        raise invalid("shipping_options", f"You can specify up to {MAX_OPTIONS} shipping options.")
    return [_option(option, f"shipping_options[{i}]", currency, check_amount) for i, option in enumerate(value)]


def _option(option: Any, param: str, currency: str, check_amount) -> dict[str, Any]:
    if not isinstance(option, dict):
        raise invalid(param, "Invalid hash")
    unknown = set(option) - {"shipping_rate", "shipping_rate_data"}
    if unknown:
        name = f"{param}[{sorted(unknown)[0]}]"
        raise StripeError(f"Received unknown parameter: {name}", param=name)
    if "shipping_rate" in option:
        raise StripeError(f"No such shipping rate: '{option['shipping_rate']}'", param=f"{param}[shipping_rate]",
                          code="resource_missing")
    data = option.get("shipping_rate_data")
    p = f"{param}[shipping_rate_data]"
    if not isinstance(data, dict):
        raise missing(p)
    allowed = {"display_name", "type", "fixed_amount", "delivery_estimate", "metadata", "tax_behavior", "tax_code"}
    for name in data:
        if name not in allowed:
            raise StripeError(f"Received unknown parameter: {p}[{name}]", param=f"{p}[{name}]")
    name = data.get("display_name")
    if not isinstance(name, str) or not name.strip():
        raise missing(f"{p}[display_name]")
    if len(name) > 100:
        raise invalid(f"{p}[display_name]", "display_name must be at most 100 characters.")
    if data.get("type", "fixed_amount") != "fixed_amount":
        raise invalid(f"{p}[type]", "Invalid type: must be fixed_amount")
    fixed = data.get("fixed_amount")
    if not isinstance(fixed, dict):
        raise missing(f"{p}[fixed_amount]")
    if "amount" not in fixed:
        raise missing(f"{p}[fixed_amount][amount]")
    if (fixed.get("currency") or "").lower() != currency:
        raise invalid(f"{p}[fixed_amount][currency]",
                      f"The shipping rate's currency must be the session's currency ({currency}).")
    amount = check_amount(fixed["amount"], f"{p}[fixed_amount][amount]")
    tax_behavior = data.get("tax_behavior", "unspecified")
    if tax_behavior not in TAX_BEHAVIORS:
        raise invalid(f"{p}[tax_behavior]", "Invalid tax_behavior: must be one of inclusive, exclusive, or "
                                            "unspecified")
    return {
        "display_name": name, "amount": amount, "currency": currency,
        "delivery_estimate": _estimate(data.get("delivery_estimate"), f"{p}[delivery_estimate]"),
        "metadata": _metadata(data.get("metadata"), f"{p}[metadata]"),
        "tax_behavior": tax_behavior, "tax_code": data.get("tax_code") or None,
    }


def _estimate(value: Any, param: str) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise invalid(param, "Invalid hash")
    estimate = {"maximum": None, "minimum": None}
    for bound in ("minimum", "maximum"):
        if bound not in value:
            continue
        part = value[bound]
        if not isinstance(part, dict) or part.get("unit") not in TIME_UNITS:
            raise invalid(f"{param}[{bound}][unit]", "Invalid unit: must be one of business_day, day, hour, "
                                                     "month or week")
        number = part.get("value", "")
        if not isinstance(number, str) or not number.isdigit() or int(number) < 1:
            raise invalid(f"{param}[{bound}][value]", "Must be greater than 0.")
        estimate[bound] = {"unit": part["unit"], "value": int(number)}
    return estimate


def _metadata(value: Any, param: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise invalid(param, "Invalid hash")
    return dict(value)


def create_rates(conn: sqlite3.Connection, options: list[dict[str, Any]], now: int) -> list[dict[str, Any]]:
    """Store a ShippingRate object for each validated option; return them, as Stripe shapes them."""
    rates = []
    for option in options:
        rate = {
            "id": new_id("shr"), "object": "shipping_rate", "active": True, "created": now,
            "delivery_estimate": option["delivery_estimate"], "display_name": option["display_name"],
            "fixed_amount": {"amount": option["amount"], "currency": option["currency"]},
            "livemode": False, "metadata": option["metadata"], "tax_behavior": option["tax_behavior"],
            "tax_code": option["tax_code"], "type": "fixed_amount",
        }
        conn.execute("INSERT INTO shipping_rates (id, created, object) VALUES (?, ?, ?)",
                     (rate["id"], now, json.dumps(rate)))
        rates.append(rate)
    return rates


def get_rate(conn: sqlite3.Connection, rate_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT object FROM shipping_rates WHERE id = ?", (rate_id,)).fetchone()
    return json.loads(row["object"]) if row else None


def session_rates(conn: sqlite3.Connection, session: dict[str, Any]) -> list[dict[str, Any]]:
    """The session's shipping rates, in the order they were offered."""
    return [get_rate(conn, option["shipping_rate"]) for option in session.get("shipping_options") or []]


def expand_shipping_cost(conn: sqlite3.Connection, session: dict[str, Any]) -> dict[str, Any]:
    """``expand[]=shipping_cost.shipping_rate``: the chosen rate as an object instead of its ID."""
    cost = session.get("shipping_cost")
    if not cost or not isinstance(cost.get("shipping_rate"), str):
        return session
    return {**session, "shipping_cost": {**cost, "shipping_rate": get_rate(conn, cost["shipping_rate"])}}
