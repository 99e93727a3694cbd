"""Submitting a paid order to Twikit for production (spec steps 12-14), and what each answer means.

Run only by the worker, never inside a web request: Twikit calls our
payment-verification webhook while our create-order call waits, and a web
worker blocked on that call could be the very one needed to answer it.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

from flask import current_app

from .. import outbox
from ..extensions import db
from ..models import Order, OutboxJob, utcnow
from ..outbox import JobKind
from ..twikit.client import ApiResult, TwikitClient
from ..twikit.payload import build_order_payload, serialise, twikit_lines
from ..twikit.result_codes import ResultCode
from .addresses import twikit_addresses
from .states import ActionRefused, IllegalTransition, Status, TransitionLost, note, transition

log = logging.getLogger(__name__)

SOURCE = "worker"


class Outcome(Enum):
    SUBMITTED = "submitted"
    SUBMITTED_UNHEALTHY = "submitted, unhealthy"
    # Code 9 after an attempt of ours whose answer was lost: Twikit has the order, but how that
    # first attempt ended (1, or 2 "unhealthy", which does not start) nobody told us.
    SUBMITTED_UNCONFIRMED = "submitted (confirmed by a duplicate answer)"
    REJECTED = "rejected"              # Twikit said no; retrying the same payload cannot help
    CONFIGURATION_ERROR = "configuration error"
    RETRY = "retry"


def classify(result: ApiResult, *, earlier_attempt: bool) -> Outcome:
    """Decide what one create-order answer means. A parseable result code decides first."""
    if result.http_status is None:                       # timeout or no connection
        return Outcome.RETRY
    if result.result_code is None:
        if result.http_status >= 500 or 200 <= result.http_status < 300:
            return Outcome.RETRY                         # Twikit (or a proxy) failed mid-way
        return Outcome.CONFIGURATION_ERROR               # e.g. an HTML 404: wrong URL or integration ID
    code = result.code
    if code is ResultCode.ORDER_CREATED_SUCCESSFULLY:
        return Outcome.SUBMITTED
    if code is ResultCode.ORDER_CREATED_UNHEALTHY:
        return Outcome.SUBMITTED_UNHEALTHY
    if code is ResultCode.UNEXPECTED_ERROR:
        return Outcome.RETRY
    if code is ResultCode.IDENTIFIER_ALREADY_EXISTS and earlier_attempt:
        # Our earlier attempt reached Twikit but its answer was lost: the order exists, in a state we never heard.
        return Outcome.SUBMITTED_UNCONFIRMED
    return Outcome.REJECTED                              # 3-8, 10, 9 on a first attempt, and unknown codes


def submit_order(job: OutboxJob) -> Outcome | None:
    """Make one create-order attempt for a claimed job and record its outcome."""
    order = job.order
    if not _may_submit(job, order):
        return None
    billing, delivery = twikit_addresses(order, current_app.config)
    payload_string = serialise(build_order_payload(order, billing_address=billing, delivery_address=delivery))
    client = TwikitClient.for_app(current_app._get_current_object())
    # End the read transaction before the call, which may take TWIKIT_READ_TIMEOUT_SECONDS: held open, its
    # locks would make a migration's ALTER TABLE (and every query queued behind that) wait for Twikit.
    # The lease token is kept first: after the commit the job is read again, and would hold the current one.
    lease_token = job.lease_token
    db.session.commit()
    result = client.create_order(payload_string)

    if not outbox.still_ours(job, lease_token):
        db.session.rollback()  # our lease ran out and another worker took over; its attempt counts
        log.warning("order %s: lease lost during submission; result discarded", order.identifier)
        return None
    outcome = classify(result, earlier_attempt=job.attempts > 1)
    details = _attempt_details(job, result, payload_string, outcome)
    details["hash"] = client.sign(payload_string)["hash"]  # what Twikit checks; the payload secret is never kept
    try:
        _record(job, order, outcome, result, details)
        db.session.commit()
    except (TransitionLost, IllegalTransition) as error:
        db.session.rollback()
        log.error("order %s: could not record %s: %s", order.identifier, outcome.value, error)
        raise
    log.info("order %s: submission attempt %s -> %s (code %s, HTTP %s, %s ms)", order.identifier, job.attempts,
             outcome.value, result.result_code, result.http_status, result.duration_ms)
    return outcome


def _may_submit(job: OutboxJob, order: Order) -> bool:
    """Only paid orders with Twikit lines go to Twikit; anything else ends the job."""
    # partially_shipped: the merchant may send a mixed order's plain part before Twikit has the rest.
    if order.paid_at is None or order.status not in (Status.PAID, Status.NEEDS_ATTENTION, Status.PARTIALLY_SHIPPED):
        message = f"Not submitted to Twikit: the order is {order.status}"
    elif not twikit_lines(order):
        message = "Nothing to submit to Twikit: no line has a Twikit configuration"
    else:
        return True
    if outbox.still_ours(job):
        note(order, source=SOURCE, message=message)
        outbox.mark_done(job)
        db.session.commit()
    else:
        db.session.rollback()
    return False


def _record(job: OutboxJob, order: Order, outcome: Outcome, result: ApiResult, details: dict[str, Any]) -> None:
    name = result.result_code_name or (result.code.spec_name if result.code is not None else "")
    if outcome is Outcome.SUBMITTED and order.status == Status.PARTIALLY_SHIPPED:
        # The plain part already left: the status keeps saying so, and Twikit's acceptance is a fact.
        order.submitted_at = utcnow()
        note(order, source=SOURCE, message="Submitted to Twikit for production", details=details)
        outbox.mark_done(job)
    elif outcome is Outcome.SUBMITTED:
        _move(order, Status.SUBMITTED, "Submitted to Twikit for production", details, submitted_at=utcnow(),
              attention_reason=None)
        outbox.mark_done(job)
    elif outcome is Outcome.SUBMITTED_UNHEALTHY:
        reason = "Twikit created the order as unhealthy: its payment verification was faulty, so it will not start"
        _needs_attention(order, reason, details, submitted_at=utcnow())
        outbox.mark_done(job)
    elif outcome is Outcome.SUBMITTED_UNCONFIRMED:
        # Flagged for a look rather than taken as a success: if that first attempt was created
        # unhealthy (2), production will not start until someone acts on it in Twikit.
        reason = ("Submitted (confirmed by a duplicate answer): Twikit already has this order from an earlier "
                  "attempt whose answer was lost, so how it was created (1, or 2 'unhealthy', which does not "
                  "start) is unknown. Check the order in Twikit's publisher; its reports move it on as usual.")
        _needs_attention(order, reason, details, submitted_at=utcnow())
        outbox.mark_done(job)
    elif outcome is Outcome.REJECTED:
        reason = f"Twikit refused the order: {result.result_code} {name}: {result.result_message}".strip()
        if result.code is ResultCode.IDENTIFIER_ALREADY_EXISTS:
            reason += " (on our first attempt: another order already uses this identifier)"
        _needs_attention(order, reason, details)
        outbox.mark_failed(job, reason)
    elif outcome is Outcome.CONFIGURATION_ERROR:
        reason = (f"Twikit answered HTTP {result.http_status} without a result code: check TWIKIT_API_URL and "
                  "TWIKIT_INTEGRATION_ID")
        _needs_attention(order, reason, details)
        outbox.mark_failed(job, reason)
    elif outbox.gave_up(job):
        reason = f"Submission kept failing for 24 hours; last: {_failure(result)}"
        _needs_attention(order, reason, details)
        outbox.mark_failed(job, reason)
    else:
        when = outbox.retry_later(job, _failure(result), current_app.config["TWIKIT_RETRY_BASE_SECONDS"])
        note(order, source=SOURCE, message=f"Submission attempt {job.attempts} failed; retrying at "
             f"{when:%Y-%m-%d %H:%M:%S} UTC", details=details)


def _move(order: Order, new: Status, message: str, details: dict[str, Any], **changes: Any) -> None:
    transition(order, new, source=SOURCE, message=message, details=details, **changes)


def _needs_attention(order: Order, reason: str, details: dict[str, Any], **changes: Any) -> None:
    if order.status == Status.NEEDS_ATTENTION:  # an admin's retry failed again: same state, new reason
        for name, value in {"attention_reason": reason, **changes}.items():
            setattr(order, name, value)
        note(order, source=SOURCE, message=reason, details=details)
    else:
        _move(order, Status.NEEDS_ATTENTION, reason, details, attention_reason=reason, **changes)


def _failure(result: ApiResult) -> str:
    if result.http_status is None:
        return result.transport_error
    if result.result_code is None:
        return f"HTTP {result.http_status} without a result code: {result.body_excerpt[:200]!r}"
    return f"HTTP {result.http_status}, code {result.result_code} {result.result_code_name}: {result.result_message}"


def _attempt_details(job: OutboxJob, result: ApiResult, payload_string: str, outcome: Outcome) -> dict[str, Any]:
    """The audit trail of one attempt: what we sent, exactly, and what came back."""
    return {
        "attempt": job.attempts, "outcome": outcome.value, "http_status": result.http_status,
        "result_code": result.result_code, "result_code_name": result.result_code_name,
        "result_message": result.result_message, "duration_ms": result.duration_ms,
        "transport_error": result.transport_error or None, "order_payload": payload_string,
    }


class RetryRefused(ActionRefused):
    """The order cannot be submitted again; the message says why."""


def why_not_retry(order: Order) -> str | None:
    """Why a new create-order attempt is not allowed for this order now, or None when it is."""
    if order.paid_at is None:
        return "This order is not paid."
    if not twikit_lines(order):
        return "This order has no customised products, so Twikit never gets it: there is nothing to submit."
    if order.submitted_at is not None:
        return "Twikit already has this order."
    if order.status != Status.NEEDS_ATTENTION:
        return f"Only an order that needs attention can be retried; this one is {order.status}."
    return None


def retry_submission(order: Order, *, source: str, message: str = "Submission to Twikit retried by hand",
                     details: dict[str, Any] | None = None) -> None:
    """Schedule another create-order attempt for a paid order that needs attention, and commit.

    The job keeps its attempt count, so if an earlier attempt did reach Twikit,
    code 9 on the retry counts as submitted (flagged: unconfirmed) rather than as a collision.
    """
    refusal = why_not_retry(order)
    if refusal:
        raise RetryRefused(refusal)
    try:
        outbox.enqueue(JobKind.SUBMIT_ORDER, order)
    except outbox.JobRunning:
        db.session.rollback()
        raise RetryRefused("A submission attempt is running right now.") from None
    note(order, source=source, message=message, details=details)
    db.session.commit()


def last_attempt(order: Order) -> dict[str, Any] | None:
    """The details of the latest create-order attempt recorded on the order, or None."""
    for event in reversed(order.events):
        if event.details and "order_payload" in event.details:
            return event.details
    return None
