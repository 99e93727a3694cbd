"""The four Twikit webhooks, as Twikit calls them: valid, malformed, repeated, late and out of order."""

import json

import pytest
from sqlalchemy import select

from storefront import create_app
from storefront.extensions import db
from storefront.models import OutboxJob, Product, ScriptVersion, WebhookDelivery
from storefront.orders.links import status_url
from storefront.twikit.script import current_script_url

from ..support.factories import make_order
from ..support.queries import count, deliveries, order_of, snapshot, transitions
from ..support.shop import PRODUCTION_ENV, shop_config
from ..support.twikit_webhooks import production_report, shipping_report, url

NEW_SCRIPT = "https://cdn.twikit.example/plugin/v2/twikit.js"


@pytest.fixture
def shop_overrides():
    # The sandbox's origin (the demo value), plus an https origin as Twikit's real CDN would be.
    return {"TWIKIT_SCRIPT_ORIGINS": ("http://127.0.0.1:5001", "https://cdn.twikit.example")}


# --- what every route shares -------------------------------------------------------------

ROUTES = ["payment-verification", "production-completion", "order-completion", "website-publication"]


@pytest.mark.parametrize("route", ROUTES)
def test_a_wrong_token_is_a_404_and_is_not_logged(app, client, route):
    response = client.post(url(route, token="guessed-token"), json={"identifier": "TW-1"})
    assert response.status_code == 404
    assert count(app, WebhookDelivery) == 0


def test_while_rotating_both_tokens_work_and_no_other(app, tmp_path, database_url):
    # The same (already created) database; TWIKIT_WEBHOOK_TOKEN="new,old" while Twikit's publisher moves over.
    rotating = create_app(shop_config(tmp_path, database_url, TWIKIT_WEBHOOK_TOKEN="new-token-1, old-token-2"))
    client, identifier = rotating.test_client(), make_order(rotating)
    body = {"identifier": identifier, "configurationIds": [1001]}
    for token in ("new-token-1", "old-token-2"):
        assert client.post(url("payment-verification", token=token), json=body).json == {"success": True, "error": ""}
    for token in ("new-token-1,old-token-2", "new-token-1 ", "old-token", "demo-webhook-token"):
        assert client.post(url("payment-verification", token=token), json=body).status_code == 404, token
    with rotating.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b"", b"[" * 50_000])
