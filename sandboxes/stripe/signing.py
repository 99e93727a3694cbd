"""The ``Stripe-Signature`` header, computed exactly as Stripe does.

    Stripe-Signature: t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

``v1`` is the hex HMAC-SHA256 of ``"{t}.{raw body}"``, keyed with the whole
signing secret string (``"whsec_..."``, UTF-8, not base64-decoded). The
receiver recomputes it, e.g. with ``stripe.Webhook.construct_event``, and
rejects the request if it differs or if ``t`` is too old (replay defence).
"""

from __future__ import annotations

import hashlib
import hmac


def signature(payload: str, secret: str, timestamp: int) -> str:
    """The hex ``v1`` signature of ``payload`` sent at ``timestamp``."""
    signed_payload = f"{timestamp}.{payload}"
    return hmac.new(secret.encode("utf-8"), signed_payload.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def header(payload: str, secret: str, timestamp: int) -> str:
    """The full header value for one delivery attempt."""
    return f"t={timestamp},v1={signature(payload, secret, timestamp)}"
