"""The Twikit sandbox's Create Order API, payment verification, settings and fault knobs."""

import hashlib
import json
import threading
import time

import pytest
import requests
from flask import Flask, jsonify, request

from sandboxes.twikit import configurations, create_app, orders, products, settings
from sandboxes.twikit.parameters import validate_parameters, variation_for
from sandboxes.twikit.verification import FAULTY, REFUSED, VERIFIED, judge

from ..support.live import LiveServer

SECRET = "demo-payload-secret"
ORDERS_URL = "/api/v1/orders/sandbox-integration"
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 25


def save_configuration(app, product_key: str = "name-keyring", **values) -> int:
    """Store a configuration as the plugin's save would; return its ID."""
    product = next(p for p in products.V1_PRODUCTS if p["key"] == product_key)
    chosen = {parameter["key"]: parameter["default"] for parameter in product["parameters"]} | values
    chosen = validate_parameters(product, chosen)
    with app.app_context():
        return configurations.save({"product_key": product_key, "version": 1, "parameters": chosen,
                                    "variation": variation_for(product, chosen), "preview_png": TINY_PNG})


def address(**changes) -> dict:
    return {"firstName": "Zoë", "lastName": "Janssens", "email": "zoe@example.test",
            "addressLine1": "Kerkstraat 1", "zip": "2000", "city": "Antwerpen", "countryIso": "BE"} | changes


def order_payload(configuration_ids: list[int], identifier: str = "SO-1001", **changes) -> dict:
    """An IOrderPayload with one item per configuration ID."""
    payload = {
        "items": [{"configurationId": configuration_id, "amount": 1, "identifier": f"{identifier}-{index + 1}"}
                  for index, configuration_id in enumerate(configuration_ids)],
        "identifier": identifier,
        "billingAddress": address(),
        "deliveryAddress": address(),
        "data": {"orderReference": identifier},
    }
    payload.update(changes)
    return payload


def md5(text: str, encoding: str = "utf-8") -> str:
    return hashlib.md5(text.encode(encoding)).hexdigest()


def signed(payload: dict | str, secret: str = SECRET) -> dict:
    """The request body: the payload string exactly as hashed, and md5(payload + secret)."""
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return {"orderPayload": text, "hash": md5(text + secret)}


def assert_result(response, status: int, code: int, name: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"resultMessage", "resultCode", "resultCodeName"}
    assert (body["resultCode"], body["resultCodeName"]) == (code, name)
    return body


@pytest.fixture
def config_id(twikit_sandbox_app):
    return save_configuration(twikit_sandbox_app)


def stored_orders(client) -> list[dict]:
    return client.get("/api/sandbox/orders").get_json()["orders"]


# ---------------------------------------------------------------- created without verification


def test_order_without_verification_url_is_created_and_stored(twikit_sandbox_client, config_id):
    body = signed(order_payload([config_id, config_id]))
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 200, 1, "OrderCreatedSuccessfully")
    assert "created" in answer["resultMessage"]

    [order] = stored_orders(twikit_sandbox_client)
    assert order["identifier"] == "SO-1001" and order["status"] == "created" and order["resultCode"] == 1
    assert order["items"] == [{"identifier": "SO-1001-1", "configurationId": config_id, "amount": 1},
                              {"identifier": "SO-1001-2", "configurationId": config_id, "amount": 1}]
    assert (order["orderPayload"], order["hash"]) == (body["orderPayload"], body["hash"])
    assert order["billingAddress"]["firstName"] == "Zoë" and order["deliveryAddress"]["countryIso"] == "BE"
    assert order["data"] == {"orderReference": "SO-1001"}
    assert order["verification"] is None  # no webhook configured: "we will not verify payments"
    detail = twikit_sandbox_client.get("/api/sandbox/orders/SO-1001").get_json()
    assert detail["identifier"] == "SO-1001" and detail["verificationCalls"] == []


