"""Back-office forms: each checks its own fields; the catalog's and orders' rules live in their domains."""

from __future__ import annotations

from flask import current_app
from wtforms import (
    EmailField,
    FormField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from ..catalog.importer import COLOR_PATTERN, KEY_PATTERN, SKU_PATTERN
from ..checkout.forms import AddressForm
from ..forms import ShopForm
from ..money import example, parse_amount
from ..payments.stripe_amounts import check_chargeable


class LoginForm(ShopForm):
    email = EmailField("Email", [InputRequired()])
    password = PasswordField("Password", [InputRequired()])


class ActionForm(ShopForm):
    """A button that changes something: only the CSRF token."""


class ResolveForm(ShopForm):
    note = TextAreaField("How was it resolved?", [InputRequired(message="Say in a few words how it was resolved."),
                                                  Length(max=500)])


class CancelForm(ShopForm):
    reason = StringField("Reason (kept in the order's log)", [Optional(), Length(max=500)])


class AddressesForm(ShopForm):
    """Both IOrderAddress blocks of an order, as checkout asks for them."""

    billing = FormField(AddressForm, label="Billing address")
    delivery = FormField(AddressForm, label="Delivery address")


_KEY_RULE = "Use lower-case letters, digits and dashes, starting with a letter or digit."


class ProductForm(ShopForm):
    key = StringField("Twikit product key", [InputRequired(), Length(max=100), Regexp(KEY_PATTERN, message=_KEY_RULE)])
    slug = StringField("URL slug", [InputRequired(), Length(max=100), Regexp(KEY_PATTERN, message=_KEY_RULE)])
    name = StringField("Name", [InputRequired(), Length(max=200)])
    description = TextAreaField("Description", [Optional(), Length(max=5000)])
    image_url = URLField("Image (a path such as /static/img/... or an https URL)", [Optional(), Length(max=500)])
    preview_background_color = StringField("Preview background", [
        InputRequired(), Regexp(COLOR_PATTERN, message="Use a colour like #f4f1ec.")], default="#ffffff")
    # The catalog file's "customizable"; a form that leaves it out keeps the default, a customised product.
    customizable = SelectField("Kind", choices=[
        SelectChoice("True", "Customised in Twikit's plugin"),
        SelectChoice("False", "Plain: sold as it is, never sent to Twikit")],
        coerce=lambda value: value in (True, "True"), default=True)

    def validate_image_url(self, field) -> None:
        if field.data and not field.data.startswith(("/", "https://", "http://")):
            raise ValidationError("Use a path starting with / or an http(s) URL.")

    def fields_dict(self) -> dict:
        data = {name: (getattr(self, name).data or "").strip() for name in
                ("key", "slug", "name", "description", "image_url", "preview_background_color")}
        data["image_url"] = data["image_url"] or None
        data["preview_background_color"] = data["preview_background_color"].lower()
        data["customizable"] = bool(self.customizable.data)
        return data


class VariantForm(ShopForm):
    sku = StringField("SKU", [InputRequired(), Regexp(SKU_PATTERN, message=(
        "Letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit."))])
    name = StringField("Name", [InputRequired(), Length(max=200)])
    # In the shop's currency, with as many decimals as it has (ISO 4217): "49.00" EUR, "4900" JPY.
    price = StringField("Price", [InputRequired()])

    def validate_price(self, field) -> None:
        currency = current_app.config["SHOP_CURRENCY"]
        try:
            amount = parse_amount((field.data or "").strip(), currency)
        except ValueError:
            raise ValidationError(f"Enter a price like {example(currency)}.") from None
        if amount <= 0:
            raise ValidationError("The price must be more than zero.")
        try:
            check_chargeable(amount, currency)
        except ValueError as error:
            raise ValidationError(f"{error}.") from None

    def fields_dict(self) -> dict:
        # Parsed as a decimal string, never a float: "19.99" is 1999 cents exactly.
        return {"sku": self.sku.data.strip(), "name": self.name.data.strip(),
                "price_cents": parse_amount(self.price.data.strip(), current_app.config["SHOP_CURRENCY"])}
