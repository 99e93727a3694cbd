"""The Twikit sandbox's publisher and producer back-office: settings, orders, outbound webhooks, publishing.

The sandbox and a tiny "shop" that receives its webhooks run on real ports
(tests/support/live.py), so every webhook really travels over HTTP.
"""

import base64
import hashlib
import io
import json
import sqlite3
import struct
import threading
import time
import zipfile
from collections import deque
from datetime import datetime

import pytest
import requests
from flask import Flask, jsonify, request
from playwright.sync_api import expect

from sandboxes.twikit import create_app, outbound

from ..support.live import LiveServer, free_port

SECRET = "demo-payload-secret"
RETRY_DELAY = 0.5
TIMEOUT = 1.0
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17  # the sandbox checks the signature only
ADDRESS = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "addressLine1": "Kerkstraat 1",
           "zip": "9000", "city": "Gent", "countryIso": "BE"}
PRODUCTS = {
    "geo-lamp": ({"height": "tall", "twist": 30, "density": 10, "colour": "sand"}, {"id": "tall", "sku": "GEO-TALL"}),
    "name-keyring": ({"text": "Ada", "colour": "mint", "thickness": 3, "size": "standard"},
                     {"id": "standard", "sku": "NKR-STD"}),
}


# ---------------------------------------------------------------- the shop's side: a webhook receiver


class Receiver:
    """Records every POST and answers as the test says, per path; the last answer given repeats.

    ok: 200 {"error": ""}    boom: 200 {"error": "boom"}    500: HTTP 500
    html: 200 with an HTML body    slow: ok, but only after SLOW_SECONDS (longer than the sandbox waits)
    """

    SLOW_SECONDS = 3

    def __init__(self):
        self.calls: list[dict] = []
        self._plans: dict[str, deque] = {}
        self._lock = threading.Lock()
        self.release = threading.Event()  # set after each test, so no slow answer outlives its test
        self.app = Flask("webhook_receiver")
        self.app.add_url_rule("/<path:name>", view_func=self._receive, methods=["POST"])
        self.url = ""

    def reset(self) -> None:
        """Forget the calls and answers of the previous test."""
        self.release.set()
        with self._lock:
            self.calls.clear()
            self._plans.clear()
        self.release = threading.Event()

    def answer(self, name: str, *behaviours: str) -> None:
        self._plans[name] = deque(behaviours)

    def received(self, name: str) -> list[dict]:
        with self._lock:
            return [call for call in self.calls if call["name"] == name]

    def _receive(self, name: str):
        with self._lock:
            self.calls.append({"name": name, "body": request.get_json(silent=True), "at": time.monotonic(),
                               "contentType": request.content_type})
            plan = self._plans.get(name)
            behaviour = (plan.popleft() if len(plan) > 1 else plan[0]) if plan else "ok"
        if behaviour == "slow":
            self.release.wait(self.SLOW_SECONDS)
        if behaviour == "boom":
            return jsonify(error="boom")
        if behaviour == "500":
            return "Internal Server Error", 500
        if behaviour == "html":
            return "<html><body>ok</body></html>", 200
        return jsonify(error="")


@pytest.fixture(scope="module")
def receiver_server():
    """One receiver for the module: stopping a live server takes a poll interval, so it is shared."""
    shop = Receiver()
    server = LiveServer(app=shop.app).start()
    shop.url = server.url
    yield shop
    shop.release.set()
    server.stop()


@pytest.fixture
def receiver(receiver_server):
    """The shared receiver, fresh for this test."""
    receiver_server.reset()
    yield receiver_server
    receiver_server.reset()


