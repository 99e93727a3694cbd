"""The back-office in Chromium: a merchant cancels and refunds a paid order, and every page fits a phone."""

import re

import pytest
from playwright.sync_api import expect

from ..support.factories import make_order
from ..support.pages import add_pendant_to_cart, continue_to_payment, log_in_to_back_office, pay

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_merchant_cancels_and_refunds_a_paid_order(page, live):
    add_pendant_to_cart(page, live)
    continue_to_payment(page)
    pay(page, "4242 4242 4242 4242")
    expect(page).to_have_url(re.compile(rf"^{live.shop.url}/orders/TW-"))
    identifier = re.search(r"/orders/(TW-[0-9A-Z-]+)", page.url).group(1)

    log_in_to_back_office(page, live)
    page.get_by_role("search").get_by_label("Search").fill(identifier)
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=identifier).click()
    expect(page.locator("[data-admin-status]")).to_have_text("Paid, queued for Twikit")
    page.locator("[data-action=cancel-refund] summary").click()
    page.get_by_label("Reason (kept in the order's log)").fill("Ordered twice by mistake")
    page.get_by_role("button", name="Cancel and refund", exact=True).click()
    expect(page.get_by_text("Cancelled and refunded in full through Stripe.")).to_be_visible()
    expect(page.locator("[data-admin-status]")).to_have_text("Cancelled")
    # The Stripe sandbox sends charge.refunded by itself; the shop records it on the order.
    for _ in range(40):
        page.reload()
        if "Stripe refunded" in page.locator("[data-event-log]").inner_text():
            break
        page.wait_for_timeout(250)
    expect(page.locator("[data-event-log]")).to_contain_text("Stripe refunded")
    expect(page.locator("[data-refunded]")).to_contain_text("€")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_back_office_pages_fit_the_screen(page, live, viewport):
    identifier = make_order(live.shop.app, identifier=None, status="needs_attention", submitted=False,
                            attention_reason="Twikit refused the order: 8 OrderPayloadValidationFailed: "
                                             "Required parameter missing: zip.")
    page.set_viewport_size(viewport)
    log_in_to_back_office(page, live)
    for path in ("/admin/", f"/admin/orders/{identifier}", "/admin/settings", "/admin/catalog", "/admin/webhooks",
                 "/admin/script"):
        page.goto(live.shop.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {viewport['width']}px screen"
    assert page.console_errors == []
