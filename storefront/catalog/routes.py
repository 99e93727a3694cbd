"""The shop window: the home page and one page per product.

Both read the published catalog from the process's read cache
(storefront.catalog.cache): one SQL statement while the catalog is unchanged.
And both are the same for every visitor who sees them in the same language
with the same number of items in the cart, but for the layout's two
visitor-own values (storefront.layout). So each web process renders such a
page once per catalog version and keeps it, and each request writes its
visitor's CSRF token and path into the kept copy. A visitor with a message
waiting (flashed once, for them alone) gets a page rendered for them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Blueprint, abort, current_app, request, session
from flask_babel import gettext as _

from ..cart.service import cart_item_count
from ..i18n import current_locale, format_money, url_locale
from ..layout import fill_holes, with_holes
from ..twikit.locale import plugin_locale
from .cache import shop_window
from .listing import ProductListing

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    number = _page_number()
    page = shop_window().catalog.page(number) if number else None
    if page is None:
        abort(404, description=_("There is no such page of products."))
    return _kept_page(("home", number), "catalog/index.html", lambda: {"page": page})


@bp.get("/products/<slug>")
def product(slug: str):
    window = shop_window()
    product = window.catalog.product(slug)
    if product is None:
        abort(404, description=_("We could not find that product."))
    return _kept_page(("product", slug, window.script_url), "catalog/product.html",
                      lambda: _product_context(product, window.script_url))


def _product_context(product: ProductListing, script_url: str) -> dict[str, Any]:
    # The page hands the plugin embed the shop's own price per SKU; the price
    # Twikit reports in variationChanged is never shown or trusted.
    locale = current_locale()
    prices = {v.sku: {"name": v.translated("name", locale), "price": format_money(v.price_cents, v.currency)}
              for v in product.variants}
    # The page starts from the variant the plugin starts in: variationChanged comes only on a change.
    return {"product": product, "prices": prices, "default_variant": product.default_variant,
            "script_url": script_url, "plugin_locale": plugin_locale(locale, current_app.config["TWIKIT_LOCALES"])}


def _kept_page(key: tuple[Hashable, ...], template: str, context: Callable[[], dict[str, Any]]) -> str:
    """This visitor's copy of a shop-window page, rendered at most once per catalog version for all who see it."""
    cart_count = cart_item_count()

    def render() -> str:
        # From the page's own context and the layout's holes only, not the request's (no
        # ``session``, no ``g``): a kept page must not show one visitor's data to the next.
        return current_app.jinja_env.get_template(template).render(**context(), **with_holes(cart_count))

    if "_flashes" in session:  # a message waiting for this visitor: shown once, to them alone
        return fill_holes(render())
    kept = shop_window().catalog.kept_page((*key, current_locale(), url_locale(), cart_count), render)
    return fill_holes(kept)


def _page_number() -> int | None:
    """``?page=N`` (1 without it); None for anything but a number: "?page=two" is no page, not the first."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None