class Sandbox:
    """The sandbox on a real port, with the calls a shop (or a test) makes to it."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.url = server.url
        self.app = server.app

    @property
    def worker(self):
        return self.app.extensions[outbound.EXTENSION_KEY]

    def save(self, product_key: str = "geo-lamp") -> int:
        parameters, variation = PRODUCTS[product_key]
        body = {"productKey": product_key, "version": 1, "parameters": parameters, "variation": variation,
                "previewPng": "data:image/png;base64," + base64.b64encode(TINY_PNG).decode()}
        response = requests.post(f"{self.url}/api/plugin/configurations", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["configurationId"]

    def create_order(self, identifier: str, items: list[tuple[int, int]]) -> dict:
        """Create an order through the real Create Order API, signed as the shop signs it."""
        payload = json.dumps({
            "identifier": identifier,
            "items": [{"configurationId": configuration_id, "amount": amount, "identifier": f"{identifier}-{n}"}
                      for n, (configuration_id, amount) in enumerate(items, start=1)],
            "billingAddress": ADDRESS, "deliveryAddress": ADDRESS, "data": {"shop": "test"},
        })
        body = {"orderPayload": payload, "hash": hashlib.md5((payload + SECRET).encode()).hexdigest()}
        response = requests.post(f"{self.url}/api/v1/orders/sandbox-integration", json=body, timeout=10)
        assert response.json()["resultCode"] == 1, response.text
        return json.loads(payload)

    def post_form(self, path: str, fields: dict) -> requests.Response:
        return requests.post(f"{self.url}{path}", data=fields, timeout=30, allow_redirects=False)

    def mark_produced(self, identifier: str, **fields) -> requests.Response:
        return self.post_form(f"/orders/{identifier}", {"action": "production-completion", "success": "yes",
                                                         "url": "", "error": ""} | fields)

    def mark_shipped(self, identifier: str, **fields) -> requests.Response:
        return self.post_form(f"/orders/{identifier}", {"action": "order-completion"} | fields)

    def deliveries(self, **params) -> list[dict]:
        return requests.get(f"{self.url}/api/sandbox/deliveries", params=params, timeout=10).json()["deliveries"]

    def settings(self, **changes) -> dict:
        response = requests.put(f"{self.url}/api/sandbox/settings", json=changes, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def make_sandbox(tmp_path, receiver):
    """Start sandboxes wired to ``receiver``; ``config`` overrides; all are stopped at the end."""
    started: list[Sandbox] = []

    def make(database: str = "twikit.sqlite", **config) -> Sandbox:
        def build(url: str):
            return create_app({
                "TESTING": True, "SANDBOX_DATABASE": str(tmp_path / database), "PUBLIC_URL": url,
                "PRODUCTION_COMPLETION_URL": f"{receiver.url}/production-completion",
                "ORDER_COMPLETION_URL": f"{receiver.url}/order-completion",
                "WEBSITE_PUBLICATION_URL": f"{receiver.url}/website-publication",
                "WEBHOOK_RETRY_DELAY_SECONDS": RETRY_DELAY, "WEBHOOK_TIMEOUT_SECONDS": TIMEOUT, **config,
            })

        sandbox = Sandbox(LiveServer(build).start())
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.worker.stop()
        sandbox.server.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()


@pytest.fixture
def order(sandbox):
    """Order SO-1: a tall lamp x 2 and a keyring x 1."""
    return sandbox.create_order("SO-1", [(sandbox.save("geo-lamp"), 2), (sandbox.save("name-keyring"), 1)])


def wait_until(condition, timeout: float = 10, what: str = "the condition"):
    """Poll ``condition`` until it returns something truthy (not for browser tests: they use Playwright's waits)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def settled(sandbox: Sandbox, count: int) -> list[dict] | None:
    """The deliveries, oldest first, once there are ``count`` and none is waiting or being sent."""
    deliveries = sandbox.deliveries()[::-1]
    if len(deliveries) == count and all(d["status"] not in ("pending", "sending") for d in deliveries):
        return deliveries
    return None


# ---------------------------------------------------------------- settings page


def test_settings_page_shows_every_setting_with_the_secret_masked(sandbox, receiver):
    page = requests.get(f"{sandbox.url}/settings", timeout=10).text
    assert 'name="PAYLOAD_SECRET" type="password"' in page and 'value="demo-payload-secret"' in page
    assert ">Show</button>" in page
    assert 'value="sandbox-integration"' in page
    for event in ("production-completion", "order-completion", "website-publication"):
        assert f'value="{receiver.url}/{event}"' in page
    assert 'name="PAYMENT_VERIFICATION_URL"' in page and f'value="{RETRY_DELAY}"' in page
    for label in ("Home", "Orders", "Publisher", "Settings", "Deliveries", "Twikit sandbox"):
        assert f">{label}</a>" in page


def test_settings_page_saves_then_redirects(sandbox):
    response = sandbox.post_form("/settings", {
        "INTEGRATION_ID": "shop-42", "PAYLOAD_SECRET": "rotated secret ", "PAYMENT_VERIFICATION_URL": "",
        "ORDER_COMPLETION_URL": " https://shop.test/hooks/order ", "WEBHOOK_RETRY_DELAY_SECONDS": "300",
    })
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings?saved=1")
    stored = requests.get(f"{sandbox.url}/api/sandbox/settings", timeout=10).json()
    assert stored["INTEGRATION_ID"] == "shop-42"
    assert stored["PAYLOAD_SECRET"] == "rotated secret "  # a secret is kept byte for byte
    assert stored["PAYMENT_VERIFICATION_URL"] is None      # empty means: not configured
    assert stored["ORDER_COMPLETION_URL"] == "https://shop.test/hooks/order"
    assert stored["WEBHOOK_RETRY_DELAY_SECONDS"] == 300
    assert "Settings saved." in requests.get(f"{sandbox.url}/settings?saved=1", timeout=10).text


def test_settings_page_explains_bad_input_and_stores_nothing(sandbox, receiver):
    response = sandbox.post_form("/settings", {
        "INTEGRATION_ID": "shop 42", "PRODUCTION_COMPLETION_URL": "ftp://shop.test/hook",
        "WEBHOOK_RETRY_DELAY_SECONDS": "soon", "VERIFICATION_TIMEOUT_SECONDS": "0", "PAYLOAD_SECRET": "",
        "ORDER_COMPLETION_URL": "https://shop.test/fine",
    })
    assert response.status_code == 400
    for message in ("INTEGRATION_ID must be 1 to 100 letters",
                    "PRODUCTION_COMPLETION_URL must be an http:// or https:// URL",
                    "WEBHOOK_RETRY_DELAY_SECONDS must be a number of seconds",
                    "VERIFICATION_TIMEOUT_SECONDS must be more than 0",
                    "PAYLOAD_SECRET must be a non-empty string", "Nothing was saved"):
        assert message in response.text
    assert 'value="ftp://shop.test/hook"' in response.text  # what was typed, ready to correct
    stored = requests.get(f"{sandbox.url}/api/sandbox/settings", timeout=10).json()
    assert stored["INTEGRATION_ID"] == "sandbox-integration"
    assert stored["ORDER_COMPLETION_URL"] == f"{receiver.url}/order-completion"  # the good field waited too
    assert stored["WEBHOOK_RETRY_DELAY_SECONDS"] == RETRY_DELAY


# ---------------------------------------------------------------- orders page


def test_orders_list_and_order_page_show_items_configurations_and_previews(sandbox, order):
    lamp, keyring = (item["configurationId"] for item in order["items"])
    listing = requests.get(f"{sandbox.url}/orders", timeout=10).text
    assert 'href="/orders/SO-1"' in listing and f'src="/previews/{lamp}.png"' in listing
    assert ">created</span>" in listing

    page = requests.get(f"{sandbox.url}/orders/SO-1", timeout=10).text
    for text in ("SO-1-1", "SO-1-2", "geo-lamp", "name-keyring", "GEO-TALL", "NKR-STD", "height=tall",
                 "text=Ada", f'src="/previews/{lamp}.png"', f'src="/previews/{keyring}.png"',
                 f'href="/production-files/{lamp}.zip?amount=2"', f'href="/production-files/{keyring}.zip?amount=1"',
                 ">created</span>", "not verified", "not reported yet", "not shipped yet",
                 "Mark production complete", "Mark ready / shipped", "Gent"):
        assert text in page, text
    preview = requests.get(f"{sandbox.url}/previews/{lamp}.png", timeout=10)
    assert preview.headers["Content-Type"] == "image/png" and preview.content == TINY_PNG
    assert requests.get(f"{sandbox.url}/orders/SO-404", timeout=10).status_code == 404


def test_production_file_is_the_export_zip_with_an_stl(sandbox, order):
    lamp = order["items"][0]["configurationId"]
    response = requests.get(f"{sandbox.url}/production-files/{lamp}.zip?amount=2", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == f'attachment; filename="geo-lamp-{lamp}.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["configuration.json", f"geo-lamp-{lamp}.stl"]
        description = json.loads(archive.read("configuration.json"))
        stl = archive.read(f"geo-lamp-{lamp}.stl")
    assert (description["configurationId"], description["amount"]) == (lamp, 2)
    (triangles,) = struct.unpack_from("<I", stl, 80)
    assert triangles > 0 and len(stl) == 84 + 50 * triangles == 84 + 50 * description["files"][0]["triangles"]

    # The same mesh the Order Production File API exports; the producer's download is no internal order.
    payload = json.dumps({"configurationId": lamp, "amount": 2})
    exported = requests.post(f"{sandbox.url}/api/v1/configuration/sandbox-integration/export", timeout=10,
                             json={"payload": payload, "hash": hashlib.md5((payload + SECRET).encode()).hexdigest()})
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        assert archive.read(f"geo-lamp-{lamp}.stl") == stl
    assert len(requests.get(f"{sandbox.url}/api/sandbox/exports", timeout=10).json()["exports"]) == 1

    for bad in ("amount=0", "amount=many", "amount=10001"):
        assert requests.get(f"{sandbox.url}/production-files/{lamp}.zip?{bad}", timeout=10).status_code == 400
    assert requests.get(f"{sandbox.url}/production-files/999.zip", timeout=10).status_code == 404


# ---------------------------------------------------------------- the producer's webhooks


def test_mark_production_complete_sends_exactly_the_spec_body(sandbox, receiver, order):
    response = sandbox.mark_produced("SO-1", url=" https://track.example/SO-1 ")
    assert response.status_code == 303
    [call] = receiver.received("production-completion")
    # An empty field goes as null, as a real Twikit may serialise an unset string.
    assert call["body"] == {"identifier": "SO-1", "url": "https://track.example/SO-1", "success": True, "error": None}
    assert call["contentType"].startswith("application/json")
    page = requests.get(f"{sandbox.url}{response.headers['Location']}", timeout=10).text
    assert "Delivered: the shop answered HTTP 200 without an error." in page
    assert "completed" in page and "https://track.example/SO-1" in page

    sandbox.mark_produced("SO-1", success="no", error="Printer jammed")
    assert receiver.received("production-completion")[1]["body"] == {
        "identifier": "SO-1", "url": None, "success": False, "error": "Printer jammed"}
    page = requests.get(f"{sandbox.url}/orders/SO-1", timeout=10).text
    assert "failed: Printer jammed" in page  # the latest report is the order's state


@pytest.mark.parametrize("fields, message", [
    ({"success": "no", "error": "  "}, "A failed production needs an error text"),
    ({"success": "yes", "error": "jammed"}, "Leave the error text empty"),
    ({"success": "maybe"}, "success must be yes or no"),
    ({"action": "cancel"}, "Unknown action"),
])
def test_bad_producer_input_is_explained_and_nothing_is_sent(sandbox, receiver, order, fields, message):
    response = sandbox.mark_produced("SO-1", **fields)
    assert response.status_code == 400 and message in response.text and "Nothing was sent." in response.text
    assert receiver.calls == [] and sandbox.deliveries() == []


def test_mark_shipped_sends_the_spec_shape_with_every_item(sandbox, receiver, order):
    lamp, keyring = (item["configurationId"] for item in order["items"])
    response = sandbox.mark_shipped("SO-1", trackingUrl="https://track.example/1Z999", trackingId="1Z999")
    assert response.status_code == 303
    [call] = receiver.received("order-completion")
    assert call["body"] == {
        "identifier": "SO-1", "trackingUrl": "https://track.example/1Z999", "trackingId": "1Z999",
        "lineItems": [
            {"identifier": "SO-1-1", "configurationId": lamp, "previewUrl": f"{sandbox.url}/previews/{lamp}.png",
             "productKey": "geo-lamp", "amount": 2},
            {"identifier": "SO-1-2", "configurationId": keyring,
             "previewUrl": f"{sandbox.url}/previews/{keyring}.png", "productKey": "name-keyring", "amount": 1},
        ],
    }
    assert requests.get(call["body"]["lineItems"][0]["previewUrl"], timeout=10).content == TINY_PNG
    page = requests.get(f"{sandbox.url}/orders/SO-1", timeout=10).text
    assert "tracking ID <code>1Z999</code>" in page


def test_the_producer_json_api_acts_like_the_forms(sandbox, receiver, order):
    url = f"{sandbox.url}/api/sandbox/producer"
    answer = requests.post(f"{url}/production-completion", timeout=10,
                           json={"identifier": "SO-1", "success": True, "url": "https://t.example"}).json()
    assert answer["delivery"]["status"] == "delivered" and answer["producer"]["production"]["details"]["success"]
    answer = requests.post(f"{url}/order-completion", json={"identifier": "SO-1", "trackingId": "T1"},
                           timeout=10).json()
    assert answer["delivery"]["body"]["trackingId"] == "T1" and answer["producer"]["shipping"] is not None
    assert [call["name"] for call in receiver.calls] == ["production-completion", "order-completion"]
    assert requests.post(f"{url}/order-completion", json={"identifier": "nope"}, timeout=10).status_code == 404
    refused = requests.post(f"{url}/production-completion", json={"identifier": "SO-1", "success": 1}, timeout=10)
    assert refused.status_code == 400 and "yes or no" in refused.json()["error"]


# ---------------------------------------------------------------- retry once, after the delay


@pytest.mark.parametrize("behaviour, receiver_calls, error", [
    ("boom", 2, "the webhook reported an error: boom"),
    ("500", 2, "HTTP 500 instead of 200"),
    ("html", 2, "the answer is not JSON"),
    ("slow", 2, "no answer: ReadTimeout"),
    ("refused", 0, "no answer: ConnectionError"),
])
def test_a_faulty_answer_is_retried_exactly_once_after_the_delay(sandbox, receiver, order, behaviour,
                                                                  receiver_calls, error):
    if behaviour == "refused":
        sandbox.settings(PRODUCTION_COMPLETION_URL=f"http://127.0.0.1:{free_port()}/production-completion")
    receiver.answer("production-completion", behaviour)
    response = sandbox.mark_produced("SO-1")
    page = requests.get(f"{sandbox.url}{response.headers['Location']}", timeout=10).text
    assert "It will be retried once" in page

    first, retry = wait_until(lambda: settled(sandbox, 2), what="the retry")
    assert (first["attempt"], first["status"], first["retryId"]) == (1, "faulty", retry["deliveryId"])
    assert (retry["attempt"], retry["status"], retry["retryOf"]) == (2, "faulty", first["deliveryId"])
    assert error in first["error"] and error in retry["error"]
    assert retry["body"] == first["body"] and retry["url"] == first["url"]
    sent_apart = datetime.fromisoformat(retry["sentAt"]) - datetime.fromisoformat(first["sentAt"])
    assert sent_apart.total_seconds() >= RETRY_DELAY
    calls = receiver.received("production-completion")
    assert len(calls) == receiver_calls
    if calls:
        assert calls[1]["at"] - calls[0]["at"] >= RETRY_DELAY

    time.sleep(3 * RETRY_DELAY)  # long enough for a second retry, which must not come
    assert len(sandbox.deliveries()) == 2 and len(receiver.received("production-completion")) == receiver_calls


def test_a_retry_that_is_answered_well_is_delivered(sandbox, receiver, order):
    receiver.answer("order-completion", "boom", "ok")
    sandbox.mark_shipped("SO-1", trackingId="1Z1")
    first, retry = wait_until(lambda: settled(sandbox, 2), what="the retry")
    assert (first["status"], retry["status"], retry["event"]) == ("faulty", "delivered", "order-completion")
    assert [call["body"] for call in receiver.received("order-completion")] == [first["body"]] * 2
    page = requests.get(f"{sandbox.url}/orders/SO-1", timeout=10).text
    assert "retry of #" in page


def test_a_good_answer_is_not_retried(sandbox, receiver, order):
    sandbox.mark_produced("SO-1")
    [delivery] = sandbox.deliveries()
    assert (delivery["status"], delivery["httpStatus"], delivery["retryId"]) == ("delivered", 200, None)
    assert json.loads(delivery["answer"]) == {"error": ""}
    time.sleep(3 * RETRY_DELAY)
    assert len(sandbox.deliveries()) == 1 and len(receiver.calls) == 1


def test_without_a_url_nothing_is_sent_and_the_delivery_is_skipped(sandbox, receiver, order):
    sandbox.settings(ORDER_COMPLETION_URL=None)
    response = sandbox.mark_shipped("SO-1", trackingId="1Z1")
    page = requests.get(f"{sandbox.url}{response.headers['Location']}", timeout=10).text
    assert "Not sent: no order-completion URL is configured" in page
    [delivery] = sandbox.deliveries()
    assert (delivery["status"], delivery["url"], delivery["attempt"]) == ("skipped", None, 1)
    assert delivery["body"]["trackingId"] == "1Z1"
    time.sleep(3 * RETRY_DELAY)
    assert receiver.calls == [] and len(sandbox.deliveries()) == 1
    assert "shipped" in requests.get(f"{sandbox.url}/orders/SO-1", timeout=10).text  # the action is kept


def test_a_retry_due_before_a_restart_is_sent_after_it(make_sandbox, receiver):
    first = make_sandbox(database="restart.sqlite", START_WEBHOOK_WORKER=False)
    first.create_order("SO-9", [(first.save(), 1)])
    receiver.answer("production-completion", "500", "ok")
    first.mark_produced("SO-9")
    time.sleep(2 * RETRY_DELAY)
    assert [d["status"] for d in first.deliveries()] == ["pending", "faulty"]  # no worker: nobody sent it

    second = make_sandbox(database="restart.sqlite")  # a restart: a new app on the same database
    assert second.worker.running
    _first, retry = wait_until(lambda: settled(second, 2), what="the retry")
    assert (retry["attempt"], retry["status"]) == (2, "delivered")
    assert len(receiver.received("production-completion")) == 2
    second.worker.stop()
    assert not second.worker.running


def test_an_attempt_whose_sender_died_is_sent_again_when_its_lease_runs_out(tmp_path, receiver):
    app = create_app({"TESTING": True, "SANDBOX_DATABASE": str(tmp_path / "lease.sqlite"),
                      "PUBLIC_URL": "http://sandbox.test", "START_WEBHOOK_WORKER": False})
    worker = app.extensions[outbound.EXTENSION_KEY]
    with app.app_context():
        # What a sender leaves behind when its process dies mid-send: a leased first attempt.
        now = time.time()
        outbound._insert(outbound.ORDER_COMPLETION, None, f"{receiver.url}/order-completion", {"identifier": "X"},
                         attempt=1, retry_of=None, status=outbound.SENDING, due_at=now, leased_until=now + 60)
    assert worker.run_once() == pytest.approx(60, abs=5)  # still leased: its sender may be alive
    assert receiver.calls == []

    connection = sqlite3.connect(app.config["SANDBOX_DATABASE"])
    with connection:
        connection.execute("UPDATE webhook_deliveries SET leased_until = ?", (time.time() - 1,))
    connection.close()
    assert worker.run_once() is None
    with app.app_context():
        [delivery] = outbound.latest()
    assert (delivery["status"], delivery["attempt"]) == ("delivered", 1)
    assert [call["body"] for call in receiver.calls] == [{"identifier": "X"}]

    # The dead sender's send, finishing late after all, cannot overwrite that (nor add a retry).
    late = {"delivery_id": delivery["deliveryId"], "event": delivery["event"], "attempt": 1,
            "order_identifier": None, "url": delivery["url"], "body_json": '{"identifier": "X"}'}
    with app.app_context():
        outbound._record(late, outbound.Answer(500, "late", "HTTP 500 instead of 200", 61_000))
        [delivery] = outbound.latest()
    assert (delivery["status"], delivery["retryId"]) == ("delivered", None)


# ---------------------------------------------------------------- publishing


def test_publish_serves_v2_with_the_wave_vase_and_notifies_the_shop(sandbox, receiver):
    v1 = requests.get(f"{sandbox.url}/plugin/v1/twikit.js", timeout=10).text
    assert requests.get(f"{sandbox.url}/plugin/v2/twikit.js", timeout=10).status_code == 404

    response = requests.post(f"{sandbox.url}/api/sandbox/publish", timeout=10)
    assert response.status_code == 201
    published = response.json()
    script_url = f"{sandbox.url}/plugin/v2/twikit.js"
    assert (published["version"], published["scriptUrl"]) == (2, script_url)
    assert published["products"] == ["diamond-letter-jewel", "name-keyring", "geo-lamp", "wave-vase"]
    assert published["changes"] == ["adds the product wave-vase (Wave vase)"]
    assert published["delivery"]["status"] == "delivered"

    v2 = requests.get(script_url, timeout=10)
    assert v2.status_code == 200 and "wave-vase" in v2.text and "var PLUGIN_VERSION = 2;" in v2.text
    assert requests.get(f"{sandbox.url}/plugin/v1/twikit.js", timeout=10).text == v1
    [call] = receiver.received("website-publication")
    assert call["body"] == {"scriptUrl": script_url, "products": [
        {"key": "diamond-letter-jewel"}, {"key": "name-keyring"}, {"key": "geo-lamp"}, {"key": "wave-vase"}]}


def test_every_publish_differs_from_the_one_before(sandbox, receiver):
    requests.post(f"{sandbox.url}/api/sandbox/publish", timeout=10)
    page = requests.get(f"{sandbox.url}/publisher", timeout=10).text
    assert "Publish v3" in page and "changes the default colour of name-keyring from ocean to mint" in page
    assert "served over plain" in page and "http on loopback" in page

    response = sandbox.post_form("/publish", {})  # the button
    assert response.status_code == 303
    page = requests.get(f"{sandbox.url}{response.headers['Location']}", timeout=10).text
    assert "Published plugin v3." in page and "Delivered" in page
    v2, v3 = (requests.get(f"{sandbox.url}/plugin/v{n}/twikit.js", timeout=10).text for n in (2, 3))
    assert '"default": "ocean"' in v2 and '"default": "mint"' in v3 and "wave-vase" in v3
    assert receiver.received("website-publication")[-1]["body"]["scriptUrl"] == f"{sandbox.url}/plugin/v3/twikit.js"
    assert len(receiver.received("website-publication")[-1]["body"]["products"]) == 4


def test_a_faulty_publication_raises_the_alarm_and_is_not_retried(sandbox, receiver, caplog):
    receiver.answer("website-publication", "boom")
    published = requests.post(f"{sandbox.url}/api/sandbox/publish", timeout=10).json()
    assert published["delivery"]["status"] == "alarm" and published["delivery"]["retryId"] is None
    assert "ALARM: the website-publication webhook is faulty" in caplog.text
    time.sleep(3 * RETRY_DELAY)
    assert len(receiver.calls) == 1 and len(sandbox.deliveries()) == 1
    assert requests.get(f"{sandbox.url}/plugin/v2/twikit.js", timeout=10).status_code == 200  # published anyway


def test_publish_without_a_url_is_published_but_not_sent(sandbox, receiver):
    sandbox.settings(WEBSITE_PUBLICATION_URL=None)
    published = requests.post(f"{sandbox.url}/api/sandbox/publish", timeout=10).json()
    assert published["version"] == 2 and published["delivery"]["status"] == "skipped"
    assert receiver.calls == []
    assert "copy the new script URL" in requests.get(f"{sandbox.url}/publisher", timeout=10).text


# ---------------------------------------------------------------- the delivery log


def test_the_delivery_log_lists_every_attempt(sandbox, receiver, order):
    receiver.answer("production-completion", "500")
    sandbox.mark_produced("SO-1")
    sandbox.mark_shipped("SO-1", trackingId="1Z1")
    wait_until(lambda: settled(sandbox, 3), what="the retry")
    page = requests.get(f"{sandbox.url}/deliveries", timeout=10).text
    assert page.count('class="delivery status-') == 3
    for text in ("production-completion", "order-completion", "attempt 1", "attempt 2", "retry of #1",
                 ">faulty</span>", ">delivered</span>", "<td>500</td>", "<td>200</td>", "HTTP 500 instead of 200",
                 "This was the one retry", f"{receiver.url}/production-completion", 'href="/orders/SO-1"'):
        assert text in page, text

    newest_first = sandbox.deliveries()
    assert [d["deliveryId"] for d in newest_first] == [3, 2, 1]
    assert [d["event"] for d in sandbox.deliveries(event="order-completion")] == ["order-completion"]
    assert len(sandbox.deliveries(order="SO-1", limit=1)) == 1
    assert requests.get(f"{sandbox.url}/api/sandbox/deliveries?event=x", timeout=10).status_code == 400



# ---------------------------------------------------------------- in Chromium


@pytest.mark.browser
def test_the_producer_marks_an_order_produced_and_shipped_in_the_browser(browser, sandbox, receiver):
    sandbox.create_order("SO-B", [(sandbox.save("name-keyring"), 3)])
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{sandbox.url}/orders")
        page.get_by_role("link", name="SO-B").click()
        expect(page.get_by_role("heading", name="Order SO-B")).to_be_visible()
        expect(page.locator("img[alt^='Preview of configuration']")).to_have_count(1)

        page.get_by_label("Tracking / production URL").fill("https://track.example/SO-B")
        page.get_by_role("button", name="Mark production complete").click()
        expect(page.get_by_role("status")).to_contain_text("production-completion")
        expect(page.get_by_role("status")).to_contain_text("Delivered")
        expect(page.locator("#production-state")).to_contain_text("completed")

        page.get_by_label("Tracking ID").fill("1Z999")
        page.get_by_label("Tracking URL", exact=True).fill("https://track.example/1Z999")
        page.get_by_role("button", name="Mark ready / shipped").click()
        expect(page.get_by_role("status")).to_contain_text("order-completion")
        expect(page.locator("#shipping-state")).to_contain_text("1Z999")

        page.get_by_role("link", name="Deliveries").click()
        rows = page.locator("tr.delivery")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("order-completion")
        expect(rows.nth(1)).to_contain_text("production-completion")
        expect(rows.nth(0)).to_contain_text("delivered")
    finally:
        context.close()
    assert [call["body"]["identifier"] for call in receiver.calls] == ["SO-B", "SO-B"]
    assert receiver.received("order-completion")[0]["body"]["lineItems"][0]["amount"] == 3
