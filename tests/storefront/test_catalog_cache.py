"""The catalog read cache: another web process's change shows on this process's very next page.

Two shops on one database stand for two gunicorn processes: the customer's
pages come from one (``app``), the merchant and Twikit talk to the other. Each
keeps its own copy of the catalog, so the only way a change can reach the
customer's process is the catalog version in the database.
"""

from __future__ import annotations

import re

import pytest
from jinja2 import UndefinedError
from sqlalchemy import update

from storefront import create_app
from storefront.catalog.listing import KeptPages
from storefront.extensions import db
from storefront.models import Product, Variant

from ..support.factories import import_catalog_of
from ..support.forms import csrf_token_from, log_in
from ..support.shop import shop_config
from ..support.twikit_webhooks import url

PENDANT = "/products/diamond-letter-pendant"


@pytest.fixture
def other_process(app, database_url, tmp_path):
    """A second shop on the same database: the process the merchant's request happens to reach."""
    other = create_app(shop_config(tmp_path / "other", database_url))
    yield other.test_client()
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def variant_id(app, sku: str) -> tuple[int, int]:
    with app.app_context():
        variant = db.session.query(Variant).filter_by(sku=sku).one()
        return variant.product_id, variant.id


def test_a_price_changed_in_the_back_office_shows_on_the_next_page_of_every_process(app, client, demo_catalog,
                                                                                  other_process):
    assert "€49.00" in client.get(PENDANT).get_data(as_text=True)  # this process now keeps the catalog
    log_in(other_process)
    product, variant = variant_id(app, "DLJ-SILVER")
    token = csrf_token_from(other_process.get("/admin/catalog").get_data(as_text=True))
    edited = other_process.post(f"/admin/catalog/{product}/variants/{variant}", data={
        "csrf_token": token, "sku": "DLJ-SILVER", "name": "Sterling silver", "price": "52.00"})
    assert edited.status_code == 303
    page = client.get(PENDANT).get_data(as_text=True)
    assert "€52.00" in page and "€49.00" not in page and "Sterling silver" in page
    assert "from €52.00" in client.get("/").get_data(as_text=True)


