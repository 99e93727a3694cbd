"""The customise -> cart path in Chromium, against the shop and the Twikit sandbox on real ports (spec steps 1-9)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from storefront.extensions import db
from storefront.models import Variant

from ..support.factories import import_demo_catalog
from ..support.pages import PENDANT, open_product

pytestmark = pytest.mark.browser


def test_the_product_loads_the_plugin_and_progress_reaches_ready(page, live):
    seen = []
    page.expose_function("recordProgress", lambda value: seen.append(int(value)))
    page.add_init_script("""
        new MutationObserver((records) => records.forEach(
          (r) => window.recordProgress(r.target.getAttribute('aria-valuenow'))))
          .observe(document, {subtree: true, attributeFilter: ['aria-valuenow']});
    """)
    open_product(page, live)
    assert any(0 < value < 100 for value in seen), f"no intermediate progress in {seen}"
    expect(page.locator("[data-twikit-spinner]")).to_be_hidden()
    expect(page.locator("[data-twikit-parameters] [data-twikit-parameter=letter]")).to_be_visible()
    expect(page.locator("[data-twikit-viewer] canvas")).to_be_visible()
    expect(page.locator("[data-twikit-price]")).to_have_text("€49.00")
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    assert page.console_errors == []


def test_changing_a_parameter_shows_the_shops_price_for_the_new_variation(page, live):
    open_product(page, live)
    page.get_by_label("Material").select_option("gold")
    expect(page.locator("[data-twikit-price]")).to_have_text("€89.00")  # the shop's price; Twikit says 89 too
    expect(page.locator("[data-twikit-variant-name]")).to_have_text("Gold-plated")
    page.get_by_label("Material").select_option("silver")
    expect(page.locator("[data-twikit-price]")).to_have_text("€49.00")


def test_add_to_cart_saves_the_design_and_shows_its_preview_and_configuration_id(page, live):
    open_product(page, live)
    page.get_by_label("Letter", exact=True).fill("Q")
    page.get_by_label("Material").select_option("gold")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    line = page.locator("[data-cart-line]")
    expect(line).to_have_count(1)
    configuration_id = line.get_attribute("data-configuration-id")
    assert configuration_id.isdigit() and int(configuration_id) > 0
    expect(line.locator("[data-configuration-id]")).to_have_text(configuration_id)
    preview = line.locator("img.cart-line-preview")
    expect(preview).to_have_attribute("src", re.compile(rf"^{live.twikit.url}/previews/{configuration_id}\.png$"))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    expect(line).to_contain_text("Gold-plated")
    expect(page.locator("[data-cart-total]")).to_have_text("€178.00")
    expect(page.locator("[data-cart-count]")).to_have_text("2")


def test_a_double_click_saves_once_and_adds_one_line(page, live):
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" and "/configurations" in r.url else None)
    open_product(page, live)
    page.get_by_role("button", name="Add to cart").dblclick()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator("[data-cart-line]")).to_have_count(1)
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    assert len(saves) == 1


def test_a_failed_save_tells_the_customer_and_allows_a_retry(page, live):
    open_product(page, live)
    page.route("**/api/plugin/configurations", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"error": "the sandbox is down for maintenance"}'))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-twikit-message]")).to_contain_text("Your design could not be saved:")
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    assert page.url.endswith(PENDANT)


def test_an_unknown_sku_disables_add_to_cart(page, live):
    with live.shop.app.app_context():
        db.session.execute(delete(Variant).where(Variant.sku == "DLJ-GOLD"))
        db.session.commit()
    try:
        open_product(page, live)
        page.get_by_label("Material").select_option("gold")
        expect(page.locator("[data-twikit-message]")).to_have_text(
            "This variation is not sold in this shop. Please choose another option.")
        expect(page.get_by_role("button", name="Add to cart")).to_be_disabled()
        page.get_by_label("Material").select_option("silver")
        expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    finally:
        import_demo_catalog(live.shop.app)


def test_without_canvas_the_customer_sees_a_fallback_and_no_add_to_cart(page, live):
    page.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
    page.goto(live.shop.url + PENDANT)
    expect(page.locator("[data-twikit-fallback]")).to_have_text(re.compile("cannot show the 3D designer"))
    expect(page.get_by_role("button", name="Add to cart")).to_be_hidden()
    expect(page.locator("[data-twikit-parameters] [data-twikit-parameter]")).to_have_count(0)
    expect(page.locator("[data-twikit-viewer] canvas")).to_have_count(0)


def test_the_spec_examples_initialize_is_used_when_create_context_is_absent(page, live):
    page.add_init_script("""
        let twikit;
        Object.defineProperty(window, 'twikit', {
          configurable: true,
          get: () => twikit,
          set: (value) => { window.createContextRemoved = delete value.createContext; twikit = value; },
        });
    """)
    open_product(page, live)
    assert page.evaluate("window.createContextRemoved && typeof window.twikit.createContext") == "undefined"
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()


def test_switching_to_dutch_reaches_the_plugin(page, live):
    open_product(page, live)
    expect(page.get_by_label("Material")).to_be_visible()
    page.get_by_role("button", name="NL", exact=True).click()
    open_product(page, live)
    expect(page.get_by_label("Materiaal")).to_be_visible()
    expect(page.get_by_role("button", name="In winkelwagen")).to_be_visible()
    expect(page.locator("[data-twikit-price]")).to_have_text("€\u00a049,00")
    page.get_by_role("button", name="EN", exact=True).click()
    open_product(page, live)
    expect(page.get_by_label("Material")).to_be_visible()


def test_every_product_page_renders_without_errors(page, live):
    for path in (PENDANT, "/products/name-keyring", "/products/geo-lampshade"):
        open_product(page, live, path)
        expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()
    assert page.console_errors == []