def test_malformed_json_is_a_400_with_an_error(app, client, route, body):
    response = client.post(url(route), data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["error"] == "the body is not valid JSON"
    if route == "payment-verification":
        assert response.json["success"] is False
    assert [(d.outcome, d.http_status) for d in deliveries(app, route)] == [("invalid", 400)]


@pytest.mark.parametrize("route, body, error", [
    ("payment-verification", ["TW-1"], "the body must be a JSON object"),
    ("payment-verification", {"identifier": "TW-1"}, "configurationIds must be a list"),
    ("payment-verification", {"identifier": "TW-1", "configurationIds": ["1001"]},
     "configurationIds[0] must be a positive integer"),
    ("payment-verification", {"identifier": "TW-1", "configurationIds": [True]},
     "configurationIds[0] must be a positive integer"),
    ("production-completion", {"identifier": "TW-1", "url": "", "error": ""}, "success must be true or false"),
    ("production-completion", {"identifier": "TW-1", "url": "", "success": "true", "error": ""},
     "success must be true or false"),
    ("production-completion", {"identifier": 7, "url": "", "success": True, "error": ""},
     "identifier must be a string"),
    ("production-completion", {"identifier": "TW-1", "url": 7, "success": True, "error": ""},
     "url must be a string"),
    ("production-completion", {"identifier": "TW-1", "url": "", "success": True, "error": False},
     "error must be a string"),
    ("order-completion", {"identifier": "TW-1", "trackingUrl": ["x"], "trackingId": "", "lineItems": []},
     "trackingUrl must be a string"),
    ("order-completion", {"identifier": "TW-1", "trackingUrl": "", "trackingId": 1234, "lineItems": []},
     "trackingId must be a string"),
    ("order-completion", {"identifier": "TW-1", "trackingUrl": "", "trackingId": "", "lineItems": {}},
     "lineItems must be a list"),
    ("order-completion", {"identifier": "TW-1", "trackingUrl": "", "trackingId": "",
                          "lineItems": [{"identifier": "TW-1-1", "configurationId": 1001, "previewUrl": "",
                                         "productKey": "k", "amount": "1"}]},
     "lineItems[0].amount must be a positive integer"),
    ("order-completion", {"identifier": "TW-1", "trackingUrl": "", "trackingId": "",
                          "lineItems": [{"identifier": "TW-1-1", "configurationId": 1001.5, "previewUrl": "",
                                         "productKey": "k", "amount": 1}]},
     "lineItems[0].configurationId must be a positive integer"),
    ("website-publication", {"scriptUrl": NEW_SCRIPT}, "products must be a list"),
    ("website-publication", {"scriptUrl": NEW_SCRIPT, "products": [{"key": 3}]}, "products[0].key must be a string"),
    ("website-publication", {"scriptUrl": NEW_SCRIPT, "products": ["key"]}, "products[0] must be a JSON object"),
])
def test_a_wrong_shape_or_type_is_a_400_that_names_the_field(app, client, route, body, error):
    response = client.post(url(route), json=body)
    assert response.status_code == 400 and response.json["error"].startswith(error)


def test_every_delivery_is_logged_with_its_raw_body_and_answer(app, client):
    identifier = make_order(app)
    raw = f'{{"identifier": "{identifier}", "configurationIds": [1001]}}'
    client.post(url("payment-verification"), data=raw, content_type="application/json")
    [delivery] = deliveries(app, "payment-verification")
    assert (delivery.raw_body, delivery.order_identifier, delivery.http_status, delivery.outcome, delivery.answer) \
        == (raw, identifier, 200, "accepted", {"success": True, "error": ""})


# --- payment verification (already built; its tests) --------------------------------------

@pytest.mark.parametrize("status, lines, sent, success", [
    ("paid", ((1001, 3),), [1001], True),             # quantity 3 is one configuration, sent once
    ("paid", ((1001, 1), (1002, 2)), [1002, 1001], True),
    ("paid", ((1001, 1),), [1002], False),            # mismatched
    ("paid", ((1001, 1),), [1001, 1002], False),      # extra
    ("paid", ((1001, 1), (1002, 1)), [1001], False),  # missing
    ("paid", ((1001, 3),), [1001, 1001, 1001], False),
    ("paid", ((1001, 1),), [], False),                # empty list
    ("awaiting_payment", ((1001, 1),), [1001], False),
    ("cancelled", ((1001, 1),), [1001], False),
])
def test_payment_verification(app, client, status, lines, sent, success):
    identifier = make_order(app, status=status, lines=lines, paid=status != "awaiting_payment")
    response = client.post(url("payment-verification"), json={"identifier": identifier, "configurationIds": sent})
    assert response.status_code == 200 and response.json == {"success": success, "error": ""}


def test_payment_verification_of_an_unknown_order_is_unsuccessful_not_faulty(app, client):
    response = client.post(url("payment-verification"), json={"identifier": "TW-000000-NOSUCH",
                                                               "configurationIds": [1001]})
    assert response.status_code == 200 and response.json == {"success": False, "error": ""}


def test_payment_verification_repeated_gives_the_same_answer(app, client):
    identifier = make_order(app, status="paid")
    body = {"identifier": identifier, "configurationIds": [1001]}
    answers = [client.post(url("payment-verification"), json=body).json for _ in range(2)]
    assert answers == [{"success": True, "error": ""}] * 2


# --- production completion ---------------------------------------------------------------

def test_production_success_moves_submitted_to_production_complete(app, client):
    identifier = make_order(app)
    response = client.post(url("production-completion"), json=production_report(identifier))
    assert response.status_code == 200 and response.json == {"error": ""}
    order = order_of(app, identifier)
    assert order.status == "production_complete" and order.produced_at is not None
    assert order.production_url == "https://producer.example/orders/77"
    assert transitions(app, identifier) == [("submitted", "production_complete")]


def test_production_failure_needs_attention_with_the_error(app, client):
    identifier = make_order(app)
    response = client.post(url("production-completion"), json=production_report(identifier, success=False))
    assert response.status_code == 200 and response.json == {"error": ""}
    order = order_of(app, identifier)
    assert (order.status, order.production_error, order.produced_at) == ("needs_attention", "The print failed", None)
    assert order.attention_reason == "Production failed at Twikit: The print failed"


def test_a_success_after_a_failure_clears_the_attention(app, client):
    identifier = make_order(app)
    client.post(url("production-completion"), json=production_report(identifier, success=False))
    client.post(url("production-completion"), json=production_report(identifier))
    order = order_of(app, identifier)
    assert (order.status, order.production_error, order.attention_reason) == ("production_complete", None, None)


@pytest.mark.parametrize("success", [True, False])
def test_a_repeated_production_report_has_no_second_effect(app, client, success):
    identifier = make_order(app)
    first = client.post(url("production-completion"), json=production_report(identifier, success=success))
    before = snapshot(app, identifier)
    second = client.post(url("production-completion"), json=production_report(identifier, success=success))
    assert (first.status_code, first.json) == (second.status_code, second.json) == (200, {"error": ""})
    assert snapshot(app, identifier) == before
    assert len(transitions(app, identifier)) == 1


def test_an_empty_or_unsafe_producer_url_is_not_kept_as_a_link(app, client):
    identifier = make_order(app)
    client.post(url("production-completion"), json=production_report(identifier, url="javascript:alert(1)"))
    order = order_of(app, identifier)
    assert order.status == "production_complete" and order.production_url is None


def test_production_of_an_unknown_order_is_a_404_with_an_error(app, client):
    response = client.post(url("production-completion"), json=production_report("TW-000000-NOSUCH"))
    assert response.status_code == 404 and response.json == {"error": "no order with identifier TW-000000-NOSUCH"}
    assert deliveries(app, "production-completion")[0].outcome == "refused"


@pytest.mark.parametrize("status", ["awaiting_payment", "paid", "cancelled"])
def test_production_of_an_order_never_submitted_is_a_409_and_changes_nothing(app, client, status):
    identifier = make_order(app, status=status)
    before = snapshot(app, identifier)
    response = client.post(url("production-completion"), json=production_report(identifier))
    assert response.status_code == 409 and "never submitted" in response.json["error"]
    assert snapshot(app, identifier) == before


def test_an_unhealthy_order_that_gets_produced_after_all_moves_on(app, client):
    identifier = make_order(app, status="needs_attention", submitted=True)
    client.post(url("production-completion"), json=production_report(identifier))
    assert order_of(app, identifier).status == "production_complete"


# --- order completion --------------------------------------------------------------------

@pytest.mark.parametrize("start", ["submitted", "production_complete"])
def test_shipping_stores_tracking_and_queues_one_email(app, client, start):
    identifier = make_order(app, status=start)
    response = client.post(url("order-completion"), json=shipping_report(identifier))
    assert response.status_code == 200 and response.json == {"error": ""}
    order = order_of(app, identifier)
    assert (order.status, order.tracking_url, order.tracking_id) == ("shipped", "https://track.example/1Z999", "1Z999")
    assert order.shipped_at is not None and order.attention_reason is None
    assert snapshot(app, identifier)[9] == ["send_shipped_email"]


def test_a_repeated_shipping_report_makes_one_transition_and_one_email(app, client):
    identifier = make_order(app, status="production_complete")
    answers = [client.post(url("order-completion"), json=shipping_report(identifier)) for _ in range(2)]
    assert [(a.status_code, a.json) for a in answers] == [(200, {"error": ""})] * 2
    assert transitions(app, identifier) == [("production_complete", "shipped")]
    assert count(app, OutboxJob) == 1
    assert [d.reason for d in deliveries(app, "order-completion")][1] == "already reported; nothing changed"


def test_shipping_before_the_production_report_never_goes_back(app, client):
    identifier = make_order(app)
    client.post(url("order-completion"), json=shipping_report(identifier))
    for _ in range(2):  # the late report, and Twikit's retry of it
        response = client.post(url("production-completion"), json=production_report(identifier))
        assert response.status_code == 200 and response.json == {"error": ""}
    order = order_of(app, identifier)
    assert order.status == "shipped" and order.produced_at is not None
    assert transitions(app, identifier) == [("submitted", "shipped")]
    assert [m for _, _, m in snapshot(app, identifier)[8]].count("Production complete (reported after shipping)") == 1


def test_a_late_production_failure_on_a_shipped_order_changes_nothing(app, client):
    identifier = make_order(app)
    client.post(url("order-completion"), json=shipping_report(identifier))
    before = snapshot(app, identifier)
    response = client.post(url("production-completion"), json=production_report(identifier, success=False))
    assert response.json == {"error": ""} and snapshot(app, identifier) == before


@pytest.mark.parametrize("items, problem", [
    (lambda i: [{**i[0], "amount": 2}], "amount is 2, expected 1"),
    (lambda i: [{**i[0], "configurationId": 999}], "configurationId is 999, expected 1001"),
    (lambda i: [{**i[0], "productKey": "other"}], "productKey is 'other', expected 'diamond-letter-jewel'"),
    (lambda i: [], "is missing"),
    (lambda i: i + [{**i[0], "identifier": "TW-X-9"}], "line TW-X-9 is not ours"),
])
def test_mismatched_line_items_still_ship_but_are_flagged(app, client, items, problem):
    identifier = make_order(app, status="production_complete")
    body = shipping_report(identifier)
    body["lineItems"] = items(body["lineItems"])
    response = client.post(url("order-completion"), json=body)
    assert response.status_code == 200 and response.json == {"error": ""}
    order = order_of(app, identifier)
    assert order.status == "shipped" and problem in order.attention_reason
    assert any(problem in message for _, _, message in snapshot(app, identifier)[8])
    assert problem in deliveries(app, "order-completion")[0].reason
    assert count(app, OutboxJob) == 1  # the customer still hears of the parcel


def test_a_needs_attention_order_that_ships_is_shipped(app, client):
    identifier = make_order(app, status="needs_attention", submitted=True)
    client.post(url("order-completion"), json=shipping_report(identifier))
    assert order_of(app, identifier).status == "shipped"


def test_shipping_an_unknown_order_is_a_404_with_an_error(app, client):
    response = client.post(url("order-completion"), json=shipping_report("TW-000000-NOSUCH"))
    assert response.status_code == 404 and response.json["error"]
    assert count(app, OutboxJob) == 0


def test_shipping_an_order_never_submitted_is_a_409(app, client):
    identifier = make_order(app, status="paid")
    response = client.post(url("order-completion"), json=shipping_report(identifier))
    assert response.status_code == 409 and response.json["error"]
    assert order_of(app, identifier).status == "paid" and count(app, OutboxJob) == 0


def test_the_status_page_shows_production_and_tracking(app, client):
    identifier = make_order(app)
    client.post(url("production-completion"), json=production_report(identifier))
    with app.test_request_context():
        link = status_url(order_of(app, identifier))
    page = client.get(link).get_data(as_text=True)
    assert "data-order-status>Produced<" in page and "data-order-shipments hidden" in page
    client.post(url("order-completion"), json=shipping_report(identifier))
    page = client.get(link).get_data(as_text=True)
    assert "data-order-status>Shipped<" in page
    assert "<strong data-tracking-id>1Z999</strong>" in page
    assert 'href="https://track.example/1Z999" data-tracking-url' in page


def test_an_unsafe_tracking_url_is_never_a_link(app, client):
    identifier = make_order(app)
    client.post(url("order-completion"), json=shipping_report(identifier, trackingUrl="javascript:alert(1)"))
    with app.test_request_context():
        page = client.get(status_url(order_of(app, identifier))).get_data(as_text=True)
    assert "javascript:" not in page and "<strong data-tracking-id>1Z999</strong>" in page


# --- website publication -----------------------------------------------------------------

def publish(client, script_url=NEW_SCRIPT, keys=("diamond-letter-jewel",)):
    return client.post(url("website-publication"), json={"scriptUrl": script_url,
                                                         "products": [{"key": key} for key in keys]})


def script_versions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(v.url, v.source) for v in db.session.scalars(select(ScriptVersion).order_by(ScriptVersion.id))]


