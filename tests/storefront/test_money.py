"""Money in every currency: ISO 4217 minor units for prices, display and Stripe (JPY has none, KWD three)."""

import json

import pytest
from sqlalchemy import select

from storefront.checkout.shipping import load_shipping_rates, parse_shipping_rates
from storefront.extensions import db
from storefront.i18n import format_money
from storefront.models import Order
from storefront.money import minor_digits, parse_amount, to_major
from storefront.payments.stripe_amounts import check_chargeable, from_stripe, to_stripe

from ..support import stripe_events
from ..support.forms import BILLING_FORM, csrf_token_from


@pytest.mark.parametrize("currency, digits, text, amount", [
    ("EUR", 2, "49.00", 4900), ("EUR", 2, "49.5", 4950), ("EUR", 2, "0.01", 1),
    ("JPY", 0, "4900", 4900),
    ("KWD", 3, "12.340", 12340), ("KWD", 3, "0.005", 5),
])
def test_decimal_strings_become_integers_in_the_currencys_minor_unit(currency, digits, text, amount):
    assert minor_digits(currency) == digits
    assert parse_amount(text, currency) == amount
    assert to_major(amount, currency) == to_major(parse_amount(text, currency), currency)


@pytest.mark.parametrize("currency, text", [("JPY", "49.00"), ("JPY", "49.5"), ("EUR", "49.001"), ("KWD", "1.2345"),
                                            ("EUR", "-1.00"), ("EUR", "1e3"), ("EUR", " 49.00"), ("EUR", 49.0)])
def test_more_decimals_than_the_currency_has_or_anything_else_is_refused(currency, text):
    with pytest.raises(ValueError, match="is not an amount like"):
        parse_amount(text, currency)


@pytest.mark.parametrize("amount, currency, locale, shown", [
    (4900, "EUR", "en", "€49.00"), (4900, "EUR", "nl", "€ 49,00"),
    (4900, "JPY", "en", "JP¥4,900"), (4900, "JPY", "nl", "JP¥ 4.900"),  # 4,900 yen: never 49 yen
    (12340, "KWD", "en", "KWD12.340"), (12340, "KWD", "nl", "KWD 12,340"),
])
def test_amounts_are_shown_with_the_currencys_own_decimals(app, amount, currency, locale, shown):
    with app.test_request_context():
        assert format_money(amount, currency, locale).replace("\xa0", " ") == shown


@pytest.mark.parametrize("amount, currency, stripe_amount", [
    (4900, "EUR", 4900), (4900, "JPY", 4900), (12340, "KWD", 12340),
    # Stripe's documented special cases: ISK and HUF are sent "with two decimals".
    (500, "ISK", 50000), (500, "HUF", 50000),
])
def test_amounts_cross_to_stripe_in_stripes_minor_unit_and_back(amount, currency, stripe_amount):
    assert to_stripe(amount, currency) == stripe_amount
    assert from_stripe(stripe_amount, currency) == amount


def test_stripe_charges_three_decimal_currencies_only_in_tens():
    check_chargeable(12340, "KWD")
    check_chargeable(12345, "EUR")
    with pytest.raises(ValueError, match="whole tens"):
        check_chargeable(12345, "KWD")


# --- shipping rates files ------------------------------------------------------------------------

RATES = {"currency": "EUR", "zones": [
    {"name": "Benelux", "countries": ["BE", "NL"], "rates": [
        {"id": "std", "name": "Standard", "amount": "4.95", "free_from": "75.00", "delivery_days": [2, 4]}]},
    {"name": "World", "countries": "*", "rates": [{"id": "world", "name": "World", "amount": "19.95"}]}]}


def test_the_delivery_country_picks_the_zone_and_a_threshold_makes_a_rate_free():
    rates = parse_shipping_rates(RATES, "EUR")
    benelux = rates.zone_for("be")
    assert benelux.name == "Benelux" and rates.zone_for("US").name == "World"
    [standard] = benelux.rates
    assert (standard.amount_for(7499), standard.amount_for(7500), standard.delivery_days) == (495, 0, (2, 4))