def test_orders_are_listed_newest_first(twikit_sandbox_client, config_id):
    for identifier in ("A-1", "A-2", "A-3"):
        twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id], identifier)))
    assert [order["identifier"] for order in stored_orders(twikit_sandbox_client)] == ["A-3", "A-2", "A-1"]
    assert twikit_sandbox_client.get("/api/sandbox/orders/nope").status_code == 404


def test_data_and_optional_address_fields_may_be_absent(twikit_sandbox_client, config_id):
    payload = order_payload([config_id])
    del payload["data"]
    payload["billingAddress"] |= {"companyName": "Acme", "companyVat": "BE0123456789", "phone": None}
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)), 200, 1, "OrderCreatedSuccessfully")
    [order] = stored_orders(twikit_sandbox_client)
    assert order["data"] is None
    assert order["billingAddress"]["companyName"] == "Acme" and "phone" not in order["billingAddress"]


# ---------------------------------------------------------------- wrong URL


def test_unknown_integration_is_a_plain_404_without_result_code(twikit_sandbox_client, config_id):
    response = twikit_sandbox_client.post("/api/v1/orders/someone-else", json=signed(order_payload([config_id])))
    assert response.status_code == 404
    assert response.mimetype == "text/plain" and response.get_json(silent=True) is None
    assert stored_orders(twikit_sandbox_client) == []


def test_wrong_method_or_path_under_v1_has_no_result_code(twikit_sandbox_client):
    for response in (twikit_sandbox_client.get(ORDERS_URL), twikit_sandbox_client.post("/api/v1/order/x")):
        assert response.status_code in (404, 405)
        assert "resultCode" not in response.get_data(as_text=True)


# ---------------------------------------------------------------- the hash (5, 6)


@pytest.mark.parametrize("hash_value", [None, "", 123])
def test_empty_hash_is_code_5(twikit_sandbox_client, config_id, hash_value):
    body = signed(order_payload([config_id]))
    if hash_value is None:
        del body["hash"]
    else:
        body["hash"] = hash_value
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 5, "HashParameterEmpty")


def test_hash_is_checked_before_the_payload_is_parsed(twikit_sandbox_client):
    body = {"orderPayload": "not json at all", "hash": ""}
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 5, "HashParameterEmpty")
    body["hash"] = md5("something else")
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 6, "Md5HashMismatch")


def test_hash_mismatch_is_code_6(twikit_sandbox_client, config_id):
    body = signed(order_payload([config_id]), secret="another-secret")
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 6, "Md5HashMismatch")
    # A payload changed in transit no longer matches its hash.
    body = signed(order_payload([config_id]))
    body["orderPayload"] = body["orderPayload"].replace('"amount":1', '"amount":9')
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 6, "Md5HashMismatch")
    assert stored_orders(twikit_sandbox_client) == []


def test_hash_is_compared_case_insensitively(twikit_sandbox_client, config_id):
    body = signed(order_payload([config_id]))
    body["hash"] = body["hash"].upper()
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 200, 1, "OrderCreatedSuccessfully")


def test_non_ascii_payload_is_hashed_as_utf8(twikit_sandbox_client, config_id):
    payload = order_payload([config_id], deliveryAddress=address(city="Liège", lastName="Ångström"))
    text = json.dumps(payload, ensure_ascii=False)
    assert not text.isascii()
    latin1 = {"orderPayload": text, "hash": md5(text + SECRET, "latin-1")}
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=latin1), 400, 6, "Md5HashMismatch")
    utf8 = {"orderPayload": text, "hash": md5(text + SECRET)}
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=utf8), 200, 1, "OrderCreatedSuccessfully")
    assert stored_orders(twikit_sandbox_client)[0]["deliveryAddress"]["city"] == "Liège"


