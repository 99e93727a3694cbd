"""The webhook log: every Twikit delivery and Stripe event the shop received, newest first."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..extensions import db
from ..models import StripeEvent, WebhookDelivery
from .routes import bp

PAGE_SIZE = 100


@bp.get("/webhooks")
def webhooks():
    deliveries = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
                                    .limit(PAGE_SIZE)).all()
    stripe_events = db.session.scalars(select(StripeEvent).order_by(StripeEvent.received_at.desc())
                                       .limit(PAGE_SIZE)).all()
    return render_template("admin/webhooks.html", deliveries=deliveries, stripe_events=stripe_events)