def test_a_publication_makes_the_new_script_current_on_product_pages(app, client, demo_catalog):
    response = publish(client)
    assert response.status_code == 200 and response.json == {"error": ""}
    with app.app_context():
        assert current_script_url() == NEW_SCRIPT
    page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert f'data-twikit-script-url="{NEW_SCRIPT}"' in page
    assert script_versions(app)[-1] == (NEW_SCRIPT, "webhook")


def test_new_product_keys_become_unpublished_drafts(app, client, demo_catalog):
    publish(client, keys=("diamond-letter-jewel", "ring-of-names", "ring-of-names"))
    with app.app_context():
        draft = db.session.scalar(select(Product).where(Product.key == "ring-of-names"))
        assert (draft.published, draft.variants, draft.slug, draft.name) == (False, [], "ring-of-names",
                                                                              "Ring of names")
        assert count(app, Product) == count(app, Product, Product.published) + 1
        assert db.session.scalar(select(ScriptVersion).where(ScriptVersion.source == "webhook")).product_keys == \
            ["diamond-letter-jewel", "ring-of-names"]
    assert client.get("/products/ring-of-names").status_code == 404
    assert "Ring of names" not in client.get("/").get_data(as_text=True)


def test_a_repeated_publication_adds_one_version(app, client):
    answers = [publish(client).json for _ in range(2)]
    assert answers == [{"error": ""}] * 2
    assert [u for u, source in script_versions(app) if source == "webhook"] == [NEW_SCRIPT]


