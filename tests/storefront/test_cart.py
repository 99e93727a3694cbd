"""Cart rules: the server re-derives prices and refuses anything it cannot vouch for."""

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import CartLine

from ..support.factories import PREVIEW, add_to_cart
from ..support.forms import csrf_token_from


def lines(app):
    with app.app_context():
        return [(line.configuration_id, line.variant.sku, line.quantity, line.unit_price_cents, line.preview_url)
                for line in db.session.scalars(select(CartLine).order_by(CartLine.id))]


def test_add_to_cart_keeps_the_configuration_id_and_the_shops_price(app, client, demo_catalog):
    response = add_to_cart(client, sku="DLJ-GOLD", configuration_id="1234", quantity="2")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert lines(app) == [(1234, "DLJ-GOLD", 2, 8900, PREVIEW)]
    page = client.get("/cart").get_data(as_text=True)
    assert 'src="http://127.0.0.1:5001/previews/1001.png"' in page
    assert "<p data-variant-name>Gold-plated</p>" in page
    # The configuration ID and the SKU are the back-office's: a customer sees the design, not its numbers.
    assert ">1234<" not in page and "DLJ-GOLD" not in page and "Configuration" not in page
    assert "€178.00" in page
    assert 'data-cart-count aria-label="2 items">2<' in page


def test_a_posted_price_is_ignored(app, client, demo_catalog):
    add_to_cart(client, sku="DLJ-SILVER", price="1", unit_price_cents="1", price_cents="1")
    assert lines(app)[0][3] == 4900


@pytest.mark.parametrize("changes, message", [
    ({"sku": "NKR-STD"}, "is not sold in the variation"),          # another product's SKU
    ({"sku": "DLJ-PLATINUM"}, "is not sold in the variation"),
    ({"configuration_id": "0"}, "configuration ID is not valid"),
    ({"configuration_id": "-5"}, "configuration ID is not valid"),
    ({"configuration_id": "12abc"}, "configuration ID is not valid"),
    ({"configuration_id": "1.5"}, "configuration ID is not valid"),
    ({"configuration_id": str(2**53)}, "configuration ID is not valid"),
    ({"preview_url": "https://evil.example/previews/1.png"}, "does not come from Twikit"),
    ({"preview_url": "javascript:alert(1)"}, "does not come from Twikit"),
    ({"preview_url": "ftp://127.0.0.1:5001/x.png"}, "does not come from Twikit"),
    ({"preview_url": "http://user:pw@127.0.0.1:5001/x.png"}, "does not come from Twikit"),
    ({"quantity": "0"}, "Quantity"),
    ({"quantity": "100"}, "Quantity"),
])
def test_tampered_lines_get_a_400_and_leave_the_cart_untouched(app, client, demo_catalog, changes, message):
    add_to_cart(client, configuration_id="77")
    before = lines(app)
    response = add_to_cart(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert lines(app) == before


def test_an_unpublished_or_unknown_product_cannot_be_added(app, client, demo_catalog):
    from storefront.models import Product

    with app.app_context():
        db.session.scalar(select(Product).where(Product.key == "name-keyring")).published = False
        db.session.commit()
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/cart/lines", data={"csrf_token": token, "product": "name-keyring", "sku": "NKR-STD",
                                                "configuration_id": "5", "preview_url": PREVIEW, "quantity": "1"})
    assert response.status_code == 400 and "not for sale" in response.get_data(as_text=True)


def test_the_same_configuration_twice_merges_into_one_line(app, client, demo_catalog):
    add_to_cart(client, configuration_id="42")
    add_to_cart(client, configuration_id="42", quantity="3")
    add_to_cart(client, configuration_id="43")
    assert [(c, q) for c, _, q, _, _ in lines(app)] == [(42, 4), (43, 1)]


def test_one_configuration_cannot_become_another_variation(app, client, demo_catalog):
    add_to_cart(client, configuration_id="42", sku="DLJ-SILVER")
    assert add_to_cart(client, configuration_id="42", sku="DLJ-GOLD").status_code == 400
    assert lines(app)[0][1] == "DLJ-SILVER"


def test_without_csrf_token_nothing_is_added(app, client, demo_catalog):
    response = client.post("/cart/lines", data={"product": "diamond-letter-pendant", "sku": "DLJ-SILVER",
                                                "configuration_id": "1", "preview_url": PREVIEW, "quantity": "1"})
    assert response.status_code == 400
    assert lines(app) == []


