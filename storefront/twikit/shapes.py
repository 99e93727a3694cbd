"""The shapes of Twikit's webhook bodies, as the spec defines them, checked strictly."""

from __future__ import annotations

from typing import Any

MAX_IDENTIFIER = 100
MAX_CONFIGURATIONS = 1000


class ShapeError(ValueError):
    """The body is JSON, but not of the spec's shape; the message says what is wrong."""


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ShapeError("the body must be a JSON object")
    return body


def _identifier(body: dict[str, Any], key: str = "identifier") -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ShapeError(f"{key} must be a non-empty string")
    if len(value) > MAX_IDENTIFIER:
        raise ShapeError(f"{key} is longer than {MAX_IDENTIFIER} characters")
    return value


def _configuration_id(value: Any, where: str) -> int:
    # bool is an int in Python, but true is not a configuration ID.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ShapeError(f"{where} must be a positive integer")
    return value


def check_payment_verification(body: Any) -> dict[str, Any]:
    """``{configurationIds: number[], identifier: string}``"""
    body = _object(body)
    identifier = _identifier(body)
    ids = body.get("configurationIds")
    if not isinstance(ids, list):
        raise ShapeError("configurationIds must be a list of numbers")
    if len(ids) > MAX_CONFIGURATIONS:
        raise ShapeError(f"configurationIds has more than {MAX_CONFIGURATIONS} entries")
    return {"identifier": identifier,
            "configurationIds": [_configuration_id(v, f"configurationIds[{i}]") for i, v in enumerate(ids)]}
