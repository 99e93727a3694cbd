"""The merchant's "mark shipped with tracking" action, on the back-office's order page.

Plain products are always the merchant's to ship; with TWIKIT_DELIVER_TO=merchant,
so are the customised ones once Twikit's parcel is with the shop. The rules live
in storefront.orders.shipments; this module parses the form and reports back.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from wtforms import SelectMultipleField, StringField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import ShopForm
from ..orders.lookup import find_order
from ..orders.shipments import ShipmentBusy, ShipmentRefused, merchant_may_ship, ship_by_merchant, shipper
from ..orders.states import TransitionLost
from .routes import bp


class ShipmentForm(ShopForm):
    """Which lines are in the parcel, and its tracking (both optional: not every parcel is tracked)."""

    lines = SelectMultipleField("In this parcel", coerce=int, validate_choice=False,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    tracking_id = StringField("Tracking number", [Length(max=200)])
    tracking_url = StringField("Tracking link (https)", [Length(max=2048)])


@bp.app_template_global()
def shipment_form(order) -> ShipmentForm:
    """The form for the lines the merchant may ship now, all ticked (for templates/admin/_shipment.html)."""
    form = ShipmentForm(formdata=None)
    lines = merchant_may_ship(order)
    form.lines.choices = [(line.id, f"{line.quantity} × {line.product_name} ({line.variant_name})") for line in lines]
    form.lines.data = [line.id for line in lines]
    return form


bp.add_app_template_global(shipper, "line_shipper")


@bp.post("/orders/<identifier>/shipments")
def ship(identifier: str):
    order = find_order(identifier) or abort(404)
    form = ShipmentForm()
    if not form.validate_on_submit():
        abort(400, description="The form was incomplete or expired. Reload the order and try again.")
    try:
        shipment = ship_by_merchant(order, form.lines.data or [], tracking_id=form.tracking_id.data,
                                    tracking_url=form.tracking_url.data)
    except ShipmentRefused as refusal:
        flash(str(refusal), "error")
    except ShipmentBusy:
        flash("An e-mail about this order is being sent right now; try again in a moment.", "error")
    except TransitionLost:
        flash("The order changed meanwhile; check it and try again.", "error")
    else:
        flash(f"Marked {len(shipment.lines)} line(s) shipped; the customer gets an e-mail.", "success")
    return redirect(url_for(".order", identifier=identifier), 303)
