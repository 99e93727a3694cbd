"""Correcting an order's addresses after Twikit refused its order payload, and submitting it again.

Twikit's result codes 4 (OrderPayloadParsingFailed), 7
(OrderPayloadParameterMissing) and 8 (OrderPayloadValidationFailed) say the
payload itself was wrong; for a paid order that is almost always an address
Twikit could not use. The merchant fixes it and the worker tries again; the
event keeps both versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import Order
from ..twikit.result_codes import ResultCode
from .states import ActionRefused
from .submission import last_attempt, retry_submission, why_not_retry

PAYLOAD_REFUSALS = {ResultCode.ORDER_PAYLOAD_PARSING_FAILED, ResultCode.ORDER_PAYLOAD_PARAMETER_MISSING,
                    ResultCode.ORDER_PAYLOAD_VALIDATION_FAILED}


def why_not_correct(order: Order) -> str | None:
    """Why the order's addresses cannot be corrected and resubmitted now, or None when they can."""
    refusal = why_not_retry(order)
    if refusal:
        return refusal
    attempt = last_attempt(order)
    if attempt is None or attempt.get("result_code") not in PAYLOAD_REFUSALS:
        return ("Only an order Twikit refused for its order payload (result codes 4, 7 and 8) has its "
                "addresses corrected here.")
    return None


def correct_addresses(order: Order, billing: Mapping[str, Any], delivery: Mapping[str, Any], *,
                      source: str) -> None:
    """Replace the order's addresses and schedule a new submission to Twikit, in one commit."""
    refusal = why_not_correct(order)
    if refusal:
        raise ActionRefused(refusal)
    changes = {
        f"{which}.{field}": {"was": old.get(field, ""), "now": new.get(field, "")}
        for which, old, new in (("billing", order.billing_address, billing),
                                ("delivery", order.delivery_address, delivery))
        for field in sorted(set(old) | set(new)) if (old.get(field) or "") != (new.get(field) or "")
    }
    if not changes:
        raise ActionRefused("The addresses are unchanged; change what Twikit refused, or retry as they are.")
    # New dicts, so that the JSON columns are seen as changed.
    order.billing_address, order.delivery_address, order.email = dict(billing), dict(delivery), billing["email"]
    retry_submission(order, source=source, message="Addresses corrected; submitted to Twikit again",
                     details={"changes": changes})
