"""The customer's order status page and the JSON its script polls: the same words, cheap to ask, never a write."""

import re

import pytest

from storefront.orders.links import status_url

from ..support.factories import ADDRESS, make_order
from ..support.queries import order_of, recorded_statements
from ..support.twikit_webhooks import production_report, shipping_report, url


def link(app, identifier, **query) -> str:
    with app.test_request_context():
        path = status_url(order_of(app, identifier))
    return path + (f"?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else "")


def json_link(app, identifier, **query) -> str:
    path, _, query_string = link(app, identifier, **query).partition("?")
    return f"{path}/status.json" + (f"?{query_string}" if query_string else "")


def steps(progress) -> list[tuple[str, bool]]:
    return [(step["key"], step["done"]) for step in progress["steps"]]


def test_the_json_says_what_the_page_says(app, client):
    identifier = make_order(app, status="paid", submitted=False, delivery_address={**ADDRESS, "country_iso": "NL"})
    page = client.get(link(app, identifier)).get_data(as_text=True)
    progress = client.get(json_link(app, identifier)).json
    assert progress == {
        "status": "paid", "label": "Paid", "heading": "Thank you!",
        "message": "Your payment is confirmed. We will e-mail you when your order ships.", "final": False,
        "steps": [{"key": "paid", "label": "Paid", "done": True},
                  {"key": "submitted", "label": "Submitted for production", "done": False},
                  {"key": "produced", "label": "Produced", "done": False},
                  {"key": "shipped", "label": "Shipped", "done": False}],
        "parcels": [], "not_shipped": [], "cart_link": False,
    }
    assert '<p class="status-badge status-paid" data-order-status>Paid</p>' in page
    assert f'<h1 data-order-heading>{progress["heading"]}</h1>' in page and progress["message"] in page
    assert f'data-status-url="{json_link(app, identifier, lang="en")}"' in page
    assert 'data-final="false"' in page and "<noscript>" in page  # without JavaScript: a reload link
    assert re.search(r'<script type="module" src="/static/[0-9a-f]{12}/js/order-status\.js">', page)
    # Country names, not codes, in the customer's language.
    assert "Belgium\n    </address>" in page and "Netherlands\n    </address>" in page


def test_the_next_poll_after_a_shipment_tells_all_and_is_the_last(app, client):
    identifier = make_order(app, status="submitted")
    client.post(url("production-completion"), json=production_report(identifier))
    progress = client.get(json_link(app, identifier)).json
    assert steps(progress) == [("paid", True), ("submitted", True), ("produced", True), ("shipped", False)]
    assert client.post(url("order-completion"), json=shipping_report(identifier)).json == {"error": ""}
    progress = client.get(json_link(app, identifier)).json
    assert (progress["status"], progress["label"], progress["final"]) == ("shipped", "Shipped", True)
    assert steps(progress) == [("paid", True), ("submitted", True), ("produced", True), ("shipped", True)]
    assert progress["parcels"] == [{"lines": [{"quantity": 1, "product_name": "Diamond Letter Pendant",
                                               "variant_name": "Sterling silver"}],
                                    "tracking_id": "1Z999", "tracking_url": "https://track.example/1Z999"}]
    assert progress["not_shipped"] == []
    page = client.get(link(app, identifier)).get_data(as_text=True)
    assert 'data-final="true"' in page and "<noscript>" not in page  # nothing more will change


def test_the_json_speaks_the_customers_language(app, client):
    identifier = make_order(app, status="submitted")
    dutch = client.get(json_link(app, identifier, lang="nl")).json
    assert (dutch["label"], dutch["heading"]) == ("In productie gegeven", "Bedankt!")
    assert dutch["message"] == "Je ontwerp wordt gemaakt. We mailen je zodra je bestelling verzonden is."
    assert client.get(json_link(app, identifier), headers={"Accept-Language": "nl"}).json == dutch
    page = client.get(link(app, identifier, lang="nl")).get_data(as_text=True)
    assert "België\n    </address>" in page and f'data-status-url="{json_link(app, identifier, lang="nl")}"' in page


@pytest.mark.parametrize("status, label, message, final, cart_link", [
    ("awaiting_payment", "Awaiting payment", "We are waiting for the payment to be confirmed.", False, False),
    ("payment_failed", "Payment failed", "The payment did not go through", True, True),
    ("expired", "Checkout expired", "Your design is still in your cart.", True, True),
    ("needs_attention", "Being reviewed by our team", "Our team is checking your order", False, False),
])
def test_every_status_has_words_for_the_customer(app, client, status, label, message, final, cart_link):
    identifier = make_order(app, status=status, paid=status == "needs_attention")
    progress = client.get(json_link(app, identifier)).json
    assert (progress["label"], progress["final"], progress["cart_link"]) == (label, final, cart_link)
    assert message in progress["message"]
    assert not any(step["done"] for step in progress["steps"]) or status == "needs_attention"  # none before paid
    page = client.get(link(app, identifier)).get_data(as_text=True)
    assert re.search(r'<p data-order-cart-link( hidden)?>', page).group(1) == (None if cart_link else " hidden")


def test_a_poll_is_one_read_and_never_a_write(app, client):
    identifier = make_order(app, status="submitted")
    target = json_link(app, identifier, lang="en")
    client.get(target)  # warm: the first request of an app loads more than a poll does
    with recorded_statements(app) as statements:
        response = client.get(target)
    assert response.status_code == 200
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT"), statements
    assert "Set-Cookie" not in response.headers  # nothing stored in the session either
    # Unchanged since the last poll: an empty 304, as the browser revalidates with the ETag.
    assert response.headers["Cache-Control"] == "no-cache"
    again = client.get(target, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_json_needs_the_signed_link_too(app, client):
    identifier = make_order(app, status="paid")
    forged = client.get(f"/orders/{identifier}/forged-token/status.json", headers={"Accept": "application/json"})
    assert forged.status_code == 404 and forged.json == {"error": forged.json["error"]}
    assert client.get(json_link(app, identifier).replace(identifier, "TW-000000-AAAAAA", 1)).status_code == 404


def test_each_line_shows_the_design_or_the_plain_products_own_image(app, client):
    from ..support.factories import GIFT_BOX

    identifier = make_order(app, status="paid", submitted=False, lines=[1001, GIFT_BOX])
    page = client.get(link(app, identifier)).get_data(as_text=True)
    assert re.search(r'<img class="cart-line-preview" src="[^"]+" alt="Preview of your design: Diamond Letter Pendant"',
                     page)
    assert '<img class="cart-line-preview" src="/static/img/products/gift-box.svg" alt="Gift Box"' in page
