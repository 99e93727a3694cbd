"""The transactional outbox: work to do after a commit, written in that same commit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .orders import Order


class JobState(StrEnum):
    """pending -> running -> done | failed; a running job whose lease ran out is due again."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # stopped retrying; the order is flagged for a person


class OutboxJob(db.Model):
    """A durable job, such as "submit order 42 to Twikit", claimed and run by the worker.

    Written in the transaction that makes it necessary (the payment), so the
    job exists if and only if the payment was recorded.
    """

    __table_args__ = (UniqueConstraint("kind", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=JobState.PENDING, index=True)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by each claim; a worker may record a result only while the token is still its own.
    lease_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()
