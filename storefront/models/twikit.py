"""Twikit plugin script versions: every published URL, the newest one current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ScriptVersion(db.Model):
    """A plugin script URL the shop has used. History is kept; the newest row is current.

    Twikit publishes every change to a new URL "to guarantee maximum stability"
    (spec, JavaScript Plugin), so a URL is never edited, only superseded.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    # "settings" (TWIKIT_SCRIPT_URL) or "webhook" (website publication).
    source: Mapped[str] = mapped_column(String(20))
    product_keys: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(db.Model):
    """Every call Twikit made to one of our webhooks: what came in and what we answered."""

    id: Mapped[int] = mapped_column(primary_key=True)
    route: Mapped[str] = mapped_column(String(40), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    raw_body: Mapped[str] = mapped_column(Text)
    order_identifier: Mapped[str | None] = mapped_column(String(100), index=True)
    http_status: Mapped[int]
    # accepted | refused (well-formed, but the answer is no) | invalid (malformed) | failed (our fault)
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[dict] = mapped_column(JSON)
