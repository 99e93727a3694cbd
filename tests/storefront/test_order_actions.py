"""The merchant's order actions through the real forms: each allowed only where the state machine allows it,
each writing an event; refunds go through the Stripe sandbox's Refund API, and Stripe's charge.refunded is recorded."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storefront.checkout.service import new_order_identifier
from storefront.extensions import db
from storefront.models import JobState, Order, OutboxJob, Shipment, utcnow
from storefront.orders.states import Status, note

from ..support import stripe_events
from ..support.factories import ADDRESS, GIFT_BOX, add_order
from ..support.forms import BILLING_FORM, csrf_token_from, log_in
from ..support.queries import snapshot

SECRET = "whsec_test_actions"
IDENTIFIER = ""  # a fresh one per test: Stripe's idempotency keys (refund-<identifier>) outlive a test


@pytest.fixture(autouse=True)
def fresh_identifier():
    global IDENTIFIER
    IDENTIFIER = new_order_identifier()


@pytest.fixture
def shop_overrides(stripe_sandbox):
    return {"STRIPE_API_BASE": stripe_sandbox.url, "STRIPE_WEBHOOK_SECRET": SECRET}


def order_in(app, status, *, paid=True, submitted=None, result_code=None, payment_intent="pi_test_none",
             stripe_session_id=None, **fields) -> str:
    """An order in ``status``; with ``result_code``, the worker's record of a refused create-order attempt."""
    with app.app_context():
        order = add_order(identifier=IDENTIFIER, status=status, paid=paid, submitted=submitted, **fields)
        order.stripe_payment_intent_id, order.stripe_session_id = payment_intent, stripe_session_id
        if result_code is not None:
            note(order, source="worker", message=f"Twikit refused the order: {result_code}", details={
                "attempt": 1, "outcome": "rejected", "http_status": 400, "result_code": result_code,
                "order_payload": "{}"})
        db.session.commit()
        return order.identifier


def post(client, action: str, data: dict | None = None):
    """Post one of the order page's action forms, as the browser would; returns the page shown after it."""
    identifier, action = IDENTIFIER, action.replace("{line}", f"{IDENTIFIER}-1")
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    response = client.post(f"/admin/orders/{identifier}/{action}", data={"csrf_token": token, **(data or {})})
    assert response.status_code in (303, 400), response.status_code
    return client.get(f"/admin/orders/{identifier}").get_data(as_text=True) if response.status_code == 303 \
        else response.get_data(as_text=True)


def status_of(app) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == IDENTIFIER))
        db.session.expunge(order)
        return order


ALL = list(Status)
ADDRESS_FORM = {**BILLING_FORM, **{key.replace("billing-", "delivery-"): value for key, value in BILLING_FORM.items()}}


# --- refused: every state where the machine does not allow the action, and nothing changes ---------------

REFUSED = (
    [("retry-submission", {}, status, {}) for status in ALL if status != Status.NEEDS_ATTENTION]
    + [("retry-submission", {}, Status.NEEDS_ATTENTION, {"submitted": True})]
    + [("resolve", {"note": "handled"}, status, {}) for status in ALL if status != Status.NEEDS_ATTENTION]
    + [("resolve", {"note": "handled"}, Status.NEEDS_ATTENTION, {"submitted": False})]
    + [("addresses", ADDRESS_FORM, status, {"result_code": 8}) for status in ALL if status != Status.NEEDS_ATTENTION]
    + [("addresses", ADDRESS_FORM, Status.NEEDS_ATTENTION, {"result_code": 10}),
       ("addresses", ADDRESS_FORM, Status.NEEDS_ATTENTION, {"result_code": 8, "submitted": True})]
    + [("cancel-and-refund", {}, status, {}) for status in ALL if status not in (Status.PAID, Status.NEEDS_ATTENTION)]
    + [("cancel-and-refund", {}, Status.NEEDS_ATTENTION, {"payment_intent": None, "paid": False})]
    + [("lines/{line}/production-file", {}, status, {"paid": False})
       for status in (Status.AWAITING_PAYMENT, Status.NEEDS_ATTENTION)]
    + [("lines/{line}/production-file", {}, Status.CANCELLED, {})]
)


