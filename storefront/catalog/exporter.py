"""The catalog as a JSON document in the import format (storefront.catalog.importer), to keep or move."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Product
from ..money import amount_text


def export_catalog() -> dict[str, Any]:
    """Every product that has variants, as ``{"products": [...]}``; importing it gives the same catalog.

    Draft products without variants are left out: the import format needs a
    price for each product, and a publication webhook recreates such drafts anyway.
    """
    products = db.session.scalars(select(Product).options(selectinload(Product.variants)).order_by(Product.key))
    return {"products": [_product(product) for product in products if product.variants]}


def _product(product: Product) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": product.key, "slug": product.slug, "name": product.name,
                             "description": product.description or "", "published": product.published,
                             "preview_background_color": product.preview_background_color}
    if product.image_url:
        entry["image"] = product.image_url
    if not product.customizable:
        entry["customizable"] = False
    if product.translations:
        entry["translations"] = product.translations
    entry["variants"] = [_variant(variant) for variant in product.variants]
    return entry


def _variant(variant) -> dict[str, Any]:
    entry: dict[str, Any] = {"sku": variant.sku, "name": variant.name,
                             "price": amount_text(variant.price_cents, variant.currency), "currency": variant.currency}
    if variant.is_default:
        entry["default"] = True
    if variant.translations:
        entry["translations"] = variant.translations
    return entry
