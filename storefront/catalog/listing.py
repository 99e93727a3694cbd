"""The published catalog as the shop window shows it: plain, read-only values, one copy per web process.

The home page and the product pages read these, never ORM rows: a copy kept
between requests and read by many threads at once must not lazy-load, expire
or change. ``storefront.catalog.cache`` decides when a copy is still current.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Product
from ..models.base import Translatable
from ..models.catalog import default_variant_of, lowest_price_of

# Product cards per page of the home page: a full grid row at every width, and a page
# that costs the same to render with 20 products in the catalog or 20,000.
PAGE_SIZE = 24
# Rendered pages each web process keeps per catalog version, the least recently shown
# going first: about 5 MB at 10 KB a page. The busiest pages stay; a crawler walking
# 2,000 products in every language cannot make a process grow without bound.
KEPT_PAGES = 512


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
        object.__setattr__(self, "_kept", KeptPages(KEPT_PAGES))

    def kept_page(self, key: Hashable, render: Callable[[], str]) -> str:
        """A page made from this catalog (a product's page in one language, for one cart count): rendered once.

        Kept with this copy of the catalog, so it goes when the catalog changes.
        The key must name everything else the page depends on; two threads may
        both render it the first time, and either result is the same.
        """
        return self._kept.get(key, render)

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


class KeptPages:
    """At most ``size`` rendered pages by key, the least recently used going first; safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = render()  # outside the lock: the other threads' pages need not wait for this one
        with self._lock:
            self._pages[key] = page
            if len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return page

    def __len__(self) -> int:
        return len(self._pages)
