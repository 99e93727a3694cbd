"""Production and shipping, as Twikit reports them (spec steps 16-18).

Twikit sends two reports per order: production-completion when the
producer has made it, and order-completion when the parcel leaves. Either
may come late, twice (Twikit retries once after 5 minutes when our answer
was faulty), or out of order. So each report is applied through the state
machine's compare-and-set, and only ever moves an order forward:

    submitted ── production ok ──> production_complete ──> shipped
        │    └── production failed ──> needs_attention ──────┘
        └──────────────── order-completion ──────────────────┘

A report that no longer changes anything (a repeat, or production news about
an order that already shipped) is answered as accepted and records at most a
fact. A report about an order Twikit cannot have (one we never submitted)
raises ``ReportRefused``, so Twikit hears an error (and retries once; the
alarm is for website publication only) and our webhook log keeps the report.

The tracking link is kept only when it is https: it is shown to the customer
as a link, and a parcel's tracking page has no reason to be plain http.

Shipping writes the outbox job that e-mails the customer (orders.emails) in
the same transaction, so the e-mail exists exactly when the shipment does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import outbox
from ..extensions import db
from ..models import Order, utcnow
from ..outbox import JobKind
from ..safe_urls import http_link, https_link
from ..twikit.payload import twikit_lines
from .states import Status, TransitionLost, note, transition

SOURCE = "twikit-webhook"

# Statuses in which Twikit has the order, so its reports make sense. needs_attention
# counts only once the order was submitted (Twikit created it, perhaps as unhealthy).
_AT_TWIKIT = {Status.SUBMITTED, Status.PRODUCTION_COMPLETE, Status.SHIPPED, Status.NEEDS_ATTENTION}


class ReportRefused(ValueError):
    """The report does not fit the order (we never submitted it); Twikit should hear an error."""


# --- production-completion -------------------------------------------------------------

def record_production(order: Order, *, success: bool, url: str, error: str) -> str:
    """Record Twikit's production report on an order; returns what happened, for the delivery log."""
    return _settle(order, lambda: _apply_production(order, success, url, error))


def _apply_production(order: Order, success: bool, reported_url: str, error: str) -> str:
    _require_submitted(order)
    url = http_link(reported_url)
    status = Status(order.status)
    if status is Status.SHIPPED:
        if success and order.produced_at is None:
            # Out of order: the parcel left before this report. Keep the fact; the status stays shipped.
            order.produced_at, order.production_url = utcnow(), url
            note(order, source=SOURCE, message="Production complete (reported after shipping)",
                 details={"url": reported_url})
            return "production recorded on a shipped order; status unchanged"
        return "already shipped; nothing changed"
    if status is Status.PRODUCTION_COMPLETE:
        return "already produced; nothing changed"
    if success:  # submitted, or needs_attention after an unhealthy order or a failed run
        transition(order, Status.PRODUCTION_COMPLETE, source=SOURCE, message="Production complete",
                   details={"url": reported_url}, produced_at=utcnow(), production_url=url, production_error=None,
                   attention_reason=None)
        return f"{status} -> production_complete"
    if status is Status.NEEDS_ATTENTION and order.production_error == error:
        return "production failure already recorded; nothing changed"
    reason = f"Production failed at Twikit: {error or 'no reason given'}"
    if status is Status.NEEDS_ATTENTION:  # already flagged for another reason: same state, new reason
        order.production_error, order.production_url, order.attention_reason = error, url, reason
        note(order, source=SOURCE, message=reason, details={"url": reported_url, "error": error})
        return "production failure recorded; already needs attention"
    transition(order, Status.NEEDS_ATTENTION, source=SOURCE, message=reason,
               details={"url": reported_url, "error": error},
               production_error=error, production_url=url, attention_reason=reason)
    return "submitted -> needs_attention"


# --- order-completion --------------------------------------------------------------------

def record_shipment(order: Order, *, tracking_url: str, tracking_id: str, line_items: list[dict[str, Any]]) -> str:
    """Mark an order shipped with its tracking data, and queue the customer's e-mail; returns what happened."""
    return _settle(order, lambda: _apply_shipment(order, tracking_url, tracking_id, line_items))


def _apply_shipment(order: Order, reported_url: str, tracking_id: str, line_items: list[dict[str, Any]]) -> str:
    _require_submitted(order)
    tracking_url = https_link(reported_url)
    if order.status == Status.SHIPPED:
        if (tracking_url, tracking_id or None) != (order.tracking_url, order.tracking_id):
            return "already shipped with other tracking data; nothing changed"
        return "already shipped; nothing changed"
    differences = line_item_differences(order, line_items)
    # A mismatch does not stop the shipment: the parcel is on its way, so the customer must hear of it.
    # It is flagged on the order (an event, and attention_reason) for a person to compare by hand.
    mismatch = "Twikit's line items differ from the order: " + "; ".join(differences) if differences else None
    previous = order.status
    transition(order, Status.SHIPPED, source=SOURCE, message="Shipped",
               details={"tracking_url": reported_url, "tracking_id": tracking_id}, shipped_at=utcnow(),
               tracking_url=tracking_url, tracking_id=tracking_id or None, attention_reason=mismatch)
    if mismatch:
        note(order, source=SOURCE, message=mismatch, details={"line_items": line_items})
    outbox.enqueue(JobKind.SEND_SHIPPED_EMAIL, order)
    return f"{previous} -> shipped" + (f"; {mismatch}" if mismatch else "")


def line_item_differences(order: Order, line_items: list[dict[str, Any]]) -> list[str]:
    """How Twikit's ILineItems differ from our Twikit lines (identifier, configuration, product key, amount)."""
    ours = {line.identifier: line for line in twikit_lines(order)}
    theirs = {item["identifier"]: item for item in line_items}
    differences = [f"line {identifier} is missing" for identifier in ours if identifier not in theirs]
    differences += [f"line {identifier} is not ours" for identifier in theirs if identifier not in ours]
    if len(theirs) < len(line_items):
        differences.append("a line is listed twice")
    for identifier, item in theirs.items():
        line = ours.get(identifier)
        if line is None:
            continue
        for field, expected, actual in (("configurationId", line.configuration_id, item["configurationId"]),
                                        ("productKey", line.product_key, item["productKey"]),
                                        ("amount", line.quantity, item["amount"])):
            if expected != actual:
                differences.append(f"line {identifier} {field} is {actual!r}, expected {expected!r}")
    return differences


# --- shared rules -----------------------------------------------------------------------

def _require_submitted(order: Order) -> None:
    if Status(order.status) not in _AT_TWIKIT or order.submitted_at is None:
        raise ReportRefused(f"order {order.identifier} is {order.status} and was never submitted to Twikit")


def _settle(order: Order, apply: Callable[[], str]) -> str:
    """Apply a report and commit; if another delivery moved the order first, decide again on its new status."""
    for _ in range(3):
        try:
            outcome = apply()
            db.session.commit()
            return outcome
        except TransitionLost:
            db.session.rollback()
            db.session.refresh(order)
    raise TransitionLost(f"order {order.identifier} kept changing while a Twikit report was applied")
