"""The back-office's order list: filtered, searched and paginated in a fixed number of statements.

Two statements per page whatever the number of orders (a count and the page
itself), plus one for the "needs attention" count in the navigation: no
per-row query, so the page costs the same at 10 orders as at 10,000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..models import Order, OrderLine
from .states import Status

PAGE_SIZE = 50
MAX_CONFIGURATION_ID = 2**63 - 1  # a BIGINT; a longer number cannot be a configuration ID


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    total: int
    page: int
    pages: int
    status: str
    search: str


def find_orders(*, status: str = "", search: str = "", page: int = 1) -> OrderPage:
    """One page of orders, "needs attention" first, then the newest; filtered by status and a search text.

    The search matches an order identifier or e-mail (any part, any case), or
    a configuration ID (a whole number) on one of the order's lines.
    """
    status = status if status in {s.value for s in Status} else ""
    search = search.strip()[:200]
    conditions = []
    if status:
        conditions.append(Order.status == status)
    if search:
        matches = [Order.identifier.icontains(search, autoescape=True), Order.email.icontains(search, autoescape=True)]
        if search.isdigit() and 0 < int(search) <= MAX_CONFIGURATION_ID:
            matches.append(Order.id.in_(select(OrderLine.order_id).where(OrderLine.configuration_id == int(search))))
        conditions.append(or_(*matches))
    total = db.session.scalar(select(func.count()).select_from(Order).where(*conditions))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    attention_first = case((Order.status == Status.NEEDS_ATTENTION.value, 0), else_=1)
    orders = db.session.scalars(select(Order).where(*conditions).order_by(attention_first, Order.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return OrderPage(orders=list(orders), total=total, page=page, pages=pages, status=status, search=search)


def attention_count() -> int:
    """How many orders need a person now (the navigation shows it)."""
    return db.session.scalar(select(func.count()).select_from(Order)
                             .where(Order.status == Status.NEEDS_ATTENTION.value))
