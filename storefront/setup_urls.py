"""The shop's URLs a merchant pastes into Twikit's publisher and Stripe's dashboard (``flask urls``, Settings)."""

from __future__ import annotations

from flask import current_app, request, url_for

# Twikit's four webhooks (spec, "Webhooks"): our route, what Twikit's publisher calls it, and our endpoint.
TWIKIT_WEBHOOKS = {
    "payment-verification": ("Payment verification", "twikit_webhooks.payment_verification"),
    "production-completion": ("Production completion", "twikit_webhooks.production_completion"),
    "order-completion": ("Order completion", "twikit_webhooks.order_completion"),
    "website-publication": ("Website publication", "twikit_webhooks.website_publication"),
}


def public_base_url() -> str:
    """SHOP_URL when set (what the outside world uses), else the address this request came in on."""
    return (current_app.config.get("SHOP_URL") or request.url_root).rstrip("/")


def current_webhook_token() -> str | None:
    """The token to paste: the first of TWIKIT_WEBHOOK_TOKEN's; a second is only still accepted while rotating."""
    tokens = current_app.config.get("TWIKIT_WEBHOOK_TOKENS") or ()
    return tokens[0] if tokens else None


def twikit_webhook_url(route: str) -> str:
    """The full URL of one Twikit webhook, with the current secret token in the path."""
    _title, endpoint = TWIKIT_WEBHOOKS[route]
    return public_base_url() + url_for(endpoint, token=current_webhook_token() or "")


def stripe_webhook_url() -> str:
    return public_base_url() + url_for("payments.stripe_webhook")
