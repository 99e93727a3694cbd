"""The steps an order goes through on its way to the customer, as its status page shows them.

The steps follow the order's facts (paid_at, submitted_at, ...), not its
status, and depend on what is in it: plain products skip Twikit altogether;
with TWIKIT_DELIVER_TO=merchant the parcel stops at the shop on its way.
"""

from __future__ import annotations

from ..models import Order
from ..twikit.payload import twikit_lines
from .addresses import MERCHANT


def progress_steps(order: Order) -> list[tuple[str, bool]]:
    """(label, done) for each step, in order; labels are English, for the template to translate."""
    customised = twikit_lines(order)
    customised_shipped = any(line.shipment_id is not None for line in customised)
    steps = [("Paid", order.paid_at is not None)]
    if customised:
        arrived = order.twikit_completed_at is not None or customised_shipped
        steps += [("Submitted for production", order.submitted_at is not None),
                  ("Produced", order.produced_at is not None or arrived)]
        if order.twikit_delivery == MERCHANT:
            steps.append(("Being prepared for shipping", arrived))
    steps.append(("Shipped", order.shipped_at is not None))
    return steps
