"""The checkout form: the spec's address fields, their labels, and bad input that loses nothing."""

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import CartLine, Order

from ..support.factories import add_to_cart
from ..support.forms import BILLING_FORM, csrf_token_from

LABELS = ["First name", "Last name", "Email", "Address line 1", "Address line 2", "Postal code", "City",
          "Country", "Company name", "VAT number", "Phone"]


def test_an_empty_cart_cannot_check_out(client, demo_catalog):
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


def test_the_form_has_every_address_field_with_its_label(client, demo_catalog):
    add_to_cart(client)
    page = client.get("/checkout").get_data(as_text=True)
    for prefix in ("billing", "delivery"):
        for label in LABELS:
            assert f'>{label}</label>' in page, label
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
