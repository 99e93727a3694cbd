"""Checkout and payment against the Stripe sandbox over real HTTP, with webhook events the tests sign.

The shop under test uses the official stripe SDK exactly as in production,
pointed at the sandbox by STRIPE_API_BASE. The sandbox sends no webhooks
here: each test delivers the events it needs, signed like Stripe's.
"""

import re
import threading
import time

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import CartLine, Order, OrderEvent, OutboxJob
from storefront.payments.fulfilment import fulfill_checkout

from ..support import stripe_events
from ..support.factories import PREVIEW, add_to_cart
from ..support.forms import BILLING_FORM, csrf_token_from

SECRET = "whsec_test_functional"
PAID_JOBS = 2  # written with the payment: submit the order to Twikit, e-mail the customer its confirmation


@pytest.fixture
def shop_overrides(stripe_sandbox):
    return {"STRIPE_API_BASE": stripe_sandbox.url, "STRIPE_WEBHOOK_SECRET": SECRET}


def checkout(client, **extra):
    """Fill the address form and continue to payment; returns (order, Stripe's hosted page URL)."""
    add_to_cart(client, configuration_id="1001", quantity="2")
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM, **extra})
    assert response.status_code == 303, response.get_data(as_text=True)
    with client.application.app_context():
        order = db.session.scalar(select(Order).order_by(Order.id.desc()))
        db.session.expunge(order)
    return order, response.headers["Location"]


def deliver(client, event_type, session, event_id=None, secret=SECRET, timestamp=None):
    payload = stripe_events.event(event_type, session, event_id)
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": stripe_events.sign(payload, secret, timestamp)})


def state(app, identifier):
    """(status, paid?, cart lines left, outbox jobs, transitions to paid) for an order."""
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        return (order.status, order.paid_at is not None,
                db.session.scalar(select(func.count()).select_from(CartLine)),
                db.session.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.order_id == order.id)),
                db.session.scalar(select(func.count()).select_from(OrderEvent).where(
                    OrderEvent.order_id == order.id, OrderEvent.to_status == "paid")))


def test_checkout_creates_an_order_and_a_stripe_session_from_the_database(app, client, demo_catalog,
                                                                        stripe_sandbox):
    order, url = checkout(client)
    assert url.startswith(f"{stripe_sandbox.url}/pay/cs_")
    assert order.status == "awaiting_payment" and order.identifier.startswith("TW-")
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    assert session["client_reference_id"] == order.identifier
    assert session["customer_email"] == "ada@example.com"
    assert session["amount_total"] == 9800 and session["currency"] == "eur"
    assert session["success_url"].endswith("/checkout/success?session_id={CHECKOUT_SESSION_ID}")  # Stripe fills it in
    with app.app_context():
        order = db.session.get(Order, order.id)
        assert [(line.identifier, line.sku, line.configuration_id, line.quantity, line.unit_price_cents)
                for line in order.lines] == [(f"{order.identifier}-1", "DLJ-SILVER", 1001, 2, 4900)]
        assert order.delivery_address == order.billing_address
        assert order.billing_address["country_iso"] == "BE"


def test_one_order_opens_one_session_however_often_it_is_asked(app, client, demo_catalog):
    from storefront.checkout.service import start_payment

    order, first_url = checkout(client)
    with app.test_request_context():
        again = start_payment(db.session.get(Order, order.id))
    assert again == first_url


def test_a_signed_completed_event_marks_the_order_paid_empties_the_cart_and_writes_the_job(
        app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    assert stripe_events.pay(url).status_code == 303
    assert state(app, order.identifier)[0] == "awaiting_payment"  # nothing trusted before the event
    response = deliver(client, "checkout.session.completed",
                       stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id))
    assert response.status_code == 200 and response.json["duplicate"] is False
    assert state(app, order.identifier) == ("paid", True, 0, PAID_JOBS, 1)


