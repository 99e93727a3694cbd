"""Create Order: ``POST /api/v1/orders/<integration_id>`` (spec, "Rest API / Create Order").

    request  {"orderPayload": "<IOrderPayload as a JSON string>", "hash": md5(orderPayload + secret)}
    answer   {"resultMessage": str, "resultCode": int, "resultCodeName": str}

Order of the checks, first failure answers: hash (5, 6), parsing (4),
required fields (8), usable values (7), identifiers already used (9),
configurations (10). Then the shop's payment-verification webhook, if one is
configured, decides between created (1), unhealthy (2) and ignored (3).
"""

from flask import Blueprint, current_app, request

from . import faults, orders, settings
from .payloads import check_order_payload, open_envelope
from .results import ApiFailure, ResultCode, answer, guarded, unknown_integration
from .verification import verify

bp = Blueprint("orders_api", __name__)

MESSAGES = {
    ResultCode.OrderCreatedSuccessfully: "The order was created and set to paid; production starts automatically.",
    ResultCode.OrderCreatedUnhealthy: "The order was created but could not be verified ({reason}); "
                                      "it will not start automatically.",
    ResultCode.VerificationFailed: "Payment verification declared the order invalid; the order is ignored.",
}


@bp.post("/api/v1/orders/<integration_id>")
def create_order(integration_id: str):
    # A wrong integration ID is a wrong URL, not a Twikit call: no result code, and no faults.
    if not settings.is_integration(integration_id):
        return unknown_integration()
    return faults.respond("orders", lambda: guarded(_create_order, "create order"))


def _create_order():
    envelope = open_envelope(request.get_json(force=True, silent=True), "orderPayload",
                             settings.get("PAYLOAD_SECRET"))
    order = check_order_payload(envelope.parsed)
    conflict = orders.identifier_conflict(order)
    if conflict:
        raise ApiFailure(ResultCode.IdentifierAlreadyExists, conflict)
    unknown = orders.unknown_configurations(order.configuration_ids)
    if unknown:
        raise ApiFailure(ResultCode.CouldNotFindConfig,
                         f"Configuration(s) not found: {', '.join(map(str, unknown))}.")

    # The webhook may be slow; no database transaction is open while it runs.
    url = settings.get("PAYMENT_VERIFICATION_URL")
    verification = None
    if url:
        verification = verify(url, order.configuration_ids, order.identifier,
                              settings.get("VERIFICATION_TIMEOUT_SECONDS"))
        if verification.result_code == ResultCode.VerificationFailed:
            orders.record_call(order.identifier, verification, ResultCode.VerificationFailed)
            current_app.logger.info("order %s ignored: %s", order.identifier, verification.error)
            return answer(ResultCode.VerificationFailed, MESSAGES[ResultCode.VerificationFailed])

    try:
        orders.store(order, envelope, verification)
    except orders.IdentifierTaken as taken:
        if verification is not None:
            orders.record_call(order.identifier, verification, ResultCode.IdentifierAlreadyExists)
        raise ApiFailure(ResultCode.IdentifierAlreadyExists, str(taken)) from None

    code = ResultCode.OrderCreatedSuccessfully if verification is None else verification.result_code
    current_app.logger.info("order %s created: %s (%d item(s))", order.identifier, code.name, len(order.items))
    reason = verification.error if verification is not None else ""
    return answer(code, MESSAGES[code].format(reason=reason))
