"""What the merchant can do to an order: each a POST, each decided and logged by the orders domain.

Every action is refused, with the domain's reason shown, where the order's
state does not allow it; the domain writes the event.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for

from ..orders import cancellation, corrections, production_files, resolution
from ..orders.detail import order_detail
from ..orders.lookup import find_order
from ..orders.states import ActionRefused, merchant_label
from ..orders.submission import retry_submission
from .forms import ActionForm, AddressesForm, CancelForm, ResolveForm
from .routes import bp

SOURCE = "admin"


def _order_or_404(identifier: str):
    return find_order(identifier) or abort(404)


def _back(identifier: str):
    return redirect(url_for("admin.order", identifier=identifier), 303)


def _require(form) -> None:
    if not form.validate_on_submit():
        abort(400, description="The form was incomplete or expired. Reload the order and try again.")


@bp.post("/orders/<identifier>/retry-submission")
def retry(identifier: str):
    order = _order_or_404(identifier)
    _require(ActionForm())
    try:
        retry_submission(order, source=SOURCE)
        flash("Submission to Twikit scheduled; the worker picks it up within seconds.", "success")
    except ActionRefused as refusal:
        flash(str(refusal), "error")
    return _back(identifier)


@bp.post("/orders/<identifier>/resolve")
def resolve(identifier: str):
    order = _order_or_404(identifier)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors) or "The form expired; try again.", "error")
        return _back(identifier)
    try:
        resolution.resolve(order, note_text=form.note.data, source=SOURCE)
        flash(f"Marked resolved; the order is {merchant_label(order.status).lower()}.", "success")
    except ActionRefused as refusal:
        flash(str(refusal), "error")
    return _back(identifier)


@bp.post("/orders/<identifier>/cancel-and-refund")
def cancel_and_refund(identifier: str):
    order = _order_or_404(identifier)
    form = CancelForm()
    _require(form)
    try:
        cancellation.cancel_and_refund(order, source=SOURCE, reason=form.reason.data or "")
        flash("Cancelled and refunded in full through Stripe.", "success")
    except ActionRefused as refusal:
        flash(str(refusal), "error")
    return _back(identifier)


@bp.post("/orders/<identifier>/addresses")
def correct_addresses(identifier: str):
    order = _order_or_404(identifier)
    form = AddressesForm()
    if not form.validate_on_submit():
        # Re-render the order with the form's messages; nothing is changed.
        detail = order_detail(identifier)
        return render_template("admin/order.html", detail=detail, order=detail.order, merchant_label=merchant_label,
                               action_form=ActionForm(), resolve_form=ResolveForm(), cancel_form=CancelForm(),
                               addresses_form=form, addresses_open=True), 400
    try:
        corrections.correct_addresses(order, form.billing.form.to_address(), form.delivery.form.to_address(),
                                      source=SOURCE)
        flash("Addresses corrected; the order goes to Twikit again within seconds.", "success")
    except ActionRefused as refusal:
        flash(str(refusal), "error")
    return _back(identifier)


@bp.post("/orders/<identifier>/lines/<line_identifier>/production-file")
def production_file(identifier: str, line_identifier: str):
    order = _order_or_404(identifier)
    _require(ActionForm())
    try:
        export = production_files.open_production_file(order, line_identifier, source=SOURCE)
    except ActionRefused as refusal:
        flash(str(refusal), "error")
        return _back(identifier)
    # Passed on chunk by chunk as Twikit sends it: the ZIP is never held whole in memory.
    response = Response(iter(export), mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{line_identifier}-{export.filename}"'
    if export.content_length is not None:
        response.content_length = export.content_length
    response.call_on_close(export.close)
    return response