@pytest.mark.parametrize("problem", ["another secret", "no header", "stale timestamp", "tampered body"])
def test_a_bad_missing_or_stale_signature_gets_a_400_and_changes_nothing(app, client, demo_catalog,
                                                                         stripe_sandbox, problem):
    order, url = checkout(client)
    stripe_events.pay(url)
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    payload = stripe_events.event("checkout.session.completed", session)
    headers = {
        "another secret": {"Stripe-Signature": stripe_events.sign(payload, "whsec_wrong")},
        "no header": {},
        "stale timestamp": {"Stripe-Signature": stripe_events.sign(payload, SECRET, int(time.time()) - 600)},
        "tampered body": {"Stripe-Signature": stripe_events.sign(payload, SECRET)},
    }[problem]
    if problem == "tampered body":
        payload = payload.replace(b'"livemode": false', b'"livemode": true')
    response = client.post("/webhooks/stripe", data=payload, content_type="application/json", headers=headers)
    assert response.status_code == 400 and "error" in response.json
    assert state(app, order.identifier) == ("awaiting_payment", False, 1, 0, 0)


def test_a_duplicate_event_makes_one_transition(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url)
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    first = deliver(client, "checkout.session.completed", session, event_id="evt_dup_1")
    second = deliver(client, "checkout.session.completed", session, event_id="evt_dup_1")
    assert (first.json["duplicate"], second.json["duplicate"]) == (False, True)
    assert state(app, order.identifier) == ("paid", True, 0, PAID_JOBS, 1)


def test_completed_after_async_payment_succeeded_is_harmless(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url, card="4000 0025 0000 3155")  # an async method: completes unpaid, settles later
    unpaid = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    assert unpaid["payment_status"] == "unpaid"
    deadline = time.monotonic() + 10
    while stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)["payment_status"] != "paid":
        assert time.monotonic() < deadline, "the sandbox never settled the async payment"
        time.sleep(0.1)
    paid = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    assert deliver(client, "checkout.session.async_payment_succeeded", paid).status_code == 200
    assert deliver(client, "checkout.session.completed", unpaid).status_code == 200  # arrives late
    assert state(app, order.identifier) == ("paid", True, 0, PAID_JOBS, 1)


def test_completed_while_an_async_payment_is_pending_waits(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url, card="4000 0000 0000 9995")  # async, and will fail
    unpaid = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    deliver(client, "checkout.session.completed", unpaid)
    assert state(app, order.identifier)[:2] == ("awaiting_payment", False)
    deliver(client, "checkout.session.async_payment_failed", unpaid)
    assert state(app, order.identifier) == ("payment_failed", False, 1, 0, 0)


def test_an_amount_mismatch_needs_attention_and_is_not_paid(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url)
    with app.app_context():  # the order now says something else than what Stripe collected
        db.session.get(Order, order.id).subtotal_cents = 100
        db.session.commit()
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    assert state(app, order.identifier) == ("needs_attention", False, 1, 0, 0)
    with app.app_context():
        assert "Stripe collected 9800 EUR for the lines, but the order's lines total 100 EUR" in \
            db.session.get(Order, order.id).attention_reason


def test_an_expired_session_expires_the_order_and_keeps_the_cart(app, client, demo_catalog, stripe_sandbox):
    order, _ = checkout(client)
    with app.app_context():
        from storefront.payments.stripe_checkout import expire_checkout_session

        expire_checkout_session(order.stripe_session_id)
    deliver(client, "checkout.session.expired", stripe_events.fetch_session(stripe_sandbox.url,
                                                                            order.stripe_session_id))
    assert state(app, order.identifier) == ("expired", False, 1, 0, 0)


def return_from_stripe(client, session_id, query=""):
    """Open the success URL Stripe redirects to, then post its form as the page's script does; the last response."""
    page = client.get(f"/checkout/success?{query}session_id={session_id}")
    if page.status_code != 200:
        return page
    html = page.get_data(as_text=True)
    assert "data-confirm-payment" in html and f'name="session_id" value="{session_id}"' in html
    action = re.search(r'action="([^"]+)" data-confirm-payment', html)[1].replace("&amp;", "&")
    return client.post(action, data={"csrf_token": csrf_token_from(html), "session_id": session_id})


