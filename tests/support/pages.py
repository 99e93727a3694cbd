"""A customer's steps in Chromium, for the browser tests: open a product, add it to the cart, check out, pay.

Each takes Playwright's ``page`` and, where it starts from the shop, the ``live`` stack.
"""

import re

from playwright.sync_api import expect

PENDANT = "/products/diamond-letter-pendant"


def open_product(page, live, path=PENDANT):
    page.goto(live.shop.url + path)
    expect(page.locator("[data-twikit-progress]")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready")
    return page


def add_pendant_to_cart(page, live):
    open_product(page, live)
    page.get_by_label("Letter", exact=True).fill("M")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    return page.locator("[data-cart-line]").get_attribute("data-configuration-id")


def fill_address(page):
    billing = page.get_by_role("group", name="Billing address")
    billing.get_by_label("First name").fill("Ada")
    billing.get_by_label("Last name").fill("Lovelace")
    billing.get_by_label("Email").fill("ada@example.com")
    billing.get_by_label("Address line 1").fill("Rue de la Loi 16")
    billing.get_by_label("Postal code").fill("1000")
    billing.get_by_label("City").fill("Brussels")
    billing.get_by_label("Country").select_option("BE")


def continue_to_payment(page):
    """From the cart: check out with a valid address, and land on Stripe's hosted page."""
    page.get_by_role("link", name="Checkout").click()
    fill_address(page)
    page.get_by_role("button", name="Continue to payment").click()


def pay(page, card):
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def log_in_to_back_office(page, live, path="/admin/"):
    """Open a back-office page and log in through its form, as the merchant does."""
    page.goto(live.shop.url + path)
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill("demo-admin-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".admin-header")).to_be_visible()
    return page
