"""The back-office blueprint: one ``bp``, the rule that every page needs a login, and the modules that add pages.

Access is decided here, once, for every route on the blueprint: a route
added later (in any module below) is protected without doing anything.
Only the login page and logging out are open.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for

from ..orders.listing import attention_count
from . import sessions, throttle

bp = Blueprint("admin", __name__, url_prefix="/admin")

PUBLIC_ENDPOINTS = {"admin.login", "admin.logout"}


@bp.record_once
def _set_up(state) -> None:
    throttle.init_app(state.app)


@bp.before_request
def require_login():
    """Send anyone without a live back-office session to the login page."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    try:
        g.admin_session = sessions.current()
    except sessions.SessionEnded as ended:
        flash(str(ended), "error")
        g.admin_session = None
    if g.admin_session is None:
        target = request.full_path.rstrip("?") if request.method == "GET" else ""
        return redirect(url_for("admin.login", next=target or None), 303 if request.method != "GET" else 302)
    return None


@bp.after_request
def never_cache(response):
    # Back-office pages hold customers' addresses: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def back_office_globals() -> dict:
    """What every back-office page's header shows: the count of orders that need a person."""
    logged_in = getattr(g, "admin_session", None) is not None
    return {"attention_count": attention_count() if logged_in else 0, "logged_in": logged_in}


# The modules whose routes this blueprint carries (imported last: each one imports ``bp`` from here).
from . import auth, catalog, order_actions, orders, scripts, settings, shipments, webhooks  # noqa: E402, F401
