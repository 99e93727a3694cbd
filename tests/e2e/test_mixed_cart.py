"""A shop, not only a customiser, in Chromium: plain products beside designs, shipping, tax and codes, and who ships.

Twikit receives only the customised lines; a plain-only order never reaches it;
the merchant ships the plain part from the back-office.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from storefront.worker import Worker

from ..support.pages import (
    add_pendant_to_cart,
    add_plain_product_to_cart,
    fill_address,
    log_in_to_back_office,
    pay,
)
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.browser


def mails(live, identifier):
    messages = requests.get(f"{live.mail.url}/api/messages", timeout=10).json()["messages"]
    return sorted(m["subject"] for m in messages if identifier in m["subject"])


def test_a_mixed_cart_paid_with_a_shipping_rate_and_a_promotion_code_ships_in_two_parts(page, live):
    twikit = TwikitSandbox(live.twikit.url)
    twikit.settings(PAYMENT_VERIFICATION_URL=f"{live.shop.url}/webhooks/twikit/demo-webhook-token/payment-verification")
    configuration_id = add_pendant_to_cart(page, live)                     # €49.00, customised
    add_plain_product_to_cart(page, live, variant="Small (jewellery, keyrings)")  # €6.00, plain
    expect(page.locator("[data-cart-line]")).to_have_count(2)
    expect(page.locator("[data-plain-line=BOX-SMALL]")).to_contain_text("Gift Box")

    page.get_by_role("link", name="Checkout").click()
    summary = page.locator("[data-checkout-totals]")
    expect(summary).to_contain_text("Standard delivery")
    expect(summary).to_contain_text("2–4 business days")
    expect(page.locator("[data-summary-total]")).to_have_text("€59.95")
    fill_address(page)
    page.get_by_role("button", name="Continue to payment").click()

    # On Stripe's page: the express rate, then the demo promotion code printed on the page.
    expect(page).to_have_url(re.compile(rf"^{live.stripe.url}/pay/cs_"))
    expect(page.locator("[data-amount=total]")).to_have_text("€59.95")
    page.get_by_label(re.compile("Express delivery")).check()
    expect(page.locator("[data-amount=total]")).to_have_text("€64.95")
    code = page.locator("[data-demo-promotion-code]").inner_text()
    page.get_by_label("Promotion code").fill(code)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-amount=discount]")).to_have_text("−€5.50")  # 10 % off the items, not shipping
    expect(page.locator("[data-amount=total]")).to_have_text("€59.45")
    pay(page, "4242 4242 4242 4242")

    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    identifier = page.locator("[data-order-identifier]").inner_text()
    status_page = page.url
    expect(page.locator("[data-order-discount]")).to_have_text("−€5.50")
    expect(page.locator("[data-order-shipping]")).to_have_text("€9.95")
    expect(page.locator("[data-order-total]")).to_have_text("€59.45")

    # Twikit receives the order with only the customised line.
    Worker(live.shop.app).run(once=True)
    [order] = twikit.orders(identifier)
    assert [(i["configurationId"], i["amount"]) for i in order["items"]] == [(int(configuration_id), 1)]

    # The producer ships Twikit's part: the order is partly shipped, and the status page, left open, says by
    # itself what has left with which tracking and what is still to come.
    page.evaluate("window.stillTheSamePage = true")
    producer = page.context.new_page()
    producer.goto(f"{live.twikit.url}/orders/{identifier}")
    producer.get_by_label("Tracking URL").fill("https://track.example/TWK-1")
    producer.get_by_label("Tracking ID").fill("TWK-1")
    producer.get_by_role("button", name="Mark ready / shipped").click()
    expect(producer.get_by_text("order-completion").first).to_be_visible()
    expect(page.locator("[data-order-status]")).to_have_text("Partly shipped", timeout=15_000)
    expect(page.get_by_role("heading", name="Shipped so far")).to_be_visible()
    expect(page.locator("[data-not-shipped]")).to_contain_text("1 × Gift Box (Small (jewellery, keyrings))")
    expect(page.locator("[data-shipment]")).to_contain_text("1 × Diamond Letter Pendant (Sterling silver)")
    expect(page.locator("[data-shipment] [data-tracking-id]")).to_have_text("TWK-1")
    expect(page.get_by_role("link", name="Track your parcel")).to_have_attribute("href", "https://track.example/TWK-1")
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, never reloaded
    assert page.console_errors == []
    Worker(live.shop.app).run(once=True)
    assert mails(live, identifier) == [f"Part of your order {identifier} has shipped",
                                       f"Your order {identifier} is confirmed"]

    # The merchant ships the plain part from the back-office, with their own tracking.
    log_in_to_back_office(page, live)
    page.goto(f"{live.shop.url}/admin/orders/{identifier}")
    form = page.locator("[data-ship-form]")
    expect(form.get_by_label(re.compile("Gift Box"))).to_be_checked()
    form.get_by_label("Tracking number").fill("MER-77")
    form.get_by_label("Tracking link (https)").fill("https://post.example/MER-77")
    form.get_by_role("button", name="Mark shipped and e-mail the customer").click()
    expect(page.get_by_text("Marked 1 line(s) shipped; the customer gets an e-mail.")).to_be_visible()
    page.goto(status_page)
    expect(page.locator("[data-order-status]")).to_have_text("Shipped")
    expect(page.locator("[data-tracking-id]")).to_have_text(["TWK-1", "MER-77"])

    Worker(live.shop.app).run(once=True)  # the second shipping e-mail: now the whole order has shipped
    assert mails(live, identifier) == [f"Part of your order {identifier} has shipped",
                                       f"Your order {identifier} has shipped", f"Your order {identifier} is confirmed"]


def test_a_plain_only_order_never_reaches_twikit_and_the_merchant_ships_it(page, live):
    twikit = TwikitSandbox(live.twikit.url)
    add_plain_product_to_cart(page, live, variant="Large (lampshades)")
    page.get_by_role("link", name="Checkout").click()
    fill_address(page)
    page.get_by_role("button", name="Continue to payment").click()
    pay(page, "4242 4242 4242 4242")
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    identifier = page.locator("[data-order-identifier]").inner_text()
    status_page = page.url
    expect(page.get_by_text("Submitted for production")).to_have_count(0)  # its progress skips Twikit

    Worker(live.shop.app).run(once=True)
    assert twikit.orders(identifier) == [] and twikit.verification_calls(identifier) == []

    log_in_to_back_office(page, live)
    page.goto(f"{live.shop.url}/admin/orders/{identifier}")
    page.locator("[data-ship-form]").get_by_label("Tracking number").fill("MER-78")
    page.get_by_role("button", name="Mark shipped and e-mail the customer").click()
    page.goto(status_page)
    expect(page.locator("[data-order-status]")).to_have_text("Shipped")
    expect(page.locator("[data-tracking-id]")).to_have_text("MER-78")
    Worker(live.shop.app).run(once=True)
    assert mails(live, identifier) == [f"Your order {identifier} has shipped", f"Your order {identifier} is confirmed"]
