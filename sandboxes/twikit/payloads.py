"""Checks of the signed request bodies of Create Order and Order Production File.

Both bodies are an envelope ``{<payload string>, hash}``: the payload is sent
"intentionally as a string to ensure consistent hash generation on both
sides", so the hash is checked on the exact string before it is parsed.

The checks run in a fixed order, and the first failure decides the answer:
hash empty (5), hash mismatch (6), payload not parseable (4), a required
field missing (8), a field that cannot be used (7).
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from .results import ApiFailure, ResultCode

ADDRESS_REQUIRED = ("firstName", "lastName", "email", "addressLine1", "zip", "city", "countryIso")
ADDRESS_OPTIONAL = ("addressLine2", "companyName", "companyVat", "phone")
MAX_IDENTIFIER = 100   # the shop's webhooks accept identifiers up to this length
MAX_AMOUNT = 10_000


@dataclass(frozen=True)
class Envelope:
    """A request body whose hash matched: the exact payload string, its hash, and the parsed object."""

    payload: str
    hash: str
    parsed: dict


@dataclass(frozen=True)
class OrderItem:
    configuration_id: int
    amount: int
    identifier: str


@dataclass(frozen=True)
class OrderRequest:
    """An IOrderPayload that passed every check."""

    identifier: str
    items: list[OrderItem]
    billing_address: dict
    delivery_address: dict
    data: object = None
    has_data: bool = False

    @property
    def configuration_ids(self) -> list[int]:
        """One per item, in order, as the payment-verification webhook receives them."""
        return [item.configuration_id for item in self.items]


@dataclass(frozen=True)
class ExportRequest:
    """An IConfigExportPayload that passed every check."""

    configuration_id: int
    amount: int
    data: object = None
    has_data: bool = False


def payload_hash(payload: str, secret: str) -> str:
    """The spec's security hash: md5(payload + payload-secret) of the UTF-8 bytes, in hex."""
    return hashlib.md5((payload + secret).encode("utf-8")).hexdigest()


