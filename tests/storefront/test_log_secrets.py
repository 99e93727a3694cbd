"""No secret in any log line: a whole order through the shop's real processes, then a grep of all they wrote.

The shop runs as the Procfile runs it (gunicorn with gunicorn.conf.py, the
worker, the release phase and a one-off catalog import), with secrets made
for this test, against the Twikit and Stripe sandboxes and the mail catcher.
An order goes from the cart to paid, submitted (Twikit verifies the payment
through the webhook), produced, shipped and e-mailed, and the merchant logs
in to the back-office. Then every line each process wrote is searched for
every secret, and for the customer's status-link token.
"""

from __future__ import annotations

import re
import secrets

import pytest
import requests

from ..support import stripe_events
from ..support.forms import BILLING_FORM, back_from_stripe, csrf_token_from
from ..support.live import LiveServer, free_port
from ..support.procfile import dyno_env, procfile, run, start, stop, wait_for_health, wait_for_line
from ..support.queries import wait_until
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.live


@pytest.fixture
def shop_secrets() -> dict[str, str]:
    """Every secret the shop holds, new for this test; the webhook token is two, as while rotating."""
    new_token, old_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "TWIKIT_PAYLOAD_SECRET": secrets.token_urlsafe(24),
        "TWIKIT_WEBHOOK_TOKEN": f"{new_token},{old_token}",
        "STRIPE_SECRET_KEY": f"sk_test_{secrets.token_hex(24)}",
        "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(24)}",
        "ADMIN_PASSWORD": secrets.token_urlsafe(18),
    }


@pytest.fixture
def vendors(tmp_path, shop_secrets):
    """The Twikit and Stripe sandboxes, configured with the shop's secrets as a merchant would; the shop's port."""
    from sandboxes.stripe import create_app as create_stripe_sandbox
    from sandboxes.twikit import create_app as create_twikit_sandbox

    shop = f"http://127.0.0.1:{free_port()}"
    new_token, old_token = shop_secrets["TWIKIT_WEBHOOK_TOKEN"].split(",")
    twikit = LiveServer(lambda url: create_twikit_sandbox({
        "TESTING": True, "SANDBOX_DATABASE": str(tmp_path / "twikit.sqlite3"), "PUBLIC_URL": url,
        "INTEGRATION_ID": "int-log-test", "PAYLOAD_SECRET": shop_secrets["TWIKIT_PAYLOAD_SECRET"],
        # Mid-rotation: the publisher has the new URL for one webhook and still the old one for the others.
        "PAYMENT_VERIFICATION_URL": f"{shop}/webhooks/twikit/{new_token}/payment-verification",
        "PRODUCTION_COMPLETION_URL": f"{shop}/webhooks/twikit/{old_token}/production-completion",
        "ORDER_COMPLETION_URL": f"{shop}/webhooks/twikit/{old_token}/order-completion",
    })).start()
    stripe = LiveServer(lambda url: create_stripe_sandbox({
        "TESTING": True, "SANDBOX_DATABASE": str(tmp_path / "stripe.sqlite3"), "PUBLIC_URL": url,
        "API_KEYS": [shop_secrets["STRIPE_SECRET_KEY"]], "WEBHOOK_URL": f"{shop}/webhooks/stripe",
        "WEBHOOK_SECRET": shop_secrets["STRIPE_WEBHOOK_SECRET"], "WEBHOOK_RETRY_DELAYS": [0.2, 0.5, 1],
    })).start()
    yield shop, twikit, stripe
    stripe.app.extensions["stripe_sandbox"].worker.stop()
    twikit.app.extensions["twikit_sandbox_webhook_worker"].stop()
    stripe.stop()
    twikit.stop()


