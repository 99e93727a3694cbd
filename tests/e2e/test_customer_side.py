"""After paying, in Chromium, in English and in Dutch: the status page moves by itself, and the confirmation arrives.

What the customer reads is what is checked: the status page's words as the
order goes from paid to submitted (without a reload), and the confirmation
e-mail as the demo's mail catcher shows it.
"""

import re

import pytest
from playwright.sync_api import expect

from storefront.worker import Worker

from ..support.pages import add_pendant_to_cart, choose_language, continue_to_payment, pay

pytestmark = pytest.mark.browser

READS = {
    "en": {"paid": "Paid", "submitted": "Submitted for production", "heading": "Thank you!",
           "message": "Your design is being made. We will e-mail you when your order ships.",
           "subject": "Your order {} is confirmed", "hello": "Hello Ada,", "line": "1 × Diamond Letter Pendant",
           "variant": "Sterling silver", "shipping": "Shipping (Standard delivery): €4.95",
           "total": "Total: €53.95", "country": "Belgium",
           "status link": "See your order's status page"},
    "nl": {"paid": "Betaald", "submitted": "In productie gegeven", "heading": "Bedankt!",
           "message": "Je ontwerp wordt gemaakt. We mailen je zodra je bestelling verzonden is.",
           "subject": "Je bestelling {} is bevestigd", "hello": "Hallo Ada,", "line": "1 × Diamanten letterhanger",
           "variant": "Sterling zilver", "shipping": "Verzending (Standaardlevering): €\xa04,95",
           "total": "Totaal: €\xa053,95", "country": "België",
           "status link": "Bekijk de statuspagina van je bestelling"},
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_status_page_moves_by_itself_and_the_confirmation_arrives(page, live, lang):
    reads = READS[lang]
    choose_language(page, live, lang)
    add_pendant_to_cart(page, live, lang)
    continue_to_payment(page, lang)
    pay(page, "4242 4242 4242 4242")
    expect(page.locator("[data-order-status]")).to_have_text(reads["paid"])
    expect(page.locator("[data-order-heading]")).to_have_text(reads["heading"])
    identifier = page.locator("[data-order-identifier]").inner_text()

    # The worker submits the order and sends the confirmation, while the page stays open.
    page.evaluate("window.stillTheSamePage = true")
    Worker(live.shop.app).run(once=True)
    expect(page.locator("[data-order-status]")).to_have_text(reads["submitted"], timeout=15_000)
    expect(page.locator("[data-order-message]")).to_have_text(reads["message"])
    expect(page.locator('[data-step="submitted"]')).to_have_class(re.compile(r"\bis-done\b"))
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, never reloaded
    assert page.console_errors == []

    # The confirmation e-mail, as the mail catcher shows it.
    page.goto(live.mail.url + "/")
    page.get_by_role("link", name=reads["subject"].format(identifier)).click()
    text = page.locator("pre").inner_text()
    # The demo charges shipping (its rates file), so the totals add it, as Stripe charged it.
    for words in (reads["hello"], identifier, reads["line"], reads["variant"], reads["shipping"], reads["total"],
                  reads["country"]):
        assert words in text
    html = page.frame_locator("iframe[title='HTML part']")
    expect(html.get_by_text(reads["line"])).to_be_visible()
    status_link = html.get_by_role("link", name=reads["status link"])
    expect(status_link).to_have_attribute("href", re.compile(rf"/orders/{identifier}/[^?]+\?lang={lang}$"))


def test_checkout_reads_well_on_a_laptop_and_a_phone(page, live):
    add_pendant_to_cart(page, live)
    page.get_by_role("link", name="Checkout").click()
    summary = page.locator(".order-summary").bounding_box()
    form = page.locator(".checkout-form").bounding_box()
    assert summary["x"] > form["x"] + form["width"] - 1  # beside the form
    # Each row's controls line up: the country list and "Company name (optional)" start at one height.
    country, company = (page.locator(f"#billing-{name}").bounding_box() for name in ("country_iso", "company_name"))
    assert abs(country["y"] - company["y"]) < 1 and abs(country["height"] - company["height"]) < 2
    label, optional = (page.locator(selector).bounding_box()
                       for selector in ("label[for=billing-phone]", "label[for=billing-phone] .optional"))
    assert optional["y"] + optional["height"] <= label["y"] + label["height"] + 1  # on the label's line
    assert label["height"] < 30

    page.set_viewport_size({"width": 390, "height": 844})
    summary = page.locator(".order-summary").bounding_box()
    pay_button = page.get_by_role("button", name="Continue to payment").bounding_box()
    assert summary["y"] + summary["height"] < pay_button["y"]  # the order comes before the pay button