def test_payload_secret_comes_from_settings(twikit_sandbox_app, twikit_sandbox_client, config_id):
    with twikit_sandbox_app.app_context():
        settings.put("PAYLOAD_SECRET", "rotated")
    body = signed(order_payload([config_id]))
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 6, "Md5HashMismatch")
    body = signed(order_payload([config_id]), secret="rotated")
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 200, 1, "OrderCreatedSuccessfully")


# ---------------------------------------------------------------- parsing (4)


@pytest.mark.parametrize("body", [
    {"hash": md5("x")},                                       # no orderPayload
    {"orderPayload": {"identifier": "SO-1"}, "hash": md5("x")},  # an object, not a string
    {"orderPayload": 42, "hash": md5("x")},
])
def test_missing_or_non_string_order_payload_is_code_4(twikit_sandbox_client, body):
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 4, "OrderPayloadParsingFailed")


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"a string"', "null", ""])
def test_payload_that_is_not_a_json_object_is_code_4(twikit_sandbox_client, text):
    body = {"orderPayload": text, "hash": md5(text + SECRET)}
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 4, "OrderPayloadParsingFailed")


def test_request_body_that_is_not_json_is_code_4(twikit_sandbox_client):
    response = twikit_sandbox_client.post(ORDERS_URL, data="hello", content_type="text/plain")
    assert_result(response, 400, 4, "OrderPayloadParsingFailed")


# ---------------------------------------------------------------- required fields (8)


def _without(payload: dict, path: str) -> dict:
    """``payload`` with the field at ``path`` (e.g. ``items.0.amount``) removed."""
    *parents, last = path.split(".")
    target = payload
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    del target[int(last) if last.isdigit() else last]
    return payload


@pytest.mark.parametrize("path, named", [
    ("items", "items"),
    ("items.0.configurationId", "items[0].configurationId"),
    ("items.1.amount", "items[1].amount"),
    ("items.0.identifier", "items[0].identifier"),
    ("identifier", "identifier"),
    ("billingAddress", "billingAddress"),
    ("deliveryAddress", "deliveryAddress"),
    ("billingAddress.countryIso", "billingAddress.countryIso"),
    ("billingAddress.firstName", "billingAddress.firstName"),
    ("deliveryAddress.email", "deliveryAddress.email"),
    ("deliveryAddress.zip", "deliveryAddress.zip"),
    ("deliveryAddress.addressLine1", "deliveryAddress.addressLine1"),
])
def test_missing_required_field_is_code_8_and_named(twikit_sandbox_client, config_id, path, named):
    payload = _without(order_payload([config_id, config_id]), path)
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)),
                           400, 8, "OrderPayloadValidationFailed")
    assert named in answer["resultMessage"]


@pytest.mark.parametrize("changes, named", [
    ({"items": []}, "items"),
    ({"identifier": "  "}, "identifier"),
    ({"billingAddress": address(city="")}, "billingAddress.city"),
    ({"deliveryAddress": address(lastName=None)}, "deliveryAddress.lastName"),
])
def test_empty_or_null_required_field_is_code_8(twikit_sandbox_client, config_id, changes, named):
    payload = order_payload([config_id]) | changes
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)),
                           400, 8, "OrderPayloadValidationFailed")
    assert named in answer["resultMessage"]


def test_missing_field_is_reported_before_a_wrong_one(twikit_sandbox_client, config_id):
    payload = order_payload([config_id])
    payload["items"][0]["amount"] = "lots"          # would be code 7
    del payload["deliveryAddress"]["city"]          # is code 8
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)),
                           400, 8, "OrderPayloadValidationFailed")
    assert "deliveryAddress.city" in answer["resultMessage"]


# ---------------------------------------------------------------- unusable values (7)


def _item(**changes) -> dict:
    return {"configurationId": 1001, "amount": 1, "identifier": "SO-1001-1"} | changes