def test_without_a_catch_all_zone_some_countries_are_not_served():
    rates = parse_shipping_rates({**RATES, "zones": RATES["zones"][:1]}, "EUR")
    assert rates.zone_for("US") is None


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(currency="USD"), "currency: 'USD' is not the shop's currency EUR"),
    (lambda r: r["zones"][0].update(countries=["BE", "XX"]), "zones[0].countries: 'XX' is not an ISO 3166"),
    (lambda r: r["zones"][0]["rates"][0].update(amount="4.955"), "zones[0].rates[0].amount"),
    (lambda r: r["zones"][0]["rates"][0].update(delivery_days=[4, 2]), "delivery_days"),
    (lambda r: r["zones"][1]["rates"][0].update(id="std"), "rate id 'std' appears twice"),
    (lambda r: r["zones"][0].update(rates=[r["zones"][0]["rates"][0]] * 6), "1 to 5 rates"),
    (lambda r: r["zones"][0]["rates"][0].update(translations={"fr": {"name": "Normal"}}),
     "zones[0].rates[0].translations: 'fr' is not one of the shop's other languages"),
    (lambda r: r["zones"][1].update(translations={"nl": {"name": ""}}), "zones[1].translations.nl.name: must be"),
])
def test_a_bad_rates_file_names_its_place(change, message):
    document = json.loads(json.dumps(RATES))
    change(document)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_shipping_rates(document, "EUR")


def test_the_demo_rates_file_loads():
    from storefront.config import DEMO_SHIPPING_RATES

    rates = load_shipping_rates(DEMO_SHIPPING_RATES, "EUR")
    assert [zone.name for zone in rates.zones] == ["Benelux", "European Union", "Rest of the world"]
    # The customer reads the zones and rates in their language; the file's own words are the default's.
    assert [zone.translated("name", "nl") for zone in rates.zones] == ["Benelux", "Europese Unie", "Rest van de wereld"]
    assert [rate.translated("name", "nl") for rate in rates.zones[0].rates] == ["Standaardlevering", "Expreslevering"]


# --- a JPY shop and a KWD shop, through the Stripe sandbox ---------------------------------------

SHOPS = {
    "JPY": {"price": "4900", "unit": 4900, "shown": "JP¥9,800"},
    "KWD": {"price": "12.340", "unit": 12340, "shown": "KWD24.680"},
}


@pytest.fixture(params=list(SHOPS))
def currency(request):
    return request.param


@pytest.fixture
def shop_overrides(stripe_sandbox, currency):
    return {"SHOP_CURRENCY": currency, "SHIPPING_RATES_FILE": None,  # the demo rates are in EUR
            "STRIPE_API_BASE": stripe_sandbox.url}


def test_a_zero_and_a_three_decimal_shop_charge_exactly_their_prices(app, client, stripe_sandbox, currency,
                                                                    tmp_path):
    from storefront.catalog.importer import import_catalog_file

    shop = SHOPS[currency]
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"products": [{"key": "gift-box", "name": "Gift Box", "customizable": False,
                                                 "variants": [{"sku": "BOX", "name": "Box", "price": shop["price"],
                                                               "currency": currency}]}]}))
    with app.app_context():
        import_catalog_file(catalog, currency)
    token = csrf_token_from(client.get("/products/gift-box").get_data(as_text=True))
    client.post("/cart/lines", data={"csrf_token": token, "product": "gift-box", "sku": "BOX", "quantity": "2"})
    assert shop["shown"] in client.get("/cart").get_data(as_text=True).replace("\xa0", "")
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.currency, order.total_cents) == (currency, 2 * shop["unit"])
        session = stripe_events.fetch_session(stripe_sandbox.url, order.stripe_session_id)
    # Stripe gets the minor unit as ISO 4217 counts it: a hard-coded x100 would charge 100 times too much.
    assert (session["currency"], session["amount_total"]) == (currency.lower(), 2 * shop["unit"])
