"""Stripe's error shape: ``{"error": {"type": ..., "message": ..., "param": ...}}``.

stripe-python turns these into exceptions by HTTP status and ``type``:
400/404 -> ``InvalidRequestError`` (or ``IdempotencyError`` when the type is
``idempotency_error``), 401 -> ``AuthenticationError``.
"""

from __future__ import annotations

from flask import jsonify


class StripeError(Exception):
    """An API error, raised anywhere in a request and rendered as JSON."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.param = param
        self.code = code

    def to_dict(self) -> dict:
        """The body Stripe would send; keys without a value are left out."""
        error = {"type": self.type, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        if self.code is not None:
            error["code"] = self.code
        return {"error": error}


def missing(param: str) -> StripeError:
    """Stripe's wording for a required parameter that was not sent."""
    return StripeError(
        f"Missing required param: {param}.", param=param, code="parameter_missing"
    )


def invalid(param: str, message: str) -> StripeError:
    """A parameter that was sent but has a bad value."""
    return StripeError(message, param=param, code="parameter_invalid")


def not_found(kind: str, object_id: str, param: str = "id") -> StripeError:
    """Stripe's 404 for an unknown id, e.g. ``No such checkout.session: 'cs_x'``."""
    return StripeError(
        f"No such {kind}: '{object_id}'",
        status=404,
        param=param,
        code="resource_missing",
    )


def render(error: StripeError):
    """Flask error handler: the JSON body with the error's HTTP status."""
    return jsonify(error.to_dict()), error.status