@pytest.mark.parametrize("changes, named", [
    ({"items": [_item(configurationId="1001")]}, "items[0].configurationId"),
    ({"items": [_item(configurationId=0)]}, "items[0].configurationId"),
    ({"items": [_item(configurationId=-3)]}, "items[0].configurationId"),
    ({"items": [_item(configurationId=True)]}, "items[0].configurationId"),
    ({"items": [_item(configurationId=1001.5)]}, "items[0].configurationId"),
    ({"items": [_item(amount=0)]}, "items[0].amount"),
    ({"items": [_item(amount="2")]}, "items[0].amount"),
    ({"items": [_item(identifier=7)]}, "items[0].identifier"),
    ({"items": [_item(), _item()]}, "items[1].identifier"),  # the same item identifier twice
    ({"items": "SO-1001-1"}, "items must be a list"),
    ({"items": ["SO-1001-1"]}, "items[0] must be an object"),
    ({"identifier": 1001}, "identifier"),
    ({"identifier": "x" * 101}, "identifier"),
    ({"billingAddress": "Kerkstraat 1"}, "billingAddress"),
    ({"billingAddress": address(countryIso="BEL")}, "billingAddress.countryIso"),
    ({"deliveryAddress": address(countryIso="B1")}, "deliveryAddress.countryIso"),
    ({"deliveryAddress": address(firstName=5)}, "deliveryAddress.firstName"),
    ({"deliveryAddress": address(phone=32123)}, "deliveryAddress.phone"),
])
def test_unusable_field_is_code_7(twikit_sandbox_client, changes, named):
    payload = order_payload([1001]) | changes
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)),
                           400, 7, "OrderPayloadParameterMissing")
    assert named in answer["resultMessage"]


def test_country_code_is_stored_in_capitals(twikit_sandbox_client, config_id):
    payload = order_payload([config_id], billingAddress=address(countryIso="nl"))
    twikit_sandbox_client.post(ORDERS_URL, json=signed(payload))
    assert stored_orders(twikit_sandbox_client)[0]["billingAddress"]["countryIso"] == "NL"


# ---------------------------------------------------------------- identifiers (9), configurations (10)


def test_same_order_twice_is_code_9_and_stored_once(twikit_sandbox_client, config_id):
    body = signed(order_payload([config_id]))
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 200, 1, "OrderCreatedSuccessfully")
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 9, "IdentifierAlreadyExists")
    assert "SO-1001" in answer["resultMessage"]
    assert len(stored_orders(twikit_sandbox_client)) == 1


def test_reused_item_identifier_is_code_9(twikit_sandbox_client, config_id):
    twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id], "SO-1")))
    payload = order_payload([config_id], "SO-2")
    payload["items"][0]["identifier"] = "SO-1-1"
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)),
                           400, 9, "IdentifierAlreadyExists")
    assert "SO-1-1" in answer["resultMessage"] and "'SO-1'" in answer["resultMessage"]
    assert [order["identifier"] for order in stored_orders(twikit_sandbox_client)] == ["SO-1"]


def test_unknown_configuration_is_code_10(twikit_sandbox_client, config_id):
    payload = order_payload([config_id, 999_999])
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(payload)),
                           400, 10, "CouldNotFindConfig")
    assert "999999" in answer["resultMessage"] and str(config_id) not in answer["resultMessage"]
    assert stored_orders(twikit_sandbox_client) == []


def test_used_identifier_is_reported_before_unknown_configuration(twikit_sandbox_client, config_id):
    twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id])))
    body = signed(order_payload([999_999]))
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 400, 9, "IdentifierAlreadyExists")


# ---------------------------------------------------------------- unexpected errors (0)


def test_unexpected_exception_is_code_0_and_logged(twikit_sandbox_client, config_id, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(orders, "store", broken)
    body = signed(order_payload([config_id]))
    answer = assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 500, 0, "UnexpectedError")
    assert "disk on fire" not in answer["resultMessage"]  # the details stay in the log
    assert "disk on fire" in caplog.text


# ---------------------------------------------------------------- the verification webhook's answers


