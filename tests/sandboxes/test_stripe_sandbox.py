"""The Stripe Checkout sandbox, driven the way the shop drives it.

The sandbox runs on a real threaded werkzeug server on a free loopback port
and is called through the real stripe-python SDK. A second tiny server plays
the shop's webhook endpoint and records what it receives.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import stripe
from werkzeug.wrappers import Request, Response

from sandboxes.stripe import create_app, signing
from sandboxes.stripe.params import decode

from ..support.live import LiveServer, free_port

pytestmark = pytest.mark.live

API_KEY = "sk_test_sandbox"
SECRET = "whsec_test_sandbox_secret"
GOOD_CARD = {"email": "ada@example.com", "card_number": "4242 4242 4242 4242",
             "expiry": "12/39", "cvc": "123", "cardholder_name": "Ada Lovelace"}


# --- Helpers: live servers ------------------------------------------------

class Receiver:
    """Plays the shop: records webhook POSTs, fails the first ``fail_first``
    of them with a 500, and answers any GET (e.g. success_url) with 200."""

    def __init__(self, fail_first: int = 0):
        self.fail_first = fail_first
        self.calls: list[dict] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.method != "POST":
            return Response("thanks for your order", 200)(environ, start_response)
        with self._lock:
            self.calls.append({"body": request.get_data(as_text=True),
                               "signature": request.headers.get("Stripe-Signature"),
                               "content_type": request.content_type})
            failing = len(self.calls) <= self.fail_first
        response = Response("boom", 500) if failing else Response("ok", 200)
        return response(environ, start_response)

    def wait_for(self, count: int, timeout: float = 10) -> list[dict]:
        """Poll (bounded) until ``count`` deliveries arrived; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.calls) >= count:
                    return list(self.calls)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} deliveries, got {len(self.calls)}")

    def events(self, count: int) -> list[dict]:
        """The first ``count`` delivered events, parsed."""
        return [json.loads(call["body"]) for call in self.wait_for(count)[:count]]


class Sandbox:
    def __init__(self, app, server: LiveServer, database: Path):
        self.app, self.server, self.url, self.database = app, server, server.url, database

    def query(self, sql: str, *args):
        conn = sqlite3.connect(self.database)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()


@pytest.fixture
def receiver():
    recorder = Receiver()
    server = LiveServer(app=recorder, poll_interval=0.05).start()
    recorder.url = server.url
    yield recorder
    server.stop()


@pytest.fixture
def sandbox(tmp_path, receiver):
    database = tmp_path / "stripe.sqlite3"
    app = create_app({
        "TESTING": True,
        "SANDBOX_DATABASE": str(database),
        "WEBHOOK_URL": receiver.url + "/webhooks/stripe",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_RETRY_DELAYS": [0.05, 0.05, 0.05],
        "ASYNC_SETTLE_SECONDS": 0.2,
        "WORKER_POLL_SECONDS": 0.05,
    })
    server = LiveServer(app=app, poll_interval=0.05).start()
    yield Sandbox(app, server, database)
    server.stop()
    app.extensions["stripe_sandbox"].worker.stop()


@pytest.fixture
def client(sandbox):
    http_client = stripe.RequestsClient()
    yield stripe.StripeClient(API_KEY, base_addresses={"api": sandbox.url},
                              http_client=http_client, max_network_retries=0)
    http_client.close()


def session_params(receiver, **overrides) -> dict:
    params = {
        "mode": "payment",
        "line_items": [
            {"price_data": {"currency": "eur", "unit_amount": 1999,
                            "product_data": {"name": "Custom lamp",
                                             "description": "Walnut, 30 cm"}},
             "quantity": 2},
            {"price_data": {"currency": "eur", "unit_amount": 500,
                            "product_data": {"name": "Gift wrap"}},
             "quantity": 1},
        ],
        "customer_email": "ada@example.com",
        "client_reference_id": "order-42",
        "success_url": receiver.url + "/checkout/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": receiver.url + "/cart",
        "metadata": {"order_id": "42"},
    }
    params.update(overrides)
    return params


