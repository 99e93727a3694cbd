"""From product to paid in Chromium: the shop, the Twikit sandbox and the Stripe sandbox on real ports."""

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, StripeEvent

from ..support.pages import PENDANT_SUMMARY, add_pendant_to_cart, continue_to_payment, fill_address, pay

pytestmark = pytest.mark.browser


def test_from_product_to_paid(page, live):
    configuration_id = add_pendant_to_cart(page, live)
    page.get_by_role("link", name="Checkout").click()
    fill_address(page)
    page.get_by_label("Deliver to a different address").check()
    delivery = page.get_by_role("group", name="Delivery address")
    expect(delivery.get_by_label("First name")).to_be_visible()
    page.get_by_label("Deliver to a different address").uncheck()
    expect(delivery).to_be_hidden()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page).to_have_url(re.compile(rf"^{live.stripe.url}/pay/cs_"))
    expect(page.get_by_text("Sandbox: no real money").first).to_be_visible()
    expect(page.get_by_text(PENDANT_SUMMARY)).to_be_visible()  # Stripe shows the choices under the product
    pay(page, "4242 4242 4242 4242")

    expect(page).to_have_url(re.compile(rf"^{live.shop.url}/orders/TW-"))
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    line = page.locator(".order-line")
    expect(line.locator("[data-design-summary]")).to_have_text(PENDANT_SUMMARY)
    expect(line.locator("img.cart-line-preview")).to_have_attribute(
        "src", f"{live.twikit.url}/previews/{configuration_id}.png")
    expect(line).not_to_contain_text(configuration_id)  # the configuration ID is the back-office's
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    status_url = page.url
    page.goto(live.shop.url + "/cart")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    page.goto(status_url)  # the stable link keeps working
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    assert wait_for_stripe_event(page, live, status_url.split("/")[-2]) == "checkout.session.completed"


def wait_for_stripe_event(page, live, identifier, timeout_ms=10_000):
    """The sandbox's signed webhook reaches the shop too (whichever of it and the success page came first)."""
    with live.shop.app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        for _ in range(timeout_ms // 100):
            event = db.session.scalar(select(StripeEvent).where(StripeEvent.session_id == order.stripe_session_id))
            if event:
                return event.type
            db.session.rollback()
            page.wait_for_timeout(100)
    return None


def test_a_declined_card_leaves_the_order_unpaid_and_the_cart_intact(page, live):
    configuration_id = add_pendant_to_cart(page, live)
    continue_to_payment(page)
    pay(page, "4000 0000 0000 0002")
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    page.get_by_role("link", name="← Back").click()
    expect(page).to_have_url(re.compile(rf"^{live.shop.url}/cart$"))
    expect(page.locator("[data-cart-line]")).to_have_attribute("data-configuration-id", configuration_id)
    expect(page.get_by_text("Payment cancelled. Your cart is just as you left it.")).to_be_visible()


def test_bad_addresses_are_shown_next_to_their_fields(page, live):
    add_pendant_to_cart(page, live)
    page.get_by_role("link", name="Checkout").click()
    billing = page.get_by_role("group", name="Billing address")
    billing.get_by_label("First name").fill("Ada")
    billing.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator("#billing-last_name-error")).to_have_text("This field is required.")
    expect(page.locator("#billing-email-error")).to_contain_text("Enter an email address")
    expect(billing.get_by_label("First name")).to_have_value("Ada")
    expect(billing.get_by_label("Email")).to_have_value("not an email")


def test_from_product_to_submitted_for_production(page, live):
    from storefront.worker import Worker

    from ..support.twikit_sandbox import TwikitSandbox

    twikit = TwikitSandbox(live.twikit.url)
    twikit.settings(PAYMENT_VERIFICATION_URL=f"{live.shop.url}/webhooks/twikit/demo-webhook-token/payment-verification")
    configuration_id = add_pendant_to_cart(page, live)
    continue_to_payment(page)
    pay(page, "4242 4242 4242 4242")
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    identifier = page.locator("[data-order-identifier]").inner_text()

    Worker(live.shop.app).run(once=True)  # the worker process, as the Procfile runs it

    page.reload()
    expect(page.locator("[data-order-status]")).to_have_text("Submitted for production")
    [order] = twikit.orders(identifier)
    assert [item["configurationId"] for item in order["items"]] == [int(configuration_id)]
    [call] = twikit.verification_calls(identifier)  # Twikit asked our shop, and our shop said yes
    assert call["request"] == {"configurationIds": [int(configuration_id)], "identifier": identifier}
    assert (call["httpStatus"], json.loads(call["responseBody"])) == (200, {"success": True, "error": ""})
