"""The settings page (what to paste where, what production lacks, webhook self-tests) and the plugin script's
history and rollback."""

from __future__ import annotations

import re

import pytest
import requests

from storefront.config import load_config, production_problems, production_warnings
from storefront.extensions import db
from storefront.models import ScriptVersion
from storefront.twikit.publication import publish
from storefront.twikit.script import current_script_url

from ..support.forms import csrf_token_from, log_in
from ..support.live import free_port
from ..support.shop import PRODUCTION_ENV


def test_the_settings_page_says_what_to_paste_where_and_hides_the_secret(client):
    log_in(client)
    html = client.get("/admin/settings").get_data(as_text=True)
    assert '<code data-integration-id>sandbox-integration</code>' in html
    assert "demo-payload-secret" not in html and "••••••••" in html
    for route in ("payment-verification", "production-completion", "order-completion", "website-publication"):
        assert f"http://127.0.0.1:5000/webhooks/twikit/demo-webhook-token/{route}" in html  # on SHOP_URL
    assert "http://127.0.0.1:5000/webhooks/stripe" in html
    for event in ("checkout.session.completed", "checkout.session.async_payment_succeeded",
                  "checkout.session.async_payment_failed", "checkout.session.expired", "charge.refunded"):
        assert f"<code>{event}</code>" in html
    # The demo's secrets are listed as what production still needs.
    assert "TWIKIT_PAYLOAD_SECRET still holds the demo value" in html
    assert "STRIPE_API_BASE must be an https URL in production" in html


def test_production_problems_and_warnings(tmp_path):
    assert production_problems(load_config(str(tmp_path), environ=PRODUCTION_ENV)) == []
    problems = production_problems({**load_config(str(tmp_path), environ=PRODUCTION_ENV), "ADMIN_PASSWORD": "",
                                    "SECRET_KEY": "demo-secret-key--not-for-production"})
    assert [str(p) for p in problems] == ["SECRET_KEY still holds the demo value", "ADMIN_PASSWORD is not set"]
    warnings = [str(w) for w in production_warnings(load_config(str(tmp_path), environ=PRODUCTION_ENV))]
    assert any(w.startswith("RATELIMIT_STORAGE_URI is memory://: each web process counts") for w in warnings)
    assert not any("RATELIMIT" in str(w) for w in production_warnings(load_config(
        str(tmp_path), environ={**PRODUCTION_ENV, "RATELIMIT_STORAGE_URI": "redis://cache:6379"})))


@pytest.mark.parametrize("shop_overrides", [{"SHOP_URL": f"http://127.0.0.1:{free_port()}"}])
def test_a_webhook_test_to_an_unreachable_url_says_so(client):
    log_in(client)
    token = csrf_token_from(client.get("/admin/settings").get_data(as_text=True))
    html = client.post("/admin/settings/test/order-completion", data={"csrf_token": token}).get_data(as_text=True)
    assert "Not reachable: ConnectionError" in html
    assert client.post("/admin/settings/test/nonsense", data={"csrf_token": token}).status_code == 404


@pytest.mark.live
def test_send_a_test_reaches_each_twikit_webhook_of_the_running_shop(live):
    browser = requests.Session()
    login = f"{live.shop.url}/admin/login"
    token = csrf_token_from(browser.get(login, timeout=10).text)
    browser.post(login, data={"csrf_token": token, "email": "admin@example.com",
                              "password": "demo-admin-password"}, timeout=10)
    script_before = requests.get(f"{live.shop.url}/products/diamond-letter-pendant", timeout=10).text
    for route in ("payment-verification", "production-completion", "order-completion", "website-publication"):
        token = csrf_token_from(browser.get(f"{live.shop.url}/admin/settings", timeout=10).text)
        page = browser.post(f"{live.shop.url}/admin/settings/test/{route}", data={"csrf_token": token}, timeout=30)
        answer = re.search(rf'data-test-answer="{route}">(.*?)</td>', page.text, re.S).group(1)
        assert "Works: the shop" in answer, answer
        assert f"POST {live.shop.url}/webhooks/twikit/demo-webhook-token/{route}" in answer
    # Harmless: the product page loads the same plugin script as before.
    script = re.compile(r'data-twikit-script-url="([^"]+)"')
    assert script.search(requests.get(f"{live.shop.url}/products/diamond-letter-pendant", timeout=10).text).group(1) \
        == script.search(script_before).group(1)


# --- the plugin script --------------------------------------------------------------------------------

def test_script_history_and_rollback(app, client, demo_catalog):
    origin = app.config["TWIKIT_SCRIPT_URL"].rsplit("/plugin/", 1)[0]
    with app.test_request_context():
        publish(f"{origin}/plugin/v2/twikit.js", ["diamond-letter-jewel"])
        publish(f"{origin}/plugin/v3/twikit.js", ["diamond-letter-jewel", "geo-lamp"])
    log_in(client)
    html = client.get("/admin/script").get_data(as_text=True)
    assert f'data-current-script>{origin}/plugin/v3/twikit.js<' in html
    assert html.count("Roll back to this") == 2 and "diamond-letter-jewel, geo-lamp" in html
    with app.app_context():
        v2 = db.session.scalar(db.select(ScriptVersion.id).where(ScriptVersion.url.endswith("/v2/twikit.js")))
        v3 = db.session.scalar(db.select(ScriptVersion.id).where(ScriptVersion.url.endswith("/v3/twikit.js")))

    token = csrf_token_from(html)
    page = client.post(f"/admin/script/{v2}/roll-back", data={"csrf_token": token}, follow_redirects=True)
    assert f"Product pages now load {origin}/plugin/v2/twikit.js." in page.get_data(as_text=True)
    with app.test_request_context():
        assert current_script_url() == f"{origin}/plugin/v2/twikit.js"
        assert db.session.scalars(db.select(ScriptVersion.source).order_by(ScriptVersion.id)).all() == \
            ["settings", "webhook", "webhook", "rollback"]
        publish(f"{origin}/plugin/v3/twikit.js", ["diamond-letter-jewel"])  # a late repeat does not undo it
        assert current_script_url() == f"{origin}/plugin/v2/twikit.js"
    product_page = client.get("/products/diamond-letter-pendant").get_data(as_text=True)
    assert f'data-twikit-script-url="{origin}/plugin/v2/twikit.js"' in product_page
    refused = client.post(f"/admin/script/{v2}/roll-back", data={"csrf_token": token}, follow_redirects=True)
    assert "That version is the current one already." in refused.get_data(as_text=True)
    app.config["TWIKIT_SCRIPT_ORIGINS"] = ("https://cdn.twikit.example",)  # the merchant narrowed the origins
    refused = client.post(f"/admin/script/{v3}/roll-back", data={"csrf_token": token}, follow_redirects=True)
    assert "That script may no longer be loaded" in refused.get_data(as_text=True)
