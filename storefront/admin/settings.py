"""The settings page: what to paste into Twikit and Stripe, what production still needs, and webhook tests."""

from __future__ import annotations

from flask import abort, current_app, render_template

from ..config import production_problems, production_warnings
from ..payments.fulfilment import EVENT_HANDLERS
from ..setup_urls import TWIKIT_WEBHOOKS, stripe_webhook_url, twikit_webhook_url
from ..twikit.self_test import send_test
from .forms import ActionForm
from .routes import bp


def masked(secret: str | None) -> str:
    """A secret shown only by its last four characters, enough to tell two apart."""
    if not secret:
        return "(not set)"
    return "••••••••" + (secret[-4:] if len(secret) >= 12 else "")


def _page(test=None, status=200):
    config = current_app.config
    return render_template(
        "admin/settings.html", config_mode=config["STOREFRONT_MODE"],
        integration_id=config["TWIKIT_INTEGRATION_ID"], payload_secret=masked(config["TWIKIT_PAYLOAD_SECRET"]),
        twikit_webhooks=[(route, title, twikit_webhook_url(route)) for route, (title, _e) in TWIKIT_WEBHOOKS.items()],
        stripe_webhook=stripe_webhook_url(), stripe_events=sorted(EVENT_HANDLERS),
        problems=production_problems(config), warnings=production_warnings(config),
        test=test, action_form=ActionForm()), status


@bp.get("/settings")
def settings():
    return _page()


@bp.post("/settings/test/<route>")
def test_webhook(route: str):
    if route not in TWIKIT_WEBHOOKS:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _page(test=send_test(route))
