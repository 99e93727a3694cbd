"""Twikit's result codes, as the spec defines them (Rest API, Create Order).

"Once defined they should never change", so the numbers are fixed here. A
code the spec adds later is kept as a plain int by the client, never crashed on.
"""

from __future__ import annotations

from enum import IntEnum


class ResultCode(IntEnum):
    UNEXPECTED_ERROR = 0                  # the catch-all; may become finer codes later
    ORDER_CREATED_SUCCESSFULLY = 1
    ORDER_CREATED_UNHEALTHY = 2           # created, but payment verification was faulty
    VERIFICATION_FAILED = 3               # our payment-verification webhook said the order is invalid
    ORDER_PAYLOAD_PARSING_FAILED = 4
    HASH_PARAMETER_EMPTY = 5
    MD5_HASH_MISMATCH = 6
    ORDER_PAYLOAD_PARAMETER_MISSING = 7   # "something went wrong creating the order from the order payload"
    ORDER_PAYLOAD_VALIDATION_FAILED = 8   # "missing a required parameter"
    IDENTIFIER_ALREADY_EXISTS = 9         # Twikit "will only process an order once"
    COULD_NOT_FIND_CONFIG = 10

    @property
    def spec_name(self) -> str:
        return SPEC_NAMES[self]


SPEC_NAMES = {
    ResultCode.UNEXPECTED_ERROR: "UnexpectedError",
    ResultCode.ORDER_CREATED_SUCCESSFULLY: "OrderCreatedSuccessfully",
    ResultCode.ORDER_CREATED_UNHEALTHY: "OrderCreatedUnhealthy",
    ResultCode.VERIFICATION_FAILED: "VerificationFailed",
    ResultCode.ORDER_PAYLOAD_PARSING_FAILED: "OrderPayloadParsingFailed",
    ResultCode.HASH_PARAMETER_EMPTY: "HashParameterEmpty",
    ResultCode.MD5_HASH_MISMATCH: "Md5HashMismatch",
    ResultCode.ORDER_PAYLOAD_PARAMETER_MISSING: "OrderPayloadParameterMissing",
    ResultCode.ORDER_PAYLOAD_VALIDATION_FAILED: "OrderPayloadValidationFailed",
    ResultCode.IDENTIFIER_ALREADY_EXISTS: "IdentifierAlreadyExists",
    ResultCode.COULD_NOT_FIND_CONFIG: "CouldNotFindConfig",
}
