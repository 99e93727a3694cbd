"""Cart rules: find the customer's cart and change it only with values the shop can vouch for."""

from __future__ import annotations

import re
import secrets
import unicodedata
from functools import cache

from flask import current_app, session
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import current_locale
from ..models import Cart, CartLine, Order, Product
from ..orders.states import Status
from ..safe_urls import is_from_origins

SESSION_KEY = "cart"
MAX_QUANTITY = 99
# configurationId is a JavaScript number (spec, ISaveData): anything past 2**53 cannot be exact.
MAX_CONFIGURATION_ID = 2**53 - 1
MAX_DESIGN_SUMMARY = 200
# Characters a display text must not carry: C0/C1 controls, and the bidi controls that could make
# the text read otherwise than it is (surrogates cannot come through a form, but never store one).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class CartError(ValueError):
    """A cart change was refused; the message is safe to show the customer."""


def current_cart(create: bool = False) -> Cart | None:
    """The cart named by the signed session cookie; a new one when asked to create.

    Asked to create (to add to it), a cart reserved for an order whose payment is
    processing is not changed: the customer gets a fresh cart beside it.
    """
    token = session.get(SESSION_KEY)
    cart = db.session.scalars(_cart_statement(), {"token": token}).unique().one_or_none() if token else None
    if create and cart is not None and reserving_order(cart) is not None:
        cart = None
    if cart is None and create:
        cart = Cart(token=secrets.token_urlsafe(32))
        db.session.add(cart)
        session[SESSION_KEY] = cart.token
    return cart


def cart_item_count() -> int:
    """How many items the header shows, without creating a cart; none while the cart is reserved."""
    token = session.get(SESSION_KEY)
    if not token:
        return 0
    return db.session.scalar(_item_count_statement(), {"token": token})


def reserving_order(cart: Cart | None) -> Order | None:
    """The order whose payment is processing for this cart, if any: its lines are spoken for until it settles.

    After a method that settles later (a bank debit), the customer has paid as
    far as they can tell; the cart must not invite a second payment meanwhile.
    Paid, the cart is emptied; failed, the cart is theirs again.
    """
    if cart is None:
        return None
    return db.session.scalar(_reserving_order_statement(), {"cart_id": cart.id})


# The statements every page with a cart runs, built once: building one costs more than running it,
# and a statement built the same way each time is compiled once by SQLAlchemy anyway.

@cache
def _cart_statement():
    # With its lines, their products and variants, in one statement: the cart page shows them all.
    lines = joinedload(Cart.lines)
    return (select(Cart).where(Cart.token == bindparam("token"))
            .options(lines.joinedload(CartLine.product), lines.joinedload(CartLine.variant)))


@cache
def _item_count_statement():
    return (select(func.coalesce(func.sum(CartLine.quantity), 0)).join(Cart)
            .where(Cart.token == bindparam("token"), ~exists(_reserving_orders().where(Order.cart_id == Cart.id))))


@cache
def _reserving_order_statement():
    return _reserving_orders().where(Order.cart_id == bindparam("cart_id")).order_by(Order.id.desc()).limit(1)


def _reserving_orders():
    return select(Order).where(Order.status == Status.AWAITING_PAYMENT, Order.payment_pending_at.is_not(None))


def parse_configuration_id(raw: str) -> int:
    """A Twikit configuration ID: a positive integer (spec, ISaveData.configurationId)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 16:
        raise CartError(_("The design's configuration ID is not valid."))
    value = int(raw)
    if not 0 < value <= MAX_CONFIGURATION_ID:
        raise CartError(_("The design's configuration ID is not valid."))
    return value


def check_preview_url(url: str) -> str:
    """Accept a preview image URL only if it is http(s) from an allowed Twikit preview origin."""
    if len(url) > 2048 or not is_from_origins(url, current_app.config["TWIKIT_PREVIEW_ORIGINS"]):
        raise CartError(_("The design's preview image does not come from Twikit."))
    return url


def clean_design_summary(raw: str | None) -> str | None:
    """The design summary as plain display text (no control characters, single spaces); None when empty.

    It comes from the browser, so it is shown back to the customer and the merchant
    and used for nothing else: the price, the SKU and what Twikit produces come from
    the shop's data and the configuration ID.
    """
    text = " ".join(_INVISIBLE.sub(" ", unicodedata.normalize("NFC", raw or "")).split())
    if len(text) > MAX_DESIGN_SUMMARY:
        raise CartError(_("The description of your design is longer than %(limit)s characters.",
                          limit=MAX_DESIGN_SUMMARY))
    return text or None


def add_line(cart: Cart, product_slug: str, sku: str, configuration_id: str, preview_url: str,
             quantity: int, *, design_summary: str | None = None) -> CartLine:
    """Add a product to the cart, priced from the shop's own variant.

    A customised product needs its saved configuration (ID and preview); a
    plain product has neither. The same design, or the same plain variant,
    added again raises the line's quantity.
    """
    product = db.session.scalar(select(Product).where(Product.slug == product_slug, Product.published))
    if product is None:
        raise CartError(_("That product is not for sale."))
    variant = product.variant_by_sku(sku)
    if variant is None:
        raise CartError(_("%(product)s is not sold in the variation “%(sku)s”.",
                          product=product.translated("name", current_locale()), sku=sku))
    if product.customizable:
        configuration, preview_url = parse_configuration_id(configuration_id), check_preview_url(preview_url)
        summary = clean_design_summary(design_summary)
        same = (CartLine.configuration_id == configuration,)
    elif configuration_id or preview_url:
        raise CartError(_("%(product)s is not customised; it has no design to add.",
                          product=product.translated("name", current_locale())))
    else:
        configuration, preview_url, summary = None, None, None
        same = (CartLine.configuration_id.is_(None), CartLine.variant_id == variant.id)

    db.session.commit()  # a new cart is saved on its own, so that losing the race below cannot undo it
    line = db.session.scalar(select(CartLine).where(CartLine.cart_id == cart.id, *same))
    if line is None:
        db.session.add(CartLine(cart_id=cart.id, product_id=product.id, variant_id=variant.id,
                                configuration_id=configuration, preview_url=preview_url, design_summary=summary,
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
        raise CartError(_("That design is already in your cart as another variation."))
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