def test_the_success_page_before_and_after_the_webhook(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    redirect = stripe_events.pay(url).headers["Location"]
    assert f"session_id={order.stripe_session_id}" in redirect
    # The way back is a GET: it records nothing, whatever Stripe says, until the page posts back.
    assert client.get(f"/checkout/success?session_id={order.stripe_session_id}").status_code == 200
    assert state(app, order.identifier)[0] == "awaiting_payment"
    response = return_from_stripe(client, order.stripe_session_id)
    assert response.status_code == 303
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-order-status>Paid<' in status_page and order.identifier in status_page
    assert 'src="http://127.0.0.1:5001/previews/1001.png"' in status_page
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    # Recorded already: the way back goes straight on to the order's page.
    again = client.get(f"/checkout/success?session_id={order.stripe_session_id}")
    assert again.status_code == 303 and again.headers["Location"] == response.headers["Location"]
    assert state(app, order.identifier) == ("paid", True, 0, PAID_JOBS, 1)


def test_the_success_page_trusts_no_query_parameter_alone(app, client, demo_catalog, stripe_sandbox):
    order, _ = checkout(client)  # not paid
    response = return_from_stripe(client, order.stripe_session_id)
    assert "Awaiting payment" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/checkout/success?session_id=cs_test_forged").status_code == 404
    assert return_from_stripe(client, "cs_test_forged").status_code == 404
    assert client.get("/checkout/success").status_code == 400
    assert state(app, order.identifier)[0] == "awaiting_payment"


def test_the_status_page_needs_the_signed_token(app, client, demo_catalog):
    order, _ = checkout(client)
    assert client.get(f"/orders/{order.identifier}/forged-token").status_code == 404
    with app.test_request_context():
        from storefront.orders.links import status_url

        url = status_url(db.session.get(Order, order.id))
    assert client.get(url).status_code == 200
    other_identifier = url.replace(order.identifier, "TW-000000-AAAAAA", 1)
    assert client.get(other_identifier).status_code == 404


def test_cancelling_returns_to_the_cart_and_a_get_changes_nothing(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    response = client.get(session["cancel_url"].replace("http://localhost", ""))
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert 'data-configuration-id="1001"' in client.get("/cart").get_data(as_text=True)
    # A GET writes nothing: the order still waits, its session is still the cart's one payment page...
    assert state(app, order.identifier) == ("awaiting_payment", False, 1, 0, 0)
    assert stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)["status"] == "open"
    # ...and checking out again, unchanged, goes back to that very page.
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    again = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM})
    assert (again.status_code, again.headers["Location"]) == (303, url)


def test_a_declined_card_leaves_the_order_unpaid_and_the_cart_intact(app, client, demo_catalog):
    order, url = checkout(client)
    response = stripe_events.pay(url, card="4000 0000 0000 0002")
    assert response.status_code == 402 and "Your card was declined." in response.text
    return_from_stripe(client, order.stripe_session_id)
    assert state(app, order.identifier) == ("awaiting_payment", False, 1, 0, 0)


def test_concurrent_fulfilment_makes_one_transition_and_one_job(app, client, demo_catalog):
    order, url = checkout(client)
    stripe_events.pay(url)
    barrier, errors = threading.Barrier(6), []

    def fulfil():
        try:
            with app.app_context():
                barrier.wait()
                fulfill_checkout(order.stripe_session_id, source="race")
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=fulfil) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert state(app, order.identifier) == ("paid", True, 0, PAID_JOBS, 1)


# --- one cart, one payment ---------------------------------------------------------------------

def orders_of_cart(app):
    with app.app_context():
        return [(o.status, o.stripe_session_id) for o in db.session.scalars(select(Order).order_by(Order.id))]


