"""Editing the catalog through the back-office's forms: products, variants, publishing, bad input, and export."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storefront.catalog.importer import import_catalog, parse_catalog
from storefront.extensions import db
from storefront.models import CartLine, Product, Variant
from storefront.twikit.publication import publish

from ..support.factories import add_to_cart
from ..support.forms import csrf_token_from, log_in

NEW = {"key": "moon-lamp", "slug": "moon-lamp", "name": "Moon Lamp", "description": "A lamp.",
       "image_url": "/static/img/products/geo-lamp.svg", "preview_background_color": "#F4F1EC"}


def submit(client, path: str, data: dict, follow=True):
    token = csrf_token_from(client.get("/admin/catalog").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=follow)


def product_id(app, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Product.id).where(Product.key == key))


def test_create_price_publish_edit_and_unpublish_a_product(app, client):
    log_in(client)
    page = submit(client, "/admin/catalog/new", NEW).get_data(as_text=True)
    assert "Product created, unpublished." in page
    pid = product_id(app, "moon-lamp")
    page = submit(client, f"/admin/catalog/{pid}/publish", {}).get_data(as_text=True)
    assert "Add a variant with a price before publishing" in page
    page = submit(client, f"/admin/catalog/{pid}/variants", {"sku": "MOON-S", "name": "Small", "price": "19.99"}) \
        .get_data(as_text=True)
    assert "Variant MOON-S added." in page
    submit(client, f"/admin/catalog/{pid}/variants", {"sku": "MOON-L", "name": "Large", "price": "35"})
    page = submit(client, f"/admin/catalog/{pid}/publish", {}).get_data(as_text=True)
    assert "Published: it is in the shop now." in page
    shop = client.get("/products/moon-lamp").get_data(as_text=True)
    assert "Moon Lamp" in shop and "€19.99" in shop

    submit(client, f"/admin/catalog/{pid}", {**NEW, "name": "Full Moon Lamp", "slug": "full-moon"})
    with app.app_context():
        variant_id = db.session.scalar(select(Variant.id).where(Variant.sku == "MOON-S"))
    submit(client, f"/admin/catalog/{pid}/variants/{variant_id}", {"sku": "MOON-S", "name": "Small", "price": "21.50"})
    with app.app_context():
        product = db.session.get(Product, pid)
        assert (product.key, product.name, product.slug, product.preview_background_color) == \
            ("moon-lamp", "Full Moon Lamp", "full-moon", "#f4f1ec")
        assert [(v.sku, v.price_cents, v.currency) for v in product.variants] == \
            [("MOON-S", 2150, "EUR"), ("MOON-L", 3500, "EUR")]

    submit(client, f"/admin/catalog/{pid}/unpublish", {})
    assert client.get("/products/full-moon").status_code == 404


@pytest.mark.parametrize("fields, message", [
    ({"key": "Moon Lamp"}, "Use lower-case letters, digits and dashes"),
    ({"key": ""}, "This field is required."),
    ({"slug": "diamond-letter-pendant"}, "&#39;diamond-letter-pendant&#39; is already the slug of product"),
    ({"key": "diamond-letter-jewel"}, "&#39;diamond-letter-jewel&#39; is already the key of product"),
    ({"preview_background_color": "red"}, "Use a colour like #f4f1ec."),
    ({"image_url": "javascript:alert(1)"}, "Use a path starting with / or an http(s) URL."),
    ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
])
def test_a_bad_product_is_refused_with_a_message_and_nothing_is_saved(app, client, demo_catalog, fields, message):
    log_in(client)
    response = submit(client, "/admin/catalog/new", {**NEW, **fields}, follow=False)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert product_id(app, "moon-lamp") is None


@pytest.mark.parametrize("fields, message", [
    ({"price": "0"}, "The price must be more than zero."),
    ({"price": "-5"}, "Enter a price like 49.00."),
    ({"price": "12.345"}, "Enter a price like 49.00."),
    ({"price": "abc"}, "Enter a price like 49.00."),
    ({"sku": "DLJ-SILVER"}, "SKU &#39;DLJ-SILVER&#39; already belongs to product &#39;diamond-letter-jewel&#39;"),
    ({"sku": "has space"}, "Letters, digits"),
    ({"name": ""}, "This field is required."),
])
def test_a_bad_variant_is_refused_with_a_message_and_nothing_is_saved(app, client, demo_catalog, fields, message):
    log_in(client)
    submit(client, "/admin/catalog/new", NEW)
    pid = product_id(app, "moon-lamp")
    response = submit(client, f"/admin/catalog/{pid}/variants",
                      {"sku": "MOON-S", "name": "Small", "price": "19.99", **fields}, follow=False)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Product, pid).variants == []


def test_editing_a_variant_to_a_taken_sku_is_refused(app, client, demo_catalog):
    log_in(client)
    with app.app_context():
        variant = db.session.scalar(select(Variant).where(Variant.sku == "DLJ-GOLD"))
        path = f"/admin/catalog/{variant.product_id}/variants/{variant.id}"
    response = submit(client, path, {"sku": "DLJ-SILVER", "name": "Gold", "price": "99.00"}, follow=False)
    assert response.status_code == 400 and "already belongs to product" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Variant.price_cents).where(Variant.sku == "DLJ-GOLD")) != 9900


def test_removing_variants_keeps_a_published_product_sellable(app, client, demo_catalog):
    add_to_cart(client, sku="DLJ-GOLD")
    log_in(client)
    with app.app_context():
        product = db.session.scalar(select(Product).where(Product.key == "diamond-letter-jewel"))
        pid, variants = product.id, [(v.id, v.sku) for v in product.variants]
    for variant_id, _sku in variants[:-1]:
        submit(client, f"/admin/catalog/{pid}/variants/{variant_id}/remove", {})
    last_id, last_sku = variants[-1]
    page = submit(client, f"/admin/catalog/{pid}/variants/{last_id}/remove", {}).get_data(as_text=True)
    assert "A published product needs a variant" in page
    with app.app_context():
        assert [v.sku for v in db.session.get(Product, pid).variants] == [last_sku]
        if last_sku != "DLJ-GOLD":
            assert db.session.scalar(select(CartLine)) is None  # the removed variant's cart line went with it


def test_drafts_from_a_publication_come_first(app, client, demo_catalog):
    with app.test_request_context():
        publish(app.config["TWIKIT_SCRIPT_URL"], ["zebra-ring"])
    log_in(client)
    html = client.get("/admin/catalog").get_data(as_text=True)
    assert html.index('data-product="zebra-ring"') < html.index('data-product="diamond-letter-jewel"')


def test_the_export_imports_back_to_the_same_catalog(app, client, demo_catalog):
    with app.test_request_context():
        publish(app.config["TWIKIT_SCRIPT_URL"], ["zebra-ring"])  # a draft without variants: left out
    log_in(client)
    response = client.get("/admin/catalog/export.json")
    assert response.headers["Content-Disposition"] == 'attachment; filename="catalog.json"'
    exported = json.loads(response.data)
    assert "zebra-ring" not in {p["key"] for p in exported["products"]}
    demo = json.loads(demo_catalog.read_text(encoding="utf-8"))
    assert {p["key"] for p in exported["products"]} == {p["key"] for p in demo["products"]}
    with app.app_context():
        before = [(v.sku, v.price_cents, v.product.name) for v in db.session.scalars(select(Variant))]
        result = import_catalog(parse_catalog(exported, "EUR"))
        after = [(v.sku, v.price_cents, v.product.name) for v in db.session.scalars(select(Variant))]
    assert result.created == 0 and sorted(before) == sorted(after)


def test_a_plain_product_made_here_sells_without_twikit_and_exports_as_plain(app, client, demo_catalog):
    log_in(client)
    submit(client, "/admin/catalog/new", {**NEW, "key": "lamp-stand", "slug": "lamp-stand", "name": "Lamp Stand",
                                          "customizable": "False"})
    pid = product_id(app, "lamp-stand")
    submit(client, f"/admin/catalog/{pid}/variants", {"sku": "STAND-1", "name": "Oak", "price": "25.00"})
    submit(client, f"/admin/catalog/{pid}/publish", {})
    shop = client.get("/products/lamp-stand").get_data(as_text=True)
    assert "data-plain-product" in shop and "data-twikit" not in shop and "€25.00" in shop
    exported = {p["key"]: p for p in json.loads(client.get("/admin/catalog/export.json").data)["products"]}
    assert exported["lamp-stand"]["customizable"] is False and "customizable" not in exported["geo-lamp"]
    # The catalog's Dutch texts make the round trip too.
    assert exported["gift-box"]["translations"]["nl"]["name"] == "Geschenkdoos"


def test_prices_have_the_shop_currencys_own_decimals(app, client):
    app.config["SHOP_CURRENCY"] = "JPY"
    log_in(client)
    submit(client, "/admin/catalog/new", NEW)
    pid = product_id(app, "moon-lamp")
    page = submit(client, f"/admin/catalog/{pid}/variants", {"sku": "MOON-S", "name": "Small", "price": "19.99"},
                  follow=False).get_data(as_text=True)
    assert "Enter a price like 4900." in page
    submit(client, f"/admin/catalog/{pid}/variants", {"sku": "MOON-S", "name": "Small", "price": "4900"})
    with app.app_context():
        assert [(v.price_cents, v.currency) for v in db.session.get(Product, pid).variants] == [(4900, "JPY")]
    exported = json.loads(client.get("/admin/catalog/export.json").data)["products"]
    assert exported[0]["variants"][0]["price"] == "4900"  # never "49.00": yen have no decimals