def test_update_quantity_and_remove(app, client, demo_catalog):
    add_to_cart(client, configuration_id="42")
    page = client.get("/cart").get_data(as_text=True)
    token = csrf_token_from(page)
    with app.app_context():
        line_id = db.session.scalar(select(CartLine.id))
    response = client.post(f"/cart/lines/{line_id}/quantity", data={"csrf_token": token, "quantity": "5"})
    assert response.status_code == 303
    assert lines(app)[0][2] == 5
    assert "€245.00" in client.get("/cart").get_data(as_text=True)
    refused = client.post(f"/cart/lines/{line_id}/quantity", data={"csrf_token": token, "quantity": "0"})
    assert refused.status_code == 400
    assert client.post(f"/cart/lines/{line_id}/remove", data={}).status_code == 400  # no CSRF token
    assert lines(app)[0][2] == 5
    assert client.post(f"/cart/lines/{line_id}/remove", data={"csrf_token": token}).status_code == 303
    assert lines(app) == []
    assert "Your cart is empty." in client.get("/cart").get_data(as_text=True)


def test_another_customers_line_is_not_found(app, demo_catalog):
    alice, mallory = app.test_client(), app.test_client()
    add_to_cart(alice, configuration_id="42")
    with app.app_context():
        line_id = db.session.scalar(select(CartLine.id))
    token = csrf_token_from(mallory.get("/cart").get_data(as_text=True))
    assert mallory.post(f"/cart/lines/{line_id}/remove", data={"csrf_token": token}).status_code == 404
    stranger = mallory.post(f"/cart/lines/{line_id}/quantity", data={"csrf_token": token, "quantity": "9"})
    assert stranger.status_code == 404
    assert lines(app)[0][2] == 1


def test_price_change_in_the_catalog_reaches_the_line_on_update(app, client, demo_catalog):
    from storefront.models import Variant

    add_to_cart(client, configuration_id="42")
    with app.app_context():
        db.session.scalar(select(Variant).where(Variant.sku == "DLJ-SILVER")).price_cents = 5500
        db.session.commit()
        line_id = db.session.scalar(select(CartLine.id))
    token = csrf_token_from(client.get("/cart").get_data(as_text=True))
    client.post(f"/cart/lines/{line_id}/quantity", data={"csrf_token": token, "quantity": "2"})
    assert lines(app)[0][3] == 5500


def test_a_preview_url_that_browsers_could_read_as_another_host_is_refused(app, client, demo_catalog):
    response = add_to_cart(client, preview_url="http://127.0.0.1:5001\\@evil.example/previews/1.png")
    assert response.status_code == 400 and "does not come from Twikit" in response.get_data(as_text=True)
    assert lines(app) == []


# --- plain products ------------------------------------------------------------------------

def test_a_plain_products_page_loads_no_twikit_script(client, demo_catalog):
    page = client.get("/products/gift-box").get_data(as_text=True)
    assert "data-plain-product" in page
    assert "twikit-embed.js" not in page and "data-twikit" not in page and "/plugin/" not in page
    assert 'value="BOX-SMALL" checked' in page and "€6.00" in page and "€12.00" in page
    assert ">Add to cart</button>" in page


def test_a_plain_product_is_added_without_a_configuration_and_merged_by_variant(app, client, demo_catalog):
    add_to_cart(client, configuration_id="1001")
    for _ in range(2):
        assert add_to_cart(client, product="gift-box", sku="BOX-SMALL", configuration_id="", preview_url="",
                           quantity="1").status_code == 303
    add_to_cart(client, product="gift-box", sku="BOX-LARGE", configuration_id="", preview_url="")
    assert lines(app) == [(1001, "DLJ-SILVER", 1, 4900, PREVIEW), (None, "BOX-SMALL", 2, 600, None),
                          (None, "BOX-LARGE", 1, 1200, None)]
    page = client.get("/cart").get_data(as_text=True)
    assert 'data-plain-line="BOX-SMALL"' in page and 'src="/static/img/products/gift-box.svg"' in page
    assert page.count('data-configuration-id="') == 1  # only the design has a configuration ID


@pytest.mark.parametrize("product, changes, message", [
    ("gift-box", {"configuration_id": "1001"}, "is not customised"),      # no design for a plain product
    ("diamond-letter-pendant", {"configuration_id": ""}, "configuration ID is not valid"),  # a design needs one
    ("diamond-letter-pendant", {"preview_url": ""}, "does not come from Twikit"),
])
def test_a_design_where_none_belongs_or_none_where_one_does_is_refused(app, client, demo_catalog, product, changes,
                                                                       message):
    sku = "BOX-SMALL" if product == "gift-box" else "DLJ-SILVER"
    response = add_to_cart(client, product=product, sku=sku, **({"preview_url": ""} if product == "gift-box" else {}),
                           **changes)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert lines(app) == []


