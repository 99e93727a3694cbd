"""The whole loop in Chromium: customise, pay, submit, produce, ship, and tell the customer (spec steps 1-18)."""

import re

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Product
from storefront.worker import Worker

from ..support.pages import PENDANT_SUMMARY, add_pendant_to_cart, continue_to_payment, open_product, pay
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.browser


def test_from_customising_to_your_order_has_shipped(page, live):
    # 1. Customise, save, add to cart.
    configuration_id = add_pendant_to_cart(page, live)
    # 2. Pay in the Stripe sandbox.
    continue_to_payment(page)
    pay(page, "4242 4242 4242 4242")
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    identifier = page.locator("[data-order-identifier]").inner_text()
    status_page = page.url

    # 3. The worker submits; Twikit verifies the payment with the shop while it waits.
    Worker(live.shop.app).run(once=True)
    [call] = TwikitSandbox(live.twikit.url).verification_calls(identifier)
    assert call["request"] == {"configurationIds": [int(configuration_id)], "identifier": identifier}
    page.reload()
    expect(page.locator("[data-order-status]")).to_have_text("Submitted for production")

    # 4. The producer marks production complete, then ready, in the sandbox's back-office.
    #    What the producer leaves empty (the error text, here) Twikit may send as null.
    producer = page.context.new_page()
    producer.goto(f"{live.twikit.url}/orders/{identifier}")
    producer.get_by_label("Tracking / production URL").fill("https://producer.example/jobs/77")
    producer.get_by_role("button", name="Mark production complete").click()
    expect(producer.get_by_text("production-completion").first).to_be_visible()
    page.reload()
    expect(page.locator("[data-order-status]")).to_have_text("Produced")
    producer.get_by_label("Tracking URL").fill("https://track.example/1Z999AA10123456784")
    producer.get_by_label("Tracking ID").fill("1Z999AA10123456784")
    producer.get_by_role("button", name="Mark ready / shipped").click()
    expect(producer.get_by_text("order-completion").first).to_be_visible()

    # 5. The customer's order status page shows "Shipped" with the tracking ID.
    page.goto(status_page)
    expect(page.locator("[data-order-status]")).to_have_text("Shipped")
    expect(page.locator("[data-tracking-id]")).to_have_text("1Z999AA10123456784")
    expect(page.locator("[data-tracking-url]")).to_have_attribute("href", "https://track.example/1Z999AA10123456784")

    expect(page.locator(".order-line [data-design-summary]")).to_have_text(PENDANT_SUMMARY)

    # 6. The worker sends the shipping e-mail; it is in the catcher, with the design as the customer made it.
    Worker(live.shop.app).run(once=True)
    messages = requests.get(f"{live.mail.url}/api/messages", timeout=10).json()["messages"]
    [mail] = [m for m in messages if identifier in m["subject"] and "shipped" in m["subject"]]
    assert mail["subject"] == f"Your order {identifier} has shipped"
    assert "ada@example.com" in mail["to"]
    assert PENDANT_SUMMARY in mail["text"] and PENDANT_SUMMARY in mail["html"]
    assert f'<img src="{live.twikit.url}/previews/{configuration_id}.png"' in mail["html"]
    assert 'href="https://track.example/1Z999AA10123456784" rel="noopener noreferrer"' in mail["html"]
    assert "Configuration" not in mail["text"]  # the configuration ID is the back-office's
    page.goto(f"{live.mail.url}/")
    expect(page.get_by_text(f"Your order {identifier} has shipped")).to_be_visible()


def test_a_publish_in_the_sandbox_makes_the_product_page_load_the_new_script(page, live):
    answer = requests.post(f"{live.twikit.url}/api/sandbox/publish", timeout=30).json()
    new_script = answer["scriptUrl"]
    assert re.search(r"/plugin/v\d+/twikit\.js$", new_script) and not new_script.endswith("/v1/twikit.js")
    open_product(page, live)
    expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-script-url", new_script)
    assert page.evaluate("window.twikit.version") == answer["version"]
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    # The new product key became a draft for the merchant to price and publish: not on sale yet.
    with live.shop.app.app_context():
        draft = db.session.scalar(select(Product).where(Product.key == "wave-vase"))
        assert draft is not None and draft.published is False and draft.variants == []
    page.goto(live.shop.url + "/")
    expect(page.get_by_role("link", name=re.compile("Wave", re.I))).to_have_count(0)
