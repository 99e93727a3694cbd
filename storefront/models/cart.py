"""The customer's cart, kept in the database and found by a signed cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .catalog import Product, Variant


class Cart(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable; the session cookie (signed with SECRET_KEY) carries it.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", order_by="CartLine.id", cascade="all, delete-orphan"
    )

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)


class CartLine(db.Model):
    """One product in the cart: a customised design tied to its Twikit configuration ID (spec, step 9),
    or a plain product, which has none."""

    __table_args__ = (
        # The configuration ID identifies the customisation, so it is the line's identity:
        # adding the same configuration again raises the quantity instead.
        UniqueConstraint("cart_id", "configuration_id"),
        # A plain product has no configuration: its variant is its identity, once per cart.
        # (NULLs never collide in the constraint above, so this partial index does that job.)
        Index("uq_cart_line_cart_id_plain_variant", "cart_id", "variant_id", unique=True,
              sqlite_where=text("configuration_id IS NULL"), postgresql_where=text("configuration_id IS NULL")),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("configuration_id > 0", name="configuration_id_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"), index=True)
    # Both None for a plain product.
    configuration_id: Mapped[int | None] = mapped_column(BigInteger)
    preview_url: Mapped[str | None] = mapped_column(String(2048))
    # What the customer chose, in words ("Letter M · Gold-plated"), for display only; never trusted.
    design_summary: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    variant: Mapped[Variant] = relationship()

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity
