"""The customise -> cart path in Chromium, against the shop and the Twikit sandbox on real ports (spec steps 1-9)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from storefront.extensions import db
from storefront.models import Variant

from ..support.factories import import_demo_catalog
from ..support.pages import (
    PENDANT,
    PENDANT_SUMMARY,
    RECORD_PLUGIN_CALLS,
    add_pendant_to_cart,
    open_product,
    plugin_calls,
)
from ..support.shop import ROOT

pytestmark = pytest.mark.browser

JQUERY = ROOT / "sandboxes" / "twikit" / "static" / "vendor" / "jquery-3.6.1.min.js"


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


def test_add_to_cart_saves_the_design_and_shows_its_preview_name_and_choices(page, live):
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
    preview = line.locator("img.cart-line-preview")
    expect(preview).to_have_attribute("src", re.compile(rf"^{live.twikit.url}/previews/{configuration_id}\.png$"))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    assert preview.bounding_box()["width"] >= 180  # large enough to see the letter
    # The variant by the name the designer used too, and the choices in words; no numbers.
    expect(line.locator("[data-variant-name]")).to_have_text("Gold-plated")
    expect(line.locator("[data-design-summary]")).to_have_text("Letter Q · Medium (20 mm) · Gold-plated")
    expect(line).not_to_contain_text(configuration_id)
    expect(line).not_to_contain_text("DLJ-GOLD")
    expect(page.locator("[data-cart-total]")).to_have_text("€178.00")
    expect(page.locator("[data-cart-count]")).to_have_text("2")


def test_without_a_variation_changed_the_default_variant_goes_to_the_cart(page, live):
    page.add_init_script(RECORD_PLUGIN_CALLS)
    open_product(page, live, "/products/name-keyring")
    # The plugin promises variationChanged on a change only; the page starts from the catalog's default.
    assert plugin_calls(page, "variationChanged") == []
    expect(page.locator("[data-twikit-price]")).to_have_text("€14.95")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    line = page.locator("[data-cart-line]")
    expect(line.locator("[data-variant-name]")).to_have_text("Standard (18 mm high)")
    expect(line.locator("[data-design-summary]")).to_have_text(
        "Name Twikit · Ocean blue · Thickness 3 mm · Standard (18 mm high)")
    expect(page.locator("[data-cart-total]")).to_have_text("€14.95")


@pytest.mark.parametrize("shape, reshape", [
    ("an array", None),  # what the sandbox hands over without jQuery on the page
    ("a NodeList", "(items) => { const box = document.createElement('div'); box.append(...items);"
                   " return box.childNodes; }"),
    ("one element", "(items) => { const box = document.createElement('div'); box.append(...items); return box; }"),
])
def test_parameters_handed_over_in_any_shape_are_shown_and_summarised(page, live, shape, reshape):
    page.add_init_script(RECORD_PLUGIN_CALLS + (f"window.reshapeParameters = {reshape};" if reshape else ""))
    open_product(page, live)
    [call] = plugin_calls(page, "parametersReady")
    assert call == {"an array": [False, True, False, 3], "a NodeList": [False, False, True, 3],
                    "one element": [False, False, False, None]}[shape]
    expect(page.locator("[data-twikit-parameters] [data-twikit-parameter]")).to_have_count(3)
    page.get_by_label("Letter", exact=True).fill("M")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-design-summary]")).to_have_text(PENDANT_SUMMARY)


def test_with_jquery_on_the_page_the_plugin_hands_over_a_jquery_object(page, live):
    """A shop theme with jQuery: the real one, vendored in the sandbox, as if the page's <head> loaded it.

    jQuery cannot start before the document has its elements, so it runs when parsing ends
    ("interactive"), which is before the page's own module scripts run.
    """
    page.add_init_script("document.addEventListener('readystatechange', function jquery() {"
                         " if (document.readyState !== 'interactive') return;"
                         " document.removeEventListener('readystatechange', jquery);\n"
                         f"{JQUERY.read_text()}\n}});")
    page.add_init_script(RECORD_PLUGIN_CALLS)
    open_product(page, live)
    assert page.evaluate("window.jQuery.fn.jquery") == "3.6.1"
    assert plugin_calls(page, "parametersReady") == [[True, False, False, 3]]
    expect(page.locator("[data-twikit-parameters] [data-twikit-parameter]")).to_have_count(3)
    page.get_by_label("Letter", exact=True).fill("M")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-design-summary]")).to_have_text(PENDANT_SUMMARY)
    assert page.console_errors == []


def test_an_invalid_value_in_the_designer_makes_add_to_cart_say_so_and_wait(page, live):
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" and "/configurations" in r.url else None)
    open_product(page, live)
    letter = page.get_by_label("Letter", exact=True)
    letter.fill("7")  # the plugin refuses a digit and keeps drawing the last valid letter, "A"
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-twikit-message]")).to_have_text(
        "Your design has a choice that cannot be made yet. Please correct it first. Not possible. One letter, A to Z.")
    expect(letter).to_be_focused()
    page.wait_for_timeout(300)
    assert saves == [] and page.url.endswith(PENDANT)  # nothing saved that the customer does not see
    letter.fill("M")
    expect(page.locator("[data-twikit-message]")).to_have_text("")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-design-summary]")).to_have_text(PENDANT_SUMMARY)
    assert len(saves) == 1


def test_a_name_with_accents_and_a_hyphen_goes_to_the_cart_as_typed(page, live):
    open_product(page, live, "/products/name-keyring")
    page.get_by_label("Name", exact=True).fill("Anne-Zoë")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-design-summary]")).to_have_text(
        "Name Anne-Zoë · Ocean blue · Thickness 3 mm · Standard (18 mm high)")


def test_the_design_summary_is_shown_in_the_checkout_summary(page, live):
    add_pendant_to_cart(page, live)
    page.get_by_role("link", name="Checkout").click()
    summary = page.locator(".order-summary")
    expect(summary.locator("[data-design-summary]")).to_have_text(PENDANT_SUMMARY)
    expect(summary.locator("img")).to_have_attribute("width", "96")


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