@pytest.mark.parametrize("status, text, outcome", [
    (200, '{"success": true, "error": ""}', VERIFIED),
    (200, '{"success": true}', VERIFIED),
    (200, '{"success": false, "error": ""}', REFUSED),
    (200, '{"success": false, "error": null}', REFUSED),
    (200, '{"success": true, "error": "database down"}', FAULTY),
    (200, '{"success": false, "error": "database down"}', FAULTY),
    (500, '{"success": true, "error": ""}', FAULTY),
    (201, '{"success": true, "error": ""}', FAULTY),
    (200, "<html>ok</html>", FAULTY),
    (200, "[true]", FAULTY),
    (200, '{"error": ""}', FAULTY),
    (200, '{"success": "yes"}', FAULTY),
])
def test_verification_answers_are_judged_as_the_spec_says(status, text, outcome):
    assert judge(status, text)[0] == outcome


# ---------------------------------------------------------------- settings


def test_settings_default_and_explicit_config_overrides_stored(tmp_path):
    database = str(tmp_path / "settings.sqlite")
    app = create_app({"SANDBOX_DATABASE": database, "TESTING": True})
    with app.app_context():
        assert settings.get_all() == settings.DEFAULTS
        settings.put("PAYMENT_VERIFICATION_URL", "http://shop.test/verify")
        settings.put("VERIFICATION_TIMEOUT_SECONDS", 2.5)

    # A restart without the names keeps what was stored ...
    app = create_app({"SANDBOX_DATABASE": database, "TESTING": True})
    with app.app_context():
        assert settings.get("PAYMENT_VERIFICATION_URL") == "http://shop.test/verify"
        assert settings.get("VERIFICATION_TIMEOUT_SECONDS") == 2.5
    # ... a restart that names one overrides it.
    app = create_app({"SANDBOX_DATABASE": database, "TESTING": True, "PAYMENT_VERIFICATION_URL": None,
                      "INTEGRATION_ID": "int-42"})
    with app.app_context():
        assert settings.get("PAYMENT_VERIFICATION_URL") is None
        assert settings.get("INTEGRATION_ID") == "int-42"
    assert app.test_client().post(ORDERS_URL, json={}).status_code == 404
    assert app.test_client().post("/api/v1/orders/int-42", json={}).status_code == 400


@pytest.mark.parametrize("name, value", [
    ("PAYMENT_VERIFICATION_URL", "ftp://shop.test/verify"),
    ("PAYMENT_VERIFICATION_URL", "shop.test/verify"),
    ("INTEGRATION_ID", "has/slash"),
    ("PAYLOAD_SECRET", ""),
    ("VERIFICATION_TIMEOUT_SECONDS", 0),
    ("WEBHOOK_RETRY_DELAY_SECONDS", -1),
    ("WEBHOOK_RETRY_DELAY_SECONDS", "300"),
    ("NO_SUCH_SETTING", 1),
])
def test_invalid_settings_are_refused(twikit_sandbox_app, name, value):
    with twikit_sandbox_app.app_context(), pytest.raises(settings.InvalidSetting):
        settings.put(name, value)
    if name in settings.DEFAULTS:  # other config keys are ordinary Flask config
        with pytest.raises(settings.InvalidSetting):
            create_app({"SANDBOX_DATABASE": twikit_sandbox_app.config["SANDBOX_DATABASE"], name: value})


def test_settings_api_reads_and_changes_settings_together(twikit_sandbox_client):
    assert twikit_sandbox_client.get("/api/sandbox/settings").get_json()["INTEGRATION_ID"] == "sandbox-integration"
    refused = twikit_sandbox_client.put("/api/sandbox/settings", json={
        "ORDER_COMPLETION_URL": "http://shop.test/done", "VERIFICATION_TIMEOUT_SECONDS": -1})
    assert refused.status_code == 400 and "VERIFICATION_TIMEOUT_SECONDS" in refused.get_json()["error"]
    assert twikit_sandbox_client.get("/api/sandbox/settings").get_json()["ORDER_COMPLETION_URL"] is None
    changed = twikit_sandbox_client.put("/api/sandbox/settings", json={
        "ORDER_COMPLETION_URL": "http://shop.test/done", "PAYMENT_VERIFICATION_URL": ""})
    assert changed.status_code == 200
    assert changed.get_json()["ORDER_COMPLETION_URL"] == "http://shop.test/done"
    assert changed.get_json()["PAYMENT_VERIFICATION_URL"] is None


