"""Twikit's payment verification (spec step 13): is this a real, paid order with exactly these designs?

Twikit asks while our own create-order call is still waiting, so the answer
comes from our database alone. It relies on the ``paid_at`` fact rather than
the status: by the time Twikit asks, the order may already have moved on.
"""

from __future__ import annotations

from collections import Counter

from ..models import Order
from ..twikit.payload import twikit_lines
from .states import Status


def why_not_verified(order: Order | None, configuration_ids: list[int]) -> str:
    """Why Twikit should not produce this order, or "" when it should."""
    if order is None:
        return "no such order"
    if order.paid_at is None:
        return f"the order is not paid (status {order.status})"
    if order.status == Status.CANCELLED:
        return "the order was cancelled"
    # A multiset: the same design ordered on two lines is two configuration IDs.
    ours = Counter(line.configuration_id for line in twikit_lines(order))
    theirs = Counter(configuration_ids)
    if ours != theirs:
        return (f"configuration IDs differ: missing {sorted((ours - theirs).elements())}, "
                f"unexpected {sorted((theirs - ours).elements())}")
    return ""
