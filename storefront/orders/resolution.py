"""Marking an order's problem resolved: the merchant handled it outside the shop and says how.

An order that needs attention goes back to where its facts put it (shipped,
partly shipped, at the merchant's, produced, submitted, or paid for an order of
plain products that Twikit never gets), through the state machine. An order that has a
reason for attention without that status (shipped with line items that
differ from ours) keeps its status and loses the reason. Either way the
merchant's note is the event's message.
"""

from __future__ import annotations

from ..extensions import db
from ..models import Order
from ..twikit.payload import twikit_lines
from .addresses import MERCHANT
from .states import ActionRefused, Status, note, transition

MAX_NOTE = 500


def why_not_resolve(order: Order) -> str | None:
    """Why the order cannot be marked resolved now, or None when it can."""
    if order.status == Status.NEEDS_ATTENTION:
        if order.submitted_at is None and twikit_lines(order):
            return ("Twikit does not have this order, so there is nothing to resume: retry the submission, "
                    "correct the addresses, or cancel and refund it.")
        if order.paid_at is None:  # plain products only, flagged before its payment counted
            return "The payment for this order was never confirmed: cancel and refund it instead."
        return None
    if order.attention_reason:
        return None
    return "Nothing on this order needs attention."


def resolve(order: Order, *, note_text: str, source: str) -> None:
    """Close the order's problem with the merchant's note, and commit."""
    refusal = why_not_resolve(order)
    if refusal:
        raise ActionRefused(refusal)
    text = " ".join(note_text.split())[:MAX_NOTE]
    if not text:
        raise ActionRefused("Say in a few words how it was resolved.")
    details = {"reason": order.attention_reason}
    if order.status == Status.NEEDS_ATTENTION:
        transition(order, status_from_facts(order), source=source, message=f"Marked resolved: {text}",
                   details=details, attention_reason=None)
    else:
        order.attention_reason = None
        note(order, source=source, message=f"Marked resolved: {text}", details=details)
    db.session.commit()


def status_from_facts(order: Order) -> Status:
    """Where a paid order stands by its facts alone: what has shipped, what Twikit reported, what it has."""
    if order.shipped_at:
        return Status.SHIPPED
    if any(line.shipment_id is not None for line in order.lines):
        return Status.PARTIALLY_SHIPPED
    if order.twikit_delivery == MERCHANT and order.twikit_completed_at:
        return Status.AT_MERCHANT
    if order.produced_at:
        return Status.PRODUCTION_COMPLETE
    if order.submitted_at:
        return Status.SUBMITTED
    return Status.PAID  # plain products only: the merchant ships them