@pytest.mark.parametrize("what", ["design", "plain"])
def test_adding_the_same_thing_twice_at_once_merges_into_one_line(app, demo_catalog, what):
    """A double click: the same design (or plain variant) posted by several requests at the same moment."""
    import threading

    import requests

    from ..support.live import LiveServer

    with LiveServer(app=app) as server:
        browser = requests.Session()
        add = {"product": "diamond-letter-pendant", "sku": "DLJ-SILVER", "configuration_id": "4242",
               "preview_url": PREVIEW} if what == "design" else \
            {"product": "gift-box", "sku": "BOX-SMALL", "configuration_id": "", "preview_url": ""}
        token = csrf_token_from(browser.get(f"{server.url}/products/{add['product']}", timeout=10).text)
        # The cart exists already (another product in it), as it does when a customer double-clicks.
        browser.post(f"{server.url}/cart/lines", timeout=10, data={
            "csrf_token": token, "product": "diamond-letter-pendant", "sku": "DLJ-GOLD", "configuration_id": "1",
            "preview_url": PREVIEW, "quantity": "1"})
        cookies, barrier, statuses = browser.cookies.get_dict(), threading.Barrier(6), []

        def click():
            barrier.wait()
            response = requests.post(f"{server.url}/cart/lines", cookies=cookies, allow_redirects=False, timeout=30,
                                     data={"csrf_token": token, "quantity": "1", **add})
            statuses.append(response.status_code)

        threads = [threading.Thread(target=click) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert statuses == [303] * 6
    merged = [line for line in lines(app) if line[1] == add["sku"]]
    assert len(merged) == 1 and merged[0][2] == 6


# --- the design summary: display text from the browser, checked and kept, trusted for nothing else -----

def summaries(app):
    with app.app_context():
        return [line.design_summary for line in db.session.scalars(select(CartLine).order_by(CartLine.id))]


@pytest.mark.parametrize("posted, kept", [
    ("Letter M · Gold-plated · Medium (20 mm)", "Letter M · Gold-plated · Medium (20 mm)"),
    ("  Name   Zoë\tAnne-Marie \n", "Name Zoë Anne-Marie"),            # white space made single
    ("Name Zoe\u0308", "Name Zoë"),                                       # composed (NFC)
    ("Letter\x07 M\x1b[31m", "Letter M [31m"),                            # control characters go
    ("Letter \u202eM\u202c", "Letter M"),                                 # so do bidi overrides
    ("<b>Letter</b> M", "<b>Letter</b> M"),                               # plain text, escaped when shown
    ("", None),
    ("x" * 200, "x" * 200),
])
def test_the_design_summary_is_kept_as_plain_text(app, client, demo_catalog, posted, kept):
    assert add_to_cart(client, design_summary=posted).status_code == 303
    assert summaries(app) == [kept]
    page = client.get("/cart").get_data(as_text=True)
    if kept:
        assert f'data-design-summary>{kept.replace("<", "&lt;").replace(">", "&gt;")}</p>' in page
    assert "<b>" not in page


def test_a_summary_that_is_too_long_is_refused_and_the_cart_untouched(app, client, demo_catalog):
    response = add_to_cart(client, design_summary="x" * 201)
    assert response.status_code == 400 and "longer than 200 characters" in response.get_data(as_text=True)
    assert lines(app) == []


def test_the_summary_changes_nothing_but_the_words(app, client, demo_catalog):
    add_to_cart(client, sku="DLJ-SILVER", design_summary="Letter M · Gold-plated · 18k · 1 cent")
    assert lines(app) == [(1001, "DLJ-SILVER", 1, 4900, PREVIEW)]  # the SKU and its price decide


def test_the_summary_goes_with_the_line_to_the_order_and_the_back_office(app, client, demo_catalog):
    from storefront.models import Order

    from ..support.forms import BILLING_FORM, log_in

    add_to_cart(client, configuration_id="1234", sku="DLJ-GOLD", design_summary="Letter Q · Gold-plated")
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    page = client.get("/checkout").get_data(as_text=True)
    assert 'data-design-summary>Letter Q · Gold-plated</small>' in page
    # No Stripe runs for this test: whether the payment starts or not, the order exists with its lines.
    client.post("/checkout", data={"csrf_token": token, **BILLING_FORM})
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert [(line.design_summary, line.configuration_id) for line in order.lines] == [
            ("Letter Q · Gold-plated", 1234)]
        identifier = order.identifier
    log_in(client)
    admin_page = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    # The back-office is where the configuration ID and the SKU are shown, beside the summary.
    assert ">DLJ-GOLD<" in admin_page and ">1234<" in admin_page and "Letter Q · Gold-plated" in admin_page
