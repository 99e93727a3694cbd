"""Back-office pages. Views read and render; changes go through the domain modules."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import case, select

from ..extensions import db
from ..models import Order, StripeEvent, WebhookDelivery
from ..orders.lookup import find_order
from ..orders.states import LABELS, Status
from ..orders.submission import RetryRefused, retry_submission
from ..safe_urls import local_path
from . import auth
from .forms import ActionForm, LoginForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 100


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        if auth.check_credentials(form.email.data, form.password.data):
            auth.log_in()
            target = local_path(request.args.get("next", "")) or ""
            return redirect(target if target.startswith("/admin/") else url_for(".orders"), 303)
        flash("That email and password do not match.", "error")
    return render_template("admin/login.html", form=form), 200 if not form.is_submitted() else 400


@bp.post("/logout")
def logout():
    if not ActionForm().validate_on_submit():
        abort(400)
    auth.log_out()
    return redirect(url_for(".login"), 303)


@bp.get("/")
@auth.admin_required
def orders():
    status = request.args.get("status", "")
    query = select(Order)
    if status in {s.value for s in Status}:
        query = query.where(Order.status == status)
    # What needs a person comes first, then the newest.
    attention_first = case((Order.status == Status.NEEDS_ATTENTION.value, 0), else_=1)
    rows = db.session.scalars(query.order_by(attention_first, Order.id.desc()).limit(PAGE_SIZE)).all()
    return render_template("admin/orders.html", orders=rows, labels=LABELS, statuses=list(Status), status=status)


@bp.get("/orders/<identifier>")
@auth.admin_required
def order(identifier: str):
    order = find_order(identifier) or abort(404)
    deliveries = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.order_identifier == identifier)
        .order_by(WebhookDelivery.id.desc())).all()
    return render_template("admin/order.html", order=order, labels=LABELS, deliveries=deliveries,
                           action_form=ActionForm(), Status=Status)


@bp.post("/orders/<identifier>/retry-submission")
@auth.admin_required
def retry(identifier: str):
    order = find_order(identifier) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        retry_submission(order, source="admin")
        flash("Submission to Twikit scheduled; the worker picks it up within seconds.", "success")
    except RetryRefused as error:
        flash(str(error), "error")
    return redirect(url_for(".order", identifier=identifier), 303)


@bp.get("/webhooks")
@auth.admin_required
def webhooks():
    deliveries = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
                                    .limit(PAGE_SIZE)).all()
    stripe_events = db.session.scalars(select(StripeEvent).order_by(StripeEvent.received_at.desc())
                                       .limit(PAGE_SIZE)).all()
    return render_template("admin/webhooks.html", deliveries=deliveries, stripe_events=stripe_events)
