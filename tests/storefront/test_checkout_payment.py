"""Checkout and payment against the Stripe sandbox over real HTTP, with webhook events the tests sign.

The shop under test uses the official stripe SDK exactly as in production,
pointed at the sandbox by STRIPE_API_BASE. The sandbox sends no webhooks
here: each test delivers the events it needs, signed like Stripe's.
"""

import threading
import time

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import CartLine, Order, OrderEvent, OutboxJob
from storefront.payments.fulfilment import fulfill_checkout

from ..support import stripe_events
from ..support.factories import add_to_cart
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
        db.session.get(Order, order.id).total_cents = 100
        db.session.commit()
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    assert state(app, order.identifier) == ("needs_attention", False, 1, 0, 0)
    with app.app_context():
        assert "Stripe collected 9800 EUR, but the order totals 100 EUR" in \
            db.session.get(Order, order.id).attention_reason


def test_an_expired_session_expires_the_order_and_keeps_the_cart(app, client, demo_catalog, stripe_sandbox):
    order, _ = checkout(client)
    with app.app_context():
        from storefront.payments.stripe_checkout import expire_checkout_session

        expire_checkout_session(order.stripe_session_id)
    deliver(client, "checkout.session.expired", stripe_events.fetch_session(stripe_sandbox.url,
                                                                            order.stripe_session_id))
    assert state(app, order.identifier) == ("expired", False, 1, 0, 0)


def test_the_success_page_before_and_after_the_webhook(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    redirect = stripe_events.pay(url).headers["Location"]
    assert f"session_id={order.stripe_session_id}" in redirect
    response = client.get(f"/checkout/success?session_id={order.stripe_session_id}")
    assert response.status_code == 303
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-order-status>Paid<' in status_page and order.identifier in status_page
    assert 'src="http://127.0.0.1:5001/previews/1001.png"' in status_page
    deliver(client, "checkout.session.completed", stripe_events.fetch_session(stripe_sandbox.url,
                                                                              order.stripe_session_id))
    client.get(f"/checkout/success?session_id={order.stripe_session_id}")
    assert state(app, order.identifier) == ("paid", True, 0, PAID_JOBS, 1)


def test_the_success_page_trusts_no_query_parameter_alone(app, client, demo_catalog, stripe_sandbox):
    order, _ = checkout(client)  # not paid
    response = client.get(f"/checkout/success?session_id={order.stripe_session_id}")
    assert "Awaiting payment" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/checkout/success?session_id=cs_test_forged").status_code == 404
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


def test_cancelling_returns_to_the_cart_with_everything_still_there(app, client, demo_catalog, stripe_sandbox):
    order, _ = checkout(client)
    session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    response = client.get(session["cancel_url"].replace("http://localhost", ""))
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert 'data-configuration-id="1001"' in client.get("/cart").get_data(as_text=True)
    assert state(app, order.identifier) == ("cancelled", False, 1, 0, 0)
    assert stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)["status"] == "expired"


def test_a_declined_card_leaves_the_order_unpaid_and_the_cart_intact(app, client, demo_catalog):
    order, url = checkout(client)
    response = stripe_events.pay(url, card="4000 0000 0000 0002")
    assert response.status_code == 402 and "Your card was declined." in response.text
    client.get(f"/checkout/success?session_id={order.stripe_session_id}")
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


def test_the_payment_also_queues_the_confirmation_e_mail(app, client, demo_catalog, stripe_sandbox):
    order, url = checkout(client)
    stripe_events.pay(url)
    assert state(app, order.identifier)[3] == 0  # nothing is queued for an unpaid order
    client.get(f"/checkout/success?session_id={order.stripe_session_id}")
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
    status_page = client.get(client.get(f"/checkout/success?session_id={order.stripe_session_id}")
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
    back = client.get(f"/checkout/success?lang=nl&session_id={order.stripe_session_id}")
    assert back.headers["Location"].endswith("?lang=nl")  # the status page opens in Dutch too
    assert "data-order-status>Betaald<" in client.get(back.headers["Location"]).get_data(as_text=True)
