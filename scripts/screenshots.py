"""Take the README's screenshots from a running demo: python scripts/screenshots.py [SHOP_URL].

Start the demo first (scripts/demo, or python -m sandboxes.demo --port PORT); the
Twikit sandbox, the Stripe sandbox and the mail catcher are found on the next
three ports, as the demo places them. It walks one order from the product page
to "shipped", as a customer and the producer would, and photographs each page
on a laptop and on a phone: docs/screenshots/<page>.png and <page>-phone.png.
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests
from playwright.sync_api import expect, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LAPTOP = {"width": 1200, "height": 820}
PHONE = {"width": 390, "height": 844}


def both(page, name: str, full_page: bool = True) -> None:
    """The page as it is now on a laptop (name.png) and on a phone (name-phone.png)."""
    for viewport, suffix in ((LAPTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)
        page.screenshot(path=OUT / f"{name}{suffix}.png", full_page=full_page)
    page.set_viewport_size(LAPTOP)


def main(shop: str) -> None:
    port = urlsplit(shop).port or 80
    host = urlsplit(shop).hostname
    twikit, mail = f"http://{host}:{port + 1}", f"http://{host}:{port + 3}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport=LAPTOP, locale="en-GB")
        page.goto(shop)
        page.screenshot(path=OUT / "home.png")
        page.goto(f"{shop}/products/geo-lampshade")
        expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready", timeout=20_000)
        page.get_by_label("Twist").fill("70")
        page.wait_for_timeout(1500)
        page.screenshot(path=OUT / "product.png")
        page.get_by_role("button", name="Add to cart").click()
        page.wait_for_url("**/cart")
        page.goto(f"{shop}/products/diamond-letter-pendant")
        expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready", timeout=20_000)
        page.get_by_label("Letter", exact=True).fill("M")
        page.get_by_label("Material").select_option("gold")
        page.get_by_role("button", name="Add to cart").click()
        page.wait_for_url("**/cart")
        page.wait_for_timeout(500)
        both(page, "cart")

        page.get_by_role("link", name="Checkout").click()
        billing = page.get_by_role("group", name="Billing address")
        for label, value in (("First name", "Ada"), ("Last name", "Lovelace"), ("Email", "ada@example.com"),
                             ("Address line 1", "Rue de la Loi 16"), ("Postal code", "1000"), ("City", "Brussels")):
            billing.get_by_label(label, exact=True).fill(value)
        billing.get_by_label("Country", exact=True).select_option("BE")
        both(page, "checkout")

        page.get_by_role("button", name="Continue to payment").click()
        page.get_by_label("Card number").fill("4242 4242 4242 4242")
        page.get_by_label("Expiry (MM/YY)").fill("12/34")
        page.get_by_label("CVC").fill("123")
        page.get_by_label("Name on card").fill("Ada Lovelace")
        page.get_by_role("button", name="Pay ", exact=False).click()
        expect(page.locator("[data-order-status]")).to_have_text("Paid")
        identifier = page.locator("[data-order-identifier]").inner_text()
        # The demo's worker submits it within seconds; the page follows by itself.
        expect(page.locator("[data-order-status]")).to_have_text("Submitted for production", timeout=30_000)
        both(page, "status")

        # The producer makes it and ships it, in the Twikit sandbox's back-office.
        producer = browser.new_page()
        producer.goto(f"{twikit}/orders/{identifier}")
        producer.get_by_label("Tracking / production URL").fill("https://producer.example/jobs/77")
        producer.get_by_role("button", name="Mark production complete").click()
        producer.get_by_label("Tracking URL").fill("https://track.example/1Z999AA10123456784")
        producer.get_by_label("Tracking ID").fill("1Z999AA10123456784")
        producer.get_by_role("button", name="Mark ready / shipped").click()
        expect(page.locator("[data-order-status]")).to_have_text("Shipped", timeout=60_000)
        both(page, "status-shipped")

        # Both e-mails, as a mail program shows their HTML.
        for kind, words in (("confirmation", "is confirmed"), ("shipped", "has shipped")):
            for _ in range(60):
                messages = requests.get(f"{mail}/api/messages", timeout=10).json()["messages"]
                found = [m for m in messages if identifier in m["subject"] and words in m["subject"]]
                if found:
                    break
                page.wait_for_timeout(1000)
            else:
                raise SystemExit(f"no {kind} e-mail for {identifier} in the mail catcher")
            page.set_content(found[0]["html"])
            both(page, f"mail-{kind}")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
