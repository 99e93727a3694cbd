"""What a page costs the database: the same few statements with 20 products or 2,000, with or without a cart.

A catalog page reads the catalog version and the current plugin script in one
statement, and renders from the web process's copy of the catalog
(storefront.catalog.cache); the first request after a change reads the catalog
again, in one more. A visitor with a cart costs one statement more, for the
header's count. The cart page reads the cart with its lines, products and
variants in one statement, whatever is in it.
"""

from __future__ import annotations

from storefront.extensions import db
from storefront.models import Variant

from ..support.factories import add_to_cart, import_catalog_of, preview_url
from ..support.queries import statements_of

PAGE_SIZE = 24


def pages(products: list[dict]) -> dict[str, str]:
    """The pages a visitor opens, in order: the first one after a catalog change pays for reading it."""
    customised = next(p for p in products if p.get("customizable", True))
    plain = next(p for p in products if not p.get("customizable", True))
    return {"home, first after a change": "/", "home": "/",
            "last page of the home": f"/?page={-(-len(products) // PAGE_SIZE)}",
            "customised product": f"/products/{customised['slug']}", "plain product": f"/products/{plain['slug']}",
            "cart": "/cart"}


def fill_cart(client, products: list[dict]) -> None:
    """Ten designs of ten products and a plain product: a cart that would cost a query per line if it could."""
    customised = [p for p in products if p.get("customizable", True)][:10]
    for number, product in enumerate(customised):
        response = add_to_cart(client, product=product["slug"], sku=product["variants"][0]["sku"],
                               configuration_id=str(3000 + number), preview_url=preview_url(3000 + number))
        assert response.status_code == 303, response.get_data(as_text=True)
    plain = next(p for p in products if not p.get("customizable", True))
    response = add_to_cart(client, product=plain["slug"], sku=plain["variants"][0]["sku"], configuration_id="",
                           preview_url="")
    assert response.status_code == 303, response.get_data(as_text=True)


def test_catalog_and_cart_pages_cost_the_same_at_20_and_2000_products(app, tmp_path):
    visitor, customer = app.test_client(), app.test_client()  # one without a cart, one with a full cart
    costs = {}
    for size in (20, 2_000):
        products = import_catalog_of(app, size, tmp_path)
        if size == 20:
            fill_cart(customer, products)
        for who, client in (("visitor", visitor), ("customer", customer)):
            with app.app_context():  # a price change: the next page in every process reads the catalog again
                db.session.get(Variant, 1).price_cents += 100
                db.session.commit()
            costs[size, who] = {name: len(statements_of(app, client, path)) for name, path in pages(products).items()}
    for who in ("visitor", "customer"):
        assert costs[20, who] == costs[2_000, who], who
    assert costs[2_000, "visitor"] == {
        "home, first after a change": 2, "home": 1, "last page of the home": 1,
        "customised product": 1, "plain product": 1, "cart": 0,
    }
    # One more on each page for the header's cart count; the cart page reads the cart with its lines, whether
    # an order's payment reserves it, and the count.
    assert costs[2_000, "customer"] == {
        "home, first after a change": 3, "home": 2, "last page of the home": 2,
        "customised product": 2, "plain product": 2, "cart": 3,
    }
