"""The back-office's order list and order page, as a merchant reads them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert

from storefront.extensions import db
from storefront.models import Order, OrderEvent, StripeEvent, WebhookDelivery, utcnow
from storefront.orders.listing import PAGE_SIZE
from storefront.orders.states import Status, note

from ..support.factories import ADDRESS, GIFT_BOX, add_order, make_order
from ..support.forms import log_in
from ..support.queries import statements_of


def add_many_orders(app, count: int, start: int = 0) -> None:
    """``count`` plain orders in one statement, newest last, numbered from ``start``."""
    now = utcnow()
    rows = [{"identifier": f"TW-BULK-{number:06d}", "status": Status.SHIPPED.value, "email": f"c{number}@example.com",
             "billing_address": ADDRESS, "delivery_address": ADDRESS, "currency": "EUR", "subtotal_cents": 4900,
             "total_cents": 4900, "locale": "en", "created_at": now, "updated_at": now, "refunded_cents": 0}
            for number in range(start, start + count)]
    with app.app_context():
        db.session.execute(insert(Order), rows)
        db.session.commit()


LIST_PAGES = ["/admin/", "/admin/?status=shipped&page=2", "/admin/?q=example.com", "/admin/?q=1001"]


def test_the_list_costs_the_same_statements_at_10_and_10000_orders(app, client):
    log_in(client)
    add_many_orders(app, 10)
    small = [len(statements_of(app, client, path)) for path in LIST_PAGES]
    add_many_orders(app, 9_990, start=10)
    large = [len(statements_of(app, client, path)) for path in LIST_PAGES]
    # The login check, the count, the page and the navigation's "needs attention" count.
    assert large == small == [4, 4, 4, 4]


def test_needs_attention_first_then_newest_with_the_count_in_the_navigation(app, client):
    for number in range(3):
        make_order(app, identifier=f"TW-261129-OLD00{number}", status="shipped")
    make_order(app, identifier="TW-261129-HELP01", status="needs_attention", submitted=False,
               attention_reason="Twikit refused the order: 8 OrderPayloadValidationFailed")
    make_order(app, identifier="TW-261129-NEW001", status="submitted")
    log_in(client)
    html = client.get("/admin/").get_data(as_text=True)
    order = [html.index(i) for i in ("TW-261129-HELP01", "TW-261129-NEW001", "TW-261129-OLD002", "TW-261129-OLD000")]
    assert order == sorted(order)
    assert 'data-attention-count="1"' in html
    assert "8 OrderPayloadValidationFailed" in html and "At Twikit, in production" in html


@pytest.mark.parametrize("search, found", [
    ("TW-261129-aaa", {"TW-261129-AAAAAA"}),       # part of an identifier, any case
    ("GRACE@", {"TW-261129-BBBBBB"}),              # part of an e-mail
    ("2002", {"TW-261129-BBBBBB"}),                # a configuration ID on a line
    ("100%", set()),                               # LIKE wildcards are plain text
    ("99999999999999999999999", set()),            # too long for a configuration ID: no error, no match
])
def test_search_by_identifier_email_or_configuration_id(app, client, search, found):
    make_order(app, identifier="TW-261129-AAAAAA", lines=(1001,), email="ada@example.com")
    make_order(app, identifier="TW-261129-BBBBBB", lines=(2001, 2002), email="grace@example.com")
    log_in(client)
    html = client.get("/admin/", query_string={"q": search}).get_data(as_text=True)
    assert {i for i in ("TW-261129-AAAAAA", "TW-261129-BBBBBB") if f'data-order="{i}"' in html} == found


def test_the_list_is_paginated_and_filtered_by_status(app, client):
    add_many_orders(app, PAGE_SIZE + 5)
    make_order(app, identifier="TW-261129-PAID01", status="paid", submitted=False)
    log_in(client)
    first = client.get("/admin/").get_data(as_text=True)
    assert first.count("data-order=") == PAGE_SIZE and "Page 1 of 2" in first
    second = client.get("/admin/?page=2").get_data(as_text=True)
    assert second.count("data-order=") == 6 and "TW-BULK-000000" in second
    paid = client.get("/admin/?status=paid").get_data(as_text=True)
    assert paid.count("data-order=") == 1 and "TW-261129-PAID01" in paid
    assert client.get("/admin/?page=999&status=bogus").status_code == 200


def test_the_order_page_shows_everything_a_merchant_needs(app, client):
    payload = json.dumps({"items": [{"configurationId": 1001, "amount": 2, "identifier": "TW-261129-AAAAAA-1"}],
                          "identifier": "TW-261129-AAAAAA"}, separators=(",", ":"))
    with app.app_context():
        order = add_order(status=Status.NEEDS_ATTENTION, submitted=False, lines=((1001, 2), GIFT_BOX),
                          billing_address={**ADDRESS, "phone": "+32 470 12 34 56"},
                          delivery_address={**ADDRESS, "first_name": "Charles", "last_name": "Babbage",
                                            "city": "London", "country_iso": "GB"},
                          attention_reason="Twikit refused the order: 8 OrderPayloadValidationFailed: zip")
        order.stripe_session_id, order.stripe_payment_intent_id = "cs_test_abc", "pi_test_abc"
        note(order, source="worker", message="Twikit refused the order", details={
            "attempt": 1, "outcome": "rejected", "http_status": 400, "result_code": 8,
            "result_code_name": "OrderPayloadValidationFailed", "result_message": "Required parameter missing: zip.",
            "duration_ms": 42, "order_payload": payload, "hash": "0123456789abcdef0123456789abcdef"})
        db.session.add(WebhookDelivery(route="payment-verification", raw_body="{}", order_identifier=order.identifier,
                                       http_status=200, outcome="accepted", reason="paid, configurations match",
                                       answer={"success": True, "error": ""}))
        db.session.add(StripeEvent(id="evt_test_1", type="checkout.session.completed", session_id="cs_test_abc",
                                   outcome="order is paid"))
        db.session.commit()
    log_in(client)
    html = client.get("/admin/orders/TW-261129-AAAAAA").get_data(as_text=True)
    for expected in ("Ada Lovelace", "ada@example.com", "+32 470 12 34 56", "Charles Babbage", "London",
                     "Rue de la Loi 16", "Diamond Letter Pendant", "Sterling silver", "DLJ-SILVER",
                     "http://127.0.0.1:5001/previews/1001.png", "<code>1001</code>", "€98.00",
                     "cs_test_abc", "pi_test_abc", "code 8 OrderPayloadValidationFailed",
                     "Required parameter missing: zip.", "HTTP 400", "0123456789abcdef0123456789abcdef",
                     "&#34;configurationId&#34;: 1001", "paid, configurations match", "checkout.session.completed",
                     "Needs attention", "Edit the addresses and resubmit", "Cancel and refund",
                     'src="/static/img/products/gift-box.svg" alt="Gift Box"'):  # a plain line: its product's image
        assert expected in html, expected
    assert "demo-payload-secret" not in html


def test_a_live_stripe_key_links_the_payment_to_stripes_dashboard(app, client):
    with app.app_context():
        order = add_order(status=Status.SHIPPED)
        order.stripe_payment_intent_id = "pi_live_123"
        db.session.commit()
        page = f"/admin/orders/{order.identifier}"
    log_in(client)
    app.config.update(STRIPE_API_BASE=None, STRIPE_SECRET_KEY="sk_live_abc")
    assert 'href="https://dashboard.stripe.com/payments/pi_live_123"' in client.get(page).get_data(as_text=True)
    app.config.update(STRIPE_SECRET_KEY="sk_test_abc")
    assert 'href="https://dashboard.stripe.com/test/payments/pi_live_123"' in client.get(page).get_data(as_text=True)
    app.config.update(STRIPE_API_BASE="http://127.0.0.1:5002", STRIPE_SECRET_KEY="sk_test_sandbox")
    assert "dashboard.stripe.com" not in client.get(page).get_data(as_text=True)


def test_an_unknown_order_is_a_404(client):
    log_in(client)
    assert client.get("/admin/orders/TW-NOPE").status_code == 404


def test_every_event_is_in_the_timeline_in_merchant_words(app, client):
    identifier = make_order(app, status="paid", submitted=False)
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        db.session.add(OrderEvent(order_id=order.id, from_status="awaiting_payment", to_status="paid",
                                  source="stripe-webhook", message="Payment confirmed by Stripe"))
        db.session.commit()
    log_in(client)
    html = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    assert "Awaiting payment → Paid, queued for Twikit" in html and "Payment confirmed by Stripe" in html