def test_concurrent_checkouts_of_one_cart_open_one_payable_session(app, demo_catalog, stripe_sandbox):
    """Two tabs (or a double click) check out the same cart at the same moment: one order, one session."""
    import requests

    from ..support.live import LiveServer

    with LiveServer(app=app) as server:
        browser = requests.Session()
        token = csrf_token_from(browser.get(f"{server.url}/products/diamond-letter-pendant", timeout=10).text)
        browser.post(f"{server.url}/cart/lines", timeout=10, data={
            "csrf_token": token, "product": "diamond-letter-pendant", "sku": "DLJ-SILVER",
            "configuration_id": "1001", "preview_url": PREVIEW, "quantity": "1"})
        cookies, barrier, answers = browser.cookies.get_dict(), threading.Barrier(5), []

        def check_out():
            barrier.wait()
            answers.append(requests.post(f"{server.url}/checkout", cookies=cookies, allow_redirects=False,
                                         timeout=60, data={"csrf_token": token, **BILLING_FORM}))

        threads = [threading.Thread(target=check_out) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert [a.status_code for a in answers] == [303] * 5
    assert len({a.headers["Location"] for a in answers}) == 1  # everyone is sent to the same payment page
    [(status, session_id)] = orders_of_cart(app)
    assert status == "awaiting_payment" and session_id
    assert len(open_sessions_for(stripe_sandbox, session_id)) == 1


def open_sessions_for(stripe_sandbox, session_id):
    """The open sandbox sessions of the order that owns ``session_id``."""
    order_identifier = stripe_events.fetch_session(stripe_sandbox.url, session_id)["client_reference_id"]
    listing = requests_get(f"{stripe_sandbox.url}/v1/checkout/sessions?limit=100")["data"]
    return [s for s in listing if s["client_reference_id"] == order_identifier and s["status"] == "open"]


def requests_get(url):
    import requests

    response = requests.get(url, headers={"Authorization": "Bearer sk_test_sandbox"}, timeout=10)
    response.raise_for_status()
    return response.json()


def test_a_changed_cart_closes_the_old_payment_page_before_opening_a_new_one(app, client, demo_catalog,
                                                                           stripe_sandbox):
    order, first_url = checkout(client)
    add_to_cart(client, product="gift-box", sku="BOX-SMALL", configuration_id="", preview_url="")
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM})
    assert response.status_code == 303 and response.headers["Location"] != first_url
    [(old_status, old_session), (new_status, new_session)] = orders_of_cart(app)
    assert (old_status, new_status) == ("cancelled", "awaiting_payment")
    assert stripe_events.fetch_session(stripe_sandbox.url, old_session)["status"] == "expired"
    assert stripe_events.pay(first_url).status_code == 409  # the old page can no longer be paid
    assert stripe_events.fetch_session(stripe_sandbox.url, new_session)["amount_subtotal"] == 2 * 4900 + 600


def test_checking_out_a_cart_whose_payment_went_through_shows_the_order(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url)  # paid at Stripe; our webhook has not arrived yet
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM})
    assert response.status_code == 303 and f"/orders/{order.identifier}/" in response.headers["Location"]
    assert len(orders_of_cart(app)) == 1  # no second order, no second session


# --- the way back from Stripe ------------------------------------------------------------------

def test_the_success_page_asks_stripe_only_about_our_own_sessions(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url)
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # Stripe unreachable from here on
    # A session this shop never created: refused from our database alone.
    assert client.get("/checkout/success?session_id=cs_test_not_ours").status_code == 404
    # Ours, with Stripe down: the customer still lands on the order, which waits for the webhook.
    response = return_from_stripe(client, order.stripe_session_id)
    assert response.status_code == 303 and f"/orders/{order.identifier}/" in response.headers["Location"]
    assert "Awaiting payment" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_stripe_call_fits_in_the_routers_30_seconds():
    from storefront.payments.stripe_checkout import NETWORK_RETRIES, TIMEOUT

    assert sum(TIMEOUT) * (1 + NETWORK_RETRIES) < 30


def test_paying_takes_out_only_the_lines_that_were_ordered(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)  # two pendants (configuration 1001)
    add_to_cart(client, configuration_id="1001")  # a third, while the payment page is open
    add_to_cart(client, product="gift-box", sku="BOX-SMALL", configuration_id="", preview_url="")
    stripe_events.pay(url)
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    with app.app_context():
        left = [(line.configuration_id, line.variant.sku, line.quantity)
                for line in db.session.scalars(select(CartLine).order_by(CartLine.id))]
    assert left == [(1001, "DLJ-SILVER", 1), (None, "BOX-SMALL", 1)]


def test_a_plain_only_order_is_paid_and_never_queued_for_twikit(app, client, demo_catalog, stripe_sandbox):
    add_to_cart(client, product="gift-box", sku="BOX-LARGE", configuration_id="", preview_url="")
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    url = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM}).headers["Location"]
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.twikit_delivery, order.lines[0].configuration_id) == (None, None)
        # The line keeps the product's own image, as it keeps its name: the status page and e-mails show it.
        assert (order.lines[0].preview_url, order.lines[0].image_url) == (None, "/static/img/products/gift-box.svg")
        session_id = order.stripe_session_id
    stripe_events.pay(url)
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url, session_id))
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.status == "paid" and order.total_cents == 1200 + 495  # the large box and standard delivery
        # No job submits it to Twikit; the customer still gets the confirmation.
        assert db.session.scalars(select(OutboxJob.kind)).all() == ["send_confirmation_email"]


# --- shipping, tax and discounts: Stripe Checkout computes, the order keeps what was charged -----

