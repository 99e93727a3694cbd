"""Downloading a line's production file: Twikit's Order Production File API, passed on as it arrives.

"Instead of creating a Twikit-fulfilled order, producible files can be
directly requested by configuration ID. Twikit will automatically create an
internal order when this happens." Because each export is an order at
Twikit, only a paid, uncancelled order's lines may be exported, it takes a
POST, and each download is written to the order's event log.
"""

from __future__ import annotations

from flask import current_app

from ..extensions import db
from ..models import Order, OrderLine
from ..twikit.client import ApiResult, ProductionFile, TwikitApiError, TwikitClient
from ..twikit.result_codes import ResultCode
from .states import ActionRefused, Status, note


def why_not_download(order: Order, line: OrderLine | None = None) -> str | None:
    """Why production files cannot be downloaded for this order (or line) now, or None when they can."""
    if order.paid_at is None:
        return "Only a paid order's production files can be downloaded: Twikit creates an order for each export."
    if order.status == Status.CANCELLED:
        return "This order is cancelled."
    if line is not None and line.configuration_id is None:
        return "This line has no Twikit configuration."
    return None


def open_production_file(order: Order, line_identifier: str, *, source: str) -> ProductionFile:
    """Ask Twikit for a line's production ZIP and log it on the order; the caller streams and closes it."""
    line = next((candidate for candidate in order.lines if candidate.identifier == line_identifier), None)
    if line is None:
        raise ActionRefused(f"Order {order.identifier} has no line {line_identifier}.")
    refusal = why_not_download(order, line)
    if refusal:
        raise ActionRefused(refusal)
    client = TwikitClient.for_app(current_app._get_current_object())
    # data "may be used to send extra (third-party) data": our references, for Twikit's internal order.
    data = {"orderReference": order.identifier, "lineIdentifier": line.identifier}
    try:
        export = client.open_production_file(line.configuration_id, line.quantity, data)
    except TwikitApiError as error:
        message = export_failure_message(error.result, line.configuration_id)
        note(order, source=source, message=f"Production file for line {line.identifier} not downloaded: {message}",
             details={"http_status": error.result.http_status, "result_code": error.result.result_code,
                      "result_message": error.result.result_message})
        db.session.commit()
        raise ActionRefused(message) from None
    note(order, source=source, message=f"Production file for line {line.identifier} downloaded "
         f"(configuration {line.configuration_id}, amount {line.quantity})")
    db.session.commit()
    return export


def export_failure_message(result: ApiResult, configuration_id: int) -> str:
    """What a failed export means, in words a merchant can act on."""
    if result.http_status is None:
        return f"Twikit could not be reached ({result.transport_error}). Try again in a minute."
    code = result.code
    said = f": {result.result_message}" if result.result_message else ""
    if result.result_code is None:
        if result.http_status == 404:
            return "Twikit does not know this integration (HTTP 404): check TWIKIT_INTEGRATION_ID and TWIKIT_API_URL."
        if result.http_status >= 500:
            return f"Twikit had a server error (HTTP {result.http_status}). Try again later."
        if result.http_status == 200:
            return "Twikit answered, but not with a ZIP file. Try again later."
        return f"Twikit answered HTTP {result.http_status} without a result code."
    if code is ResultCode.COULD_NOT_FIND_CONFIG:
        return f"Twikit cannot find configuration {configuration_id} (code 10 CouldNotFindConfig){said}"
    if code is ResultCode.MD5_HASH_MISMATCH:
        return "Twikit says the hash does not match the payload (code 6 Md5HashMismatch): check TWIKIT_PAYLOAD_SECRET."
    if code is ResultCode.UNEXPECTED_ERROR:
        return f"Twikit had an unexpected error (code 0 UnexpectedError){said}. Try again later."
    name = result.result_code_name or (code.spec_name if code is not None else "unknown code")
    return f"Twikit refused the export (code {result.result_code} {name}){said}"
