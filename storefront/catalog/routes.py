"""The shop window: the home page and one page per product."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from ..cart.forms import AddToCartForm
from ..extensions import db
from ..i18n import current_locale, format_money
from ..models import Product
from ..twikit.locale import plugin_locale
from ..twikit.script import current_script_url

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    products = db.session.scalars(select(Product).where(Product.published).order_by(Product.name)).all()
    return render_template("catalog/index.html", products=products)


@bp.get("/products/<slug>")
def product(slug: str):
    product = db.session.scalar(select(Product).where(Product.slug == slug, Product.published))
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
        script_url=current_script_url(),
        locale=plugin_locale(current_locale(), current_app.config["TWIKIT_LOCALES"]),
    )