def open_envelope(body: object, payload_key: str, secret: str) -> Envelope:
    """Check the hash of ``body[payload_key]`` and parse it; raise ApiFailure 4, 5 or 6."""
    if not isinstance(body, dict):
        raise ApiFailure(ResultCode.OrderPayloadParsingFailed, "The request body is not a JSON object.")
    given = body.get("hash")
    if not isinstance(given, str) or not given:
        raise ApiFailure(ResultCode.HashParameterEmpty, "The hash parameter is empty.")
    payload = body.get(payload_key)
    if not isinstance(payload, str):
        # Without the string there is nothing to hash, let alone parse.
        raise ApiFailure(ResultCode.OrderPayloadParsingFailed, f"{payload_key} must be a string of JSON.")
    # compare_digest: do not reveal through timing how much of a forged hash was right.
    if not hmac.compare_digest(given.lower().encode(), payload_hash(payload, secret).encode()):
        raise ApiFailure(ResultCode.Md5HashMismatch,
                         f"The md5 hash does not match md5({payload_key} + payload secret).")
    try:
        parsed = json.loads(payload)
    except ValueError as error:
        raise ApiFailure(ResultCode.OrderPayloadParsingFailed, f"{payload_key} is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ApiFailure(ResultCode.OrderPayloadParsingFailed, f"{payload_key} is not a JSON object.")
    return Envelope(payload=payload, hash=given, parsed=parsed)


# ---------------------------------------------------------------- Create Order


def check_order_payload(payload: dict) -> OrderRequest:
    """Return the order an IOrderPayload describes; raise ApiFailure 8 (missing) or 7 (unusable)."""
    missing = first_missing_order_field(payload)
    if missing:
        raise ApiFailure(ResultCode.OrderPayloadValidationFailed, f"Required parameter missing: {missing}.")
    return build_order(payload)


def first_missing_order_field(payload: dict) -> str | None:
    """The path of the first required field that is absent, null or blank, in the spec's order.

    Fields of the wrong type count as present here; ``build_order`` reports them.
    """
    if _missing(payload, "items"):
        return "items"
    items = payload["items"]
    if isinstance(items, list):
        if not items:
            return "items (at least one item)"
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for key in ("configurationId", "amount", "identifier"):
                if _missing(item, key):
                    return f"items[{index}].{key}"
    if _missing(payload, "identifier"):
        return "identifier"
    for address_key in ("billingAddress", "deliveryAddress"):
        if _missing(payload, address_key):
            return address_key
        address = payload[address_key]
        if isinstance(address, dict):
            for key in ADDRESS_REQUIRED:
                if _missing(address, key):
                    return f"{address_key}.{key}"
    return None


def build_order(payload: dict) -> OrderRequest:
    """Build the order from a payload whose required fields are present; raise ApiFailure 7."""
    items = payload["items"]
    if not isinstance(items, list):
        _unusable("items must be a list")
    built, seen = [], set()
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            _unusable(f"{where} must be an object")
        identifier = _identifier(item["identifier"], f"{where}.identifier")
        if identifier in seen:
            _unusable(f"{where}.identifier {identifier!r} is used by another item of this order")
        seen.add(identifier)
        built.append(OrderItem(configuration_id=_positive_int(item["configurationId"], f"{where}.configurationId"),
                               amount=_amount(item["amount"], f"{where}.amount"), identifier=identifier))
    return OrderRequest(
        identifier=_identifier(payload["identifier"], "identifier"),
        items=built,
        billing_address=_address(payload["billingAddress"], "billingAddress"),
        delivery_address=_address(payload["deliveryAddress"], "deliveryAddress"),
        data=payload.get("data"),
        has_data="data" in payload,
    )


def _address(address: object, where: str) -> dict:
    """An IOrderAddress with the spec's keys only; optional keys kept when given."""
    if not isinstance(address, dict):
        _unusable(f"{where} must be an object")
    clean = {}
    for key in ADDRESS_REQUIRED + ADDRESS_OPTIONAL:
        value = address.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            _unusable(f"{where}.{key} must be a string")
        clean[key] = value
    if not re.fullmatch(r"[A-Za-z]{2}", clean["countryIso"]):
        _unusable(f"{where}.countryIso must be a two-letter ISO 3166 country code, not {clean['countryIso']!r}")
    clean["countryIso"] = clean["countryIso"].upper()
    return clean


# ---------------------------------------------------------------- Order Production File


def check_export_payload(payload: dict) -> ExportRequest:
    """Return the export an IConfigExportPayload asks for; raise ApiFailure 8 or 7."""
    for key in ("configurationId", "amount"):
        if _missing(payload, key):
            raise ApiFailure(ResultCode.OrderPayloadValidationFailed, f"Required parameter missing: {key}.")
    # "data ... must [be] a serializable json object or a string": any parsed JSON qualifies.
    return ExportRequest(configuration_id=_positive_int(payload["configurationId"], "configurationId"),
                         amount=_amount(payload["amount"], "amount"),
                         data=payload.get("data"), has_data="data" in payload)


# ---------------------------------------------------------------- field checks


def _missing(container: dict, key: str) -> bool:
    value = container.get(key)
    return value is None or (isinstance(value, str) and not value.strip())


def _unusable(message: str):
    raise ApiFailure(ResultCode.OrderPayloadParameterMissing, f"Could not create the order: {message}.")


def _positive_int(value: object, where: str) -> int:
    # bool is an int in Python, but JSON true is not a configuration ID.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        _unusable(f"{where} must be a positive integer, not {value!r}")
    return value


def _amount(value: object, where: str) -> int:
    value = _positive_int(value, where)
    if value > MAX_AMOUNT:
        _unusable(f"{where} must be at most {MAX_AMOUNT}")
    return value


def _identifier(value: object, where: str) -> str:
    if not isinstance(value, str):
        _unusable(f"{where} must be a string, not {value!r}")
    if len(value) > MAX_IDENTIFIER:
        _unusable(f"{where} is longer than {MAX_IDENTIFIER} characters")
    return value