def test_a_publication_received_by_another_process_changes_the_script_here(app, client, demo_catalog,
                                                                           other_process):
    new_script = "http://127.0.0.1:5001/plugin/v2/twikit.js"
    assert new_script not in client.get(PENDANT).get_data(as_text=True)
    response = other_process.post(url("website-publication"), json={
        "scriptUrl": new_script, "products": [{"key": "diamond-letter-jewel"}, {"key": "brand-new-ring"}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert f'data-twikit-script-url="{new_script}"' in client.get(PENDANT).get_data(as_text=True)
    assert client.get("/products/brand-new-ring").status_code == 404  # a draft, until the merchant prices it


def test_unpublishing_and_bulk_changes_reach_the_other_process(app, client, demo_catalog, other_process):
    assert client.get("/products/gift-box").status_code == 200
    with other_process.application.app_context():  # a bulk statement, not a flush: still a catalog change
        db.session.execute(update(Product).where(Product.slug == "gift-box").values(published=False))
        db.session.commit()
    assert client.get("/products/gift-box").status_code == 404
    assert "Gift Box" not in client.get("/").get_data(as_text=True)


def test_a_change_that_is_rolled_back_changes_nothing(app, client, demo_catalog, other_process):
    client.get(PENDANT)
    with other_process.application.app_context():
        db.session.query(Variant).filter_by(sku="DLJ-SILVER").one().price_cents = 1
        db.session.flush()  # the version is raised in this transaction...
        db.session.rollback()  # ...and falls back with it
    assert "€49.00" in client.get(PENDANT).get_data(as_text=True)


def test_the_home_page_shows_24_products_a_page_with_links_between_pages(app, client, tmp_path):
    products = import_catalog_of(app, 50, tmp_path)
    names = sorted((p["name"], number, p["slug"]) for number, p in enumerate(products))  # by name, then as added
    first, last = client.get("/").get_data(as_text=True), client.get("/?page=3").get_data(as_text=True)
    assert first.count('class="product-card"') == 24 and last.count('class="product-card"') == 2
    assert f'href="/products/{names[0][2]}"' in first and f'href="/products/{names[-1][2]}"' in last
    assert 'rel="next" href="/?page=2"' in first and 'rel="prev"' not in first and "Page 1 of 3" in first
    assert 'rel="prev" href="/?page=2"' in last and 'rel="next"' not in last
    second = client.get("/?page=2").get_data(as_text=True)
    assert 'rel="prev" href="/"' in second  # page 1 has one address
    for bad in ("/?page=4", "/?page=0", "/?page=two", "/?page=-1", "/?page=99999999999"):
        response = client.get(bad)
        assert response.status_code == 404 and "There is no such page of products." in response.get_data(as_text=True)
    assert "Pagina 1 van 3" in client.get("/?lang=nl").get_data(as_text=True)


def test_a_kept_product_page_carries_each_visitors_own_csrf_token(app, demo_catalog):
    first, second = app.test_client(), app.test_client()
    pages = [visitor.get(PENDANT).get_data(as_text=True) for visitor in (first, second)]
    tokens = [csrf_token_from(page) for page in pages]
    assert tokens[0] != tokens[1] and pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    form = {"product": "diamond-letter-pendant", "sku": "DLJ-SILVER", "configuration_id": "1001",
            "preview_url": "http://127.0.0.1:5001/previews/1001.png", "quantity": "1"}
    assert second.post("/cart/lines", data={**form, "csrf_token": tokens[0]}).status_code == 400  # not theirs
    assert second.post("/cart/lines", data={**form, "csrf_token": tokens[1]}).status_code == 303


ADD_PENDANT = {"product": "diamond-letter-pendant", "sku": "DLJ-SILVER", "configuration_id": "1001",
               "preview_url": "http://127.0.0.1:5001/previews/1001.png"}


def cart_count_in(page: str) -> str | None:
    found = re.search(r"data-cart-count[^>]*>(\d+)<", page)
    return found.group(1) if found else None


def test_a_kept_page_shows_each_visitor_their_own_cart_count_and_way_back(app, demo_catalog):
    customer, newcomer = app.test_client(), app.test_client()
    token = csrf_token_from(customer.get(PENDANT).get_data(as_text=True))
    assert customer.post("/cart/lines", data={**ADD_PENDANT, "quantity": "2", "csrf_token": token}).status_code == 303
    customer.get("/cart")  # the "Added to your cart." message is shown there, once

    theirs = customer.get(PENDANT).get_data(as_text=True)
    newcomers = newcomer.get(PENDANT + "?utm_source=newsletter").get_data(as_text=True)
    again = newcomer.get(PENDANT).get_data(as_text=True)
    assert (cart_count_in(theirs), cart_count_in(newcomers), cart_count_in(again)) == ("2", "0", "0")
    # The language switch brings each visitor back to the very page they were on.
    assert 'name="next" value="/products/diamond-letter-pendant?utm_source=newsletter"' in newcomers
    assert 'name="next" value="/products/diamond-letter-pendant"' in again and "utm_source" not in again


def test_a_message_is_shown_once_to_its_own_visitor_and_never_kept(app, demo_catalog):
    customer, newcomer = app.test_client(), app.test_client()
    for visitor in (customer, newcomer):  # both have seen the page, so it is kept
        visitor.get(PENDANT)
    token = csrf_token_from(customer.get(PENDANT).get_data(as_text=True))
    customer.post("/cart/lines", data={**ADD_PENDANT, "quantity": "1", "csrf_token": token})
    # The message waits in the customer's session for the next page they open, whichever it is.
    pages = [customer.get(PENDANT), newcomer.get(PENDANT), customer.get(PENDANT)]
    assert ["Added to your cart." in page.get_data(as_text=True) for page in pages] == [True, False, False]


def test_a_kept_page_cannot_read_the_visitors_session(app, demo_catalog):
    """A merchant who greets the customer by name in the layout learns at once that a kept page cannot."""
    with app.test_request_context(PENDANT):
        from storefront.layout import with_holes

        template = app.jinja_env.from_string("{{ session.get('locale') }}")
        with pytest.raises(UndefinedError, match="cannot read `session`"):
            template.render(**with_holes(0))


def test_kept_pages_are_bounded_the_least_recently_shown_going_first():
    kept, renders = KeptPages(2), []

    def render(key):
        renders.append(key)
        return f"page {key}"

    for key in ("a", "b", "a", "c", "a", "b"):
        assert kept.get(key, lambda key=key: render(key)) == f"page {key}"
    # "b" went when "c" came ("a" had been shown since), and came back rendered again.
    assert renders == ["a", "b", "c", "b"] and len(kept) == 2
