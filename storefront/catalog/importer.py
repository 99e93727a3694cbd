"""Load a catalog file into the database: all of it, or nothing.

The file format (see storefront/catalog/demo-catalog.json)::

    {"products": [{"key": "diamond-letter-jewel", "slug": "...", "name": "...",
                   "description": "...", "image": "/static/...", "published": true,
                   "customizable": true,
                   "preview_background_color": "#f4f1ec",
                   "translations": {"nl": {"name": "...", "description": "..."}},
                   "variants": [{"sku": "DLJ-SILVER", "name": "Silver",
                                 "price": "49.00", "currency": "EUR",
                                 "translations": {"nl": {"name": "Zilver"}}},
                                {"sku": "DLJ-GOLD", "name": "Gold-plated", "price": "89.00",
                                 "currency": "EUR", "default": true}]}]}

``translations`` is optional: a text without one is shown as written.

A product page starts from the variant marked ``"default": true``, else the
first one: the variation the Twikit plugin starts in, as the merchant set it
up in Twikit (the plugin reports a variation only when it changes).

``customizable`` (default true) says whether the product is designed in
Twikit's plugin; a plain product (a stand, a gift box) is sold as it is and
never reaches Twikit. Prices have as many decimals as the currency has in
ISO 4217: "49.00" EUR, "4900" JPY, "12.340" KWD.

Importing is idempotent: products are matched by their Twikit key and
variants by SKU, so importing the same file twice gives the same catalog.
Products missing from the file are left alone; variants missing from a
product in the file are removed (with any cart lines holding them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import parse_translations
from ..models import Product, Variant
from ..money import parse_amount
from ..payments.stripe_amounts import check_chargeable

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


class CatalogError(ValueError):
    """The catalog file is wrong; the message names the product and the field."""


@dataclass
class VariantData:
    sku: str
    name: str
    price_cents: int
    currency: str
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    is_default: bool = False


@dataclass
class ProductData:
    key: str
    slug: str
    name: str
    description: str
    image_url: str | None
    published: bool
    preview_background_color: str
    customizable: bool = True
    variants: list[VariantData] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} product(s) created, {self.updated} updated"


def import_catalog_file(path: str | Path, currency: str) -> ImportResult:
    """Validate the whole file, then write it in one transaction."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CatalogError(f"cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise CatalogError(f"{path} is not valid JSON: {error}") from None
    return import_catalog(parse_catalog(document, currency))


def parse_catalog(document: Any, currency: str) -> list[ProductData]:
    """Check a decoded catalog document and return its products, or raise CatalogError."""
    if not isinstance(document, dict) or not isinstance(document.get("products"), list):
        raise CatalogError('the file must be an object with a "products" list')
    products: list[ProductData] = []
    keys, slugs, skus = set(), set(), set()
    for index, raw in enumerate(document["products"]):
        product = _parse_product(raw, index, currency)
        where = f"product {product.key!r}"
        if product.key in keys:
            raise CatalogError(f"{where}: key: appears twice in the file")
        if product.slug in slugs:
            raise CatalogError(f"{where}: slug: {product.slug!r} appears twice in the file")
        for variant in product.variants:
            if variant.sku in skus:
                raise CatalogError(f"{where}: variants: SKU {variant.sku!r} appears twice in the file")
            skus.add(variant.sku)
        keys.add(product.key)
        slugs.add(product.slug)
        products.append(product)
    return products


def _parse_product(raw: Any, index: int, currency: str) -> ProductData:
    if not isinstance(raw, dict):
        raise CatalogError(f"product #{index + 1}: must be an object")
    key = raw.get("key")
    where = f"product {key!r}" if isinstance(key, str) and key else f"product #{index + 1}"

    def text(name: str, required: bool = True, limit: int = 200) -> str:
        value = raw.get(name, "" if not required else None)
        if value is None or not isinstance(value, str) or (required and not value.strip()):
            raise CatalogError(f"{where}: {name}: {'is required' if value is None else 'must be a non-empty string'}")
        if len(value) > limit:
            raise CatalogError(f"{where}: {name}: longer than {limit} characters")
        return value.strip()

    key = text("key", limit=100)
    if not KEY_PATTERN.match(key):
        raise CatalogError(f"{where}: key: use lower-case letters, digits and dashes")
    slug = text("slug", required=False, limit=100) or key
    if not KEY_PATTERN.match(slug):
        raise CatalogError(f"{where}: slug: use lower-case letters, digits and dashes")
    image = text("image", required=False, limit=500) or None
    if image and not image.startswith(("/", "https://", "http://")):
        raise CatalogError(f"{where}: image: must be a path starting with / or an http(s) URL")
    published = raw.get("published", True)
    if not isinstance(published, bool):
        raise CatalogError(f"{where}: published: must be true or false")
    customizable = raw.get("customizable", True)
    if not isinstance(customizable, bool):
        raise CatalogError(f"{where}: customizable: must be true or false")
    background = text("preview_background_color", required=False, limit=7) or "#ffffff"
    if not COLOR_PATTERN.match(background):
        raise CatalogError(f"{where}: preview_background_color: must look like #f4f1ec")
    variants = raw.get("variants")
    if not isinstance(variants, list) or not variants:
        raise CatalogError(f"{where}: variants: must be a non-empty list")
    parsed = [_parse_variant(v, f"{where}: variants[{i}]", currency) for i, v in enumerate(variants)]
    if sum(variant.is_default for variant in parsed) > 1:
        raise CatalogError(f"{where}: variants: only one variant may be the default")
    return ProductData(
        key=key, slug=slug, name=text("name"), description=text("description", required=False, limit=5000),
        image_url=image, published=published, preview_background_color=background.lower(), customizable=customizable,
        variants=parsed,
        translations=_translations(raw.get("translations"), f"{where}: translations",
                                   {"name": 200, "description": 5000}),
    )