def test_the_chosen_rate_a_promotion_code_and_the_tax_are_charged_and_kept(app, client, demo_catalog,
                                                                          stripe_sandbox):
    add_to_cart(client, configuration_id="1001")  # one pendant: €49.00
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    url = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM}).headers["Location"]
    with app.app_context():
        order = db.session.scalar(select(Order))
        db.session.expunge(order)
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    # Belgium's rates, the first pre-selected; prices include tax (PRICES_INCLUDE_TAX), as the demo sets.
    assert [o["shipping_amount"] for o in session["shipping_options"]] == [495, 995]
    assert session["automatic_tax"]["enabled"] is True and session["allow_promotion_codes"] is True
    express = session["shipping_options"][1]["shipping_rate"]
    # On Stripe's page: Express, and the demo code.
    import requests

    page = requests.post(url, data={"action": "update", "shipping_rate": express, "promotion_code": "sandbox10"},
                         timeout=10)
    assert page.status_code == 200 and "Promotion code <strong>SANDBOX10</strong> applied." in page.text
    assert stripe_events.pay(url).status_code == 303
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    paid = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    with app.app_context():
        order = db.session.get(Order, order.id)
        kept = (order.status, order.subtotal_cents, order.discount_cents, order.shipping_cents, order.tax_cents,
                order.total_cents, order.shipping_rate, order.shipping_rate_name)
    # 10 % off the items; 21 % demo tax inside the discounted items (4410 -> 765) and the shipping (995 -> 173).
    assert kept == ("paid", 4900, 490, 995, 765 + 173, 4900 - 490 + 995, "benelux-express", "Express delivery")
    assert paid["amount_total"] == kept[5]  # what the order says is exactly what Stripe charged
    with app.test_request_context():
        from storefront.orders.links import status_url

        status = client.get(status_url(order)).get_data(as_text=True)
    for shown in ("data-order-subtotal>€49.00<", "data-order-discount>−€4.90<", "data-order-shipping>€9.95<",
                  "data-order-tax>€9.38<", "data-order-total>€54.05<", "Express delivery"):
        assert shown in status, shown


def test_a_dutch_customer_picks_a_rate_named_in_dutch_and_the_order_keeps_that_name(app, client, demo_catalog,
                                                                                   stripe_sandbox):
    add_to_cart(client, configuration_id="1001")
    page = client.get("/checkout?lang=nl").get_data(as_text=True)
    assert "Standaardlevering" in page and "Expreslevering" in page and "Standard delivery" not in page
    response = client.post("/checkout?lang=nl", data={"csrf_token": csrf_token_from(page), **BILLING_FORM})
    with app.app_context():
        session_id = db.session.scalar(select(Order.stripe_session_id))
    stripe_events.pay(response.headers["Location"])  # Stripe's pre-selected first rate
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url, session_id))
    with app.app_context():
        order = db.session.scalar(select(Order))
        # Stripe showed the name it was given, and the order keeps it for the Dutch e-mails and status page.
        assert (order.locale, order.shipping_rate, order.shipping_rate_name) == ("nl", "benelux-standard",
                                                                                 "Standaardlevering")


def test_tax_on_top_when_prices_exclude_it(app, client, demo_catalog, stripe_sandbox):
    app.config["PRICES_INCLUDE_TAX"] = False
    order, url = checkout(client)  # two pendants: €98.00, free standard delivery (from €75.00)
    stripe_events.pay(url)
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    with app.app_context():
        order = db.session.get(Order, order.id)
        assert (order.status, order.tax_included, order.shipping_cents, order.tax_cents, order.total_cents) == \
            ("paid", False, 0, 2058, 9800 + 2058)


def test_a_session_opened_for_an_order_retired_meanwhile_is_closed_at_once(app, client, demo_catalog,
                                                                          stripe_sandbox):
    """Two tabs: one retires the order (its cart changed) while the other is still opening its payment page."""
    from storefront.checkout.service import CheckoutError, start_payment
    from storefront.orders.states import Status, transition

    order, _ = checkout(client)
    with app.test_request_context():
        retired = db.session.get(Order, order.id)
        transition(retired, Status.CANCELLED, source="test", message="replaced by another tab")
        db.session.commit()
        with pytest.raises(CheckoutError, match="Your cart changed"):
            start_payment(retired)
    assert stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)["status"] == "expired"


