"""The Stripe sandbox's Refund API, called through the real stripe SDK: Stripe's shapes, errors and events."""

from __future__ import annotations

import pytest
import stripe

from ..support import stripe_events

pytestmark = pytest.mark.live


@pytest.fixture
def client(stripe_sandbox):
    http_client = stripe.RequestsClient()
    yield stripe.StripeClient("sk_test_sandbox", base_addresses={"api": stripe_sandbox.url},
                              http_client=http_client, max_network_retries=0)
    http_client.close()


def paid_session(client, amount=4900, card="4242 4242 4242 4242"):
    """A Checkout Session the customer paid on the hosted page; returns it as Stripe has it now."""
    session = client.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "http://127.0.0.1:9/success", "client_reference_id": "TW-REFUND",
        "line_items": [{"quantity": 1, "price_data": {"currency": "eur", "unit_amount": amount,
                                                      "product_data": {"name": "Pendant"}}}]})
    stripe_events.pay(session.url, card=card)
    return client.v1.checkout.sessions.retrieve(session.id)


def test_a_full_refund_by_payment_intent_and_its_events(client):
    session = paid_session(client)
    refund = client.v1.refunds.create(params={"payment_intent": session.payment_intent, "reason":
                                              "requested_by_customer", "metadata": {"order_identifier": "TW-1"}})
    assert (refund.object, refund.amount, refund.currency, refund.status) == ("refund", 4900, "eur", "succeeded")
    assert refund.payment_intent == session.payment_intent and refund.charge.startswith("ch_")
    assert refund.metadata.to_dict() == {"order_identifier": "TW-1"}
    assert client.v1.refunds.retrieve(refund.id).id == refund.id

    [event] = [e for e in client.v1.events.list(params={"type": "charge.refunded"}).data
               if e.data.object.id == refund.charge]
    charge = event.data.object
    assert (charge.object, charge.amount, charge.amount_refunded, charge.refunded) == ("charge", 4900, 4900, True)
    assert charge.payment_intent == session.payment_intent
    created = [e for e in client.v1.events.list(params={"type": "refund.created"}).data
               if e.data.object.id == refund.id]
    assert len(created) == 1


def test_partial_refunds_add_up_and_then_stop(client):
    session = paid_session(client, amount=5000)
    first = client.v1.refunds.create(params={"payment_intent": session.payment_intent, "amount": 2000})
    with pytest.raises(stripe.InvalidRequestError) as too_large:
        client.v1.refunds.create(params={"charge": first.charge, "amount": 3001})
    assert too_large.value.code == "amount_too_large" and too_large.value.param == "amount"
    assert "greater than unrefunded amount" in too_large.value.user_message
    rest = client.v1.refunds.create(params={"charge": first.charge})
    assert rest.amount == 3000
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.refunds.create(params={"payment_intent": session.payment_intent})
    assert again.value.code == "charge_already_refunded"


def test_an_idempotency_key_returns_the_same_refund_once(client):
    session = paid_session(client)
    options = {"idempotency_key": f"refund-{session.id}"}
    first = client.v1.refunds.create(params={"payment_intent": session.payment_intent}, options=options)
    second = client.v1.refunds.create(params={"payment_intent": session.payment_intent}, options=options)
    assert first.id == second.id
    with pytest.raises(stripe.IdempotencyError):
        client.v1.refunds.create(params={"payment_intent": session.payment_intent, "amount": 1}, options=options)


@pytest.mark.parametrize("params, status, code, param", [
    ({}, 400, "parameter_missing", None),
    ({"payment_intent": "pi_unknown"}, 404, "resource_missing", "payment_intent"),
    ({"charge": "ch_unknown"}, 404, "resource_missing", "charge"),
    ({"payment_intent": "PAID", "amount": "0"}, 400, "parameter_invalid", "amount"),
    ({"payment_intent": "PAID", "reason": "bored"}, 400, "parameter_invalid", "reason"),
    ({"payment_intent": "PAID", "colour": "red"}, 400, "parameter_invalid", "colour"),
])
def test_refund_errors_are_stripes(client, params, status, code, param):
    if params.get("payment_intent") == "PAID":
        params = {**params, "payment_intent": paid_session(client).payment_intent}
    with pytest.raises(stripe.StripeError) as error:
        client.v1.refunds.create(params=params)
    assert (error.value.http_status, error.value.code, error.value.param) == (status, code, param)


def test_an_unpaid_payment_cannot_be_refunded(client):
    session = paid_session(client, card="4000 0000 0000 9995")  # async, fails: completes and stays unpaid
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.refunds.create(params={"payment_intent": session.payment_intent})
    assert error.value.code == "charge_not_refundable"
