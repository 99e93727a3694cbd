"""The shop's tables. Import models from here."""

from .admin import AdminSession
from .base import utcnow
from .cart import Cart, CartLine
from .catalog import CatalogVersion, Product, Variant
from .orders import Order, OrderEvent, OrderLine, Shipment
from .outbox import JobState, OutboxJob
from .payments import StripeEvent
from .twikit import ScriptVersion, WebhookDelivery

__all__ = [
    "utcnow", "Product", "Variant", "CatalogVersion", "Cart", "CartLine", "Order", "OrderLine", "OrderEvent",
    "Shipment", "JobState", "OutboxJob", "StripeEvent", "ScriptVersion", "WebhookDelivery", "AdminSession",
]