@pytest.mark.parametrize("action, data, status, setup", REFUSED,
                         ids=[f"{a.split('/')[-1]}-{s.value}-{'-'.join(map(str, setup.values()))}"
                              for a, _, s, setup in REFUSED])
def test_an_action_is_refused_where_the_state_machine_does_not_allow_it(app, client, action, data, status, setup):
    identifier = order_in(app, status, **setup)
    before = snapshot(app, identifier)
    log_in(client)
    page = post(client, action, data)
    assert 'class="flash flash-error"' in page
    assert snapshot(app, identifier) == before  # no status change, no event, no job


# --- allowed: the effect, and the event ---------------------------------------------------------------

def test_retry_schedules_the_submission_again(app, client):
    order_in(app, Status.NEEDS_ATTENTION, submitted=False, result_code=10)
    log_in(client)
    assert "Submission to Twikit scheduled" in post(client, "retry-submission")
    with app.app_context():
        job = db.session.scalar(select(OutboxJob))
        assert (job.kind, job.state) == ("submit_order", JobState.PENDING)
    assert snapshot(app, IDENTIFIER)[8][-1][2] == "Submission to Twikit retried by hand"


@pytest.mark.parametrize("facts, resumes_as", [
    ({}, Status.SUBMITTED),                              # e.g. created unhealthy; Twikit started it after a call
    ({"produced": True}, Status.PRODUCTION_COMPLETE),
])
def test_mark_resolved_resumes_where_the_facts_say(app, client, facts, resumes_as):
    order_in(app, Status.NEEDS_ATTENTION, submitted=True, attention_reason="Twikit created the order as unhealthy")
    if facts.get("produced"):
        with app.app_context():
            order = db.session.scalar(select(Order))
            order.produced_at = order.submitted_at
            db.session.commit()
    log_in(client)
    assert "Say in a few words" in post(client, "resolve", {"note": "  "})  # a note is required
    page = post(client, "resolve", {"note": "Twikit support started it by hand"})
    order = status_of(app)
    assert (order.status, order.attention_reason) == (resumes_as.value, None)
    assert "Marked resolved: Twikit support started it by hand" in page


@pytest.mark.parametrize("lines, twikit_delivery, facts, resumes_as", [
    # Plain products only: Twikit never had it, so it goes back to paid, for the merchant to ship.
    ([GIFT_BOX], "customer", {}, Status.PAID),
    # The merchant's gift box left while the order needed attention: partly shipped.
    ([(1001, 1), GIFT_BOX], "customer", {"shipped_line": 2}, Status.PARTIALLY_SHIPPED),
    # Twikit delivers to the merchant and its parcel arrived: the merchant's to ship on.
    ([(1001, 1)], "merchant", {"completed": True}, Status.AT_MERCHANT),
])
def test_mark_resolved_resumes_who_ships_what(app, client, lines, twikit_delivery, facts, resumes_as):
    customised = any(not isinstance(line, dict) for line in lines)
    order_in(app, Status.NEEDS_ATTENTION, submitted=customised, lines=lines, twikit_delivery=twikit_delivery,
             attention_reason="Payment received for an order that was expired")
    with app.app_context():
        order = db.session.scalar(select(Order))
        if facts.get("shipped_line"):
            line = order.lines[facts["shipped_line"] - 1]
            order.shipments.append(Shipment(shipped_by="merchant", lines=[line]))
        if facts.get("completed"):
            order.twikit_completed_at = utcnow()
        db.session.commit()
    log_in(client)
    post(client, "resolve", {"note": "Paid by bank transfer after all"})
    order = status_of(app)
    assert (order.status, order.attention_reason) == (resumes_as.value, None)


def test_neither_retried_nor_cancelled_in_full_where_who_ships_what_says_no(app, client):
    order_in(app, Status.NEEDS_ATTENTION, lines=[GIFT_BOX], submitted=False)
    before = snapshot(app, IDENTIFIER)
    log_in(client)
    assert "has no customised products, so Twikit never gets it" in post(client, "retry-submission")
    assert snapshot(app, IDENTIFIER) == before
    with app.app_context():  # the gift box has left: a full refund would pay back what the customer has
        order = db.session.scalar(select(Order))
        order.shipments.append(Shipment(shipped_by="merchant", lines=list(order.lines)))
        db.session.commit()
    before = snapshot(app, IDENTIFIER)
    assert "Part of this order has shipped" in post(client, "cancel-and-refund")
    assert snapshot(app, IDENTIFIER) == before


