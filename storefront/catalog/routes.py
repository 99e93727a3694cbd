"""The shop window: the home page and one page per product.

Both read the published catalog from the process's read cache
(storefront.catalog.cache): one SQL statement while the catalog is unchanged.
The parts of these pages that depend on the catalog and the language alone
(a page of the product grid, a product's article) are rendered once per
catalog version and kept with it; the layout around them (the visitor's cart
count, messages, language switch) is rendered on every request.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..i18n import current_locale, format_money, url_locale
from ..twikit.locale import plugin_locale
from .cache import shop_window
from .listing import ProductListing

# Where a kept product article's CSRF token goes; each visitor's own is written in on every request.
# Random per process, so no catalog text can hold it, by chance or on purpose.
CSRF_TOKEN_HOLE = Markup(f"csrf-token-{secrets.token_hex(16)}")

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    catalog = shop_window().catalog
    number = _page_number()
    page = catalog.page(number) if number else None
    if page is None:
        abort(404, description=_("There is no such page of products."))
    grid = catalog.fragment(("grid", number, current_locale(), url_locale()), lambda: _render_piece(
        "catalog/_grid.html", page=page, demo_mode=current_app.config["DEMO_MODE"]))
    return render_template("catalog/index.html", page=page, grid=grid)


@bp.get("/products/<slug>")
def product(slug: str):
    window = shop_window()
    product = window.catalog.product(slug)
    if product is None:
        abort(404, description=_("We could not find that product."))
    locale = current_locale()
    article = window.catalog.fragment(("product", slug, locale, url_locale(), window.script_url),
                                      lambda: _render_article(product, window.script_url, locale))
    return render_template("catalog/product.html", product=product,
                           article=article.replace(CSRF_TOKEN_HOLE, Markup.escape(generate_csrf())))


def _render_article(product: ProductListing, script_url: str, locale: str) -> str:
    # The page hands the plugin embed the shop's own price per SKU; the price
    # Twikit reports in variationChanged is never shown or trusted.
    prices = {v.sku: {"name": v.translated("name", locale), "price": format_money(v.price_cents, v.currency)}
              for v in product.variants}
    # The page starts from the variant the plugin starts in: variationChanged comes only on a change.
    context = {"product": product, "prices": prices, "default_variant": product.default_variant,
               "csrf_token": CSRF_TOKEN_HOLE}
    if not product.customizable:
        # A plain product: its image and variants, and no Twikit script at all.
        return _render_piece("catalog/_plain_product.html", **context)
    return _render_piece("catalog/_product.html", **context, script_url=script_url,
                         locale=plugin_locale(locale, current_app.config["TWIKIT_LOCALES"]))


def _render_piece(template: str, **context) -> str:
    """A piece of a page from its own context only: not the request's (a kept piece must not show a visitor's)."""
    return current_app.jinja_env.get_template(template).render(context)


def _page_number() -> int | None:
    """``?page=N`` (1 without it); None for anything but a number: "?page=two" is no page, not the first."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None
