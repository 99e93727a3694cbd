"""Every call the shop makes to Stripe, through the official SDK.

Nothing else in the shop imports ``stripe``. With STRIPE_API_BASE set, the
same calls go to the Stripe sandbox; unset, they go to Stripe itself.
"""

from __future__ import annotations

import stripe
from flask import current_app

from .. import __version__
from ..models import Order

# Connect and read timeouts for every Stripe call: a hung connection must not hang a checkout.
TIMEOUT = (5, 20)
# The SDK retries network errors and 409/5xx itself, reusing the idempotency key.
NETWORK_RETRIES = 2

# Identifies this integration in Stripe's logs, as Stripe asks plugin authors to.
stripe.set_app_info("twikit-storefront", version=__version__)


def client() -> stripe.StripeClient:
    """A Stripe client for this app's key and base URL."""
    config = current_app.config
    clients = current_app.extensions.setdefault("stripe_clients", {})
    key = (config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE"))
    if key not in clients:
        options = {"base_addresses": {"api": config["STRIPE_API_BASE"]}} if config.get("STRIPE_API_BASE") else {}
        clients[key] = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"], max_network_retries=NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=TIMEOUT), **options,
        )
    return clients[key]


def create_checkout_session(order: Order, success_url: str, cancel_url: str):
    """Open a Stripe Checkout Session for an order, priced from the order's own lines."""
    line_items = []
    for line in order.lines:
        # The variant as the description, not in brackets: "Tall (36 cm)" would read "(Tall (36 cm))".
        product_data = {"name": line.product_name, "description": line.variant_name,
                        "metadata": {"sku": line.sku, "line_identifier": line.identifier}}
        if line.preview_url:
            product_data["images"] = [line.preview_url]  # Twikit's rendering of the customer's design
        if line.design_summary:
            product_data["description"] = line.design_summary  # the choices in words, shown under the name
        line_items.append({
            "quantity": line.quantity,
            "price_data": {"currency": order.currency.lower(), "unit_amount": line.unit_price_cents,
                           "product_data": product_data},
        })
    return client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": line_items,
            "customer_email": order.email,
            # Ties the session (and each event about it) back to our order.
            "client_reference_id": order.identifier,
            "metadata": {"order_identifier": order.identifier},
            "success_url": success_url,  # contains {CHECKOUT_SESSION_ID}, filled in by Stripe
            "cancel_url": cancel_url,
            "locale": order.locale if order.locale in ("en", "nl") else "auto",
        },
        # One order, one session: a retried request (a double click, a network
        # retry) gets the same session back instead of opening a second one.
        options={"idempotency_key": f"checkout-session-{order.identifier}"},
    )


def retrieve_checkout_session(session_id: str):
    """The session as Stripe knows it now; query parameters alone prove nothing."""
    return client().v1.checkout.sessions.retrieve(session_id)


def expire_checkout_session(session_id: str) -> None:
    """Close an abandoned session so it can no longer be paid."""
    client().v1.checkout.sessions.expire(session_id)


def verify_webhook(payload: bytes, signature: str | None):
    """Check Stripe-Signature over the raw bytes, then parse; raises on any doubt.

    Raises stripe.SignatureVerificationError for a bad, missing or stale
    signature (older than 5 minutes), and ValueError for a body that is not JSON.
    """
    return stripe.Webhook.construct_event(payload, signature or "", current_app.config["STRIPE_WEBHOOK_SECRET"])


StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


def refund_payment(order: Order):
    """Refund an order's payment in full through Stripe's Refund API; returns the Refund."""
    return client().v1.refunds.create(
        params={
            # By PaymentIntent, as Checkout records it: Stripe finds the charge behind it. No amount: in full.
            "payment_intent": order.stripe_payment_intent_id,
            "reason": "requested_by_customer",
            "metadata": {"order_identifier": order.identifier},
        },
        # One order, one refund: a retried request (a double click, a network retry) gets the same refund back.
        options={"idempotency_key": f"refund-{order.identifier}"},
    )


def already_refunded(error: StripeError) -> bool:
    """True when Stripe refused a refund because the payment was refunded before (e.g. in its dashboard)."""
    return getattr(error, "code", None) == "charge_already_refunded"


def dashboard_url(payment_intent_id: str | None) -> str | None:
    """The payment's page in Stripe's dashboard, or None when the shop talks to a sandbox instead of Stripe."""
    config = current_app.config
    if not payment_intent_id or config.get("STRIPE_API_BASE"):
        return None
    live = config["STRIPE_SECRET_KEY"].startswith(("sk_live_", "rk_live_"))
    return f"https://dashboard.stripe.com/{'' if live else 'test/'}payments/{payment_intent_id}"