def test_mark_resolved_clears_a_shipped_orders_flag_and_keeps_its_status(app, client):
    order_in(app, Status.SHIPPED, attention_reason="Twikit's line items differ from the order: line 2 is missing")
    log_in(client)
    post(client, "resolve", {"note": "Second parcel confirmed by the producer"})
    order = status_of(app)
    assert (order.status, order.attention_reason) == ("shipped", None)
    assert snapshot(app, IDENTIFIER)[8][-1][2] == "Marked resolved: Second parcel confirmed by the producer"


@pytest.mark.parametrize("code", [4, 7, 8])
def test_addresses_refused_by_twikit_are_corrected_and_resubmitted(app, client, code):
    order_in(app, Status.NEEDS_ATTENTION, submitted=False, result_code=code,
             billing_address={**ADDRESS, "zip": ""}, attention_reason="Twikit refused the order")
    log_in(client)
    assert "Edit the addresses and resubmit" in client.get(f"/admin/orders/{IDENTIFIER}").get_data(as_text=True)
    page = post(client, "addresses", {**ADDRESS_FORM, "delivery-city": "Ghent", "delivery-zip": "9000"})
    assert "Addresses corrected" in page
    order = status_of(app)
    assert (order.billing_address["zip"], order.delivery_address["city"], order.delivery_address["zip"]) == \
        ("1000", "Ghent", "9000")
    events = snapshot(app, IDENTIFIER)[8]
    assert events[-1][2] == "Addresses corrected; submitted to Twikit again"
    with app.app_context():
        assert db.session.scalar(select(OutboxJob.state)) == JobState.PENDING
        details = db.session.scalar(select(Order)).events[-1].details
        assert details["changes"]["billing.zip"] == {"was": "", "now": "1000"}


def test_bad_addresses_re_render_with_messages_and_change_nothing(app, client):
    order_in(app, Status.NEEDS_ATTENTION, submitted=False, result_code=8)
    before = snapshot(app, IDENTIFIER)
    log_in(client)
    page = post(client, "addresses", {**ADDRESS_FORM, "billing-email": "not-an-email", "delivery-country_iso": ""})
    assert "Enter an email address like name@example.com." in page and "Choose a country." in page
    assert snapshot(app, IDENTIFIER) == before


# --- cancel and refund, through the Stripe sandbox --------------------------------------------------------

def paid_order(app, stripe_sandbox, status=Status.PAID, **fields) -> dict:
    """An order in ``status`` whose payment really happened in the Stripe sandbox; returns the session."""
    session = stripe_events.paid_session(stripe_sandbox.url, IDENTIFIER)
    order_in(app, status, payment_intent=session["payment_intent"], stripe_session_id=session["id"], **fields)
    return session


def deliver(client, event: dict):
    payload = json.dumps(event).encode()
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": stripe_events.sign(payload, SECRET)})


def charge_refunded(stripe_sandbox, payment_intent: str) -> dict:
    [event] = stripe_events.events_about(stripe_sandbox.url, "charge.refunded", "payment_intent", payment_intent)
    return event


@pytest.mark.parametrize("status, fields", [
    (Status.PAID, {"submit_job": True}),
    (Status.NEEDS_ATTENTION, {"submitted": False, "attention_reason": "Twikit refused the order"}),
])
def test_cancel_and_refund_in_full_then_stripe_confirms_it(app, client, stripe_sandbox, status, fields):
    session = paid_order(app, stripe_sandbox, status, **fields)
    log_in(client)
    page = post(client, "cancel-and-refund", {"reason": "Customer changed their mind"})
    assert "Cancelled and refunded in full through Stripe." in page
    order = status_of(app)
    assert (order.status, order.refunded_cents, order.attention_reason) == ("cancelled", 4900, None)
    assert order.stripe_refund_id.startswith("re_") and order.refunded_at is not None
    events = [message for *_, message in snapshot(app, IDENTIFIER)[8]]
    assert events[-2:] == ["Cancelled by the merchant; refunding in full",
                           f"Refund of €49.00 succeeded at Stripe ({order.stripe_refund_id})"]
    with app.app_context():  # the worker will not submit it
        assert all(job.state == JobState.DONE for job in db.session.scalars(select(OutboxJob)))

    event = charge_refunded(stripe_sandbox, session["payment_intent"])
    assert deliver(client, event).status_code == 200
    assert snapshot(app, IDENTIFIER)[8][-1][2].startswith("Stripe refunded €49.00 (in full, charge ch_")
    assert deliver(client, event).get_json()["duplicate"] is True
    verification = client.post("/webhooks/twikit/demo-webhook-token/payment-verification",
                               json={"configurationIds": [1001], "identifier": IDENTIFIER}).get_json()
    assert verification == {"success": False, "error": ""}  # Twikit would ignore the order now


