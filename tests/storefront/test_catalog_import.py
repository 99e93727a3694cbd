"""Catalog import: idempotent, all-or-nothing, and clear about what is wrong."""

import json
import re

import pytest
from sqlalchemy import func, select

from storefront.catalog.importer import CatalogError, import_catalog_file
from storefront.extensions import db
from storefront.models import Product, Variant

from ..support.shop import DEMO_CATALOG


def write(tmp_path, products, name="catalog.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"products": products}))
    return path


def jewel(**changes):
    product = {
        "key": "diamond-letter-jewel", "slug": "letter", "name": "Letter", "description": "Shiny.",
        "variants": [{"sku": "DLJ-SILVER", "name": "Silver", "price": "49.00", "currency": "EUR"},
                     {"sku": "DLJ-GOLD", "name": "Gold", "price": "89.50", "currency": "EUR"}],
    }
    product.update(changes)
    return product


def snapshot():
    return sorted(
        (p.key, p.slug, p.name, p.published, tuple((v.sku, v.name, v.price_cents, v.currency) for v in p.variants))
        for p in db.session.scalars(select(Product))
    )


def test_import_creates_products_and_prices_in_cents(app, tmp_path):
    with app.app_context():
        result = import_catalog_file(write(tmp_path, [jewel()]), "EUR")
        assert (result.created, result.updated) == (1, 0)
        product = db.session.scalar(select(Product))
        assert product.published is True
        assert [(v.sku, v.price_cents) for v in product.variants] == [("DLJ-SILVER", 4900), ("DLJ-GOLD", 8950)]


def test_importing_twice_gives_the_same_catalog(app, demo_catalog):
    with app.app_context():
        first = snapshot()
        result = import_catalog_file(demo_catalog, "EUR")
        assert (result.created, result.updated) == (0, 4)
        assert snapshot() == first
        assert db.session.scalar(select(func.count()).select_from(Variant)) == 8


def test_published_false_is_kept(app, tmp_path):
    with app.app_context():
        import_catalog_file(write(tmp_path, [jewel(published=False)]), "EUR")
        assert db.session.scalar(select(Product.published)) is False


def test_reimport_updates_prices_and_drops_removed_variants(app, tmp_path):
    with app.app_context():
        import_catalog_file(write(tmp_path, [jewel()]), "EUR")
        changed = jewel(variants=[{"sku": "DLJ-GOLD", "name": "Gold", "price": "99.00", "currency": "EUR"}])
        import_catalog_file(write(tmp_path, [changed], "v2.json"), "EUR")
        assert [(v.sku, v.price_cents) for v in db.session.scalars(select(Variant))] == [("DLJ-GOLD", 9900)]


@pytest.mark.parametrize("product, message", [
    (jewel(name=""), "product 'diamond-letter-jewel': name"),
    (jewel(key="Bad Key"), "product 'Bad Key': key"),
    (jewel(variants=[]), "product 'diamond-letter-jewel': variants: must be a non-empty list"),
    (jewel(variants=[{"sku": "X1", "name": "X", "price": 49.0, "currency": "EUR"}]),
     "product 'diamond-letter-jewel': variants[0].price"),
    (jewel(variants=[{"sku": "X1", "name": "X", "price": "49,00", "currency": "EUR"}]),
     "product 'diamond-letter-jewel': variants[0].price"),
    (jewel(variants=[{"sku": "X1", "name": "X", "price": "49.00", "currency": "USD"}]),
     "product 'diamond-letter-jewel': variants[0].currency"),
    (jewel(variants=[{"name": "X", "price": "49.00", "currency": "EUR"}]),
     "product 'diamond-letter-jewel': variants[0].sku"),
    (jewel(published="yes"), "product 'diamond-letter-jewel': published"),
    (jewel(customizable="no"), "product 'diamond-letter-jewel': customizable"),
    (jewel(variants=[{"sku": "X1", "name": "X", "price": "49.001", "currency": "EUR"}]),
     "variants[0].price: '49.001' is not an amount like '49.00'"),
    (jewel(image="javascript:alert(1)"), "product 'diamond-letter-jewel': image"),
    (jewel(translations={"NL": {"name": "Letter"}}),
     "translations: 'NL' is not one of the shop's other languages (nl)"),
    (jewel(translations={"en": {"name": "Letter"}}), "translations: 'en' is not one of the shop's other languages"),
    (jewel(translations={"nl": {"slug": "letter"}}), "translations.nl: 'slug' cannot be translated"),
    (jewel(translations={"nl": {"name": " "}}), "translations.nl.name: must be a non-empty string"),
    (jewel(translations=["nl"]), "product 'diamond-letter-jewel': translations: must be an object"),
    (jewel(variants=[{"sku": "X1", "name": "X", "price": "49.00", "currency": "EUR",
                      "translations": {"nl": {"description": "X"}}}]),
     "variants[0].translations.nl: 'description' cannot be translated (only name)"),
])
def test_a_bad_file_names_the_product_and_field(app, tmp_path, product, message):
    with app.app_context():
        with pytest.raises(CatalogError) as error:
            import_catalog_file(write(tmp_path, [product]), "EUR")
        assert message in str(error.value)


def test_texts_carry_their_translations_and_a_reimport_replaces_them(app, tmp_path):
    dutch = {"nl": {"name": "Letterhanger", "description": "Glanzend."}}
    variants = [{"sku": "DLJ-SILVER", "name": "Silver", "price": "49.00", "currency": "EUR",
                 "translations": {"nl": {"name": "Zilver"}}}]
    with app.app_context():
        import_catalog_file(write(tmp_path, [jewel(translations=dutch, variants=variants)]), "EUR")
        product = db.session.scalar(select(Product))
        assert (product.translated("name", "nl"), product.translated("description", "nl")) == ("Letterhanger",
                                                                                             "Glanzend.")
        assert (product.translated("name", "en"), product.variants[0].translated("name", "nl")) == ("Letter", "Zilver")
        import_catalog_file(write(tmp_path, [jewel(variants=variants[:1])], "v2.json"), "EUR")
        db.session.refresh(product)
        assert product.translations is None and product.translated("name", "nl") == "Letter"  # the file says none


def test_nothing_is_half_imported(app, tmp_path):
    good = jewel()
    bad = jewel(key="name-keyring", slug="keyring", variants=[{"sku": "DLJ-GOLD", "name": "Dup", "price": "1.00",
                                                                "currency": "EUR"}])
    with app.app_context():
        with pytest.raises(CatalogError, match="SKU 'DLJ-GOLD' appears twice"):
            import_catalog_file(write(tmp_path, [good, bad]), "EUR")
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_a_clash_with_the_database_rolls_back_the_whole_file(app, tmp_path):
    with app.app_context():
        import_catalog_file(write(tmp_path, [jewel()]), "EUR")
        before = snapshot()
        newcomer = jewel(key="name-keyring", slug="keyring", variants=[
            {"sku": "NKR-STD", "name": "Standard", "price": "15.00", "currency": "EUR"}])
        thief = jewel(key="other", slug="other", variants=[{"sku": "DLJ-SILVER", "name": "S", "price": "1.00",
                                                             "currency": "EUR"}])
        with pytest.raises(CatalogError, match="already belongs to product 'diamond-letter-jewel'"):
            import_catalog_file(write(tmp_path, [newcomer, thief], "v2.json"), "EUR")
        assert snapshot() == before


def test_not_json_is_a_clear_error(app, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{nope")
    with app.app_context(), pytest.raises(CatalogError, match="not valid JSON"):
        import_catalog_file(path, "EUR")


def test_cli_import_is_idempotent_and_reports_errors(app, runner, tmp_path):
    path = write(tmp_path, [jewel()])
    assert "1 product(s) created" in runner.invoke(args=["catalog", "import", str(path)]).output
    assert "0 product(s) created, 1 updated" in runner.invoke(args=["catalog", "import", str(path)]).output
    result = runner.invoke(args=["catalog", "import", str(write(tmp_path, [jewel(name="")], "bad.json"))])
    assert result.exit_code != 0
    assert "nothing imported: product 'diamond-letter-jewel': name" in result.output


def test_the_demo_catalog_matches_the_sandbox_products(app, runner):
    result = runner.invoke(args=["catalog", "import", "--demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        keys = set(db.session.scalars(select(Product.key)))
    assert keys == {"diamond-letter-jewel", "name-keyring", "geo-lamp", "gift-box"}


def test_the_demo_catalog_sells_exactly_the_sandbox_plugins_variations():
    """Every SKU the v1 plugin can report has a price in the demo catalog, and nothing more."""
    from sandboxes.twikit.products import V1_PRODUCTS

    catalog = json.loads(DEMO_CATALOG.read_text())
    ours = {p["key"]: {v["sku"] for v in p["variants"]} for p in catalog["products"]
            if p.get("customizable", True)}  # plain products are the shop's alone; Twikit never sees them
    theirs = {p["key"]: {o["sku"] for o in p["variations"]["options"].values()} for p in V1_PRODUCTS}
    assert ours == theirs


def test_customizable_defaults_to_true_and_a_plain_product_says_false(app, tmp_path):
    box = jewel(key="gift-box", slug="gift-box", customizable=False,
                variants=[{"sku": "BOX", "name": "Box", "price": "6.00", "currency": "EUR"}])
    with app.app_context():
        import_catalog_file(write(tmp_path, [jewel(), box]), "EUR")
        assert dict(db.session.execute(select(Product.key, Product.customizable)).all()) == {
            "diamond-letter-jewel": True, "gift-box": False}


@pytest.mark.parametrize("currency, price, minor_units", [
    ("JPY", "4900", 4900),       # no minor unit: 4900 yen is 4900, never 490000
    ("KWD", "12.340", 12340),    # three decimals: 12.340 dinar is 12340 fils
    ("KWD", "12.3", 12300),
    ("EUR", "49.5", 4950),
])
def test_prices_have_the_currencys_own_decimals(app, tmp_path, currency, price, minor_units):
    product = jewel(variants=[{"sku": "X1", "name": "X", "price": price, "currency": currency}])
    with app.app_context():
        import_catalog_file(write(tmp_path, [product]), currency)
        assert db.session.scalar(select(Variant.price_cents)) == minor_units


@pytest.mark.parametrize("currency, price, message", [
    ("JPY", "49.00", "'49.00' is not an amount like '4900'"),
    ("KWD", "12.3456", "'12.3456' is not an amount like '49.000'"),
    # ISO 4217 allows it, but Stripe charges three-decimal currencies only in whole tens of fils.
    ("KWD", "12.345", "Stripe charges KWD only in whole tens"),
])
def test_a_price_the_currency_or_stripe_cannot_take_is_refused(app, tmp_path, currency, price, message):
    product = jewel(variants=[{"sku": "X1", "name": "X", "price": price, "currency": currency}])
    with app.app_context(), pytest.raises(CatalogError, match=message):
        import_catalog_file(write(tmp_path, [product]), currency)


def test_a_variant_marked_default_is_the_default_else_the_first(app, tmp_path):
    variants = jewel()["variants"]
    with app.app_context():
        import_catalog_file(write(tmp_path, [jewel()]), "EUR")
        product = db.session.scalar(select(Product))
        assert product.default_variant.sku == "DLJ-SILVER"
        marked = jewel(variants=[variants[0], {**variants[1], "default": True}])
        import_catalog_file(write(tmp_path, [marked], "v2.json"), "EUR")
        db.session.expire_all()
        assert db.session.scalar(select(Product)).default_variant.sku == "DLJ-GOLD"
        import_catalog_file(write(tmp_path, [jewel()], "v3.json"), "EUR")  # the mark goes with the file
        db.session.expire_all()
        assert db.session.scalar(select(Product)).default_variant.sku == "DLJ-SILVER"


@pytest.mark.parametrize("default, message", [
    ("yes", "variants[0].default: must be true or false"),
    (True, "variants: only one variant may be the default"),
])
def test_a_bad_default_mark_is_named(app, tmp_path, default, message):
    variants = [{**variant, "default": default} for variant in jewel()["variants"]]
    with app.app_context(), pytest.raises(CatalogError, match=re.escape(message)):
        import_catalog_file(write(tmp_path, [jewel(variants=variants)]), "EUR")


def test_the_demo_catalog_names_each_variant_as_the_designer_does():
    """The cart and the designer say the same words for the same variant ("Gold-plated", not "18k gold")."""
    from sandboxes.twikit.products import V1_PRODUCTS

    catalog = json.loads(DEMO_CATALOG.read_text())
    # Plain products (the gift box) have no designer: Twikit never sees them.
    ours = {v["sku"]: v["name"] for p in catalog["products"] if p.get("customizable", True) for v in p["variants"]}
    theirs = {}
    for product in V1_PRODUCTS:
        rule = product["variations"]
        [parameter] = [p for p in product["parameters"] if p["key"] == rule["parameter"]]
        for option in parameter["options"]:
            theirs[rule["options"][option["value"]]["sku"]] = option["label"]["en"]
    assert ours == theirs


def test_the_demo_catalogs_default_variants_are_where_the_designer_starts():
    """The plugin announces a variation only on a change, so the page's start must be the plugin's start."""
    from sandboxes.twikit.products import V1_PRODUCTS

    catalog = json.loads(DEMO_CATALOG.read_text())
    ours = {p["key"]: next((v for v in p["variants"] if v.get("default")), p["variants"][0])["sku"]
            for p in catalog["products"] if p.get("customizable", True)}
    theirs = {}
    for product in V1_PRODUCTS:
        rule = product["variations"]
        [parameter] = [p for p in product["parameters"] if p["key"] == rule["parameter"]]
        theirs[product["key"]] = rule["options"][parameter["default"]]["sku"]
    assert ours == theirs