def test_a_late_older_publication_never_moves_the_script_back(app, client):
    publish(client, "https://cdn.twikit.example/plugin/v2/twikit.js")
    publish(client, "https://cdn.twikit.example/plugin/v3/twikit.js")
    publish(client, "https://cdn.twikit.example/plugin/v2/twikit.js")
    with app.app_context():
        assert current_script_url() == "https://cdn.twikit.example/plugin/v3/twikit.js"


@pytest.mark.parametrize("script_url", [
    "http://evil.example/twikit.js",                    # an origin we do not allow
    "https://cdn.twikit.example.evil.example/x.js",
    "javascript:alert(1)",
    "//cdn.twikit.example/x.js",
    "https://evil.example\\@cdn.twikit.example/x.js",   # browsers load this from evil.example
    "https://user@cdn.twikit.example/x.js",
    "https://cdn.twikit.example:99999/x.js",
])
def test_a_script_from_elsewhere_is_refused_and_nothing_changes(app, client, script_url):
    before = script_versions(app)
    response = publish(client, script_url, keys=("new-product",))
    assert response.status_code == 400 and response.json["error"]
    assert script_versions(app) == before and count(app, Product) == 0
    assert deliveries(app, "website-publication")[0].outcome in ("refused", "invalid")


def test_production_refuses_plain_http_even_from_an_allowed_origin(app, tmp_path, database_url):
    # A second shop on the same (already migrated) database, in production mode with every secret set.
    production = create_app(shop_config(
        tmp_path, database_url, **(PRODUCTION_ENV | {"DATABASE_URL": database_url}), STOREFRONT_MODE="production",
        TWIKIT_SCRIPT_ORIGINS=("https://cdn.twikit.example", "http://cdn.twikit.example")))
    client, token = production.test_client(), PRODUCTION_ENV["TWIKIT_WEBHOOK_TOKEN"]
    body = {"scriptUrl": "http://cdn.twikit.example/plugin/v8/twikit.js", "products": []}
    response = client.post(url("website-publication", token=token), json=body)
    assert response.status_code == 400 and response.json == {"error": "scriptUrl must be https in production"}
    body["scriptUrl"] = "https://cdn.twikit.example/plugin/v8/twikit.js"
    assert client.post(url("website-publication", token=token), json=body).json == {"error": ""}
    with production.app_context():
        assert current_script_url() == body["scriptUrl"]
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("script_url", [
    "http://127.0.0.1:5001/api/v1/orders/x?callback=alert",  # an API path on the allowed origin, with a callback
    "http://127.0.0.1:5001/healthz",                          # on the origin, outside /plugin/
    "https://cdn.twikit.example/plugin/v9/twikit.js?v=9",     # a query string
    "https://cdn.twikit.example/plugin/v9/twikit.js?",
    "https://cdn.twikit.example/plugin/v9/twikit.js#top",     # a fragment
    "https://cdn.twikit.example/plugin/../api/v1/x.js",       # /api/ to a browser
    "https://cdn.twikit.example/plugin/%2e%2e/api/v1/x.js",
    "https://cdn.twikit.example/plugin/v9%2f..%2f..%2fapi/x.js",
    "https://cdn.twikit.example/plugins/v9/twikit.js",        # a prefix of the folder name is not the folder
])
def test_a_script_outside_the_allowed_paths_is_refused(app, client, script_url):
    before = script_versions(app)
    response = publish(client, script_url)
    assert response.status_code == 400 and "TWIKIT_SCRIPT_PATHS" in response.json["error"]
    assert script_versions(app) == before
    assert deliveries(app, "website-publication")[0].outcome == "refused"


