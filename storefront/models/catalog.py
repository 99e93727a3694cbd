"""Products and their variants: the shop's own prices and SKUs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Translatable, UTCDateTime, utcnow

V = TypeVar("V")  # a Variant, or a read-only listing of one


def default_variant_of(variants: Sequence[V]) -> V | None:
    """The variant the Twikit plugin starts in: the one marked default, else the first; None without variants.

    The plugin announces a variation only when it changes (spec: variationChanged), so the
    product page starts from this one; it must be the variation the product's defaults imply.
    """
    return next((v for v in variants if v.is_default), variants[0] if variants else None)


def lowest_price_of(variants: Sequence) -> int | None:
    """The "from" price: the cheapest variant's, in minor units; None without variants."""
    return min((v.price_cents for v in variants), default=None)


class Product(Translatable, db.Model):
    """A product the shop sells, linked to Twikit by its product key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Twikit Product Key, as found in the Integration Publisher (spec, step 2).
    key: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(500))
    # Background of the preview Twikit renders for the cart (plugin option previewBackgroundColor).
    preview_background_color: Mapped[str] = mapped_column(String(20), default="#ffffff")
    published: Mapped[bool] = mapped_column(default=True)
    # False for a plain product (a stand, a gift box): sold as it is, never designed in
    # Twikit's plugin and never sent to Twikit ("Only items with a twikit configuration ID").
    customizable: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The name and description in other languages, from the catalog file: {"nl": {"name": ..., "description": ...}}.
    translations: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position", cascade="all, delete-orphan"
    )

    def variant_by_sku(self, sku: str) -> Variant | None:
        """This product's variant with that SKU, or None."""
        return next((v for v in self.variants if v.sku == sku), None)

    @property
    def default_variant(self) -> Variant | None:
        return default_variant_of(self.variants)

    @property
    def lowest_price_cents(self) -> int | None:
        return lowest_price_of(self.variants)

    def __repr__(self) -> str:
        return f"<Product {self.key}>"


class Variant(Translatable, db.Model):
    """A priced variation of a product, matched to Twikit's variation by SKU."""

    __table_args__ = (CheckConstraint("price_cents >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    price_cents: Mapped[int]  # in the currency's minor unit (ISO 4217): cents for EUR, yen for JPY
    currency: Mapped[str] = mapped_column(String(3))
    position: Mapped[int] = mapped_column(default=0)
    # The name in other languages, from the catalog file: {"nl": {"name": ...}}.
    translations: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSON)
    # The catalog file's ``"default": true``: at most one per product (the importer checks).
    is_default: Mapped[bool] = mapped_column(default=False, server_default=false())

    product: Mapped[Product] = relationship(back_populates="variants")

    def __repr__(self) -> str:
        return f"<Variant {self.sku} {self.price_cents} {self.currency}>"


class CatalogVersion(db.Model):
    """A counter raised in the same transaction as every change to products or variants.

    Each web process keeps the published catalog in memory under the version it
    was read at (storefront.catalog.cache); one primary-key read per request
    tells it whether that copy is still the catalog. One row, id 1; a database
    without the row is at version 0.
    """

    __tablename__ = "catalog_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
