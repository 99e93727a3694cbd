"""The shop window: the home page and one page per product.

Both read the published catalog from the process's read cache
(storefront.catalog.cache): one SQL statement while the catalog is unchanged.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from ..cart.forms import AddToCartForm
from ..i18n import current_locale, format_money
from ..twikit.locale import plugin_locale
from .cache import shop_window

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    raw = request.args.get("page", "1")
    page = shop_window().catalog.page(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None
    if page is None:
        abort(404, description=_("There is no such page of products."))
    return render_template("catalog/index.html", page=page, products=page.products)


@bp.get("/products/<slug>")
def product(slug: str):
    window = shop_window()
    product = window.catalog.product(slug)
    if product is None:
        abort(404, description=_("We could not find that product."))
    # The page starts from the variant the plugin starts in: variationChanged comes only on a change.
    default = product.default_variant
    form = AddToCartForm(product=product.slug, sku=default.sku if default else "")
    # The page hands the plugin embed the shop's own price per SKU; the price
    # Twikit reports in variationChanged is never shown or trusted.
    prices = {v.sku: {"name": v.translated("name", current_locale()), "price": format_money(v.price_cents, v.currency)}
              for v in product.variants}
    if not product.customizable:
        # A plain product: its image and variants, and no Twikit script at all.
        return render_template("catalog/plain_product.html", product=product, form=form, prices=prices,
                               default_variant=default)
    return render_template(
        "catalog/product.html", product=product, form=form, prices=prices, default_variant=default,
        script_url=window.script_url,
        locale=plugin_locale(current_locale(), current_app.config["TWIKIT_LOCALES"]),
    )