def pay(session_url: str, **fields) -> requests.Response:
    """Submit the hosted page's form like a browser would."""
    return requests.post(session_url, data={**GOOD_CARD, **fields},
                         allow_redirects=False, timeout=10)


# --- API: create, retrieve, validation, auth --------------------------------

def test_create_and_retrieve_round_trip(client, sandbox, receiver):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url == f"{sandbox.url}/pay/{session.id}"
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert session.amount_subtotal == session.amount_total == 2 * 1999 + 500
    assert session.currency == "eur"
    assert session.customer_email == "ada@example.com"
    assert session.customer_details is None and session.payment_intent is None
    assert session.client_reference_id == "order-42"
    assert session.metadata.to_dict() == {"order_id": "42"}
    assert session.mode == "payment" and session.livemode is False
    assert session.success_url.endswith("{CHECKOUT_SESSION_ID}")
    assert session.expires_at - session.created == 24 * 60 * 60

    again = client.v1.checkout.sessions.retrieve(session.id)
    assert again.to_dict() == session.to_dict()

    items = client.v1.checkout.sessions.line_items.list(session.id)
    assert [(i.description, i.quantity, i.amount_total) for i in items.data] == [
        ("Custom lamp", 2, 3998), ("Gift wrap", 1, 500)]
    expanded = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["line_items"]})
    assert expanded.line_items.data[0].price.unit_amount == 1999


