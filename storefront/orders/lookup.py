"""Finding an order by the identifier the customer, Twikit and the back-office all know it by."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Order, OrderLine


def find_order(identifier: str, *, with_lines: bool = False) -> Order | None:
    """The order with this identifier (``TW-261129-7K3QX9``), or None.

    with_lines: load its lines and the parcels they left in with it, in the same
    query (the status page and its poll read all of them, many times a minute).
    """
    query = select(Order).where(Order.identifier == identifier)
    if with_lines:
        query = query.options(joinedload(Order.lines).joinedload(OrderLine.shipment))
    return db.session.execute(query).unique().scalar_one_or_none()
