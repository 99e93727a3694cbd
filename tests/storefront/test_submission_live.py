"""Submitting paid orders to the Twikit sandbox over real HTTP: every result code and the state it leads to.

The shop and the sandbox run on real ports (the ``live`` stack). Orders are
written paid, with their outbox job, as fulfil_checkout writes them; the
real worker then submits them, and the sandbox calls the shop's real
payment-verification webhook while the create-order call waits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from storefront import create_app
from storefront.extensions import db
from storefront.models import Order, OutboxJob, WebhookDelivery, utcnow
from storefront.twikit.client import TwikitClient
from storefront.twikit.payload import payload_hash
from storefront.worker import Worker

from ..support.factories import ADDRESS, GIFT_BOX, PAID_AND_QUEUED, make_order
from ..support.live import LiveServer
from ..support.shop import ROOT, shop_config
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def verifier():
    """A stand-in payment-verification endpoint whose answer a test chooses."""
    from flask import Flask, jsonify

    app, answer = Flask("verifier"), {"status": 200, "body": {"success": False, "error": ""}}

    @app.post("/verify")
    def verify():
        return jsonify(answer["body"]), answer["status"]

    server = LiveServer(app=app).start()
    server.answer = answer
    yield server
    server.stop()


@pytest.fixture
def twikit(live):
    sandbox = TwikitSandbox(live.twikit.url)
    sandbox.disarm()
    sandbox.settings(PAYMENT_VERIFICATION_URL=f"{live.shop.url}/webhooks/twikit/demo-webhook-token/payment-verification")
    yield sandbox
    sandbox.disarm()


@pytest.fixture
def shop(live):
    return live.shop.app


def worker_app(live, **overrides):
    """A worker process's app: the live shop's database, with its own settings."""
    folder = Path(live.shop.app.instance_path).parent
    return create_app(shop_config(folder, live.shop.app.config["DATABASE_URL"],
                                  TWIKIT_API_URL=f"{live.twikit.url}/api/v1", **overrides))


def run_worker(app) -> int:
    return Worker(app).run(once=True)


def order_state(app, identifier):
    """(status, submitted?, job state, job attempts, attention reason, attempt events' result codes)."""
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        job = db.session.scalar(select(OutboxJob).where(OutboxJob.order_id == order.id))
        codes = [e.details.get("result_code") for e in order.events if "attempt" in e.details]
        return (order.status, order.submitted_at is not None, job.state, job.attempts, order.attention_reason or "",
                codes)


def test_code_1_submits_after_the_shop_verified_the_payment(shop, twikit):
    identifier = make_order(shop, lines=[twikit.save_configuration("B")], **PAID_AND_QUEUED)
    assert run_worker(shop) >= 1
    status, submitted, job, attempts, _, codes = order_state(shop, identifier)
    assert (status, submitted, job, attempts, codes) == ("submitted", True, "done", 1, [1])
    [stored] = twikit.orders(identifier)
    assert stored["status"] == "created"
    with shop.app_context():
        delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.order_identifier == identifier))
        assert (delivery.route, delivery.answer) == ("payment-verification", {"success": True, "error": ""})
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        sent = order.events[-1].details["order_payload"]
    # The exact string sent is kept for audit, and it is what Twikit stored.
    assert json.loads(sent)["identifier"] == identifier


def test_code_2_unhealthy_when_verification_is_faulty(shop, twikit, live):
    twikit.settings(PAYMENT_VERIFICATION_URL=f"{live.shop.url}/webhooks/twikit/wrong-token/payment-verification")
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    run_worker(shop)
    status, submitted, job, _, reason, codes = order_state(shop, identifier)
    assert (status, submitted, job, codes) == ("needs_attention", True, "done", [2])
    assert "unhealthy" in reason


def test_code_3_when_verification_declares_the_order_invalid(shop, twikit, verifier):
    verifier.answer.update(status=200, body={"success": False, "error": ""})
    twikit.settings(PAYMENT_VERIFICATION_URL=f"{verifier.url}/verify")
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    run_worker(shop)
    status, submitted, job, _, reason, codes = order_state(shop, identifier)
    assert (status, submitted, job, codes) == ("needs_attention", False, "failed", [3])
    assert "VerificationFailed" in reason
    assert twikit.orders(identifier) == []  # Twikit ignores an invalid order


