"""Production and shipping, as Twikit reports them (spec steps 16-18).

Twikit sends two reports per order: production-completion when the
producer has made it, and order-completion when the parcel leaves. Either
may come late, twice (Twikit retries once after 5 minutes when our answer
was faulty), or out of order. So each report is applied through the state
machine's compare-and-set, and only ever moves an order forward:

    submitted ── production ok ──> production_complete ──> shipped
        │    └── production failed ──> needs_attention ──────┘
        └──────────────── order-completion ──────────────────┘

Order completion ships only Twikit's part (orders.shipments): the customised
lines. With plain lines still to come from the merchant, the order is
``partially_shipped``. With TWIKIT_DELIVER_TO=merchant the parcel goes to the
merchant, so completion means "on its way to the shop", not "shipped to the
customer": the order waits ``at_merchant``, the producer's tracking stays in
the back-office, and the customer hears nothing until the merchant ships it on.

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

from ..extensions import db
from ..models import Order, utcnow
from ..safe_urls import http_link, https_link
from ..twikit.payload import twikit_lines
from . import shipments
from .addresses import MERCHANT
from .shipments import TWIKIT, unshipped
from .states import Status, TransitionLost, note, set_facts_once, transition

SOURCE = "twikit-webhook"

# Statuses in which Twikit has the order, so its reports make sense. needs_attention
# counts only once the order was submitted (Twikit created it, perhaps as unhealthy).
_AT_TWIKIT = {Status.SUBMITTED, Status.PRODUCTION_COMPLETE, Status.SHIPPED, Status.NEEDS_ATTENTION,
              Status.PARTIALLY_SHIPPED, Status.AT_MERCHANT}


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
    if status is Status.SHIPPED or order.twikit_completed_at is not None:
        if success and order.produced_at is None:
            # Out of order: the parcel left before this report. Keep the fact (once: a copy of this
            # report may be applied at this very moment); the status stays.
            set_facts_once(order, "produced_at", produced_at=utcnow(), production_url=url)
            note(order, source=SOURCE, message="Production complete (reported after shipping)",
                 details={"url": reported_url})
            return f"production recorded on a shipped order; status stays {status}"
        return "already shipped; nothing changed"
    if status is Status.PRODUCTION_COMPLETE:
        return "already produced; nothing changed"
    if success and status is Status.PARTIALLY_SHIPPED:
        if order.produced_at is not None:
            return "already produced; nothing changed"
        # The merchant's part has left; the status keeps saying so, and production is a fact.
        set_facts_once(order, "produced_at", produced_at=utcnow(), production_url=url, production_error=None)
        note(order, source=SOURCE, message="Production complete", details={"url": reported_url})
        return "production recorded; status stays partially_shipped"
    if success:  # submitted, or needs_attention after an unhealthy order or a failed run
        # An order whose plain part left while it needed attention goes back to partially_shipped.
        new = Status.PARTIALLY_SHIPPED if len(unshipped(order)) < len(order.lines) else Status.PRODUCTION_COMPLETE
        transition(order, new, source=SOURCE, message="Production complete",
                   details={"url": reported_url}, produced_at=utcnow(), production_url=url, production_error=None,
                   attention_reason=None)
        return f"{status} -> {new}"
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
    return f"{status} -> needs_attention"


# --- order-completion --------------------------------------------------------------------

def record_shipment(order: Order, *, tracking_url: str, tracking_id: str, line_items: list[dict[str, Any]]) -> str:
    """Record Twikit's order completion: its part shipped to the customer (e-mail queued), or on its way to the
    merchant; returns what happened."""
    return _settle(order, lambda: _apply_shipment(order, tracking_url, tracking_id, line_items))


def _apply_shipment(order: Order, reported_url: str, tracking_id: str, line_items: list[dict[str, Any]]) -> str:
    _require_submitted(order)
    tracking_url = https_link(reported_url)
    if order.twikit_completed_at is not None:
        if (tracking_url, tracking_id or None) != (order.tracking_url, order.tracking_id):
            return "already reported with other tracking data; nothing changed"
        return "already reported; nothing changed"
    differences = line_item_differences(order, line_items)
    # A mismatch does not stop the shipment: the parcel is on its way, so the customer must hear of it.
    # It is flagged on the order (an event, and attention_reason) for a person to compare by hand.
    mismatch = "Twikit's line items differ from the order: " + "; ".join(differences) if differences else None
    facts = {"twikit_completed_at": utcnow(), "tracking_url": tracking_url, "tracking_id": tracking_id or None,
             "attention_reason": mismatch}
    details = {"tracking_url": reported_url, "tracking_id": tracking_id}
    previous = order.status
    if order.twikit_delivery == MERCHANT:
        outcome = _arrived_at_merchant(order, details, facts)
    else:
        outcome = _shipped_by_twikit(order, tracking_url, tracking_id, details, facts)
    if mismatch:
        note(order, source=SOURCE, message=mismatch, details={"line_items": line_items})
    return f"{previous} -> {outcome}" + (f"; {mismatch}" if mismatch else "")


def _shipped_by_twikit(order: Order, tracking_url: str | None, tracking_id: str, details: dict[str, Any],
                       facts: dict[str, Any]) -> str:
    """Twikit delivers to the customer: its parcel holds the customised lines; tell the customer."""
    lines = [line for line in unshipped(order) if line.configuration_id is not None]
    if not lines:  # nothing of Twikit's left to ship (should not happen): keep the facts
        set_facts_once(order, "twikit_completed_at", **facts)
        note(order, source=SOURCE, message="Order completion reported; no line was left to ship", details=details)
        return f"{order.status} (no line left to ship)"
    shipments.record_shipment(order, lines, shipped_by=TWIKIT, tracking=(tracking_id, tracking_url), source=SOURCE,
                              details=details, **facts)
    return order.status


def _arrived_at_merchant(order: Order, details: dict[str, Any], facts: dict[str, Any]) -> str:
    """Twikit delivers to the merchant: its parcel is on its way to the shop, not to the customer.

    No e-mail: the producer's tracking leads to the merchant. The order waits
    at_merchant until the merchant ships it on from the back-office.
    """
    message = "Order completed by Twikit: on its way to the merchant, who ships it on"
    nothing_shipped = len(unshipped(order)) == len(order.lines)
    if nothing_shipped and Status(order.status) in (Status.SUBMITTED, Status.PRODUCTION_COMPLETE,
                                                    Status.NEEDS_ATTENTION):
        transition(order, Status.AT_MERCHANT, source=SOURCE, message=message, details=details, **facts)
    else:  # the merchant already shipped some or all of it: the status says so; keep the facts
        kept = {name: value for name, value in facts.items() if name != "attention_reason" or value is not None}
        set_facts_once(order, "twikit_completed_at", **kept)
        note(order, source=SOURCE, message=message, details=details)
    return order.status


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
        except (TransitionLost, shipments.ShipmentRefused):  # a concurrent delivery got there first
            db.session.rollback()
            db.session.refresh(order)
    raise TransitionLost(f"order {order.identifier} kept changing while a Twikit report was applied")
