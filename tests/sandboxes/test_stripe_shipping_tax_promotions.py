"""The Stripe sandbox's shipping options, automatic tax and promotion codes, in Stripe's shapes.

Driven through the real stripe-python SDK, and the hosted page over HTTP as a browser posts it.
"""

from __future__ import annotations

import pytest
import requests
import stripe

from sandboxes.stripe import create_app

from ..support.live import LiveServer

pytestmark = pytest.mark.live

GOOD_CARD = {"email": "ada@example.com", "card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
             "cardholder_name": "Ada Lovelace"}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stripe-extras")
    server = LiveServer(lambda url: create_app({"TESTING": True, "SANDBOX_DATABASE": str(folder / "s.sqlite3"),
                                                "PUBLIC_URL": url, "START_WORKER": False})).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(sandbox):
    http_client = stripe.RequestsClient()
    yield stripe.StripeClient("sk_test_sandbox", base_addresses={"api": sandbox.url}, http_client=http_client,
                              max_network_retries=0)
    http_client.close()


def rate(name, amount, currency="eur", **extra):
    return {"shipping_rate_data": {"type": "fixed_amount", "display_name": name,
                                   "fixed_amount": {"amount": amount, "currency": currency}, **extra}}


def params(*, tax_behavior=None, currency="eur", unit_amount=4900, quantity=2, **extra):
    price = {"currency": currency, "unit_amount": unit_amount, "product_data": {"name": "Pendant"}}
    if tax_behavior:
        price["tax_behavior"] = tax_behavior
    return {"mode": "payment", "line_items": [{"price_data": price, "quantity": quantity}],
            "success_url": "https://shop.example/success?session_id={CHECKOUT_SESSION_ID}", **extra}


def test_shipping_options_become_rates_and_the_first_is_pre_selected(client):
    session = client.v1.checkout.sessions.create(params=params(shipping_options=[
        rate("Standard", 495, metadata={"rate": "std"},
             delivery_estimate={"minimum": {"unit": "business_day", "value": 2},
                                "maximum": {"unit": "business_day", "value": 4}}),
        rate("Express", 995)]))
    standard, express = session.shipping_options
    assert (standard.shipping_amount, express.shipping_amount) == (495, 995)
    assert standard.shipping_rate.startswith("shr_")
    assert session.shipping_cost.to_dict() == {"amount_subtotal": 495, "amount_tax": 0, "amount_total": 495,
                                               "shipping_rate": standard.shipping_rate}
    assert session.total_details.to_dict() == {"amount_discount": 0, "amount_shipping": 495, "amount_tax": 0}
    assert (session.amount_subtotal, session.amount_total) == (9800, 9800 + 495)
    expanded = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["shipping_cost.shipping_rate"]})
    chosen = expanded.shipping_cost.shipping_rate
    assert (chosen.object, chosen.display_name, chosen.metadata.to_dict()) == ("shipping_rate", "Standard",
                                                                              {"rate": "std"})
    assert chosen.fixed_amount.to_dict() == {"amount": 495, "currency": "eur"}
    assert chosen.delivery_estimate.minimum.to_dict() == {"unit": "business_day", "value": 2}
    assert client.v1.shipping_rates.retrieve(express.shipping_rate).display_name == "Express"


@pytest.mark.parametrize("behavior, tax, total", [
    ("inclusive", 1701, 9800),          # 21 % inside 9800: 9800 - 9800 / 1.21
    ("exclusive", 2058, 9800 + 2058),   # 21 % on top
])
def test_automatic_tax_uses_the_demo_rate_inside_or_on_top_of_the_price(client, behavior, tax, total):
    session = client.v1.checkout.sessions.create(params=params(tax_behavior=behavior,
                                                               automatic_tax={"enabled": True}))
    assert session.automatic_tax.enabled is True and session.automatic_tax.status == "complete"
    assert (session.total_details.amount_tax, session.amount_total) == (tax, total)


