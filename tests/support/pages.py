"""A customer's steps in Chromium, for the browser tests: open a product, add it to the cart, check out, pay.

Each takes Playwright's ``page`` and, where it starts from the shop, the ``live`` stack. The steps find
the shop's buttons and fields by what the customer reads, in English (``lang="en"``) or Dutch (``"nl"``).
"""

import re

from playwright.sync_api import expect

PENDANT = "/products/diamond-letter-pendant"
PENDANT_SUMMARY = "Letter M · Medium (20 mm) · Sterling silver"  # add_pendant_to_cart's design, in words

# Records what the plugin hands the page's callbacks, in window.pluginCalls, before the embed sees it:
# [callback name, is a jQuery object, is an array, is a NodeList, how many items]. It wraps the plugin's
# createContext as the script defines window.twikit. window.reshapeParameters, when a page sets it,
# turns the plugin's parameters into another shape first (a NodeList, one element...).
RECORD_PLUGIN_CALLS = """
  window.pluginCalls = [];
  let twikit;
  Object.defineProperty(window, 'twikit', {
    configurable: true,
    get: () => twikit,
    set: (value) => {
      const create = value.createContext;
      value.createContext = function (key, locale, target, options) {
        const wrapped = Object.assign({}, options);
        for (const name of ['parametersReady', 'variationChanged', 'loaded']) {
          if (typeof options[name] !== 'function') continue;
          wrapped[name] = (...args) => {
            let first = args[0];
            if (name === 'parametersReady' && window.reshapeParameters) first = window.reshapeParameters(first);
            window.pluginCalls.push([name, Boolean(first && first.jquery), Array.isArray(first),
                                     first instanceof NodeList, first && first.length]);
            return options[name](first, ...args.slice(1));
          };
        }
        return create.call(this, key, locale, target, wrapped);
      };
      twikit = value;
    },
  });
"""


def plugin_calls(page, name):
    """What the plugin handed to callback ``name``: [is jQuery, is an array, is a NodeList, length] per call."""
    return [call[1:] for call in page.evaluate("window.pluginCalls") if call[0] == name]

# The shop's own words the steps below click and fill, as the customer reads them.
WORDS = {
    "en": {"Add to cart": "Add to cart", "Checkout": "Checkout", "Continue to payment": "Continue to payment",
           "Billing address": "Billing address", "First name": "First name", "Last name": "Last name",
           "Email": "Email", "Address line 1": "Address line 1", "Postal code": "Postal code", "City": "City",
           "Country": "Country"},
    "nl": {"Add to cart": "In winkelwagen", "Checkout": "Afrekenen", "Continue to payment": "Verder naar betalen",
           "Billing address": "Factuuradres", "First name": "Voornaam", "Last name": "Achternaam",
           "Email": "E-mail", "Address line 1": "Adresregel 1", "Postal code": "Postcode", "City": "Plaats",
           "Country": "Land"},
}


def choose_language(page, live, lang):
    """Open the shop and press the language button in its header, as a customer would."""
    page.goto(live.shop.url + "/")
    page.get_by_role("button", name=lang.upper(), exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def open_product(page, live, path=PENDANT):
    page.goto(live.shop.url + path)
    expect(page.locator("[data-twikit-progress]")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("[data-twikit-product]")).to_have_attribute("data-twikit-status", "ready")
    return page


def add_pendant_to_cart(page, live, lang="en"):
    open_product(page, live)
    page.get_by_label("Letter", exact=True).fill("M")  # the designer's label: "Letter" in both languages
    page.get_by_role("button", name=WORDS[lang]["Add to cart"]).click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    return page.locator("[data-cart-line]").get_attribute("data-configuration-id")


def fill_address(page, lang="en"):
    words = WORDS[lang]
    billing = page.get_by_role("group", name=words["Billing address"])
    billing.get_by_label(words["First name"], exact=True).fill("Ada")
    billing.get_by_label(words["Last name"], exact=True).fill("Lovelace")
    billing.get_by_label(words["Email"], exact=True).fill("ada@example.com")
    billing.get_by_label(words["Address line 1"], exact=True).fill("Rue de la Loi 16")
    billing.get_by_label(words["Postal code"], exact=True).fill("1000")
    billing.get_by_label(words["City"], exact=True).fill("Brussels")
    billing.get_by_label(words["Country"], exact=True).select_option("BE")


def continue_to_payment(page, lang="en"):
    """From the cart: check out with a valid address, and land on Stripe's hosted page."""
    page.get_by_role("link", name=WORDS[lang]["Checkout"]).click()
    fill_address(page, lang)
    page.get_by_role("button", name=WORDS[lang]["Continue to payment"]).click()


def pay(page, card):
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def add_plain_product_to_cart(page, live, slug="gift-box", variant=None):
    """A plain product: no designer, just a variant and "Add to cart"."""
    page.goto(f"{live.shop.url}/products/{slug}")
    if variant:
        page.get_by_label(variant).check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))


def log_in_to_back_office(page, live, path="/admin/"):
    """Open a back-office page and log in through its form, as the merchant does."""
    page.goto(live.shop.url + path)
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill("demo-admin-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".admin-header")).to_be_visible()
    return page
