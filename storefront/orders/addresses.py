"""Which addresses Twikit bills and delivers to: the customer's, or the merchant's own.

The spec allows both: "If the order should be delivered to you for
post-processing, you should set the deliveryAddress to your address.
Similarly, in most cases the item will be billed to you".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ADDRESS_FIELDS = ("first_name", "last_name", "email", "address_line1", "address_line2", "zip", "city",
                  "country_iso", "company_name", "company_vat", "phone")


def merchant_address(config: Mapping[str, Any]) -> dict[str, str] | None:
    """The merchant's address (MERCHANT_*) as snake_case IOrderAddress fields, or None for customer addresses."""
    if config["TWIKIT_ADDRESSES"] != "merchant":
        return None
    return {field: config.get(f"MERCHANT_{field.upper()}") or "" for field in ADDRESS_FIELDS}
