"""The Twikit plugin script: the current URL, its history, and rolling back to an earlier version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..twikit.script import RollbackRefused, current_script_url, roll_back, script_history
from .forms import ActionForm
from .routes import bp


@bp.get("/script")
def script():
    return render_template("admin/script.html", current=current_script_url(), versions=script_history(),
                           action_form=ActionForm())


@bp.post("/script/<int:version_id>/roll-back")
def roll_back_script(version_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        version = roll_back(version_id)
        flash(f"Product pages now load {version.url}.", "success")
    except RollbackRefused as refusal:
        flash(str(refusal), "error")
    return redirect(url_for("admin.script"), 303)