@pytest.mark.parametrize("address_changes, code, name", [
    ({"city": ""}, 8, "OrderPayloadValidationFailed"),       # a required field left empty
    ({"country_iso": "BEL"}, 7, "OrderPayloadParameterMissing"),  # the order cannot be built
])
def test_payload_errors_are_rejected_and_need_attention(shop, twikit, address_changes, code, name):
    address = {**ADDRESS, **address_changes}
    identifier = make_order(shop, lines=[twikit.save_configuration()], billing_address=address, **PAID_AND_QUEUED)
    run_worker(shop)
    status, _, job, _, reason, codes = order_state(shop, identifier)
    assert (status, job, codes) == ("needs_attention", "failed", [code])
    assert name in reason


def test_code_10_for_an_unknown_configuration(shop, twikit):
    identifier = make_order(shop, lines=[987654321], **PAID_AND_QUEUED)
    run_worker(shop)
    status, _, job, _, reason, codes = order_state(shop, identifier)
    assert (status, job, codes) == ("needs_attention", "failed", [10])
    assert "CouldNotFindConfig" in reason


def test_code_6_when_the_payload_secret_is_wrong(shop, twikit, live):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    run_worker(worker_app(live, TWIKIT_PAYLOAD_SECRET="not-the-secret"))
    status, _, job, _, reason, codes = order_state(shop, identifier)
    assert (status, job, codes) == ("needs_attention", "failed", [6])
    assert "Md5HashMismatch" in reason


def test_codes_4_and_5_from_malformed_requests(twikit):
    # The shop cannot send these (it always serialises and signs); this shows the sandbox and the
    # client agree on them, and the rules above turn both into "rejected".
    client = TwikitClient(f"{twikit.url}/api/v1", "sandbox-integration", "demo-payload-secret")
    assert client.create_order("{not json").code.value == 4
    response = requests.post(f"{twikit.url}/api/v1/orders/sandbox-integration",
                             json={"orderPayload": "{}", "hash": ""}, timeout=10)
    assert (response.status_code, response.json()["resultCode"]) == (400, 5)


def test_code_9_on_a_first_attempt_is_an_identifier_collision(shop, twikit):
    configuration_id = twikit.save_configuration()
    identifier = make_order(shop, lines=[configuration_id], **PAID_AND_QUEUED)
    # Another shop (or a reset database) already used this identifier at Twikit.
    payload = json.dumps({"items": [{"configurationId": configuration_id, "amount": 1, "identifier": "other-1"}],
                          "identifier": identifier, "billingAddress": _spec_address(),
                          "deliveryAddress": _spec_address(), "data": {}})
    twikit.settings(PAYMENT_VERIFICATION_URL=None)
    requests.post(f"{twikit.url}/api/v1/orders/sandbox-integration", timeout=10,
                  json={"orderPayload": payload, "hash": payload_hash(payload, "demo-payload-secret")})
    run_worker(shop)
    status, submitted, job, _, reason, codes = order_state(shop, identifier)
    assert (status, submitted, job, codes) == ("needs_attention", False, "failed", [9])
    assert "another order already uses this identifier" in reason


def test_code_0_and_bare_500s_are_retried_until_submitted_exactly_once(shop, twikit):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    twikit.arm(fail_next=2, mode="http500")
    run_worker(shop)
    _make_due(shop, identifier)
    run_worker(shop)
    twikit.arm(fail_next=1, mode="code0")
    for _ in range(2):
        _make_due(shop, identifier)
        run_worker(shop)
    status, submitted, job, attempts, _, codes = order_state(shop, identifier)
    assert (status, submitted, job, attempts) == ("submitted", True, "done", 4)
    assert codes == [None, None, 0, 1]
    assert len(twikit.orders(identifier)) == 1


def test_a_lost_response_is_retried_and_code_9_then_counts_as_submitted_but_is_flagged(shop, twikit):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    twikit.arm(drop_next=1)  # Twikit creates the order, but its answer never arrives
    run_worker(shop)
    assert order_state(shop, identifier)[:3] == ("paid", False, "pending")
    _make_due(shop, identifier)
    run_worker(shop)
    status, submitted, job, attempts, reason, codes = order_state(shop, identifier)
    # Twikit has it (submitted_at is set, nothing is retried), but how the first attempt ended nobody said.
    assert (status, submitted, job, attempts, codes) == ("needs_attention", True, "done", 2, [None, 9])
    assert reason.startswith("Submitted (confirmed by a duplicate answer)")
    assert len(twikit.orders(identifier)) == 1