def test_a_script_url_longer_than_any_plugin_url_is_refused_with_a_reason(app, client):
    """PostgreSQL cannot index a URL of some 2,700 bytes: the webhook refuses one long before, with a reason."""
    before = script_versions(app)
    longest = "https://cdn.twikit.example/plugin/" + "v" * (2048 - 44) + "/twikit.js"
    response = publish(client, longest + "x" * 3000)
    assert response.status_code == 400 and "longer than 2048" in response.json["error"]
    assert script_versions(app) == before and deliveries(app, "website-publication")[0].outcome == "invalid"
    assert len(longest) == 2048 and publish(client, longest).json == {"error": ""}


@pytest.mark.parametrize("shop_overrides", [{"TWIKIT_SCRIPT_ORIGINS": ("https://cdn.twikit.example",),
                                             "TWIKIT_SCRIPT_URL": "https://cdn.twikit.example/a/v1/twikit.js",
                                             "TWIKIT_SCRIPT_PATHS": ("/a/", "/b/")}])
def test_the_allowed_paths_are_a_setting(app, client, shop_overrides):
    assert publish(client, "https://cdn.twikit.example/b/v2/twikit.js").status_code == 200
    assert publish(client, "https://cdn.twikit.example/c/v3/twikit.js").status_code == 400


