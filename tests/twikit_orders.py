"""Orders in a given state, and Twikit's webhook calls, for the webhook tests.

Orders are written straight to the database: these tests are about what the
webhooks do with an order in each status, not about how it got there.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, OrderEvent, OrderLine, OutboxJob, WebhookDelivery, utcnow

TOKEN = "demo-webhook-token"  # the demo value; the test shop runs in demo mode
ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
           "address_line1": "Rue de la Loi 16", "zip": "1000", "city": "Brussels", "country_iso": "BE"}


def url(route: str, token: str = TOKEN) -> str:
    return f"/webhooks/twikit/{token}/{route}"


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
                configuration_id=configuration_id, preview_url=f"http://127.0.0.1:5001/previews/{configuration_id}.png",
                quantity=quantity, unit_price_cents=4900))
        db.session.add(order)
        db.session.commit()
    return identifier


def line_items(identifier: str, lines: tuple = ((1001, 1),)) -> list[dict]:
    """Twikit's ILineItems for an order made by ``make_order`` with the same lines."""
    return [{"identifier": f"{identifier}-{number}", "configurationId": configuration_id,
             "previewUrl": f"http://127.0.0.1:5001/previews/{configuration_id}.png",
             "productKey": "diamond-letter-jewel", "amount": quantity}
            for number, (configuration_id, quantity) in enumerate(lines, start=1)]


def production_report(identifier: str, success: bool = True, **changes) -> dict:
    return {"identifier": identifier, "url": "https://producer.example/orders/77", "success": success,
            "error": "" if success else "The print failed", **changes}


def shipping_report(identifier: str, lines: tuple = ((1001, 1),), **changes) -> dict:
    return {"identifier": identifier, "trackingUrl": "https://track.example/1Z999", "trackingId": "1Z999",
            "lineItems": line_items(identifier, lines), **changes}


def snapshot(app, identifier: str) -> tuple:
    """Everything a webhook may change about an order: columns, events and outbox jobs."""
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                                    .order_by(OrderEvent.id)).all()
        jobs = db.session.scalars(select(OutboxJob.kind).where(OutboxJob.order_id == order.id)).all()
        return (order.status, order.produced_at, order.production_url, order.production_error, order.shipped_at,
                order.tracking_url, order.tracking_id, order.attention_reason,
                [(e.from_status, e.to_status, e.message) for e in events], sorted(jobs))


def order_of(app, identifier: str) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        db.session.expunge(order)
        return order


def transitions(app, identifier: str) -> list[tuple[str, str]]:
    """The status changes an order went through (notes left out)."""
    return [(old, new) for old, new, _ in snapshot(app, identifier)[8] if old != new]


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def deliveries(app, route: str) -> list[WebhookDelivery]:
    with app.app_context():
        rows = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.route == route)
                                  .order_by(WebhookDelivery.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows
