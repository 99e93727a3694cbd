"""Which addresses Twikit bills and delivers to: the customer's, or the merchant's own.

Two settings, because the spec treats them as two choices: "If the order
should be delivered to you for post-processing, you should set the
deliveryAddress to your address. Similarly, in most cases the item will be
billed to you after which you generate the customer's bill, so you can set
the billing address to your address too."

- TWIKIT_BILL_TO (default ``merchant``): the customer pays the shop through
  Stripe, so Twikit bills the merchant, as the spec says happens "in most cases".
- TWIKIT_DELIVER_TO (default ``customer``): Twikit ships straight to the
  customer; ``merchant`` sends the parcel to the merchant, who ships it on.

The delivery choice is recorded on the order when it is placed
(``Order.twikit_delivery``): it decides who ships what, so a change of the
setting must not move orders already on their way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import Order

ADDRESS_FIELDS = ("first_name", "last_name", "email", "address_line1", "address_line2", "zip", "city",
                  "country_iso", "company_name", "company_vat", "phone")
CUSTOMER, MERCHANT = "customer", "merchant"


def merchant_address(config: Mapping[str, Any]) -> dict[str, str]:
    """The merchant's address (MERCHANT_*) as snake_case IOrderAddress fields."""
    return {field: (config.get(f"MERCHANT_{field.upper()}") or "").strip() for field in ADDRESS_FIELDS}


def twikit_addresses(order: Order, config: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(billing, delivery) for the order payload, as TWIKIT_BILL_TO and the order's delivery choice say."""
    billing = merchant_address(config) if config["TWIKIT_BILL_TO"] == MERCHANT else order.billing_address
    delivery = merchant_address(config) if order.twikit_delivery == MERCHANT else order.delivery_address
    return billing, delivery
