"""The shop's URLs a merchant pastes into Twikit's publisher and Stripe's dashboard."""

from __future__ import annotations

from flask import current_app, request, url_for

# Twikit's four webhooks (spec, "Webhooks"), by the route names in storefront.twikit.webhooks.
TWIKIT_WEBHOOKS = {
    "payment-verification": ("twikit_webhooks.payment_verification", "Payment Verification"),
    "production-completion": ("twikit_webhooks.production_completion", "Production Completion"),
    "order-completion": ("twikit_webhooks.order_completion", "Order Completion"),
    "website-publication": ("twikit_webhooks.website_publication", "Website Publication"),
}


def public_base_url() -> str:
    """SHOP_URL when set (what the outside world uses), else the address this request came in on."""
    return (current_app.config.get("SHOP_URL") or request.url_root).rstrip("/")


def twikit_webhook_url(route: str) -> str:
    """The full URL of one Twikit webhook, with its secret token in the path."""
    endpoint, _title = TWIKIT_WEBHOOKS[route]
    return public_base_url() + url_for(endpoint, token=current_app.config["TWIKIT_WEBHOOK_TOKEN"])


def stripe_webhook_url() -> str:
    return public_base_url() + url_for("payments.stripe_webhook")
