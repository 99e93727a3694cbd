"""Every call the shop makes to Stripe, through the official SDK.

Nothing else in the shop imports ``stripe``. With STRIPE_API_BASE set, the
same calls go to the Stripe sandbox; unset, they go to Stripe itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from flask import current_app

from .. import __version__
from ..checkout.shipping import Rate
from ..models import Order
from .stripe_amounts import from_stripe, to_stripe

# Every Stripe call runs inside a web request (checkout, the success page, a webhook), and a
# Heroku-style router gives up on a request after 30 s. So: connect within 3 s, answer within
# 10 s, and one retry (the SDK retries network errors and 409/5xx, reusing the idempotency
# key): at most about 26 s, then the customer sees an error and nothing was charged twice.
TIMEOUT = (3, 10)
NETWORK_RETRIES = 1
# Stripe Tax's code for shipping ("txcd_92010001"), so shipping is taxed as shipping.
SHIPPING_TAX_CODE = "txcd_92010001"

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


def create_checkout_session(order: Order, success_url: str, cancel_url: str,
                            shipping_offers: list[tuple[Rate, int]] = ()):
    """Open a Stripe Checkout Session for an order, priced from the order's own lines.

    ``shipping_offers`` are the rates for the order's delivery country with
    their price for this order; the customer chooses one on Stripe's page.
    """
    config = current_app.config
    currency = order.currency
    # Tax behaviour is said on every price: Stripe Tax then knows whether to add tax or find it inside.
    tax_behavior = {"tax_behavior": "inclusive" if order.tax_included else "exclusive"} \
        if config["STRIPE_AUTOMATIC_TAX"] else {}
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
            # Amounts in Stripe's minor unit for the currency (JPY has none, KWD three): never "x 100".
            "price_data": {"currency": currency.lower(), "unit_amount": to_stripe(line.unit_price_cents, currency),
                           "product_data": product_data, **tax_behavior},
        })
    params = {
        "mode": "payment",
        "line_items": line_items,
        "customer_email": order.email,
        # Ties the session (and each event about it) back to our order.
        "client_reference_id": order.identifier,
        "metadata": {"order_identifier": order.identifier},
        "success_url": success_url,  # contains {CHECKOUT_SESSION_ID}, filled in by Stripe
        "cancel_url": cancel_url,
        "locale": order.locale if order.locale in ("en", "nl") else "auto",
    }
    if shipping_offers:
        # shipping_rate_data creates the rates with the session: no rate objects to keep in step in the
        # dashboard. The first is pre-selected; our rate id in metadata says which one the customer chose.
        params["shipping_options"] = [{"shipping_rate_data": {
            # In the order's language: Stripe shows it as written, and the order keeps it (the e-mails show it).
            "type": "fixed_amount", "display_name": rate.translated("name", order.locale),
            "fixed_amount": {"amount": to_stripe(amount, currency), "currency": currency.lower()},
            "metadata": {"rate": rate.id},
            **({"delivery_estimate": {"minimum": {"unit": "business_day", "value": rate.delivery_days[0]},
                                      "maximum": {"unit": "business_day", "value": rate.delivery_days[1]}}}
               if rate.delivery_days else {}),
            **({**tax_behavior, "tax_code": SHIPPING_TAX_CODE} if tax_behavior else {}),
        }} for rate, amount in shipping_offers]
    if config["STRIPE_AUTOMATIC_TAX"]:
        # Stripe Tax computes the tax from the customer's address, collected on its page.
        params["automatic_tax"] = {"enabled": True}
    if config["STRIPE_PROMOTION_CODES"]:
        # The codes are created in Stripe's dashboard; the discount comes back in total_details.
        params["allow_promotion_codes"] = True
    return client().v1.checkout.sessions.create(
        params=params,
        # One order, one session: a retried request (a double click, a network
        # retry) gets the same session back instead of opening a second one.
        options={"idempotency_key": f"checkout-session-{order.identifier}"},
    )


def retrieve_checkout_session(session_id: str):
    """The session as Stripe knows it now; query parameters alone prove nothing.

    The chosen shipping rate is expanded, so its metadata names our rate.
    """
    return client().v1.checkout.sessions.retrieve(session_id,
                                                  params={"expand": ["shipping_cost.shipping_rate"]})


@dataclass(frozen=True)
class Charged:
    """What a Checkout Session charged, in the shop's minor units."""

    currency: str
    subtotal: int      # amount_subtotal: the lines, before discounts and tax
    shipping: int      # total_details.amount_shipping
    discount: int      # total_details.amount_discount
    tax: int           # total_details.amount_tax (included in the prices, or added on top)
    total: int         # amount_total: what the customer paid
    shipping_rate: str | None       # our rate id, from the chosen rate's metadata
    shipping_rate_name: str | None


def charged(session) -> Charged:
    """Read the amounts of a retrieved session (a StripeObject: attribute access, not .get)."""
    currency = (session.currency or "").upper()
    details = getattr(session, "total_details", None)
    cost = getattr(session, "shipping_cost", None)
    rate = getattr(cost, "shipping_rate", None) if cost else None
    rate_is_object = rate is not None and not isinstance(rate, str)
    metadata = getattr(rate, "metadata", None) if rate_is_object else None

    def amount(value) -> int:
        return from_stripe(value, currency) if currency else (value or 0)

    return Charged(
        currency=currency, subtotal=amount(session.amount_subtotal),
        shipping=amount(getattr(details, "amount_shipping", 0) if details else 0),
        discount=amount(getattr(details, "amount_discount", 0) if details else 0),
        tax=amount(getattr(details, "amount_tax", 0) if details else 0),
        total=amount(session.amount_total),
        shipping_rate=(metadata.to_dict().get("rate") if metadata is not None else None),
        shipping_rate_name=getattr(rate, "display_name", None) if rate_is_object else None,
    )


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
