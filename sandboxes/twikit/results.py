"""The Rest API's result codes and the JSON answers that carry them (spec, "Create Order").

Every answer of Create Order, and every failed export, is
``{resultMessage, resultCode, resultCodeName}``. The spec fixes the numbers
("once defined they should never change"), so they are fixed here too.
"""

from collections.abc import Callable
from enum import IntEnum

from flask import Response, current_app, jsonify
from werkzeug.exceptions import HTTPException


class ResultCode(IntEnum):
    # Members are spelled exactly as the spec's names, so ``code.name`` is the resultCodeName.
    UnexpectedError = 0
    OrderCreatedSuccessfully = 1
    OrderCreatedUnhealthy = 2
    VerificationFailed = 3
    OrderPayloadParsingFailed = 4
    HashParameterEmpty = 5
    Md5HashMismatch = 6
    OrderPayloadParameterMissing = 7
    OrderPayloadValidationFailed = 8
    IdentifierAlreadyExists = 9
    CouldNotFindConfig = 10


def http_status(code: ResultCode) -> int:
    """200 when an order was created (1, 2), 500 for the catch-all (0), 400 for the rest."""
    if code in (ResultCode.OrderCreatedSuccessfully, ResultCode.OrderCreatedUnhealthy):
        return 200
    return 500 if code == ResultCode.UnexpectedError else 400


class ApiFailure(Exception):
    """A request the API refuses; ``code`` and ``message`` become the answer."""

    def __init__(self, code: ResultCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def answer(code: ResultCode, message: str) -> Response:
    """The spec's ``{resultMessage, resultCode, resultCodeName}`` with the matching HTTP status."""
    response = jsonify(resultMessage=message, resultCode=int(code), resultCodeName=code.name)
    response.status_code = http_status(code)
    return response


def guarded(process: Callable[[], Response], what: str) -> Response:
    """Run one API call: refusals become their result code, anything unforeseen becomes code 0."""
    try:
        return process()
    except ApiFailure as failure:
        current_app.logger.info("%s refused: %s %s", what, failure.code.name, failure.message)
        return answer(failure.code, failure.message)
    except HTTPException:
        raise  # e.g. 413 for a huge body: answered by the web server, before the API would see it
    except Exception:  # the spec's catch-all; the traceback goes to the log, not to the client
        current_app.logger.exception("%s failed unexpectedly", what)
        return answer(ResultCode.UnexpectedError, "An unexpected error occurred; see the sandbox log.")


def unknown_integration() -> Response:
    """What a wrong integration ID looks like: a plain 404 page, no JSON and no result code."""
    return Response("404 Not Found\n\nThe requested URL was not found on the server.\n",
                    status=404, mimetype="text/plain")
