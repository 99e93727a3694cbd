"""Orders, carts and catalog rows in the state a test needs.

Orders are written straight to the database: the tests that use them are
about what happens to an order in some state, not about how it got there.
"""

from __future__ import annotations

from datetime import timedelta

from storefront.extensions import db
from storefront.models import Order, OrderLine, utcnow

ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
           "address_line1": "Rue de la Loi 16", "zip": "1000", "city": "Brussels", "country_iso": "BE"}


def preview_url(configuration_id: int) -> str:
    """Where the demo Twikit sandbox serves a configuration's preview."""
    return f"http://127.0.0.1:5001/previews/{configuration_id}.png"


def make_order(app, status: str = "submitted", identifier: str = "TW-261129-AAAAAA",
               lines: tuple = ((1001, 1),), paid: bool = True, submitted: bool | None = None) -> str:
    """An order in ``status`` with Twikit lines of (configuration ID, quantity); returns its identifier."""
    if submitted is None:
        submitted = status in ("submitted", "production_complete", "shipped")
    now = utcnow()
    with app.app_context():
        order = Order(identifier=identifier, status=status, email="ada@example.com", billing_address=ADDRESS,
                      delivery_address=ADDRESS, currency="EUR", subtotal_cents=0, total_cents=0, locale="en",
                      paid_at=now - timedelta(hours=1) if paid else None, submitted_at=now if submitted else None)
        for number, (configuration_id, quantity) in enumerate(lines, start=1):
            order.lines.append(OrderLine(
                identifier=f"{identifier}-{number}", product_key="diamond-letter-jewel",
                product_name="Diamond Letter Pendant", sku="DLJ-SILVER", variant_name="Sterling silver",
                configuration_id=configuration_id, preview_url=preview_url(configuration_id),
                quantity=quantity, unit_price_cents=4900))
        db.session.add(order)
        db.session.commit()
    return identifier
