"""Editing the catalog from the back-office: products, their variants, and publishing.

The rules are the import file's (storefront.catalog.importer), so a product
made here exports and imports again unchanged: keys and slugs in lower-case
letters, digits and dashes; SKUs unique across the shop; prices positive and
in the shop's currency. A product is published only with at least one
variant, because the shop never sells at a price nobody set.

Each function raises ``CatalogEditError`` naming the field and the problem,
and commits on success; the commit raises the catalog version, so every web
process shows the change on its next page (storefront.catalog.cache).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Product, Variant

log = logging.getLogger(__name__)


class CatalogEditError(ValueError):
    """A change the catalog refuses; ``field`` names the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


PRODUCT_FIELDS = ("key", "slug", "name", "description", "image_url", "preview_background_color", "customizable")


def create_product(fields: dict[str, Any]) -> Product:
    """A new, unpublished product; variants are added next."""
    _check_unique_product(None, fields)
    product = Product(published=False, **{name: fields[name] for name in PRODUCT_FIELDS})
    db.session.add(product)
    _commit(lambda: f"product {product.key} created")
    return product


def update_product(product: Product, fields: dict[str, Any]) -> None:
    """Change a product's texts, slug, image or preview colour (its Twikit key stays)."""
    fields = {name: value for name, value in fields.items() if name != "key"}
    _check_unique_product(product, fields)
    for name in PRODUCT_FIELDS:
        if name in fields:
            setattr(product, name, fields[name])
    _commit(lambda: f"product {product.key} updated")


def set_published(product: Product, published: bool) -> None:
    """Show the product in the shop, or hide it; publishing needs a variant with a price."""
    if published and not product.variants:
        raise CatalogEditError("variants", "Add a variant with a price before publishing this product.")
    product.published = published
    _commit(lambda: f"product {product.key} {'published' if published else 'unpublished'}")


def add_variant(product: Product, fields: dict[str, Any], currency: str) -> Variant:
    """Add a variant (SKU, name, price in minor units) at the end of the product's list."""
    _check_unique_sku(None, fields["sku"])
    variant = Variant(sku=fields["sku"], name=fields["name"], price_cents=fields["price_cents"], currency=currency,
                      position=max((v.position for v in product.variants), default=-1) + 1)
    product.variants.append(variant)
    _commit(lambda: f"variant {variant.sku} added to {product.key}")
    return variant


def update_variant(variant: Variant, fields: dict[str, Any]) -> None:
    """Change a variant's SKU, name or price; orders already placed keep what they were sold at."""
    _check_unique_sku(variant, fields["sku"])
    variant.sku, variant.name, variant.price_cents = fields["sku"], fields["name"], fields["price_cents"]
    _commit(lambda: f"variant {variant.sku} updated")


def remove_variant(variant: Variant) -> None:
    """Remove a variant (and the cart lines holding it); a published product keeps at least one."""
    product = variant.product
    if product.published and len(product.variants) == 1:
        raise CatalogEditError("variants", "A published product needs a variant: unpublish it first, "
                                           "or add another variant.")
    sku = variant.sku
    product.variants.remove(variant)
    _commit(lambda: f"variant {sku} removed from {product.key}")


def _check_unique_product(product: Product | None, fields: dict[str, Any]) -> None:
    for name in ("key", "slug"):
        if name not in fields:
            continue
        query = select(Product.key).where(getattr(Product, name) == fields[name])
        if product is not None:
            query = query.where(Product.id != product.id)
        owner = db.session.scalar(query)
        if owner:
            raise CatalogEditError(name, f"{fields[name]!r} is already the {name} of product {owner!r}.")


def _check_unique_sku(variant: Variant | None, sku: str) -> None:
    query = select(Product.key).join(Variant).where(Variant.sku == sku)
    if variant is not None:
        query = query.where(Variant.id != variant.id)
    owner = db.session.scalar(query)
    if owner:
        raise CatalogEditError("sku", f"SKU {sku!r} already belongs to product {owner!r}.")


def _commit(what: Callable[[], str]) -> None:
    try:
        db.session.commit()
    except IntegrityError:  # another merchant's tab took the same key, slug or SKU a moment ago
        db.session.rollback()
        raise CatalogEditError("", "That key, slug or SKU was just taken by another change. Reload and try again.") \
            from None
    log.info("catalog: %s", what())