# ---------------------------------------------------------------- live: payment verification


class Receiver:
    """A stand-in for the shop's payment-verification webhook that records what it receives."""

    def __init__(self):
        self.mode = "success"
        self.delay = 0.0
        self.received: list = []
        self.server = LiveServer(self.build)

    def build(self, _url: str) -> Flask:
        app = Flask("verification-receiver")

        @app.post("/verify")
        def verify():
            self.received.append(request.get_json())
            time.sleep(self.delay)
            if self.mode == "http500":
                return "oops", 500
            return jsonify({"success": {"success": True, "refuse": False, "error": True}[self.mode],
                            "error": "database down" if self.mode == "error" else ""})

        return app


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.server.start()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def verifying_sandbox(tmp_path, receiver):
    """A live sandbox whose payment-verification webhook is ``receiver``."""
    server = LiveServer(lambda url: create_app({
        "SANDBOX_DATABASE": str(tmp_path / "verifying.sqlite"), "PUBLIC_URL": url, "TESTING": True,
        "PAYMENT_VERIFICATION_URL": f"{receiver.server.url}/verify", "VERIFICATION_TIMEOUT_SECONDS": 0.5,
    }))
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("mode, delay, status, code, name, stored", [
    ("success", 0, 200, 1, "OrderCreatedSuccessfully", "created"),
    ("refuse", 0, 400, 3, "VerificationFailed", None),
    ("error", 0, 200, 2, "OrderCreatedUnhealthy", "unhealthy"),
    ("http500", 0, 200, 2, "OrderCreatedUnhealthy", "unhealthy"),
    ("success", 1.5, 200, 2, "OrderCreatedUnhealthy", "unhealthy"),  # slower than the 0.5 s timeout
])
def test_payment_verification_decides_the_result(verifying_sandbox, receiver, mode, delay, status, code, name,
                                                 stored):
    receiver.mode, receiver.delay = mode, delay
    lamp, keyring = (save_configuration(verifying_sandbox.app, "geo-lamp"),
                     save_configuration(verifying_sandbox.app, "name-keyring"))
    response = requests.post(f"{verifying_sandbox.url}{ORDERS_URL}", timeout=10,
                             json=signed(order_payload([lamp, keyring, lamp], "SO-77")))
    assert response.status_code == status
    assert (response.json()["resultCode"], response.json()["resultCodeName"]) == (code, name)
    # Exactly the spec's request: one configuration ID per item, in order, and the order identifier.
    assert receiver.received == [{"configurationIds": [lamp, keyring, lamp], "identifier": "SO-77"}]

    detail = requests.get(f"{verifying_sandbox.url}/api/sandbox/orders/SO-77", timeout=5)
    [call] = detail.json()["verificationCalls"]
    assert call["request"] == receiver.received[0] and call["resultCode"] == code
    assert call["url"] == f"{receiver.server.url}/verify" and call["durationMs"] >= 0
    if stored is None:  # "If payment verification is unsuccessful (invalid order), we will ignore the order."
        assert detail.status_code == 404 and call["outcome"] == "refused"
    else:
        order = detail.json()
        assert order["status"] == stored and order["resultCode"] == code
        assert order["verification"]["outcome"] == call["outcome"]
        assert (call["httpStatus"] is None) == (delay > 0)  # a timeout leaves no HTTP status


