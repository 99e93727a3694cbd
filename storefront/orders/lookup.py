"""Finding an order by the identifier the customer, Twikit and the back-office all know it by."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Order, OrderLine


def find_order(identifier: str, *, with_lines: bool = False) -> Order | None:
    """The order with this identifier (``TW-261129-7K3QX9``), or None.

    with_lines: load its lines and the parcels they left in with it, in the same
    query (the status page and its poll read all of them, many times a minute).
    """
    statement = _order_with_lines() if with_lines else _order()
    return db.session.execute(statement, {"identifier": identifier}).unique().scalar_one_or_none()


# Built once, with the identifier bound at each call: building an ORM statement with its loader
# options costs more than running it (SQLAlchemy compiles a statement's SQL once either way).

@cache
def _order():
    return select(Order).where(Order.identifier == bindparam("identifier"))


@cache
def _order_with_lines():
    return _order().options(joinedload(Order.lines).joinedload(OrderLine.shipment))