def test_a_promotion_code_on_the_page_discounts_the_items_but_not_shipping(client, sandbox):
    session = client.v1.checkout.sessions.create(params=params(
        tax_behavior="inclusive", automatic_tax={"enabled": True}, allow_promotion_codes=True,
        shipping_options=[rate("Standard", 495, tax_behavior="inclusive"), rate("Express", 995,
                                                                                  tax_behavior="inclusive")]))
    page = requests.get(session.url, timeout=10).text
    assert "data-demo-promotion-code>SANDBOX10<" in page and "Shipping method" in page
    express = session.shipping_options[1].shipping_rate
    wrong = requests.post(session.url, data={"action": "update", "promotion_code": "FREE100"}, timeout=10)
    assert wrong.status_code == 400 and "This code is invalid." in wrong.text
    updated = requests.post(session.url, data={"action": "update", "promotion_code": "sandbox10",
                                               "shipping_rate": express}, timeout=10)
    assert updated.status_code == 200 and "Pay €98.15" in updated.text
    session = client.v1.checkout.sessions.retrieve(session.id)
    # 10 % off 9800; 21 % inside the discounted items (8820 -> 1531) and inside the shipping (995 -> 173).
    assert session.total_details.to_dict() == {"amount_discount": 980, "amount_shipping": 995,
                                               "amount_tax": 1531 + 173}
    assert session.amount_total == 9800 - 980 + 995
    assert session.discounts[0].promotion_code == "promo_sandbox10"
    [item] = client.v1.checkout.sessions.line_items.list(session.id).data
    assert (item.amount_discount, item.amount_tax, item.amount_total) == (980, 1531, 8820)
    paid = requests.post(session.url, data={**GOOD_CARD, "shown_shipping_rate": express}, allow_redirects=False,
                         timeout=10)
    assert paid.status_code == 303
    assert client.v1.checkout.sessions.retrieve(session.id).amount_total == 9800 - 980 + 995


def test_a_new_rate_picked_with_pay_changes_the_total_before_anything_is_charged(client):
    session = client.v1.checkout.sessions.create(params=params(shipping_options=[rate("Standard", 495),
                                                                                  rate("Express", 995)]))
    standard, express = (o.shipping_rate for o in session.shipping_options)
    response = requests.post(session.url, data={**GOOD_CARD, "shown_shipping_rate": standard,
                                                "shipping_rate": express}, allow_redirects=False, timeout=10)
    assert response.status_code == 200 and "Pay €107.95" in response.text  # shown first, not charged
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_promotion_codes_need_allow_promotion_codes(client):
    session = client.v1.checkout.sessions.create(params=params())
    assert "Promotion code" not in requests.get(session.url, timeout=10).text
    response = requests.post(session.url, data={"action": "update", "promotion_code": "SANDBOX10"}, timeout=10)
    assert response.status_code == 400 and "This code is invalid." in response.text


@pytest.mark.parametrize("extra, param", [
    ({"shipping_options": [rate("A", 100)] * 6}, "shipping_options"),
    ({"shipping_options": [{"shipping_rate": "shr_made_in_the_dashboard"}]}, "shipping_options[0][shipping_rate]"),
    ({"shipping_options": [rate("A", 100, currency="usd")]},
     "shipping_options[0][shipping_rate_data][fixed_amount][currency]"),
    ({"shipping_options": [rate("", 100)]}, "shipping_options[0][shipping_rate_data][display_name]"),
    ({"automatic_tax": {"enabled": True}}, "line_items[0][price_data][tax_behavior]"),
    ({"automatic_tax": {"enabled": True}, "tax_behavior": "inclusive", "shipping_options": [rate("A", 100)]},
     "shipping_options[0][shipping_rate_data][tax_behavior]"),
    ({"allow_promotion_codes": "sometimes"}, "allow_promotion_codes"),
    ({"currency": "kwd", "unit_amount": 12345}, "line_items[0][price_data][unit_amount]"),
])
def test_what_stripe_refuses_the_sandbox_refuses(client, extra, param):
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.checkout.sessions.create(params=params(**extra))
    assert error.value.param == param


def test_three_decimal_amounts_in_whole_tens_are_fine(client):
    session = client.v1.checkout.sessions.create(params=params(currency="kwd", unit_amount=12340))
    assert (session.currency, session.amount_total) == ("kwd", 24680)