# --- optional strings may be null; any other wrong type is a 400 ----------------------------

def test_null_or_absent_optional_strings_read_as_empty(app, client):
    produced, shipped = make_order(app, identifier="TW-261129-NULL01"), make_order(app, identifier="TW-261129-NULL02")
    response = client.post(url("production-completion"), json={"identifier": produced, "url": None,
                                                                "success": True, "error": None})
    assert (response.status_code, response.json) == (200, {"error": ""})
    assert order_of(app, produced).status == "production_complete"
    failed = make_order(app, identifier="TW-261129-NULL03")
    response = client.post(url("production-completion"), json={"identifier": failed, "success": False})
    assert (response.status_code, order_of(app, failed).attention_reason) == (
        200, "Production failed at Twikit: no reason given")
    body = shipping_report(shipped, trackingUrl=None, trackingId=None)
    assert client.post(url("order-completion"), json=body).json == {"error": ""}
    order = order_of(app, shipped)
    assert (order.status, order.tracking_url, order.tracking_id) == ("shipped", None, None)
    del body["trackingUrl"], body["trackingId"]
    assert client.post(url("order-completion"), json=body).json == {"error": ""}  # a repeat, as absent


# --- the tracking link a customer sees ---------------------------------------------------------

@pytest.mark.parametrize("tracking_url, kept", [
    ("https://track.example/1Z999", "https://track.example/1Z999"),
    ("http://track.example/1Z999", None),        # shown to a customer: https only
    ("ftp://track.example/1Z999", None),
])
def test_only_an_https_tracking_url_becomes_a_link(app, client, tracking_url, kept):
    identifier = make_order(app)
    client.post(url("order-completion"), json=shipping_report(identifier, trackingUrl=tracking_url))
    order = order_of(app, identifier)
    assert (order.status, order.tracking_url) == ("shipped", kept)
    with app.test_request_context():
        page = client.get(status_url(order)).get_data(as_text=True)
    assert (f'href="{tracking_url}"' in page) == bool(kept)  # the live page keeps a hidden, empty slot
    assert "track.example" not in page or 'rel="noopener noreferrer">' in page


# --- no input is a 500: lone surrogates ----------------------------------------------------

@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("field", ["identifier", "error", "trackingId", "scriptUrl", "ignored"])
def test_a_lone_surrogate_anywhere_is_a_400_and_the_delivery_is_logged(app, client, route, field):
    identifier = make_order(app)
    bodies = {"payment-verification": {"identifier": identifier, "configurationIds": [1001]},
              "production-completion": production_report(identifier, success=False),
              "order-completion": shipping_report(identifier),
              "website-publication": {"scriptUrl": NEW_SCRIPT, "products": []}}
    body = bodies[route]
    body[field] = "Bront\ud800"
    raw = json.dumps(body)  # json writes it as the escape \ud800, as any JSON encoder may
    assert "\\ud800" in raw
    before = snapshot(app, identifier)
    response = client.post(url(route), data=raw, content_type="application/json")
    assert response.status_code == 400 and "lone UTF-16 surrogate" in response.json["error"]
    assert snapshot(app, identifier) == before
    [delivery] = deliveries(app, route)
    assert (delivery.raw_body, delivery.http_status, delivery.outcome) == (raw, 400, "invalid")


def test_a_paired_surrogate_is_ordinary_text(app, client):
    identifier = make_order(app)
    body = production_report(identifier, success=False, error="Printer \ud83d\udda8 jammed")  # U+1F5A8
    response = client.post(url("production-completion"), data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert order_of(app, identifier).production_error == "Printer \U0001f5a8 jammed"
