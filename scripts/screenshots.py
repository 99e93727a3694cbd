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
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
