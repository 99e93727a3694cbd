"""The customer's stable, unguessable link to an order: its identifier plus a signed token."""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from ..i18n import URL_PARAMETER
from ..models import Order

_SALT = "order-status"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(order: Order) -> str:
    return _serializer().dumps(order.identifier)


def token_matches(identifier: str, token: str) -> bool:
    """True when the token was signed by us for this identifier (constant-time check)."""
    try:
        return _serializer().loads(token) == identifier
    except BadSignature:
        return False


def status_url(order: Order, *, external: bool = False, locale: str | None = None) -> str:
    """The order status page, reachable by the customer at any later time; ``locale`` pins its language."""
    return url_for("orders.status", identifier=order.identifier, token=token_for(order), _external=external,
                   **({URL_PARAMETER: locale} if locale else {}))
