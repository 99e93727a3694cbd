"""The published catalog as the shop window shows it: plain, read-only values, one copy per web process.

The home page and the product pages read these, never ORM rows: a copy kept
between requests and read by many threads at once must not lazy-load, expire
or change. ``storefront.catalog.cache`` decides when a copy is still current.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from math import ceil

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Product
from ..models.base import Translatable
from ..models.catalog import default_variant_of, lowest_price_of

# Product cards per page of the home page: a full grid row at every width, and a page
# that costs the same to render with 20 products in the catalog or 20,000.
PAGE_SIZE = 24


@dataclass(frozen=True)
class VariantListing(Translatable):
    """A variant as sold: SKU, the shop's own price and its translated name."""

    id: int
    sku: str
    name: str
    price_cents: int
    currency: str
    is_default: bool
    translations: dict | None


@dataclass(frozen=True)
class ProductListing(Translatable):
    """A published product with its variants, in the catalog's order of positions."""

    id: int
    key: str
    slug: str
    name: str
    description: str
    image_url: str | None
    preview_background_color: str
    customizable: bool
    translations: dict | None
    variants: tuple[VariantListing, ...]

    @property
    def default_variant(self) -> VariantListing | None:
        return default_variant_of(self.variants)

    @property
    def lowest_price_cents(self) -> int | None:
        return lowest_price_of(self.variants)


@dataclass(frozen=True)
class Page:
    """One page of the home page's product grid; ``number`` counts from 1."""

    products: tuple[ProductListing, ...]
    number: int
    count: int  # pages in all, at least 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


@dataclass(frozen=True)
class Catalog:
    """Every published product, by name, as it was at one catalog version."""

    version: int
    products: tuple[ProductListing, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {product.slug: product for product in self.products})
        object.__setattr__(self, "_fragments", {})

    def fragment(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """A piece of a page made from this catalog alone (a page of the grid in one language): rendered once.

        Kept with this copy of the catalog, so it goes when the catalog changes.
        The key must name everything else the piece depends on; two threads may
        both render it the first time, and either result is the same.
        """
        fragments = self._fragments
        if key not in fragments:
            fragments[key] = Markup(render())
        return fragments[key]

    def product(self, slug: str) -> ProductListing | None:
        return self._by_slug.get(slug)

    def page(self, number: int, size: int = PAGE_SIZE) -> Page | None:
        """That page of products, or None past the last one (an empty catalog still has page 1)."""
        count = max(1, ceil(len(self.products) / size))
        if not 1 <= number <= count:
            return None
        return Page(self.products[(number - 1) * size:number * size], number, count)


def load_catalog(version: int) -> Catalog:
    """Read every published product and its variants in one statement (a join, not one query per product)."""
    rows = db.session.scalars(
        select(Product).where(Product.published).options(joinedload(Product.variants))
        .order_by(Product.name, Product.id)
    ).unique()
    return Catalog(version, tuple(_listing(product) for product in rows))


def _listing(product: Product) -> ProductListing:
    return ProductListing(
        id=product.id, key=product.key, slug=product.slug, name=product.name, description=product.description,
        image_url=product.image_url, preview_background_color=product.preview_background_color,
        customizable=product.customizable, translations=product.translations,
        variants=tuple(
            VariantListing(id=v.id, sku=v.sku, name=v.name, price_cents=v.price_cents, currency=v.currency,
                           is_default=v.is_default, translations=v.translations)
            for v in product.variants),
    )
