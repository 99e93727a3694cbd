"""Take the README's screenshots from a running demo: python scripts/screenshots.py [SHOP_URL] [shop] [admin].

Start the demo first (scripts/demo, or python -m sandboxes.demo --port PORT); the
Twikit sandbox, the Stripe sandbox and the mail catcher are found on the next
three ports, as the demo places them.

shop: walks one mixed order (two designs and a plain gift box, with express
shipping and the Stripe sandbox's demo promotion code) from the product page to
"shipped", as a customer, the producer and the merchant would, and photographs
each page on a laptop and on a phone: docs/screenshots/<page>.png and
<page>-phone.png, the two e-mails included.
admin: places three orders through the real pages (two paid with 4242, one whose
payment verification Twikit cannot reach, so it needs attention) and photographs the
back-office's order list, an order's page and the settings page at desktop and phone widths.
"""

import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from playwright.sync_api import expect, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LAPTOP = DESKTOP = {"width": 1200, "height": 820}
PHONE = {"width": 390, "height": 844}


def main(shop: str, parts: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        if "shop" in parts:
            shop_pages(browser, shop)
        if "admin" in parts:
            back_office(browser, shop)
        browser.close()


def both(page, name: str, full_page: bool = True) -> None:
    """The page as it is now on a laptop (name.png) and on a phone (name-phone.png)."""
    for viewport, suffix in ((LAPTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)
        page.screenshot(path=OUT / f"{name}{suffix}.png", full_page=full_page)
    page.set_viewport_size(LAPTOP)


def shop_pages(browser, shop: str) -> None:
    """One order from the product page to "shipped", each customer page on a laptop and a phone."""
    port = urlsplit(shop).port or 80
    host = urlsplit(shop).hostname
    twikit, mail = f"http://{host}:{port + 1}", f"http://{host}:{port + 3}"
    OUT.mkdir(parents=True, exist_ok=True)
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
    # A plain product beside the designs: no designer, just its variants.
    page.goto(f"{shop}/products/gift-box")
    page.screenshot(path=OUT / "plain-product.png")
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

    # Stripe's page: the shop's shipping rates, and the sandbox's demo promotion code.
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**/pay/cs_*")
    page.get_by_label("Express delivery").check()
    page.wait_for_load_state()
    page.get_by_label("Promotion code").fill(page.locator("[data-demo-promotion-code]").inner_text())
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-amount=discount]")).to_be_visible()
    page.screenshot(path=OUT / "payment.png", full_page=True)
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

    # The producer makes the designs and ships them, in the Twikit sandbox's back-office: part of the order is
    # on its way, and the gift box, which Twikit never saw, is still the merchant's to ship.
    producer = browser.new_page()
    producer.goto(f"{twikit}/orders/{identifier}")
    producer.get_by_label("Tracking / production URL").fill("https://producer.example/jobs/77")
    producer.get_by_role("button", name="Mark production complete").click()
    producer.get_by_label("Tracking URL").fill("https://track.example/1Z999AA10123456784")
    producer.get_by_label("Tracking ID").fill("1Z999AA10123456784")
    producer.get_by_role("button", name="Mark ready / shipped").click()
    expect(page.locator("[data-order-status]")).to_have_text("Partly shipped", timeout=60_000)
    both(page, "partly-shipped")

    # The merchant ships the gift box from the back-office, with their own tracking.
    merchant = browser.new_page(viewport=DESKTOP)
    log_in(merchant, shop)
    merchant.goto(f"{shop}/admin/orders/{identifier}")
    form = merchant.locator("[data-ship-form]")
    form.get_by_label("Tracking number").fill("MER-1042")
    form.get_by_label("Tracking link (https)").fill("https://post.example/MER-1042")
    form.get_by_role("button", name="Mark shipped and e-mail the customer").click()
    merchant.close()
    expect(page.locator("[data-order-status]")).to_have_text("Shipped", timeout=60_000)
    both(page, "status-shipped")

    # Both e-mails, as a mail program shows their HTML.
    for kind, subject in (("confirmation", f"Your order {identifier} is confirmed"),
                          ("shipped", f"Your order {identifier} has shipped")):
        for _ in range(60):
            messages = requests.get(f"{mail}/api/messages", timeout=10).json()["messages"]
            found = [m for m in messages if m["subject"] == subject]
            if found:
                break
            page.wait_for_timeout(1000)
        else:
            raise SystemExit(f"no {kind} e-mail for {identifier} in the mail catcher")
        page.set_content(found[0]["html"])
        both(page, f"mail-{kind}")


def buy(browser, shop: str, letter: str, first_name: str, last_name: str) -> str:
    """A customer's whole purchase of a letter pendant, paid with 4242; returns the order identifier."""
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{shop}/products/diamond-letter-pendant")
    expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready", timeout=20_000)
    page.get_by_label("Letter", exact=True).fill(letter)
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/cart")
    page.get_by_role("link", name="Checkout").click()
    billing = page.get_by_role("group", name="Billing address")
    for label, value in (("First name", first_name), ("Last name", last_name),
                         ("Email", f"{first_name.lower()}@example.com"), ("Address line 1", "Rue de la Loi 16"),
                         ("Postal code", "1000"), ("City", "Brussels"), ("Phone", "+32 470 12 34 56")):
        billing.get_by_label(label).fill(value)
    billing.get_by_label("Country").select_option("BE")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill(f"{first_name} {last_name}")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/orders/TW-.*"))
    identifier = re.search(r"/orders/(TW-[0-9A-Z-]+)", page.url).group(1)
    page.close()
    return identifier


def back_office(browser, shop: str) -> None:
    parts = urlsplit(shop)
    twikit = f"{parts.scheme}://{parts.hostname}:{parts.port + 1}"
    for letter, first_name, last_name in (("A", "Ada", "Lovelace"), ("G", "Grace", "Hopper")):
        wait_until_at_twikit(twikit, buy(browser, shop, letter, first_name, last_name))
    # Twikit cannot reach the verification webhook for the next order: it is created "unhealthy".
    settings = requests.get(f"{twikit}/api/sandbox/settings", timeout=10).json()
    requests.put(f"{twikit}/api/sandbox/settings", json={"PAYMENT_VERIFICATION_URL": f"{shop}/nowhere"}, timeout=10)
    try:
        identifier = buy(browser, shop, "K", "Katherine", "Johnson")
        page = browser.new_page(viewport=DESKTOP)
        log_in(page, shop)
        for _ in range(60):  # the worker submits within seconds
            page.goto(f"{shop}/admin/orders/{identifier}")
            if page.locator("[data-attempt]").count():
                break
            page.wait_for_timeout(500)
    finally:
        requests.put(f"{twikit}/api/sandbox/settings",
                     json={"PAYMENT_VERIFICATION_URL": settings["PAYMENT_VERIFICATION_URL"]}, timeout=10)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{shop}/admin/")
        page.screenshot(path=OUT / f"admin-orders-{name}.png", full_page=name == "phone")
        page.goto(f"{shop}/admin/orders/{identifier}")
        page.locator("[data-attempt] summary").first.click()
        page.screenshot(path=OUT / f"admin-order-{name}.png", full_page=True)
        page.goto(f"{shop}/admin/settings")
        page.screenshot(path=OUT / f"admin-settings-{name}.png", full_page=True)
    page.close()


def wait_until_at_twikit(twikit: str, identifier: str) -> None:
    """Poll (at most 30 s) until the demo's worker has submitted the order to the Twikit sandbox."""
    for _ in range(60):
        if requests.get(f"{twikit}/api/sandbox/orders/{identifier}", timeout=10).status_code == 200:
            return
        time.sleep(0.5)
    raise SystemExit(f"order {identifier} never reached the Twikit sandbox: is the demo's worker running?")


def log_in(page, shop: str) -> None:
    page.goto(f"{shop}/admin/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill("demo-admin-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000", sys.argv[2:] or ["shop", "admin"])
