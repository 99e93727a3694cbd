"""Editing the catalog: products, variants, publishing, and the catalog as an import file."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from ..catalog import editing
from ..catalog.exporter import export_catalog
from ..extensions import db
from ..models import Product, Variant
from ..money import amount_text, example
from .forms import ActionForm, ProductForm, VariantForm
from .routes import bp


def _product_or_404(product_id: int) -> Product:
    return db.session.get(Product, product_id) or abort(404)


def _variant_or_404(product: Product, variant_id: int) -> Variant:
    variant = db.session.get(Variant, variant_id)
    if variant is None or variant.product_id != product.id:
        abort(404)
    return variant


def _show(product_id: int):
    return redirect(url_for("admin.product", product_id=product_id), 303)


def _refused(form, error: editing.CatalogEditError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


@bp.get("/catalog")
def catalog():
    # Drafts from a publication webhook first: they wait for a price and publishing.
    drafts_first = case((Product.published.is_(False), 0), else_=1)
    products = db.session.scalars(select(Product).options(selectinload(Product.variants))
                                  .order_by(drafts_first, Product.name)).all()
    return render_template("admin/catalog.html", products=products)


@bp.route("/catalog/new", methods=["GET", "POST"])
def new_product():
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = editing.create_product(form.fields_dict())
        except editing.CatalogEditError as error:
            _refused(form, error)
        else:
            flash("Product created, unpublished. Add its variants, then publish it.", "success")
            return _show(product.id)
    return render_template("admin/product_new.html", form=form), 400 if form.is_submitted() else 200


def _product_page(product: Product, product_form=None, variant_form=None, editing_variant=None, status=200):
    product_form = product_form or ProductForm(obj=product)
    return render_template("admin/product.html", product=product, product_form=product_form,
                           variant_form=variant_form or VariantForm(formdata=None), editing_variant=editing_variant,
                           action_form=ActionForm(), currency=current_app.config["SHOP_CURRENCY"],
                           price_example=example(current_app.config["SHOP_CURRENCY"])), status


@bp.get("/catalog/<int:product_id>")
def product(product_id: int):
    return _product_page(_product_or_404(product_id))


@bp.post("/catalog/<int:product_id>")
def update_product(product_id: int):
    product = _product_or_404(product_id)
    form = ProductForm()
    form.key.data = product.key  # the Twikit key links the product to Twikit: not editable here
    if form.validate_on_submit():
        try:
            editing.update_product(product, form.fields_dict())
        except editing.CatalogEditError as error:
            _refused(form, error)
        else:
            flash("Product saved.", "success")
            return _show(product.id)
    db.session.rollback()
    return _product_page(product, product_form=form, status=400)


@bp.post("/catalog/<int:product_id>/publish")
def publish(product_id: int):
    return _set_published(product_id, True)


@bp.post("/catalog/<int:product_id>/unpublish")
def unpublish(product_id: int):
    return _set_published(product_id, False)


def _set_published(product_id: int, published: bool):
    product = _product_or_404(product_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        editing.set_published(product, published)
        flash("Published: it is in the shop now." if published else "Unpublished: hidden from the shop.", "success")
    except editing.CatalogEditError as error:
        flash(str(error), "error")
    return _show(product.id)


@bp.post("/catalog/<int:product_id>/variants")
def add_variant(product_id: int):
    product = _product_or_404(product_id)
    form = VariantForm()
    if form.validate_on_submit():
        try:
            editing.add_variant(product, form.fields_dict(), current_app.config["SHOP_CURRENCY"])
        except editing.CatalogEditError as error:
            _refused(form, error)
        else:
            flash(f"Variant {form.sku.data} added.", "success")
            return _show(product.id)
    db.session.rollback()
    return _product_page(product, variant_form=form, status=400)


@bp.route("/catalog/<int:product_id>/variants/<int:variant_id>", methods=["GET", "POST"])
def edit_variant(product_id: int, variant_id: int):
    product = _product_or_404(product_id)
    variant = _variant_or_404(product, variant_id)
    form = VariantForm(data={"sku": variant.sku, "name": variant.name,
                             "price": amount_text(variant.price_cents, variant.currency)})
    if form.validate_on_submit():
        try:
            editing.update_variant(variant, form.fields_dict())
        except editing.CatalogEditError as error:
            _refused(form, error)
        else:
            flash(f"Variant {variant.sku} saved.", "success")
            return _show(product.id)
        db.session.rollback()
    return render_template("admin/variant.html", product=product, variant=variant, form=form), \
        400 if form.is_submitted() else 200


@bp.post("/catalog/<int:product_id>/variants/<int:variant_id>/remove")
def remove_variant(product_id: int, variant_id: int):
    product = _product_or_404(product_id)
    variant = _variant_or_404(product, variant_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    sku = variant.sku
    try:
        editing.remove_variant(variant)
        flash(f"Variant {sku} removed.", "success")
    except editing.CatalogEditError as error:
        flash(str(error), "error")
    return _show(product.id)


@bp.get("/catalog/export.json")
def export():
    body = json.dumps(export_catalog(), indent=2, ensure_ascii=False) + "\n"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="catalog.json"'})
