"""Building and signing IOrderPayload, exactly as the spec defines it (Rest API, Create Order).

The payload is serialised once, and that very string is both hashed and
sent: "This is sent intentionally as a string to ensure consistent hash
generation on both sides."
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..models import Order

# snake_case (our Order's address dicts) -> the spec's IOrderAddress keys.
ADDRESS_KEYS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "email",
    "address_line1": "addressLine1",
    "address_line2": "addressLine2",   # optional
    "zip": "zip",
    "city": "city",
    "country_iso": "countryIso",
    "company_name": "companyName",     # optional
    "company_vat": "companyVat",       # optional
    "phone": "phone",                  # optional
}
OPTIONAL_ADDRESS_KEYS = {"address_line2", "company_name", "company_vat", "phone"}


def order_address(address: Mapping[str, Any]) -> dict[str, str]:
    """An IOrderAddress: the spec's camelCase keys, optional keys left out when empty."""
    result = {}
    for ours, theirs in ADDRESS_KEYS.items():
        value = (address.get(ours) or "").strip()
        if value or ours not in OPTIONAL_ADDRESS_KEYS:
            result[theirs] = value
    return result


def twikit_lines(order: Order) -> list:
    """The lines Twikit produces: "Only items with a twikit configuration ID should be sent"."""
    return [line for line in order.lines if line.configuration_id is not None]


def build_order_payload(order: Order, *, billing_address: Mapping[str, Any] | None = None,
                        delivery_address: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """IOrderPayload for an order: its Twikit lines, and the addresses Twikit bills and delivers to.

    Each address defaults to the customer's own; storefront.orders.addresses
    passes the merchant's where the settings say so (the spec's usual case
    bills the merchant).
    """
    billing = order.billing_address if billing_address is None else billing_address
    delivery = order.delivery_address if delivery_address is None else delivery_address
    return {
        "items": [
            # configurationId as returned by save(); the quantity goes in amount, never repeated items.
            {"configurationId": line.configuration_id, "amount": line.quantity, "identifier": line.identifier}
            for line in twikit_lines(order)
        ],
        "identifier": order.identifier,
        "billingAddress": order_address(billing),
        "deliveryAddress": order_address(delivery),
        # Twikit ignores data but sends it back for validation: our own order reference.
        "data": {"orderReference": order.identifier},
    }


def serialise(payload: Mapping[str, Any]) -> str:
    """The one JSON string that is hashed and sent: compact, keys in our order, ASCII only.

    Non-ASCII text goes as ``\\u`` escapes ("Brontë" is ``Bront\\u00eb``). The spec
    never says how Twikit turns the string into bytes for its md5, so a string with
    only ASCII characters is the one whose hash cannot come out differently there.
    """
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True)


def payload_hash(payload_string: str, payload_secret: str) -> str:
    """The spec's security hash: md5(orderPayload + payload-secret), as lower-case hex."""
    return hashlib.md5((payload_string + payload_secret).encode("utf-8")).hexdigest()
