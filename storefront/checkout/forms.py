"""The checkout form: the spec's IOrderAddress fields, for billing and (optionally) delivery."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Form, FormField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with their English names, sorted by name."""
    countries = sorted(pycountry.countries, key=lambda c: getattr(c, "common_name", c.name))
    return [("", "Choose a country…")] + [(c.alpha_2, getattr(c, "common_name", c.name)) for c in countries]


def _strip(value):
    """Surrounding spaces are not an answer: "  " is an empty field, as it is to Twikit."""
    return value.strip() if isinstance(value, str) else value


def _required(max_length: int) -> list:
    # DataRequired checks the stripped value; Twikit refuses a required field that is blank after
    # stripping (code 8), and only after the customer has paid, so the form refuses it first.
    return [DataRequired(message="This field is required."), Length(max=max_length)]


def _optional(max_length: int) -> list:
    return [Optional(), Length(max=max_length)]


class AddressForm(Form):
    """One IOrderAddress (spec, Create Order). A plain Form: the outer form carries the CSRF token.

    Every field is stripped, then checked as Twikit checks it: the required ones
    (firstName, lastName, email, addressLine1, zip, city, countryIso) must not
    be blank, and countryIso is an ISO 3166 alpha-2 code.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            return unbound_field.bind(form=form, filters=[_strip], **options)

    first_name = StringField("First name", _required(100), render_kw={"autocomplete": "given-name"})
    last_name = StringField("Last name", _required(100), render_kw={"autocomplete": "family-name"})
    email = EmailField("Email", [DataRequired(message="This field is required."), Length(max=254),
                                 Email(message="Enter an email address like name@example.com.")],
                       render_kw={"autocomplete": "email"})
    address_line1 = StringField("Address line 1", _required(200), render_kw={"autocomplete": "address-line1"})
    address_line2 = StringField("Address line 2", _optional(200), render_kw={"autocomplete": "address-line2"})
    zip = StringField("Postal code", _required(20) + [Regexp(r"^[A-Za-z0-9][A-Za-z0-9 -]*$",
                                                             message="Use letters, digits, spaces and dashes.")],
                      render_kw={"autocomplete": "postal-code"})
    city = StringField("City", _required(100), render_kw={"autocomplete": "address-level2"})
    country_iso = SelectField("Country", [DataRequired(message="Choose a country.")],
                              choices=country_choices, render_kw={"autocomplete": "country"})
    company_name = StringField("Company name", _optional(200), render_kw={"autocomplete": "organization"})
    company_vat = StringField("VAT number", _optional(30) + [Regexp(r"^[A-Za-z0-9 .-]*$",
                                                                   message="Use letters and digits only.")])
    phone = TelField("Phone", _optional(30) + [Regexp(r"^\+?[0-9 ()./-]{6,}$",
                                                      message="Enter a phone number like +32 470 12 34 56.")],
                     render_kw={"autocomplete": "tel"})

    def to_address(self) -> dict[str, str]:
        """The address as a dict of snake_case IOrderAddress fields, blanks included."""
        return {name: (field.data or "").strip() for name, field in self._fields.items()}


class CheckoutForm(FlaskForm):
    billing = FormField(AddressForm, label="Billing address")
    different_delivery = BooleanField("Deliver to a different address")
    delivery = FormField(AddressForm, label="Delivery address")

    def billing_address(self) -> dict[str, str]:
        return self.billing.form.to_address()

    def delivery_address(self) -> dict[str, str] | None:
        """The delivery address, or None to deliver to the billing address."""
        return self.delivery.form.to_address() if self.different_delivery.data else None

    def validate(self, extra_validators=None) -> bool:
        """Validate the delivery address only when the customer asked for one."""
        if not self.different_delivery.data:
            # Unused fields must not block the order; clear their errors and data.
            for field in self.delivery:
                field.validators = [Optional()]
                if hasattr(field, "choices"):
                    field.validate_choice = False
        if not super().validate(extra_validators):
            return False
        # Refused here, before the payment page: the shipping rates decide where the shop delivers.
        country = (self.delivery if self.different_delivery.data else self.billing).form.country_iso
        rates = current_app.config.get("SHIPPING_RATES")
        if rates is not None and rates.zone_for(country.data) is None:
            country.errors = [*country.errors, "We do not deliver to this country."]
            return False
        return True
