"""Finding an order by the identifier the customer, Twikit and the back-office all know it by."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Order


def find_order(identifier: str) -> Order | None:
    """The order with this identifier (``TW-261129-7K3QX9``), or None."""
    return db.session.scalar(select(Order).where(Order.identifier == identifier))