def test_code_9_after_a_lost_unhealthy_answer_is_not_taken_for_a_healthy_order(shop, twikit, live):
    # The first attempt is created unhealthy (code 2: faulty verification, it will not start) and
    # that answer is lost; the retry hears only "9, already exists".
    twikit.settings(PAYMENT_VERIFICATION_URL=f"{live.shop.url}/webhooks/twikit/wrong-token/payment-verification")
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    twikit.arm(drop_next=1)
    run_worker(shop)
    _make_due(shop, identifier)
    run_worker(shop)
    [stored] = twikit.orders(identifier)
    assert stored["status"] == "unhealthy"
    status, submitted, _, _, reason, codes = order_state(shop, identifier)
    assert (status, submitted, codes) == ("needs_attention", True, [None, 9])  # never "submitted" as if all went well
    assert "unknown" in reason and "Check the order in Twikit" in reason
    # Once someone sorts it out at Twikit, its reports move the order on as usual.
    report = {"identifier": identifier, "url": None, "success": True, "error": None}
    response = requests.post(f"{live.shop.url}/webhooks/twikit/demo-webhook-token/production-completion",
                             json=report, timeout=10)
    assert response.json() == {"error": ""}
    assert order_state(shop, identifier)[:2] == ("production_complete", True)


def test_a_timeout_is_retried(shop, twikit, live):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    twikit.arm(delay_next=1, delay_seconds=3)
    run_worker(worker_app(live, TWIKIT_READ_TIMEOUT_SECONDS=1))
    status, _, job, _, _, _ = order_state(shop, identifier)
    assert (status, job) == ("paid", "pending")
    with shop.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        assert "ReadTimeout" in order.events[-1].details["transport_error"]


def test_a_4xx_without_a_result_code_is_a_configuration_error(shop, twikit, live):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    run_worker(worker_app(live, TWIKIT_INTEGRATION_ID="no-such-integration"))
    status, _, job, _, reason, codes = order_state(shop, identifier)
    assert (status, job, codes) == ("needs_attention", "failed", [None])
    assert "HTTP 404 without a result code" in reason


def test_after_24_hours_of_failing_the_order_needs_attention(shop, twikit):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    with shop.app_context():
        job = db.session.scalar(select(OutboxJob).join(Order).where(Order.identifier == identifier))
        job.created_at = job.created_at.replace(year=job.created_at.year - 1)
        db.session.commit()
    twikit.arm(fail_next=1, mode="http500")
    run_worker(shop)
    status, _, job, _, reason, _ = order_state(shop, identifier)
    assert (status, job) == ("needs_attention", "failed")
    assert "kept failing for 24 hours" in reason


