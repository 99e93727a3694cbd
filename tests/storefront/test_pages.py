"""The shop's pages through the test client: listing, product embed markup, headers, locale."""

import json
import re

import pytest
from sqlalchemy import select

from storefront.catalog.importer import import_catalog_file
from storefront.extensions import db
from storefront.models import Product, ScriptVersion

from ..support.forms import csrf_token_from
from ..support.shop import DEMO_CATALOG


def test_home_lists_published_products_with_links_named_after_them(app, client, demo_catalog):
    with app.app_context():
        db.session.scalar(select(Product).where(Product.key == "geo-lamp")).published = False
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/products/diamond-letter-pendant">' in page and "<h3>Diamond Letter Pendant</h3>" in page
    assert "Name Keyring" in page
    assert "Geo Lampshade" not in page
    assert "from €14.95" in page
    assert client.get("/products/geo-lampshade").status_code == 404


def test_product_page_embeds_the_current_script_with_the_shops_prices(app, client, demo_catalog):
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert 'data-twikit-script-url="http://127.0.0.1:5001/plugin/v1/twikit.js"' in page
    assert 'data-twikit-product-key="diamond-letter-jewel"' in page
    assert 'data-twikit-background="#f4f1ec"' in page
    assert 'data-twikit-locale="en"' in page
    prices = json.loads(page.split("data-twikit-prices>")[1].split("</script>")[0])
    assert prices["DLJ-GOLD"] == {"name": "Gold-plated", "price": "€89.00"}
    assert re.search(r'type="module" src="/static/[0-9a-f]{12}/js/twikit-embed\.js"', page)


def test_the_newest_script_version_is_current_and_reading_it_writes_nothing(app, client, demo_catalog):
    client.get("/products/diamond-letter-pendant")
    with app.app_context():
        assert db.session.scalars(select(ScriptVersion)).all() == []  # a GET never writes
    published = client.post("/webhooks/twikit/demo-webhook-token/website-publication",
                            json={"scriptUrl": "http://127.0.0.1:5001/plugin/v2/twikit.js", "products": []})
    assert published.status_code == 200
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert 'data-twikit-script-url="http://127.0.0.1:5001/plugin/v2/twikit.js"' in page
    with app.app_context():  # the setting went into the history before the publication superseded it
        assert [v.url.split("/")[-2] for v in db.session.scalars(select(ScriptVersion).order_by(ScriptVersion.id))] \
            == ["v1", "v2"]


def test_a_script_url_set_by_hand_supersedes_the_history(app, client, demo_catalog):
    with app.app_context():
        db.session.add_all([ScriptVersion(url="http://127.0.0.1:5001/plugin/v1/twikit.js", source="settings"),
                            ScriptVersion(url="http://127.0.0.1:5001/plugin/v2/twikit.js", source="webhook")])
        db.session.commit()
    app.config["TWIKIT_SCRIPT_URL"] = "http://127.0.0.1:5001/plugin/v3/twikit.js"  # copied from the publisher
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert 'data-twikit-script-url="http://127.0.0.1:5001/plugin/v3/twikit.js"' in page


def test_csp_allows_scripts_only_from_self_and_twikit(client, demo_catalog):
    response = client.get("/products/diamond-letter-pendant")
    directives = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self' http://127.0.0.1:5001"
    assert directives["object-src"] == "'none'"
    assert directives["connect-src"] == "'self' http://127.0.0.1:5001"  # the plugin saves to its own origin
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("shop_overrides", [{"TWIKIT_CONNECT_ORIGINS": ("https://api.twikit.example",),
                                             "TWIKIT_PREVIEW_ORIGINS": ("https://img.twikit.example",)}])
def test_csp_follows_the_connect_and_preview_origin_settings(client, demo_catalog, shop_overrides):
    response = client.get("/products/diamond-letter-pendant")
    directives = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    assert directives["connect-src"] == "'self' https://api.twikit.example"
    assert directives["img-src"] == "'self' data: blob: https://img.twikit.example http://127.0.0.1:5001"
    assert directives["script-src"] == "'self' http://127.0.0.1:5001"


def test_the_product_page_starts_from_the_default_variant(app, client, tmp_path):
    catalog = json.loads(DEMO_CATALOG.read_text())
    keyring = next(product for product in catalog["products"] if product["key"] == "name-keyring")
    keyring["variants"][1]["default"] = True  # a merchant whose plugin starts at the large size
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    with app.app_context():
        import_catalog_file(tmp_path / "catalog.json", "EUR")
    page = client.get("/products/name-keyring").get_data(as_text=True)
    assert 'data-twikit-default-sku="NKR-LRG"' in page
    assert 'name="sku" value="NKR-LRG"' in page
    assert "€21.95" in page and "Large (26 mm high)" in page
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert 'data-twikit-default-sku="DLJ-SILVER"' in page  # none marked: the first


@pytest.mark.parametrize("shop_overrides", [{"TWIKIT_LOCALES": {"en": "default", "nl": "nl-BE"}}])
def test_the_plugin_gets_the_locale_the_setting_maps_to(client, demo_catalog, shop_overrides):
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert 'data-twikit-locale="default"' in page  # the spec's own example's locale
    page = client.get("/products/diamond-letter-pendant", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert 'data-twikit-locale="nl-BE"' in page


def test_switching_to_dutch_changes_labels_prices_and_the_plugin_locale(client, demo_catalog):
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    response = client.post("/locale", data={"csrf_token": csrf_token_from(page), "locale": "nl",
                                            "next": "/products/diamond-letter-pendant"})
    assert response.status_code == 303 and response.headers["Location"] == "/products/diamond-letter-pendant"
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert 'data-twikit-locale="nl"' in page
    assert "In winkelwagen" in page
    assert "€\xa049,00" in page  # Dutch style, with a no-break space
    assert '<html lang="nl">' in page


def test_locale_switch_refuses_unknown_locales_and_offsite_redirects(client, demo_catalog):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/locale", data={"csrf_token": token, "locale": "xx"}).status_code == 400
    response = client.post("/locale", data={"csrf_token": token, "locale": "nl", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_browser_language_is_the_default_locale(client, demo_catalog):
    page = client.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).get_data(as_text=True)
    assert '<html lang="nl">' in page


def test_errors_are_pages_for_people_and_json_for_machines(client):
    assert "We could not find that product." in client.get("/products/nope").get_data(as_text=True)
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.json == {"error": response.json["error"]}


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
