"""Orders: a snapshot of the cart at checkout, its addresses, and an append-only event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, event, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class Order(db.Model):
    """A customer's order. Its ``status`` changes only through storefront.orders.

    Amounts (``*_cents``) are integers in the currency's minor unit (ISO 4217),
    whatever its name: cents for EUR, yen for JPY, fils for KWD.
    """

    __tablename__ = "orders"  # ORDER is an SQL keyword
    __table_args__ = (
        # One cart, one payment: a cart has at most one order awaiting payment, so two checkouts
        # of the same cart at once cannot both open a payable Stripe session (storefront.checkout).
        Index("uq_orders_cart_id_awaiting_payment", "cart_id", unique=True,
              sqlite_where=text("status = 'awaiting_payment'"),
              postgresql_where=text("status = 'awaiting_payment'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Human-readable and unique: the IOrderPayload ``identifier`` Twikit sees and
    # sends back in every webhook.
    identifier: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    email: Mapped[str] = mapped_column(String(254))
    # IOrderAddress fields, in snake_case; storefront.twikit maps them to the spec's keys.
    billing_address: Mapped[dict[str, Any]] = mapped_column(JSON)
    delivery_address: Mapped[dict[str, Any]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_cents: Mapped[int]  # the lines, at the shop's prices
    total_cents: Mapped[int]  # what the customer pays: what Stripe charged, once paid
    # What Stripe Checkout computed, recorded when the payment is confirmed; 0 until then.
    shipping_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    discount_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    tax_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    # True when tax_cents is included in the prices (PRICES_INCLUDE_TAX), False when added on top.
    tax_included: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The shipping rate the customer chose on Stripe's page: its id in the rates file, and its name.
    shipping_rate: Mapped[str | None] = mapped_column(String(100))
    shipping_rate_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # The cart this order was placed from; emptied when payment is confirmed.
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("cart.id", ondelete="SET NULL"), index=True)
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    # A fact: the customer finished Stripe Checkout with a method that settles later (the payment is
    # processing), so the cart is reserved for this order until it is paid or fails.
    payment_pending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A fact, not a status: payment was confirmed at this time. Kept after a refund, which is a fact of its own.
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A fact, not a status: Twikit accepted the order (result code 1, 2, or 9 after our own attempt).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attention_reason: Mapped[str | None] = mapped_column(Text)
    # Facts reported by Twikit's production-completion and order-completion webhooks.
    produced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    production_url: Mapped[str | None] = mapped_column(String(2048))
    production_error: Mapped[str | None] = mapped_column(Text)
    # A fact, not a status: every line has shipped to the customer (storefront.orders.shipments).
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Twikit's tracking from order-completion: the customer's parcel, or with TWIKIT_DELIVER_TO=merchant
    # the producer's parcel to the merchant, which only the back-office shows.
    tracking_url: Mapped[str | None] = mapped_column(String(2048))
    tracking_id: Mapped[str | None] = mapped_column(String(200))
    # Where Twikit delivers this order's customised lines ("customer" or "merchant"), fixed when it
    # is placed (TWIKIT_DELIVER_TO), since it decides who ships what; None without customised lines.
    twikit_delivery: Mapped[str | None] = mapped_column(String(20))
    # A fact: Twikit reported order completion (the parcel left the producer, to whomever it goes).
    twikit_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Facts about money going back (storefront.orders.cancellation, storefront.payments.refunds):
    # the Stripe refund we asked for, and what Stripe reports refunded on the charge (charge.refunded).
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255))
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refunded_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Order {self.identifier} {self.status}>"


class OrderLine(db.Model):
    """One ordered product, copied from the cart so later catalog changes cannot alter it."""

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # IOrderItem ``identifier``: unique per line, across all orders.
    identifier: Mapped[str] = mapped_column(String(50), unique=True)
    product_key: Mapped[str] = mapped_column(String(100))
    product_name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64))
    variant_name: Mapped[str] = mapped_column(String(200))
    # Null for a product without Twikit customisation: such a line never reaches Twikit.
    configuration_id: Mapped[int | None] = mapped_column(BigInteger)
    preview_url: Mapped[str | None] = mapped_column(String(2048))
    # The product's own image when ordered: what a line without a Twikit preview (a plain product) shows.
    image_url: Mapped[str | None] = mapped_column(String(500))
    # The cart line's display-only summary of the design ("Letter M · Gold-plated"); Twikit never sees it.
    design_summary: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]
    # The parcel this line left in; None until it ships (storefront.orders.shipments).
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipment.id", ondelete="SET NULL"), index=True)

    order: Mapped[Order] = relationship(back_populates="lines")
    shipment: Mapped[Shipment | None] = relationship(back_populates="lines")

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity

    @property
    def picture_url(self) -> str | None:
        """What the line shows: Twikit's preview of the design, else the product's own image."""
        return self.preview_url or self.image_url


class OrderEvent(db.Model):
    """One row per status change or notable fact. Rows are added, never changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    # Who caused it: checkout, success-page, stripe-webhook, worker, twikit-webhook, admin.
    source: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    order: Mapped[Order] = relationship(back_populates="events")


class Shipment(db.Model):
    """One parcel to the customer: some of an order's lines, who sent it, and its tracking.

    Twikit ships the customised lines when it delivers to the customer (its
    order-completion webhook); the merchant ships the rest from the back-office:
    plain products always, and everything when Twikit delivers to the merchant.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    shipped_by: Mapped[str] = mapped_column(String(20))  # "twikit" or "merchant"
    tracking_id: Mapped[str | None] = mapped_column(String(200))
    tracking_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="shipments")
    lines: Mapped[list[OrderLine]] = relationship(back_populates="shipment", order_by="OrderLine.id")


@event.listens_for(OrderEvent, "before_update")
def _events_are_append_only(_mapper, _connection, target: OrderEvent) -> None:
    raise ValueError(f"order event {target.id} is append-only")