def test_a_worker_killed_mid_submission_leaves_a_lease_another_worker_finishes(shop, twikit, live, tmp_path):
    identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
    twikit.arm(delay_next=1, delay_seconds=30)  # the order is created, then the answer hangs
    env = {**os.environ, "STOREFRONT_MODE": "demo", "DATABASE_URL": shop.config["DATABASE_URL"],
           "TWIKIT_API_URL": f"{live.twikit.url}/api/v1", "OUTBOX_LEASE_SECONDS": "2",
           "TWIKIT_WEBHOOK_TOKEN": "demo-webhook-token"}
    victim = subprocess.Popen([sys.executable, "-m", "flask", "--app", "storefront", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not twikit.orders(identifier):
            assert time.monotonic() < deadline, "the worker never reached Twikit"
            time.sleep(0.1)
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    assert order_state(shop, identifier)[2] == "running"  # its lease is still held
    time.sleep(2.5)  # the lease runs out
    run_worker(worker_app(live, OUTBOX_LEASE_SECONDS=2))
    status, submitted, job, attempts, _, codes = order_state(shop, identifier)
    # Twikit has it once; how the killed attempt ended nobody heard, so it is flagged for a look.
    assert (status, submitted, job, attempts, codes) == ("needs_attention", True, "done", 2, [9])
    assert len(twikit.orders(identifier)) == 1  # no duplicate at Twikit


def _make_due(app, identifier):
    """Skip the backoff delay, as time passing would."""
    with app.app_context():
        job = db.session.scalar(select(OutboxJob).join(Order).where(Order.identifier == identifier))
        job.run_after = utcnow()
        db.session.commit()


def _spec_address():
    return {"firstName": "Eve", "lastName": "Other", "email": "eve@example.com", "addressLine1": "Elsewhere 1",
            "zip": "2000", "city": "Antwerp", "countryIso": "BE"}


def test_export_production_file_returns_the_zip_with_a_printable_mesh(twikit):
    import io
    import zipfile

    configuration_id = twikit.save_configuration("Z")
    client = TwikitClient(f"{twikit.url}/api/v1", "sandbox-integration", "demo-payload-secret")
    archive = zipfile.ZipFile(io.BytesIO(client.export_production_file(configuration_id, 2, {"orderReference": "x"})))
    names = archive.namelist()
    assert "configuration.json" in names
    [stl] = [name for name in names if name.endswith(".stl")]
    mesh = archive.read(stl)
    triangles = int.from_bytes(mesh[80:84], "little")
    assert triangles > 0 and len(mesh) == 84 + 50 * triangles  # a valid binary STL
    assert json.loads(archive.read("configuration.json"))["configurationId"] == configuration_id


def test_the_payload_secret_is_never_logged(shop, twikit, live, caplog):
    secret = "a-secret-that-must-not-leak"
    twikit.settings(PAYLOAD_SECRET=secret)
    try:
        identifier = make_order(shop, lines=[twikit.save_configuration()], **PAID_AND_QUEUED)
        with caplog.at_level("DEBUG"):
            run_worker(worker_app(live, TWIKIT_PAYLOAD_SECRET=secret))
        assert order_state(shop, identifier)[0] == "submitted"  # the secret was used...
        assert secret not in caplog.text  # ...and never written down
        with shop.app_context():
            order = db.session.scalar(select(Order).where(Order.identifier == identifier))
            assert all(secret not in json.dumps(event.details) for event in order.events)
    finally:
        twikit.settings(PAYLOAD_SECRET="demo-payload-secret")


# --- mixed orders and who Twikit bills and delivers to -------------------------------------------

DEMO_MERCHANT = {"firstName": "Demo", "lastName": "Merchant", "email": "merchant@example.com",
                 "addressLine1": "Demo Street 1", "zip": "1000", "city": "Brussels", "countryIso": "BE",
                 "companyName": "Demo Shop (not a real company)"}
CUSTOMER = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "addressLine1": "Rue de la Loi 16",
            "zip": "1000", "city": "Brussels", "countryIso": "BE"}


@pytest.mark.parametrize("delivery", ["customer", "merchant"])
def test_a_mixed_order_sends_twikit_only_its_customised_line_and_bills_the_merchant(shop, twikit, delivery):
    configuration_id = twikit.save_configuration("M")
    identifier = make_order(shop, lines=[GIFT_BOX, (configuration_id, 2)], twikit_delivery=delivery,
                            **PAID_AND_QUEUED)
    run_worker(shop)
    assert order_state(shop, identifier)[:2] == ("submitted", True)  # verified: the multiset of customised lines
    [stored] = twikit.orders(identifier)
    assert stored["items"] == [{"identifier": f"{identifier}-2", "configurationId": configuration_id, "amount": 2}]
    # The spec's usual case: Twikit bills the merchant (TWIKIT_BILL_TO), and delivers as the order says.
    assert stored["billingAddress"] == DEMO_MERCHANT
    assert stored["deliveryAddress"] == (DEMO_MERCHANT if delivery == "merchant" else CUSTOMER)


def test_a_mixed_order_whose_plain_part_left_first_is_still_submitted(shop, twikit):
    from storefront.orders.shipments import ship_by_merchant

    identifier = make_order(shop, lines=[twikit.save_configuration("P"), GIFT_BOX], **PAID_AND_QUEUED)
    with shop.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        ship_by_merchant(order, [order.lines[1].id], tracking_id="MER-1", tracking_url="")
    run_worker(shop)
    status, submitted, job, *_ = order_state(shop, identifier)
    assert (status, submitted, job) == ("partially_shipped", True, "done")
    assert len(twikit.orders(identifier)) == 1
