"""The checkout form: the spec's address fields, their labels, and bad input that loses nothing."""

import re

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import CartLine, Order

from ..support.factories import add_to_cart
from ..support.forms import BILLING_FORM, csrf_token_from

LABELS = ["First name", "Last name", "Email", "Address line 1", "Address line 2", "Postal code", "City",
          "Country", "Company name", "VAT number", "Phone"]
OPTIONAL = ["Address line 2", "Company name", "VAT number", "Phone"]


def test_an_empty_cart_cannot_check_out(client, demo_catalog):
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


def test_the_form_has_every_address_field_with_its_label(client, demo_catalog):
    add_to_cart(client)
    page = client.get("/checkout").get_data(as_text=True)
    for prefix in ("billing", "delivery"):
        for label in LABELS:
            # "(optional)" is part of the label, so it stays on the label's line and is read with it.
            optional = ' <span class="optional">(optional)</span>' if label in OPTIONAL else ""
            assert re.search(rf'<label for="{prefix}-\w+">{label}{re.escape(optional)}</label>', page), label
        assert f'id="{prefix}-country_iso"' in page
    assert "<legend>Delivery address</legend>" in page
    assert "Deliver to a different address</label>" in page
    assert ">Continue to payment</button>" in page
    assert '<option value="BE">Belgium</option>' in page


def test_bad_input_re_renders_with_messages_and_keeps_everything(app, client, demo_catalog):
    add_to_cart(client, configuration_id="42")
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={
        "csrf_token": token, "billing-first_name": "Ada", "billing-last_name": "",
        "billing-email": "not-an-email", "billing-address_line1": "Rue de la Loi 16",
        "billing-zip": "1000", "billing-city": "Brussels", "billing-country_iso": "XX",
        "billing-phone": "call me",
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="billing-last_name-error">This field is required.' in page
    assert "Enter an email address like name@example.com." in page
    assert 'id="billing-country_iso-error">Not a valid choice.' in page
    assert "Enter a phone number" in page
    assert 'value="Ada"' in page and 'value="Rue de la Loi 16"' in page and 'value="not-an-email"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        assert db.session.scalar(select(func.count()).select_from(CartLine)) == 1


def test_a_different_delivery_address_is_validated_only_when_asked_for(client, demo_catalog):
    add_to_cart(client)
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM, "different_delivery": "y"})
    assert response.status_code == 400
    assert 'id="delivery-first_name-error"' in response.get_data(as_text=True)


# Twikit's IOrderAddress requires these (sandboxes/twikit/payloads.py ADDRESS_REQUIRED, as the spec marks the
# others optional); Twikit refuses a blank one with code 8, but only after the customer has paid.
TWIKIT_REQUIRED = ["first_name", "last_name", "email", "address_line1", "zip", "city", "country_iso"]


@pytest.mark.parametrize("prefix", ["billing", "delivery"])
@pytest.mark.parametrize("blank", ["   ", "\t \u00a0 "])
def test_every_field_twikit_requires_is_stripped_then_required(app, client, demo_catalog, prefix, blank):
    add_to_cart(client)
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    delivery = {key.replace("billing-", "delivery-"): value for key, value in BILLING_FORM.items()}
    blanks = {f"{prefix}-{field}": blank for field in TWIKIT_REQUIRED}
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM, **delivery,
                                              "different_delivery": "y", **blanks})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in TWIKIT_REQUIRED:
        assert f'id="{prefix}-{field}-error">' in page, field
    other = "delivery" if prefix == "billing" else "billing"
    assert f'id="{other}-first_name-error"' not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_spaces_around_answers_are_not_kept(app, client, demo_catalog, stripe_sandbox):
    app.config["STRIPE_API_BASE"] = stripe_sandbox.url
    add_to_cart(client)
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    padded = {key: f"  {value} " for key, value in BILLING_FORM.items()}
    response = client.post("/checkout", data={"csrf_token": token, **padded})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.billing_address["first_name"] == "Ada" and order.billing_address["country_iso"] == "BE"
        assert order.email == "ada@example.com"


def test_a_country_no_shipping_zone_covers_is_refused_before_payment(app, client, demo_catalog, tmp_path):
    rates = tmp_path / "rates.json"
    rates.write_text('{"currency": "EUR", "zones": [{"name": "Benelux", "countries": ["BE", "NL", "LU"], '
                     '"rates": [{"id": "std", "name": "Standard", "amount": "4.95"}]}]}')
    from storefront.checkout.shipping import load_shipping_rates

    app.config["SHIPPING_RATES"] = load_shipping_rates(rates, "EUR")
    add_to_cart(client)
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    response = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM, "billing-country_iso": "US"})
    assert response.status_code == 400
    assert 'id="billing-country_iso-error">We do not deliver to this country.' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_the_summary_shows_shipping_with_delivery_times_tax_codes_and_terms(app, client, demo_catalog):
    app.config["TERMS_URL"] = "https://shop.example/terms"
    add_to_cart(client)  # one pendant, €49.00: below the Benelux free-shipping threshold of €75.00
    page = client.get("/checkout").get_data(as_text=True)
    assert 'data-shipping-offer="benelux-standard"' in page and "Standard delivery" in page
    assert "2–4 business days" in page and "€4.95" in page and "Free from €75.00" in page
    assert "Express delivery" in page and "€9.95" in page
    assert "Delivery to Benelux; you choose the rate on the payment page." in page
    assert "Included in the prices" in page and "Enter it on the payment page" in page
    assert 'data-summary-total>€53.95<' in page
    assert 'href="https://shop.example/terms"' in page


def test_only_fields_with_an_error_point_at_it(client, demo_catalog):
    add_to_cart(client)
    page = client.get("/checkout").get_data(as_text=True)
    assert "aria-describedby" not in page and "None" not in page
    token = csrf_token_from(page)
    page = client.post("/checkout", data={"csrf_token": token, **BILLING_FORM, "billing-city": ""}).get_data(
        as_text=True)
    assert re.findall(r'aria-describedby="([^"]+)"', page) == ["billing-city-error"]
    assert 'id="billing-city-error"' in page and "None" not in page


def test_in_dutch_the_form_its_messages_and_the_countries_are_dutch(client, demo_catalog):
    add_to_cart(client)
    page = client.get("/checkout?lang=nl").get_data(as_text=True)
    assert '>Postcode</label>' in page and '>Telefoon <span class="optional">(optioneel)</span></label>' in page
    assert '<option value="BE">België</option>' in page and '<option value="DE">Duitsland</option>' in page
    countries = re.findall(r'<option value="[A-Z]{2}">([^<]+)</option>', page.split('id="billing-country_iso"')[1]
                           .split("</select>")[0])
    # By their Dutch names, as people look for them: Åland with the A's, Réunion with the R's.
    assert countries.index("Åland") < countries.index("Albanië") < countries.index("België")
    assert countries.index("Qatar") < countries.index("Réunion") < countries.index("Roemenië")
    assert "1 × Diamanten letterhanger<br><small>Sterling zilver</small>" in page  # the catalog's Dutch texts
    token = csrf_token_from(page)
    page = client.post("/checkout?lang=nl", data={"csrf_token": token, **BILLING_FORM, "billing-zip": "!",
                                                  "billing-last_name": ""}).get_data(
        as_text=True)
    assert "Verbeter de gemarkeerde velden hieronder." in page
    assert 'id="billing-last_name-error">Dit veld is verplicht.' in page
    assert "Gebruik letters, cijfers, spaties en streepjes." in page