def test_a_whole_order_leaves_no_secret_in_any_log_line(tmp_path, shop_secrets, vendors, mail_catcher):
    shop, twikit, stripe = vendors
    smtp_port, catcher = mail_catcher
    env = {**dyno_env(**shop_secrets), "STOREFRONT_MODE": "demo",
           "PORT": shop.rsplit(":", 1)[1],
           "WEB_CONCURRENCY": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}", "SHOP_URL": shop,
           "TWIKIT_INTEGRATION_ID": "int-log-test", "TWIKIT_API_URL": f"{twikit.url}/api/v1",
           "TWIKIT_SCRIPT_URL": f"{twikit.url}/plugin/v1/twikit.js", "STRIPE_API_BASE": stripe.url,
           "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "ADMIN_EMAIL": "merchant@example.com"}
    processes, logs = procfile(), {name: tmp_path / f"{name}.log" for name in ("release", "import", "web", "worker")}
    assert run(processes["release"], env, logs["release"]).returncode == 0, logs["release"].read_text()
    assert run("flask --app storefront catalog import --demo", env, logs["import"]).returncode == 0
    web, worker = start(processes["web"], env, logs["web"]), start(processes["worker"], env, logs["worker"])
    try:
        assert wait_for_health(shop, web, logs["web"]).status_code == 200
        wait_for_line(logs["worker"], "worker: started", worker)
        status_link = order_to_the_customers_door(shop, TwikitSandbox(twikit.url), catcher)
        merchant_logs_in(shop, shop_secrets["ADMIN_PASSWORD"])
    finally:
        stop(web)
        stop(worker)

    lines = {name: log.read_text().splitlines() for name, log in logs.items()}
    assert any("payment-verification" in line for line in lines["web"])  # the webhooks were logged, redacted
    assert any("order-completion" in line for line in lines["web"])
    status_token = status_link.rsplit("/", 1)[1]
    searched = {**shop_secrets, "TWIKIT_WEBHOOK_TOKEN (new)": shop_secrets["TWIKIT_WEBHOOK_TOKEN"].split(",")[0],
                "TWIKIT_WEBHOOK_TOKEN (old)": shop_secrets["TWIKIT_WEBHOOK_TOKEN"].split(",")[1],
                "the status link's token": status_token}
    leaks = [f"{secret} in {name}.log: {line}" for name, log_lines in lines.items() for line in log_lines
             for secret, value in searched.items() if value in line]
    assert leaks == []


def order_to_the_customers_door(shop: str, twikit: TwikitSandbox, catcher) -> str:
    """Customise, pay, submit, produce, ship and e-mail one order over HTTP; returns its status link."""
    browser = requests.Session()
    configuration_id = twikit.save_configuration("Q")
    token = csrf_token_from(browser.get(f"{shop}/products/diamond-letter-pendant", timeout=10).text)
    added = browser.post(f"{shop}/cart/lines", timeout=10, data={
        "csrf_token": token, "product": "diamond-letter-pendant", "sku": "DLJ-SILVER", "quantity": "1",
        "configuration_id": str(configuration_id), "preview_url": f"{twikit.url}/previews/{configuration_id}.png"})
    assert added.status_code == 200 and added.url.endswith("/cart"), added.text
    token = csrf_token_from(browser.get(f"{shop}/checkout", timeout=10).text)
    checkout = browser.post(f"{shop}/checkout", data={"csrf_token": token, **BILLING_FORM}, allow_redirects=False,
                            timeout=30)
    assert checkout.status_code == 303, checkout.text
    paid = stripe_events.pay(checkout.headers["Location"])
    status_page = back_from_stripe(browser, paid.headers["Location"], timeout=30)  # on to the status page
    status_link = status_page.url
    identifier = re.search(r"/orders/([^/]+)/", status_link).group(1)

    wait_until(lambda: twikit.orders(identifier), "the worker submits the order to Twikit")
    twikit.mark_produced(identifier)
    twikit.mark_shipped(identifier, "https://track.example/1Z999", "1Z999")
    wait_until(lambda: "Shipped" in browser.get(status_link, timeout=10).text, "the order is shipped")
    wait_until(lambda: any(identifier in m["subject"] for m in catcher.get("/api/messages").json["messages"]),
               "the worker sends the shipping e-mail")
    return status_link


def merchant_logs_in(shop: str, password: str) -> None:
    """A wrong login with the right password, then the right one, and the order list."""
    merchant = requests.Session()
    for email, status in (("someone@example.com", 400), ("merchant@example.com", 200)):
        token = csrf_token_from(merchant.get(f"{shop}/admin/login", timeout=10).text)
        answer = merchant.post(f"{shop}/admin/login", data={"csrf_token": token, "email": email,
                                                           "password": password}, timeout=10)
        assert answer.status_code == status
    assert "TW-" in merchant.get(f"{shop}/admin/", timeout=10).text

