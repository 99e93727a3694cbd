"""Cart forms. Flask-WTF adds the CSRF token to each."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from ..forms import ShopForm
from .service import MAX_QUANTITY


class AddToCartForm(ShopForm):
    """Posted by the plugin embed after ``save()`` answered (spec, steps 8-9).

    Everything in it comes from the browser, so the cart service checks each
    value against the shop's own data before it touches the cart.
    """

    product = HiddenField(validators=[DataRequired()])
    sku = HiddenField(validators=[DataRequired()])
    # Required for a customised product, absent for a plain one: the cart service decides by the product.
    configuration_id = HiddenField()
    preview_url = HiddenField()
    # Optional display text ("Letter M · Gold-plated"), read by the embed from the plugin's labelled controls.
    design_summary = HiddenField()
    quantity = IntegerField(_l("Quantity"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)])


class QuantityForm(ShopForm):
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)])


class RemoveLineForm(ShopForm):
    """Only the CSRF token: removing a line must be a deliberate POST from our page."""
