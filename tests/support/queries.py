"""Reading the shop's database back: an order, its events and jobs, counts, logged webhook deliveries,
submission attempts and the SQL statements a request runs; and waiting until what it reads is so.

Each function opens an app context of its own and returns plain values or
detached rows, so a test can call it between requests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from storefront.extensions import db
from storefront.models import Order, OrderEvent, OutboxJob, WebhookDelivery


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


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """The SQL statements the shop's engine runs inside the block, as sent to the database."""
    statements: list[str] = []

    def record(connection, cursor, statement, *_rest):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_of(app, client, path: str, expect: int = 200) -> list[str]:
    """The statements one GET runs (the page must answer ``expect``)."""
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == expect, path
    return statements


def submission_attempts(app) -> list[dict]:
    """Every create-order attempt the worker recorded, oldest first: its event details (http_status...)."""
    with app.app_context():
        events = db.session.scalars(select(OrderEvent).order_by(OrderEvent.id)).all()
        attempts = [event.details for event in events if "attempt" in (event.details or {})]
        db.session.remove()
        return attempts


def wait_until(condition, what: str, timeout: float = 60, every: float = 0.2):
    """Poll ``condition`` until it returns something true, and return that; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(every)
    return result
