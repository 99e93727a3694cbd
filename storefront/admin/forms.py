"""Back-office forms: each checks its own fields; the catalog's and orders' rules live in their domains."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import EmailField, FormField, PasswordField, StringField, TextAreaField, URLField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from ..catalog.importer import COLOR_PATTERN, KEY_PATTERN, PRICE_PATTERN, SKU_PATTERN
from ..checkout.forms import AddressForm


class LoginForm(FlaskForm):
    email = EmailField("Email", [InputRequired()])
    password = PasswordField("Password", [InputRequired()])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ResolveForm(FlaskForm):
    note = TextAreaField("How was it resolved?", [InputRequired(message="Say in a few words how it was resolved."),
                                                  Length(max=500)])


class CancelForm(FlaskForm):
    reason = StringField("Reason (kept in the order's log)", [Optional(), Length(max=500)])


class AddressesForm(FlaskForm):
    """Both IOrderAddress blocks of an order, as checkout asks for them."""

    billing = FormField(AddressForm, label="Billing address")
    delivery = FormField(AddressForm, label="Delivery address")


_KEY_RULE = "Use lower-case letters, digits and dashes, starting with a letter or digit."


class ProductForm(FlaskForm):
    key = StringField("Twikit product key", [InputRequired(), Length(max=100), Regexp(KEY_PATTERN, message=_KEY_RULE)])
    slug = StringField("URL slug", [InputRequired(), Length(max=100), Regexp(KEY_PATTERN, message=_KEY_RULE)])
    name = StringField("Name", [InputRequired(), Length(max=200)])
    description = TextAreaField("Description", [Optional(), Length(max=5000)])
    image_url = URLField("Image (a path such as /static/img/... or an https URL)", [Optional(), Length(max=500)])
    preview_background_color = StringField("Preview background", [
        InputRequired(), Regexp(COLOR_PATTERN, message="Use a colour like #f4f1ec.")], default="#ffffff")

    def validate_image_url(self, field) -> None:
        if field.data and not field.data.startswith(("/", "https://", "http://")):
            raise ValidationError("Use a path starting with / or an http(s) URL.")

    def fields_dict(self) -> dict:
        data = {name: (getattr(self, name).data or "").strip() for name in
                ("key", "slug", "name", "description", "image_url", "preview_background_color")}
        data["image_url"] = data["image_url"] or None
        data["preview_background_color"] = data["preview_background_color"].lower()
        return data


class VariantForm(FlaskForm):
    sku = StringField("SKU", [InputRequired(), Regexp(SKU_PATTERN, message=(
        "Letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit."))])
    name = StringField("Name", [InputRequired(), Length(max=200)])
    price = StringField("Price", [InputRequired(), Regexp(PRICE_PATTERN, message="Enter a price like 49.00.")])

    def validate_price(self, field) -> None:
        if PRICE_PATTERN.match(field.data or "") and Decimal(field.data) <= 0:
            raise ValidationError("The price must be more than zero.")

    def fields_dict(self) -> dict:
        # Decimal, never float: "19.99" is 1999 cents exactly.
        return {"sku": self.sku.data.strip(), "name": self.name.data.strip(),
                "price_cents": int(Decimal(self.price.data) * 100)}
