"""Cart rules: find the customer's cart and change it only with values the shop can vouch for."""

from __future__ import annotations

import secrets

from flask import current_app, session
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Cart, CartLine, Product
from ..safe_urls import is_from_origins

SESSION_KEY = "cart"
MAX_QUANTITY = 99
# configurationId is a JavaScript number (spec, ISaveData): anything past 2**53 cannot be exact.
MAX_CONFIGURATION_ID = 2**53 - 1


class CartError(ValueError):
    """A cart change was refused; the message is safe to show the customer."""


def current_cart(create: bool = False) -> Cart | None:
    """The cart named by the signed session cookie; a new one when asked to create."""
    token = session.get(SESSION_KEY)
    cart = db.session.scalar(select(Cart).where(Cart.token == token)) if token else None
    if cart is None and create:
        cart = Cart(token=secrets.token_urlsafe(32))
        db.session.add(cart)
        session[SESSION_KEY] = cart.token
    return cart


def cart_item_count() -> int:
    """How many items the header shows, without creating a cart."""
    token = session.get(SESSION_KEY)
    if not token:
        return 0
    return db.session.scalar(
        select(func.coalesce(func.sum(CartLine.quantity), 0)).join(Cart).where(Cart.token == token)
    )


def parse_configuration_id(raw: str) -> int:
    """A Twikit configuration ID: a positive integer (spec, ISaveData.configurationId)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 16:
        raise CartError("The design's configuration ID is not valid.")
    value = int(raw)
    if not 0 < value <= MAX_CONFIGURATION_ID:
        raise CartError("The design's configuration ID is not valid.")
    return value


def check_preview_url(url: str) -> str:
    """Accept a preview image URL only if it is http(s) from an allowed Twikit preview origin."""
    if len(url) > 2048 or not is_from_origins(url, current_app.config["TWIKIT_PREVIEW_ORIGINS"]):
        raise CartError("The design's preview image does not come from Twikit.")
    return url


def add_line(cart: Cart, product_slug: str, sku: str, configuration_id: str, preview_url: str,
             quantity: int) -> CartLine:
    """Add a product to the cart, priced from the shop's own variant.

    A customised product needs its saved configuration (ID and preview); a
    plain product has neither. The same design, or the same plain variant,
    added again raises the line's quantity.
    """
    product = db.session.scalar(select(Product).where(Product.slug == product_slug, Product.published))
    if product is None:
        raise CartError("That product is not for sale.")
    variant = product.variant_by_sku(sku)
    if variant is None:
        raise CartError(f"{product.name} is not sold in the variation {sku!r}.")
    if product.customizable:
        configuration, preview_url = parse_configuration_id(configuration_id), check_preview_url(preview_url)
        same = (CartLine.configuration_id == configuration,)
    elif configuration_id or preview_url:
        raise CartError(f"{product.name} is not customised; it has no design to add.")
    else:
        configuration, preview_url = None, None
        same = (CartLine.configuration_id.is_(None), CartLine.variant_id == variant.id)

    db.session.commit()  # a new cart is saved on its own, so that losing the race below cannot undo it
    line = db.session.scalar(select(CartLine).where(CartLine.cart_id == cart.id, *same))
    if line is None:
        db.session.add(CartLine(cart_id=cart.id, product_id=product.id, variant_id=variant.id,
                                configuration_id=configuration, preview_url=preview_url,
                                quantity=min(quantity, MAX_QUANTITY), unit_price_cents=variant.price_cents))
        try:
            db.session.commit()
            return db.session.scalar(select(CartLine).where(CartLine.cart_id == cart.id, *same))
        except IntegrityError:
            # The same design was added at this very moment (a double click): the unique
            # constraint stopped this insert, so raise that line's quantity instead.
            db.session.rollback()
            line = db.session.scalar(select(CartLine).where(CartLine.cart_id == cart.id, *same))
            if line is None:
                raise
    if line.variant_id != variant.id:
        # One configuration is one design with one variation; a second SKU for it is tampering.
        raise CartError("That design is already in your cart as another variation.")
    # Raised in the database, not in Python: two requests at once must not overwrite each other's count.
    db.session.execute(
        update(CartLine).where(CartLine.id == line.id)
        .values(quantity=case((CartLine.quantity + quantity > MAX_QUANTITY, MAX_QUANTITY),
                              else_=CartLine.quantity + quantity),
                unit_price_cents=variant.price_cents)
        .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(line)
    return line


def find_line(cart: Cart | None, line_id: int) -> CartLine | None:
    """A line of this cart; a line id from someone else's cart is simply not found."""
    return next((line for line in cart.lines if line.id == line_id), None) if cart else None


def set_quantity(line: CartLine, quantity: int) -> None:
    line.quantity = quantity
    line.unit_price_cents = line.variant.price_cents
    db.session.commit()


def remove_line(line: CartLine) -> None:
    line.cart.lines.remove(line)
    db.session.commit()
