"""The shop's tables. Import models from here."""

from .base import utcnow
from .catalog import Product, Variant
from .cart import Cart, CartLine
from .twikit import ScriptVersion

__all__ = ["utcnow", "Product", "Variant", "Cart", "CartLine", "ScriptVersion"]