def test_refused_order_may_be_sent_again_later(verifying_sandbox, receiver):
    """An ignored order was never stored, so its identifier is still free."""
    configuration = save_configuration(verifying_sandbox.app)
    body = signed(order_payload([configuration]))
    receiver.mode = "refuse"
    assert requests.post(f"{verifying_sandbox.url}{ORDERS_URL}", json=body, timeout=10).json()["resultCode"] == 3
    receiver.mode = "success"
    assert requests.post(f"{verifying_sandbox.url}{ORDERS_URL}", json=body, timeout=10).json()["resultCode"] == 1


def _post_at_once(url: str, bodies: list[dict]) -> list[requests.Response]:
    """POST every body from its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(bodies))
    responses: list = [None] * len(bodies)

    def send(index: int) -> None:
        barrier.wait()
        responses[index] = requests.post(url, json=bodies[index], timeout=15)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_two_identical_orders_at_once_store_one(verifying_sandbox, receiver):
    receiver.delay = 0.3  # both requests pass the early checks before either is stored
    configuration = save_configuration(verifying_sandbox.app)
    body = signed(order_payload([configuration]))
    responses = _post_at_once(f"{verifying_sandbox.url}{ORDERS_URL}", [body, body])
    assert sorted(response.json()["resultCode"] for response in responses) == [1, 9]
    assert sorted(response.status_code for response in responses) == [200, 400]
    listed = requests.get(f"{verifying_sandbox.url}/api/sandbox/orders", timeout=5).json()["orders"]
    assert [order["identifier"] for order in listed] == ["SO-1001"]
    calls = requests.get(f"{verifying_sandbox.url}/api/sandbox/verification-calls", timeout=5).json()["calls"]
    assert sorted(call["resultCode"] for call in calls) == [1, 9]


def test_many_identical_orders_at_once_without_verification(tmp_path):
    server = LiveServer(lambda url: create_app({"SANDBOX_DATABASE": str(tmp_path / "race.sqlite"), "TESTING": True}))
    server.start()
    try:
        configuration = save_configuration(server.app)
        body = signed(order_payload([configuration]))
        responses = _post_at_once(f"{server.url}{ORDERS_URL}", [body] * 8)
        assert sorted(response.json()["resultCode"] for response in responses) == [1] + [9] * 7
        assert len(requests.get(f"{server.url}/api/sandbox/orders", timeout=5).json()["orders"]) == 1
    finally:
        server.stop()


# ---------------------------------------------------------------- fault knobs


def test_fail_next_answers_http_500_without_result_code_then_recovers(twikit_sandbox_client, config_id):
    armed = twikit_sandbox_client.post("/api/sandbox/faults", json={"fail_next": 3, "mode": "http500"})
    assert armed.status_code == 200 and armed.get_json()["fail"] == {"remaining": 3, "mode": "http500",
                                                                      "target": "orders"}
    body = signed(order_payload([config_id]))
    for _ in range(3):
        response = twikit_sandbox_client.post(ORDERS_URL, json=body)
        assert response.status_code == 500 and response.get_json(silent=True) is None
    assert stored_orders(twikit_sandbox_client) == []  # a failed call is not processed
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 200, 1, "OrderCreatedSuccessfully")
    state = twikit_sandbox_client.get("/api/sandbox/faults").get_json()
    assert state["fail"] is None and len(state["injected"]) == 3


def test_fail_next_code0_answers_result_code_0(twikit_sandbox_client, config_id):
    twikit_sandbox_client.post("/api/sandbox/faults", json={"fail_next": 1, "mode": "code0"})
    body = signed(order_payload([config_id]))
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 500, 0, "UnexpectedError")
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=body), 200, 1, "OrderCreatedSuccessfully")


def test_delay_next_answers_late(twikit_sandbox_client, config_id):
    twikit_sandbox_client.post("/api/sandbox/faults", json={"delay_next": 1, "delay_seconds": 0.4})
    started = time.monotonic()
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id], "D-1"))),
                  200, 1, "OrderCreatedSuccessfully")
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id], "D-2")))
    assert time.monotonic() - started < 0.4


def test_faults_for_export_leave_orders_alone_and_delete_resets(twikit_sandbox_client, config_id):
    twikit_sandbox_client.post("/api/sandbox/faults", json={"fail_next": 2, "target": "export"})
    assert_result(twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id]))),
                  200, 1, "OrderCreatedSuccessfully")
    assert twikit_sandbox_client.get("/api/sandbox/faults").get_json()["fail"]["remaining"] == 2
    reset = twikit_sandbox_client.delete("/api/sandbox/faults").get_json()
    assert reset == {"fail": None, "delay": None, "drop": None, "injected": []}


@pytest.mark.parametrize("body", [
    {}, [], {"fail_next": 0}, {"fail_next": "3"}, {"fail_next": 1, "mode": "boom"},
    {"delay_next": 1}, {"delay_next": 1, "delay_seconds": 0}, {"drop_next": True},
    {"drop_next": 1, "target": "everything"}, {"explode_next": 1},
])
def test_invalid_fault_requests_are_refused(twikit_sandbox_client, body):
    response = twikit_sandbox_client.post("/api/sandbox/faults", json=body)
    assert response.status_code == 400 and response.get_json()["error"]
    assert twikit_sandbox_client.get("/api/sandbox/faults").get_json()["fail"] is None


def test_drop_next_stores_the_order_but_loses_the_answer(verifying_sandbox, receiver):
    configuration = save_configuration(verifying_sandbox.app)
    requests.post(f"{verifying_sandbox.url}/api/sandbox/faults", json={"drop_next": 1}, timeout=5)
    body = signed(order_payload([configuration]))
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{verifying_sandbox.url}{ORDERS_URL}", json=body, timeout=10)
    # The work was done: verified and stored. Sending it again bounces as a duplicate.
    order = requests.get(f"{verifying_sandbox.url}/api/sandbox/orders/SO-1001", timeout=5).json()
    assert order["status"] == "created" and len(receiver.received) == 1
    retry = requests.post(f"{verifying_sandbox.url}{ORDERS_URL}", json=body, timeout=10)
    assert (retry.status_code, retry.json()["resultCode"]) == (400, 9)


def test_fail_then_drop_fails_first_and_drops_second(tmp_path):
    server = LiveServer(lambda url: create_app({"SANDBOX_DATABASE": str(tmp_path / "f.sqlite"), "TESTING": True}))
    server.start()
    try:
        configuration = save_configuration(server.app)
        requests.post(f"{server.url}/api/sandbox/faults", json={"fail_next": 1, "drop_next": 1}, timeout=5)
        body = signed(order_payload([configuration]))
        assert requests.post(f"{server.url}{ORDERS_URL}", json=body, timeout=10).status_code == 500
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{server.url}{ORDERS_URL}", json=body, timeout=10)
        assert requests.post(f"{server.url}{ORDERS_URL}", json=body, timeout=10).json()["resultCode"] == 9
    finally:
        server.stop()


def test_home_page_lists_received_orders(twikit_sandbox_client, config_id):
    assert "No orders received yet." in twikit_sandbox_client.get("/").get_data(as_text=True)
    twikit_sandbox_client.post(ORDERS_URL, json=signed(order_payload([config_id], "SO-HOME")))
    page = twikit_sandbox_client.get("/").get_data(as_text=True)
    assert "SO-HOME" in page and "SO-HOME-1" in page and "not verified" in page
    assert "http://sandbox.test/api/v1" in page and "sandbox-integration" in page


def test_oversized_body_is_refused_by_the_server_not_the_api(twikit_sandbox_client):
    response = twikit_sandbox_client.post(ORDERS_URL, data=b"{" + b" " * (5 * 1024 * 1024) + b"}",
                                          content_type="application/json")
    assert response.status_code == 413 and "resultCode" not in response.get_data(as_text=True)
