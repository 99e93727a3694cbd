"""Who ships what, and recording a parcel that left: the fulfilment side of the state machine.

An order's lines reach the customer in one or more shipments:

=========================================  ==============================  =========================
line                                       TWIKIT_DELIVER_TO=customer      TWIKIT_DELIVER_TO=merchant
=========================================  ==============================  =========================
customised (has a configuration ID)        Twikit (order-completion)       the merchant, once Twikit
                                                                           has the order
plain (no configuration ID; never sent)    the merchant                    the merchant
=========================================  ==============================  =========================

Every shipment goes through ``record_shipment`` below, whoever sent it: it
ties the lines to a ``Shipment`` (a compare-and-set on each line, so a line
ships once however many people click), moves the order to ``shipped`` when
nothing is left, else to ``partially_shipped``, and queues the customer's
e-mail in the same transaction. The merchant's back-office action is
``ship_by_merchant``; Twikit's order-completion report is in orders.reports.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update

from .. import outbox
from ..extensions import db
from ..models import Order, OrderLine, Shipment, utcnow
from ..outbox import JobKind
from ..safe_urls import https_link
from .addresses import MERCHANT
from .states import Status, TransitionLost, note, transition

log = logging.getLogger(__name__)

TWIKIT, MERCHANT_SHIPS = "twikit", "merchant"

# Statuses from which a paid order's lines may leave (not awaiting payment, not closed).
_SHIPPABLE = {Status.PAID, Status.SUBMITTED, Status.PRODUCTION_COMPLETE, Status.PARTIALLY_SHIPPED,
              Status.AT_MERCHANT, Status.NEEDS_ATTENTION}


class ShipmentRefused(ValueError):
    """The shipment cannot be recorded; the message says why, for the merchant."""


class ShipmentBusy(TransitionLost):
    """The order's shipping e-mail is being sent right now; nothing was recorded, try again shortly."""


def shipper(order: Order, line: OrderLine) -> str:
    """Who sends this line to the customer: "twikit" or "merchant"."""
    if line.configuration_id is not None and order.twikit_delivery != MERCHANT:
        return TWIKIT
    return MERCHANT_SHIPS


def unshipped(order: Order) -> list[OrderLine]:
    """The order's lines that have not left yet."""
    return [line for line in order.lines if line.shipment_id is None]


def merchant_may_ship(order: Order) -> list[OrderLine]:
    """The lines the merchant may mark shipped now (an empty list when there are none)."""
    if order.paid_at is None or Status(order.status) not in _SHIPPABLE:
        return []
    return [line for line in unshipped(order) if shipper(order, line) == MERCHANT_SHIPS
            # A customised line reaches the merchant only once Twikit accepted (and then made) the order.
            and (line.configuration_id is None or order.submitted_at is not None)]


def ship_by_merchant(order: Order, line_ids: list[int], *, tracking_id: str, tracking_url: str,
                     source: str = "admin") -> Shipment:
    """Record that the merchant sent these lines (with the merchant's own tracking), and tell the customer."""
    allowed = {line.id: line for line in merchant_may_ship(order)}
    if not line_ids:
        raise ShipmentRefused("Choose the lines that are in the parcel.")
    if not set(line_ids) <= allowed.keys():
        raise ShipmentRefused("Some of those lines have shipped already, or are not yours to ship.")
    tracking_id = (tracking_id or "").strip()
    tracking_url = (tracking_url or "").strip()
    if len(tracking_id) > 200:
        raise ShipmentRefused("The tracking number is longer than 200 characters.")
    # Only https, as for Twikit's tracking: the customer gets this link by e-mail and on the status page.
    if tracking_url and (https_link(tracking_url) is None or len(tracking_url) > 2048):
        raise ShipmentRefused("The tracking link must be an https:// address.")
    try:
        shipment = record_shipment(order, [allowed[i] for i in line_ids], shipped_by=MERCHANT_SHIPS,
                                   tracking=(tracking_id, tracking_url), source=source)
        db.session.commit()
    except TransitionLost:
        db.session.rollback()
        raise
    return shipment


def record_shipment(order: Order, lines: list[OrderLine], *, shipped_by: str,
                    tracking: tuple[str | None, str | None], source: str, details: dict[str, Any] | None = None,
                    **changes: Any) -> Shipment:
    """Tie ``lines`` to a new shipment and move the order on; within the caller's transaction.

    ``tracking`` is the parcel's (tracking number, tracking URL), either may be
    empty. ``changes`` are other order columns to set with it (Twikit's facts). Raises
    ShipmentRefused when a line shipped meanwhile (the caller rolls back),
    TransitionLost when the order's status changed under us, and ShipmentBusy
    while the order's shipping e-mail is being sent.
    """
    tracking_id, tracking_url = tracking
    shipment = Shipment(order=order, shipped_by=shipped_by, tracking_id=tracking_id or None,
                        tracking_url=tracking_url or None)
    db.session.add(shipment)
    db.session.flush()
    ids = [line.id for line in lines]
    # A compare-and-set per line: two clicks (or two admins) at once ship each line exactly once.
    claimed = db.session.execute(
        update(OrderLine).where(OrderLine.id.in_(ids), OrderLine.shipment_id.is_(None))
        .values(shipment_id=shipment.id).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != len(ids):
        raise ShipmentRefused("Some of those lines shipped meanwhile; reload the order.")
    for line in lines:
        db.session.refresh(line)
    what = ", ".join(f"{line.quantity} × {line.product_name}" for line in lines)
    details = {"shipment": shipment.id, "shipped_by": shipped_by, "lines": [line.identifier for line in lines],
               "tracking_id": tracking_id or None, "tracking_url": tracking_url or None, **(details or {})}
    left = unshipped(order)
    message = f"Shipped by {shipped_by}: {what}" + (f"; {len(left)} line(s) still to ship" if left else "")
    _move(order, Status.PARTIALLY_SHIPPED if left else Status.SHIPPED, source, message, details,
          **({} if left else {"shipped_at": utcnow()}), **changes)
    try:
        outbox.enqueue(JobKind.SEND_SHIPPED_EMAIL, order)
    except outbox.JobRunning:
        raise ShipmentBusy(f"order {order.identifier}: its shipping e-mail is being sent right now") from None
    log.info("order %s: shipment %s by %s (%s)", order.identifier, shipment.id, shipped_by, what)
    return shipment


def _move(order: Order, new: Status, source: str, message: str, details: dict[str, Any], **changes: Any) -> None:
    """Transition when the status changes; otherwise (or while a person looks at it) record the fact."""
    current = Status(order.status)
    staying = current is new or (current is Status.NEEDS_ATTENTION and new is Status.PARTIALLY_SHIPPED)
    if staying:
        for name, value in changes.items():
            if name == "attention_reason" and value is None:
                continue  # still needs a person: a shipment does not answer the reason it was flagged
            setattr(order, name, value)
        note(order, source=source, message=message, details=details)
    else:
        transition(order, new, source=source, message=message, details=details, **changes)
