"""Twikit plugin script versions: every published URL, the newest one current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ScriptVersion(db.Model):
    """A plugin script URL the shop has used. History is kept; the newest row is current.

    Twikit publishes every change to a new URL "to guarantee maximum stability"
    (spec, JavaScript Plugin), so a URL is never edited, only superseded.
    """

    __table_args__ = (
        # A URL enters the history once (a rollback row points at an old one again): copies of one
        # publication delivered at the same moment cannot each add a version (storefront.twikit.publication).
        Index("uq_script_version_url_first_seen", "url", unique=True,
              sqlite_where=text("source <> 'rollback'"), postgresql_where=text("source <> 'rollback'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    # "settings" (TWIKIT_SCRIPT_URL), "webhook" (website publication) or "rollback" (the back-office).
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