def test_pressing_cancel_twice_refunds_once(app, client, stripe_sandbox):
    session = paid_order(app, stripe_sandbox, Status.NEEDS_ATTENTION, submitted=False)
    log_in(client)
    post(client, "cancel-and-refund")
    assert "An order that is cancelled cannot be cancelled." in post(client, "cancel-and-refund")
    response = stripe_events.events_about(stripe_sandbox.url, "refund.created", "payment_intent",
                                          session["payment_intent"])
    assert len(response) == 1


def test_a_refund_made_in_stripes_dashboard_flags_the_order(app, client, stripe_sandbox):
    import requests

    session = paid_order(app, stripe_sandbox, Status.PAID)
    requests.post(f"{stripe_sandbox.url}/v1/refunds", data={"payment_intent": session["payment_intent"]},
                  headers={"Authorization": "Bearer sk_test_sandbox"}, timeout=10).raise_for_status()
    assert deliver(client, charge_refunded(stripe_sandbox, session["payment_intent"])).status_code == 200
    order = status_of(app)
    assert order.status == "needs_attention" and "not through the shop" in order.attention_reason
    assert order.refunded_cents == 4900
    # Cancelling it now cancels without a second refund: Stripe says it was refunded already.
    log_in(client)
    page = post(client, "cancel-and-refund")
    assert status_of(app).status == "cancelled"
    assert "Stripe says this payment was refunded before" in page


@pytest.mark.parametrize("closed", [Status.EXPIRED, Status.PAYMENT_FAILED, Status.CANCELLED])
def test_a_payment_for_a_closed_order_needs_attention_and_can_be_refunded(app, client, stripe_sandbox, closed):
    session = stripe_events.paid_session(stripe_sandbox.url, IDENTIFIER)
    order_in(app, closed, paid=False, payment_intent=None, stripe_session_id=session["id"])
    event = json.loads(stripe_events.event("checkout.session.completed", session))
    assert deliver(client, event).status_code == 200
    order = status_of(app)
    assert order.status == "needs_attention" and order.paid_at is not None
    assert order.attention_reason == f"Payment received for an order that was {closed}; refund or fulfil by hand"
    log_in(client)
    assert "Cancel and refund €49.00" in client.get(f"/admin/orders/{IDENTIFIER}").get_data(as_text=True)
    post(client, "cancel-and-refund")
    order = status_of(app)
    assert (order.status, order.refunded_cents) == ("cancelled", 4900)


def test_stripe_refusing_the_refund_leaves_the_order_needing_attention(app, client, stripe_sandbox):
    order_in(app, Status.PAID, payment_intent="pi_unknown_to_stripe")
    log_in(client)
    page = post(client, "cancel-and-refund")
    assert "Cancelled, but Stripe did not refund it: No such payment_intent" in page
    order = status_of(app)
    assert order.status == "needs_attention" and order.refunded_at is None
    assert [(old, new) for old, new, _ in snapshot(app, IDENTIFIER)[8] if old != new] == [
        ("paid", "cancelled"), ("cancelled", "needs_attention")]


def test_cancel_waits_while_a_submission_is_running(app, client, stripe_sandbox):
    paid_order(app, stripe_sandbox, Status.PAID, submit_job=True)
    with app.app_context():
        db.session.scalar(select(OutboxJob)).state = JobState.RUNNING
        db.session.commit()
    before = snapshot(app, IDENTIFIER)
    log_in(client)
    assert "A submission to Twikit is running right now" in post(client, "cancel-and-refund")
    assert snapshot(app, IDENTIFIER) == before