def test_the_payment_also_queues_the_confirmation_e_mail(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url)
    assert state(app, order.identifier)[3] == 0  # nothing is queued for an unpaid order
    return_from_stripe(client, order.stripe_session_id)
    with app.app_context():
        kinds = db.session.scalars(select(OutboxJob.kind).where(OutboxJob.order_id == order.id)).all()
    assert sorted(kinds) == ["send_confirmation_email", "submit_order"]


def cart_page(client) -> str:
    return client.get("/cart").get_data(as_text=True)


def test_a_payment_that_settles_later_reserves_the_cart_until_it_fails(app, client, demo_catalog,
                                                                      stripe_sandbox):
    order, url = checkout(client)
    assert 'data-cart-count aria-label="2 items">2<' in cart_page(client)  # an open checkout reserves nothing
    stripe_events.pay(url, card="4000 0000 0000 9995")  # completes now, unpaid; fails a little later
    # Back from Stripe: the success page asks Stripe, which says complete but not yet paid.
    status_page = client.get(return_from_stripe(client, order.stripe_session_id)
                             .headers["Location"]).get_data(as_text=True)
    assert "data-order-status>Payment processing<" in status_page and "Your payment is being processed." in status_page
    page = cart_page(client)
    assert f"Your payment for order {order.identifier} is being processed." in page
    assert 'href="/checkout"' not in page and "cart/lines" not in page  # no second payment, no changes
    assert 'data-cart-count aria-label="0 items">0<' in page  # the header does not invite one either
    unpaid = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    deliver(client, "checkout.session.completed", unpaid)  # the webhook says the same: noted once
    with app.app_context():
        notes = db.session.scalars(select(OrderEvent.message).where(
            OrderEvent.order_id == order.id, OrderEvent.message.like("Checkout completed; the payment is processing%")))
        assert len(notes.all()) == 1

    deliver(client, "checkout.session.async_payment_failed", unpaid)
    assert state(app, order.identifier) == ("payment_failed", False, 1, 0, 0)
    page = cart_page(client)
    assert "is being processed" not in page and 'href="/checkout"' in page
    assert 'data-cart-count aria-label="2 items">2<' in page  # the design is the customer's again


def test_a_customer_on_a_dutch_link_comes_back_from_stripe_in_dutch(app, client, demo_catalog, stripe_sandbox):
    add_to_cart(client)
    token = csrf_token_from(client.get("/checkout?lang=nl").get_data(as_text=True))
    response = client.post("/checkout?lang=nl", data={"csrf_token": token, **BILLING_FORM})
    with app.app_context():
        order = db.session.scalar(select(Order))
        names = [line.product_name for line in order.lines]
    assert names == ["Diamanten letterhanger"]  # the order keeps the names the customer read
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    assert session["success_url"].endswith("/checkout/success?lang=nl&session_id={CHECKOUT_SESSION_ID}")
    assert session["locale"] == "nl" and order.locale == "nl"
    stripe_events.pay(response.headers["Location"])
    back = return_from_stripe(client, order.stripe_session_id, query="lang=nl&")
    assert back.headers["Location"].endswith("?lang=nl")  # the status page opens in Dutch too
    assert "data-order-status>Betaald<" in client.get(back.headers["Location"]).get_data(as_text=True)


def test_while_a_payment_settles_checkout_leads_to_the_cart_and_adding_starts_a_fresh_cart(app, client, demo_catalog,
                                                                                         stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url, card="4000 0000 0000 9995")  # completes now, unpaid: the payment is processing
    return_from_stripe(client, order.stripe_session_id)
    # No second payment: /checkout sends the customer back to the cart, which says why.
    response = client.get("/checkout")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert f"Your payment for order {order.identifier} is being processed." in cart_page(client)
    # A product added meanwhile goes into a fresh cart; the reserved lines stay with their order.
    add_to_cart(client, product="gift-box", sku="BOX-SMALL", configuration_id="", preview_url="")
    page = cart_page(client)
    assert "is being processed" not in page and 'href="/checkout"' in page
    assert 'data-plain-line="BOX-SMALL"' in page and 'data-configuration-id="1001"' not in page
    with app.app_context():
        reserved = db.session.get(Order, order.id)
        assert [(line.configuration_id, line.quantity) for line in db.session.scalars(
            select(CartLine).where(CartLine.cart_id == reserved.cart_id))] == [(1001, 2)]
