"""Everything the back-office shows about one order, read in a few statements, written never."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Order, StripeEvent, WebhookDelivery
from ..payments.stripe_checkout import dashboard_url
from .cancellation import why_not_cancel
from .corrections import why_not_correct
from .production_files import why_not_download
from .resolution import why_not_resolve
from .submission import why_not_retry


@dataclass(frozen=True)
class Attempt:
    """One create-order call to Twikit, as the worker recorded it."""

    at: Any
    details: dict[str, Any]

    @property
    def pretty_payload(self) -> str:
        """The exact orderPayload string, indented for reading (what was hashed is ``details['order_payload']``)."""
        try:
            return json.dumps(json.loads(self.details["order_payload"]), indent=2, ensure_ascii=False)
        except (TypeError, ValueError):
            return str(self.details.get("order_payload"))


@dataclass
class OrderDetail:
    order: Order
    attempts: list[Attempt]
    deliveries: list[WebhookDelivery]
    stripe_events: list[StripeEvent]
    stripe_payment_url: str | None
    # Each back-office action, and why it is not allowed now (None: allowed).
    refusals: dict[str, str | None] = field(default_factory=dict)

    def allowed(self, action: str) -> bool:
        return self.refusals.get(action) is None


def order_detail(identifier: str) -> OrderDetail | None:
    """The order with its lines, events, Twikit attempts, webhook deliveries and the actions open to it."""
    order = db.session.scalar(select(Order).where(Order.identifier == identifier)
                              .options(selectinload(Order.lines), selectinload(Order.events)))
    if order is None:
        return None
    deliveries = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.order_identifier == identifier)
                                    .order_by(WebhookDelivery.id.desc())).all()
    stripe_events = db.session.scalars(
        select(StripeEvent).where(StripeEvent.session_id == order.stripe_session_id)
        .order_by(StripeEvent.received_at.desc())).all() if order.stripe_session_id else []
    attempts = [Attempt(event.created_at, event.details) for event in order.events
                if event.details and "order_payload" in event.details]
    return OrderDetail(
        order=order, attempts=attempts, deliveries=list(deliveries), stripe_events=list(stripe_events),
        stripe_payment_url=dashboard_url(order.stripe_payment_intent_id),
        refusals={"retry": why_not_retry(order), "correct_addresses": why_not_correct(order),
                  "resolve": why_not_resolve(order), "cancel_refund": why_not_cancel(order),
                  "download": why_not_download(order)},
    )