def _parse_variant(raw: Any, where: str, currency: str) -> VariantData:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: must be an object")
    sku, name, price, variant_currency = (raw.get(k) for k in ("sku", "name", "price", "currency"))
    is_default = raw.get("default", False)
    if not isinstance(is_default, bool):
        raise CatalogError(f"{where}.default: must be true or false")
    if not isinstance(sku, str) or not SKU_PATTERN.match(sku):
        raise CatalogError(f"{where}.sku: must be letters, digits, '.', '_' or '-' (at most 64)")
    if not isinstance(name, str) or not name.strip():
        raise CatalogError(f"{where}.name: is required")
    if not isinstance(variant_currency, str) or variant_currency.upper() != currency:
        raise CatalogError(f"{where}.currency: {variant_currency!r} is not the shop's currency {currency}")
    # Prices are decimal strings in the file, never floats, so no rounding can creep in;
    # as many decimals as the currency has (ISO 4217), stored as an integer in its minor unit.
    try:
        price_cents = parse_amount(price, currency)
        check_chargeable(price_cents, currency)
    except ValueError as error:
        raise CatalogError(f"{where}.price: {error}") from None
    return VariantData(sku=sku, name=name.strip(), price_cents=price_cents, currency=currency, is_default=is_default,
                       translations=_translations(raw.get("translations"), f"{where}.translations",
                                                  {"name": 200}))


def _translations(raw: Any, where: str, limits: dict[str, int]) -> dict[str, dict[str, str]]:
    try:
        return parse_translations(raw, where, limits)
    except ValueError as error:
        raise CatalogError(str(error)) from None


def import_catalog(products: list[ProductData]) -> ImportResult:
    """Upsert already-validated products in one transaction."""
    result = ImportResult()
    try:
        for data in products:
            _check_no_clash(data)
            product = db.session.scalar(select(Product).where(Product.key == data.key))
            if product is None:
                product = Product(key=data.key)
                db.session.add(product)
                result.created += 1
            else:
                result.updated += 1
            product.slug, product.name, product.description = data.slug, data.name, data.description
            product.image_url, product.published = data.image_url, data.published
            product.preview_background_color = data.preview_background_color
            product.customizable = data.customizable
            product.translations = data.translations or None
            _sync_variants(product, data.variants)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _check_no_clash(data: ProductData) -> None:
    """Refuse a slug or SKU that another product in the database already owns."""
    owner = db.session.scalar(select(Product.key).where(Product.slug == data.slug, Product.key != data.key))
    if owner:
        raise CatalogError(f"product {data.key!r}: slug: {data.slug!r} already belongs to product {owner!r}")
    for variant in data.variants:
        owner = db.session.scalar(
            select(Product.key).join(Variant).where(Variant.sku == variant.sku, Product.key != data.key)
        )
        if owner:
            raise CatalogError(f"product {data.key!r}: variants: SKU {variant.sku!r} already belongs to "
                               f"product {owner!r}")


def _sync_variants(product: Product, variants: list[VariantData]) -> None:
    existing = {v.sku: v for v in product.variants}
    wanted = {v.sku for v in variants}
    for sku, variant in existing.items():
        if sku not in wanted:
            product.variants.remove(variant)
    db.session.flush()  # delete dropped SKUs before re-adding, so the unique index is free
    for position, data in enumerate(variants):
        variant = existing.get(data.sku) or Variant(sku=data.sku)
        variant.name, variant.price_cents, variant.currency = data.name, data.price_cents, data.currency
        variant.position, variant.is_default = position, data.is_default
        variant.translations = data.translations or None
        if variant not in product.variants:
            product.variants.append(variant)
