"""Logging in and out of the back-office, with failed logins throttled and logged."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for

from ..safe_urls import local_path
from . import sessions
from .credentials import check_credentials
from .forms import ActionForm, LoginForm
from .routes import bp
from .throttle import throttle

log = logging.getLogger(__name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "POST":
        account = (form.email.data or "")[:254]
        wait = throttle().retry_after(request.remote_addr, account)
        if wait:
            log.warning("admin: login refused, too many failures (account %r, from %s)", account, request.remote_addr)
            minutes = max(1, round(wait / 60))
            flash(f"Too many failed logins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", "error")
            response = render_template("admin/login.html", form=form), 429, {"Retry-After": str(wait)}
            return response
        if form.validate_on_submit():
            if check_credentials(form.email.data, form.password.data):
                sessions.start()
                target = local_path(request.args.get("next", "")) or ""
                return redirect(target if target.startswith("/admin/") else url_for("admin.orders"), 303)
            throttle().record_failure(request.remote_addr, account)
            # Never the password: only who was tried, and from where.
            log.warning("admin: failed login (account %r, from %s)", account, request.remote_addr)
            flash("That email and password do not match.", "error")
        return render_template("admin/login.html", form=form), 400
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout():
    if not ActionForm().validate_on_submit():
        abort(400)
    sessions.end("logout")
    flash("You are logged out.", "success")
    return redirect(url_for("admin.login"), 303)
