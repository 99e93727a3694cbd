"""Take the README's screenshots from a running demo: python scripts/screenshots.py [SHOP_URL]."""

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(shop: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 820})
        page.goto(shop)
        page.screenshot(path=OUT / "home.png")
        page.goto(f"{shop}/products/geo-lampshade")
        expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready", timeout=20_000)
        page.get_by_label("Twist").fill("70")
        page.wait_for_timeout(1500)
        page.screenshot(path=OUT / "product.png")
        page.get_by_role("button", name="Add to cart").click()
        page.goto(f"{shop}/products/diamond-letter-pendant")
        expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready", timeout=20_000)
        page.get_by_label("Material").select_option("gold")
        page.get_by_role("button", name="Add to cart").click()
        page.wait_for_url("**/cart")
        page.wait_for_timeout(500)
        page.screenshot(path=OUT / "cart.png")
        shop_checkout_and_pay(page)
        browser.close()


def shop_checkout_and_pay(page) -> None:
    """A gift box beside the designs; the checkout summary, then Stripe's page with a rate and the demo code."""
    shop = page.url.rsplit("/cart", 1)[0]
    page.goto(f"{shop}/products/gift-box")
    page.screenshot(path=OUT / "plain-product.png")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Checkout").click()
    billing = page.get_by_role("group", name="Billing address")
    for label, value in (("First name", "Ada"), ("Last name", "Lovelace"), ("Email", "ada@example.com"),
                         ("Address line 1", "Rue de la Loi 16"), ("Postal code", "1000"), ("City", "Brussels")):
        billing.get_by_label(label).fill(value)
    billing.get_by_label("Country").select_option("BE")
    page.screenshot(path=OUT / "checkout.png")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**/pay/cs_*")
    page.get_by_label("Express delivery").check()
    page.wait_for_load_state()
    page.get_by_label("Promotion code").fill(page.locator("[data-demo-promotion-code]").inner_text())
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-amount=discount]")).to_be_visible()
    page.screenshot(path=OUT / "payment.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
