"""What the customer is told about an order: its status, what that means, the steps done, and its parcels.

Built in one place for the status page and for the JSON its script polls, so a
page that updates itself says exactly what a reload would. The steps follow
the facts (``paid_at``, ``submitted_at``...), not the status: an order that
shipped before its production report still shows as produced. They also
depend on what is in the order: plain products skip Twikit altogether, and
with TWIKIT_DELIVER_TO=merchant the parcel stops at the shop on its way.

An order may ship in parts (storefront.orders.shipments): the customer sees
each parcel that left, with its tracking, and the lines still to come.
Everything here is read from the order and its lines (with their shipments),
which the status page loads in one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..models import Order, OrderLine
from ..twikit.payload import twikit_lines
from .addresses import MERCHANT
from .states import LABELS, TRANSITIONS, Status


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class ParcelLine:
    quantity: int
    product_name: str   # in the order's language, as the line was ordered
    variant_name: str


@dataclass(frozen=True)
class Parcel:
    lines: list[ParcelLine]
    tracking_id: str | None
    tracking_url: str | None   # https only (storefront.safe_urls), so a page may link it


@dataclass(frozen=True)
class Progress:
    status: str
    label: str          # the status, in the customer's language
    heading: str
    message: str        # what the status means for the customer; may be empty
    final: bool         # no further change can come: a page may stop asking
    steps: list[Step]   # the order's way to the customer; none is done until it is paid
    parcels: list[Parcel]            # what has left, parcel by parcel, oldest first
    not_shipped: list[ParcelLine]    # what has not left yet, once something has
    cart_link: bool     # the design is back in the cart: offer the way there


def progress_of(order: Order) -> Progress:
    """The order's progress as the customer reads it, in the current locale."""
    status = Status(order.status)
    label = _(LABELS.get(status, status.value))
    if status is Status.AWAITING_PAYMENT and order.payment_pending_at is not None:
        label = _("Payment processing")  # the customer has paid, as far as they can tell
    parcels = _parcels(order)
    return Progress(
        status=status.value, label=label,
        heading=_("Thank you!") if order.paid_at else _("Your order"),
        message=_message(order, status), final=_is_final(status), steps=_steps(order), parcels=parcels,
        not_shipped=[_line(line) for line in order.lines if line.shipment_id is None] if parcels else [],
        cart_link=status in (Status.PAYMENT_FAILED, Status.EXPIRED),
    )


def _steps(order: Order) -> list[Step]:
    """Each step on the order's way, done or not, from its facts and what is in it."""
    steps = [Step("paid", _("Paid"), order.paid_at is not None)]
    customised = twikit_lines(order)
    if customised:
        # Twikit's part has left the producer: reported, or shipped on by the merchant before the report.
        arrived = order.twikit_completed_at is not None or any(line.shipment_id is not None for line in customised)
        steps += [Step("submitted", _("Submitted for production"), order.submitted_at is not None),
                  Step("produced", _("Produced"), order.produced_at is not None or arrived)]
        if order.twikit_delivery == MERCHANT:
            steps.append(Step("at_merchant", _("Being prepared for shipping"), arrived))
    steps.append(Step("shipped", _("Shipped"), order.shipped_at is not None))
    return steps


def _parcels(order: Order) -> list[Parcel]:
    """The parcels that left, from the lines' shipments (no query beyond the lines)."""
    shipments: dict[int, list[OrderLine]] = {}
    for line in order.lines:
        if line.shipment_id is not None:
            shipments.setdefault(line.shipment_id, []).append(line)
    return [Parcel(lines=[_line(line) for line in lines], tracking_id=lines[0].shipment.tracking_id,
                   tracking_url=lines[0].shipment.tracking_url)
            for _id, lines in sorted(shipments.items())]


def _line(line: OrderLine) -> ParcelLine:
    return ParcelLine(quantity=line.quantity, product_name=line.product_name, variant_name=line.variant_name)


def _message(order: Order, status: Status) -> str:
    if status is Status.AWAITING_PAYMENT and order.payment_pending_at is not None:
        return _("Your payment is being processed. This can take a little while; your cart is kept for this "
                 "order meanwhile.")
    messages = {
        Status.AWAITING_PAYMENT: _("We are waiting for the payment to be confirmed."),
        Status.PAID: _("Your payment is confirmed. We will e-mail you when your order ships."),
        Status.SUBMITTED: _("Your design is being made. We will e-mail you when your order ships."),
        Status.PRODUCTION_COMPLETE: _("Your design has been made and will ship soon."),
        Status.AT_MERCHANT: _("Your design has been made and we are preparing it for shipping. We will e-mail you "
                              "when your order ships."),
        Status.PARTIALLY_SHIPPED: _("Part of your order is on its way; we will e-mail you when the rest ships."),
        Status.SHIPPED: _("Your order is on its way. We sent you an e-mail with the tracking details."),
        Status.PAYMENT_FAILED: _("The payment did not go through, so nothing was charged. Your design is still "
                                 "in your cart."),
        Status.EXPIRED: _("The payment page closed before the payment was made. Your design is still in your "
                          "cart."),
        Status.CANCELLED: _("This order was cancelled."),
        Status.NEEDS_ATTENTION: _("Our team is checking your order and will contact you if anything is needed."),
    }
    return messages.get(status, "")


def _is_final(status: Status) -> bool:
    """No change the customer waits for can come: the only way out, if any, is a flag for the team.

    A closed order (expired, failed, cancelled) moves on only when money arrives or leaves
    unexpectedly, which the team handles; the page need not keep asking for that.
    """
    return not (TRANSITIONS.get(status, frozenset()) - {Status.NEEDS_ATTENTION})