@pytest.mark.parametrize("overrides, param", [
    ({"success_url": None}, "success_url"),
    ({"line_items": None}, "line_items"),
    ({"mode": None}, "mode"),
    ({"line_items": [{"price_data": {"currency": "xyz", "unit_amount": 100,
                                     "product_data": {"name": "A"}}, "quantity": 1}]},
     "line_items[0][price_data][currency]"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": -5,
                                     "product_data": {"name": "A"}}, "quantity": 1}]},
     "line_items[0][price_data][unit_amount]"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": "ten",
                                     "product_data": {"name": "A"}}, "quantity": 1}]},
     "line_items[0][price_data][unit_amount]"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 100,
                                     "product_data": {"name": "A"}}, "quantity": 0}]},
     "line_items[0][quantity]"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 100,
                                     "product_data": {"description": "no name"}},
                      "quantity": 1}]},
     "line_items[0][price_data][product_data][name]"),
    ({"success_url": "not a url"}, "success_url"),
    ({"customer_email": "nope"}, "customer_email"),
    ({"expires_at": int(time.time()) + 60}, "expires_at"),
    ({"shipping_options": "x"}, "shipping_options"),
])
def test_validation_errors_name_the_param(client, receiver, overrides, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(params=session_params(receiver, **overrides))
    assert caught.value.param == param
    assert caught.value.http_status == 400


def test_total_below_minimum_charge_is_rejected(client, receiver):
    tiny = [{"price_data": {"currency": "eur", "unit_amount": 10,
                            "product_data": {"name": "Sticker"}}, "quantity": 1}]
    with pytest.raises(stripe.InvalidRequestError, match="at least €0.50"):
        client.v1.checkout.sessions.create(params=session_params(receiver, line_items=tiny))


def test_bad_or_missing_api_key_is_401(sandbox, receiver):
    http_client = stripe.RequestsClient()
    bad = stripe.StripeClient("sk_live_nope", base_addresses={"api": sandbox.url},
                              http_client=http_client, max_network_retries=0)
    try:
        with pytest.raises(stripe.AuthenticationError):
            bad.v1.checkout.sessions.create(params=session_params(receiver))
    finally:
        http_client.close()

    answer = requests.get(sandbox.url + "/v1/events", timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "invalid_request_error"


def test_unknown_session_is_404(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.retrieve("cs_test_missing")
    assert caught.value.http_status == 404


# --- Idempotency -----------------------------------------------------------

def test_idempotency_key_replays_the_same_session(client, sandbox, receiver):
    options = {"idempotency_key": "order-42-attempt-1"}
    first = client.v1.checkout.sessions.create(params=session_params(receiver), options=options)
    second = client.v1.checkout.sessions.create(params=session_params(receiver), options=options)
    assert second.id == first.id
    assert second.last_response.headers.get("Idempotent-Replayed") == "true"
    assert sandbox.query("SELECT COUNT(*) FROM sessions") == [(1,)]

    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(
            params=session_params(receiver, client_reference_id="order-43"), options=options)


def test_failed_validation_does_not_burn_the_key(client, receiver):
    options = {"idempotency_key": "fix-and-retry"}
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.create(
            params=session_params(receiver, success_url=None), options=options)
    session = client.v1.checkout.sessions.create(params=session_params(receiver), options=options)
    assert session.status == "open"


# --- Hosted page and webhooks ----------------------------------------------

def test_paying_with_4242_redirects_and_sends_a_signed_event(client, sandbox, receiver):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    page = requests.get(session.url, timeout=10)
    assert "Sandbox: no real money" in page.text and "Pay €44.98" in page.text

    answer = pay(session.url)

    assert answer.status_code == 303
    assert answer.headers["Location"] == (
        receiver.url + "/checkout/success?session_id=" + session.id)
    paid = client.v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.payment_intent.startswith("pi_")
    assert paid.customer_details.email == "ada@example.com"
    assert paid.customer_details.name == "Ada Lovelace"

    [call] = receiver.wait_for(1)
    event = stripe.Webhook.construct_event(call["body"], call["signature"], SECRET)
    assert event.type == "checkout.session.completed"
    assert event.id.startswith("evt_") and event.livemode is False
    assert event.data.object.id == session.id
    assert event.data.object.payment_status == "paid"
    assert call["content_type"].startswith("application/json")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(call["body"], call["signature"], "whsec_other")

    assert client.v1.events.retrieve(event.id).type == event.type
    # The receiver saw the POST a moment before the sandbox saw its 200.
    _eventually(lambda: client.v1.events.retrieve(event.id).pending_webhooks == 0)
    assert "already paid" in requests.get(
        f"{sandbox.url}/pay/{session.id}", timeout=10).text


def test_signature_matches_stripe_python():
    payload = '{"id": "evt_1", "object": "event"}'
    expected = stripe.WebhookSignature.generate_signature_header(payload, SECRET, 1700000000)
    assert signing.header(payload, SECRET, 1700000000) == expected


def test_failed_deliveries_are_retried_and_logged(client, sandbox, receiver):
    receiver.fail_first = 2
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    assert pay(session.url).status_code == 303

    calls = receiver.wait_for(3)
    assert len({call["body"] for call in calls}) == 1  # the same event each time
    attempts = _wait_for_rows(sandbox, "SELECT attempt, http_status, response_excerpt"
                              " FROM delivery_attempts ORDER BY attempt", 3)
    assert attempts == [(1, 500, "boom"), (2, 500, "boom"), (3, 200, "ok")]
    assert sandbox.query("SELECT status, attempts FROM deliveries") == [("delivered", 3)]
    dashboard = requests.get(sandbox.url + "/", timeout=10).text
    assert "Stripe sandbox — no real money" in dashboard
    assert "checkout.session.completed" in dashboard and "delivered" in dashboard


def test_delivery_gives_up_after_the_last_delay(tmp_path):
    # Nothing listens on this port: every attempt is a connection error.
    dead_url = f"http://127.0.0.1:{free_port()}/webhooks"
    app = create_app({"SANDBOX_DATABASE": str(tmp_path / "db.sqlite3"),
                      "WEBHOOK_URL": dead_url, "WEBHOOK_SECRET": SECRET,
                      "WEBHOOK_RETRY_DELAYS": [0.01, 0.01], "WORKER_POLL_SECONDS": 0.02})
    server = LiveServer(app=app, poll_interval=0.05).start()
    try:
        sandbox = Sandbox(app, server, tmp_path / "db.sqlite3")
        session = _create_raw(server.url, "http://shop.test/ok")
        assert pay(session["url"]).status_code == 303
        rows = _wait_for_rows(sandbox, "SELECT error FROM delivery_attempts", 3)
        assert all("ConnectionError" in error for (error,) in rows)
        _wait_for_rows(sandbox, "SELECT 1 FROM deliveries WHERE status = 'failed'", 1)
    finally:
        server.stop()
        app.extensions["stripe_sandbox"].worker.stop()


def test_declined_card_keeps_the_session_open(client, sandbox, receiver):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    answer = pay(session.url, card_number="4000 0000 0000 0002")

    assert answer.status_code == 402
    assert "Your card was declined." in answer.text
    assert 'value="Ada Lovelace"' in answer.text  # typed values are kept...
    assert "4000 0000 0000 0002" not in answer.text.split("Test cards")[0]  # ...not the number
    again = client.v1.checkout.sessions.retrieve(session.id)
    assert (again.status, again.payment_status) == ("open", "unpaid")
    assert client.v1.events.list().data == []


@pytest.mark.parametrize("fields, message", [
    ({"card_number": "1234 5678 9012 3456"}, "Your card number is incorrect."),
    ({"card_number": ""}, "Your card number is incomplete."),
    ({"expiry": "01/20"}, "Your card&#39;s expiration date is in the past."),
    ({"expiry": "13/40"}, "Your card&#39;s expiration month is invalid."),
    ({"expiry": "soon"}, "Your card&#39;s expiration date is incomplete."),
    ({"cvc": "1"}, "Your card&#39;s security code is incomplete."),
    ({"cardholder_name": " "}, "Please enter the name on your card."),
    ({"email": "ada"}, "Your email address is invalid."),
])
def test_card_form_errors(client, receiver, fields, message):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    answer = pay(session.url, **fields)
    assert answer.status_code == 400
    assert message in answer.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_expire_endpoint_sends_expired_event(client, sandbox, receiver):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    expired = client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and expired.url is None

    [event] = receiver.events(1)
    assert event["type"] == "checkout.session.expired"
    assert event["request"]["id"].startswith("req_")
    page = requests.get(f"{sandbox.url}/pay/{session.id}", timeout=10)
    assert "has expired" in page.text and receiver.url + "/cart" in page.text
    assert pay(f"{sandbox.url}/pay/{session.id}").status_code == 409
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(session.id)


def test_worker_expires_overdue_sessions(client, sandbox, receiver):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    conn = sqlite3.connect(sandbox.database)  # wind the clock: make it overdue
    try:
        with conn:
            conn.execute("UPDATE sessions SET expires_at = 0 WHERE id = ?", (session.id,))
    finally:
        conn.close()
    [event] = receiver.events(1)
    assert event["type"] == "checkout.session.expired"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"


@pytest.mark.parametrize("card, final_type, final_status", [
    ("4000 0025 0000 3155", "checkout.session.async_payment_succeeded", "paid"),
    ("4000 0000 0000 9995", "checkout.session.async_payment_failed", "unpaid"),
])
def test_async_cards_settle_later(client, receiver, card, final_type, final_status):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    assert pay(session.url, card_number=card).status_code == 303

    completed, settled = receiver.events(2)
    assert completed["type"] == "checkout.session.completed"
    assert completed["data"]["object"]["payment_status"] == "unpaid"
    assert settled["type"] == final_type
    assert settled["data"]["object"]["payment_status"] == final_status
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == final_status
    newest_first = [e.type for e in client.v1.events.list().data]
    assert newest_first == [final_type, "checkout.session.completed"]


def test_pending_delivery_survives_a_restart(tmp_path, receiver):
    database = str(tmp_path / "db.sqlite3")
    config = {"SANDBOX_DATABASE": database, "WEBHOOK_URL": receiver.url + "/hook",
              "WEBHOOK_SECRET": SECRET, "WORKER_POLL_SECONDS": 0.02}
    before = create_app({**config, "START_WORKER": False})  # "crashes" before sending
    web = before.test_client()
    created = web.post("/v1/checkout/sessions", headers={"Authorization": f"Bearer {API_KEY}"},
                       data=_raw_params("http://shop.test/ok")).get_json()
    assert web.post(f"/pay/{created['id']}", data=GOOD_CARD).status_code == 303
    assert receiver.calls == []

    after = create_app(config)  # the restarted sandbox finds the outbox row
    try:
        [event] = receiver.events(1)
        assert event["type"] == "checkout.session.completed"
    finally:
        after.extensions["stripe_sandbox"].worker.stop()


def test_healthz_and_unknown_api_route(sandbox):
    assert requests.get(sandbox.url + "/healthz", timeout=10).json() == {"status": "ok"}
    answer = requests.get(sandbox.url + "/v1/customers",
                          headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
    assert answer.status_code == 404 and "Unrecognized request URL" in answer.json()["error"]["message"]


def test_form_decoding():
    assert decode([("line_items[1][quantity]", "1"), ("line_items[0][quantity]", "2"),
                   ("expand[]", "a"), ("expand[]", "b"), ("metadata[7]", "x")]) == {
        "line_items": [{"quantity": "2"}, {"quantity": "1"}],
        "expand": ["a", "b"], "metadata": {"7": "x"}}


def test_command_line_starts_a_threaded_server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandboxes.stripe", "--host", "127.0.0.1",
         "--port", str(port), "--database", str(tmp_path / "cli.sqlite3"),
         "--webhook-url", "http://127.0.0.1:9/hook", "--webhook-secret", SECRET],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(10)


# --- Browser ---------------------------------------------------------------

@pytest.mark.browser
def test_browser_pays_on_the_hosted_page(client, receiver, tmp_path, browser):
    session = client.v1.checkout.sessions.create(params=session_params(receiver))
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(session.url)
        page.wait_for_selector("text=Sandbox: no real money")
        assert page.get_by_label("Email").input_value() == "ada@example.com"
        page.get_by_label("Card number").fill("4242 4242 4242 4242")
        page.get_by_label("Expiry (MM/YY)").fill("12/39")
        page.get_by_label("CVC").fill("123")
        page.get_by_label("Name on card").fill("Ada Lovelace")
        page.screenshot(path=str(tmp_path / "pay.png"), full_page=True)
        page.get_by_role("button", name="Pay €44.98").click()
        page.wait_for_url(f"**/checkout/success?session_id={session.id}")
        assert "thanks for your order" in page.content()
    finally:
        context.close()
    [event] = receiver.events(1)
    assert event["type"] == "checkout.session.completed"


# --- Small helpers ---------------------------------------------------------

def _raw_params(success_url: str) -> dict:
    return {"mode": "payment", "success_url": success_url,
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "1500",
            "line_items[0][price_data][product_data][name]": "Mug",
            "line_items[0][quantity]": "1"}


def _create_raw(base_url: str, success_url: str) -> dict:
    answer = requests.post(base_url + "/v1/checkout/sessions", data=_raw_params(success_url),
                           headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _eventually(condition, timeout: float = 10):
    """Poll (bounded) until ``condition()`` is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
    return result


def _wait_for_rows(sandbox: Sandbox, sql: str, count: int) -> list:
    """Poll (bounded) until the query returns at least ``count`` rows."""
    def enough():
        rows = sandbox.query(sql)
        return rows if len(rows) >= count else None
    return _eventually(enough)
