"""Check ``POST /v1/checkout/sessions`` parameters the way Stripe does.

Every error names the offending ``param`` so the SDK's
``InvalidRequestError.param`` points the shop's developer at the bug.
The result is a plain, already-typed ``dict`` that ``sessions.create`` uses.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from . import shipping
from .errors import StripeError, invalid, missing
from .money import CURRENCIES, MAX_AMOUNT, format_amount

#: Parameters this sandbox implements.
SUPPORTED = {
    "mode", "line_items", "customer_email", "client_reference_id",
    "success_url", "cancel_url", "metadata", "expires_at",
    "payment_method_types", "locale", "expand",
    "shipping_options", "automatic_tax", "allow_promotion_codes",
}
#: Real Stripe parameters that change nothing a test could observe here;
#: accepted and ignored so a shop using them still works against the sandbox.
IGNORED = {
    "billing_address_collection", "submit_type",
    "customer_creation", "payment_intent_data", "phone_number_collection",
}
LOCALES = {
    "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419",
    "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko",
    "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru",
    "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_EXPIRY, MAX_EXPIRY = 30 * 60, 24 * 60 * 60
#: Seconds of leeway on the 30-minute minimum, for a client that computed
#: ``now + 30 min`` a moment before sending the request.
EXPIRY_GRACE = 60


def validate_create(params: dict[str, Any], now: int) -> dict[str, Any]:
    """Return the normalised session spec, or raise ``StripeError``."""
    _reject_unknown(params, SUPPORTED | IGNORED)

    mode = params.get("mode")
    if mode is None:
        raise missing("mode")
    if mode not in ("payment", "setup", "subscription"):
        raise invalid("mode", "Invalid mode: must be one of payment, setup, or subscription")
    if mode != "payment":
        raise invalid("mode", "This sandbox only supports mode=payment.")

    if "success_url" not in params:
        raise missing("success_url")
    spec: dict[str, Any] = {
        "mode": mode,
        "success_url": _check_url(params["success_url"], "success_url"),
        "cancel_url": _check_url(params["cancel_url"], "cancel_url") if params.get("cancel_url") else None,
        "line_items": _line_items(params.get("line_items")),
        "customer_email": _email(params.get("customer_email")),
        "client_reference_id": _short_string(params, "client_reference_id", 200),
        "metadata": _metadata(params.get("metadata"), "metadata"),
        "expires_at": _expires_at(params.get("expires_at"), now),
        "payment_method_types": _payment_method_types(params.get("payment_method_types")),
        "locale": _locale(params.get("locale")),
    }
    spec["currency"] = currency = _single_currency(spec["line_items"])
    for i, item in enumerate(spec["line_items"]):
        _check_minor_unit(item["unit_amount"], currency, f"line_items[{i}][price_data][unit_amount]")
    spec["amount_subtotal"] = sum(i["unit_amount"] * i["quantity"] for i in spec["line_items"])
    _check_total(spec["amount_subtotal"], spec["currency"])
    spec["shipping_options"] = shipping.validate_options(
        params.get("shipping_options"), currency,
        lambda value, param: _check_minor_unit(_int(value, param, 0, MAX_AMOUNT), currency, param))
    spec["allow_promotion_codes"] = _boolean(params.get("allow_promotion_codes"), "allow_promotion_codes")
    spec["automatic_tax"] = _automatic_tax(params.get("automatic_tax"))
    if spec["automatic_tax"]:
        _require_tax_behavior(spec)
    return spec


def _check_minor_unit(amount: int, currency: str, param: str) -> int:
    """Three-decimal currencies: "the least-significant (last) digit" must be 0 (Stripe's currency docs)."""
    if CURRENCIES[currency].exponent == 3 and amount % 10:
        raise invalid(param, f"Amounts in {currency.upper()} must end in 0: Stripe charges three-decimal "
                             "currencies in whole tens of their minor unit.")
    return amount


def _boolean(value: Any, param: str) -> bool | None:
    if value is None or value == "":
        return None
    if value not in ("true", "false"):
        raise invalid(param, f"Invalid boolean: {value}")
    return value == "true"


def _automatic_tax(value: Any) -> bool:
    if value is None or value == "":
        return False
    if not isinstance(value, dict):
        raise invalid("automatic_tax", "Invalid hash")
    _reject_unknown(value, {"enabled", "liability"}, "automatic_tax")
    if "enabled" not in value:
        raise missing("automatic_tax[enabled]")
    return bool(_boolean(value["enabled"], "automatic_tax[enabled]"))


def _require_tax_behavior(spec: dict[str, Any]) -> None:
    """Stripe Tax must know whether each price includes tax; the sandbox's account sets no default."""
    for i, item in enumerate(spec["line_items"]):
        if item["tax_behavior"] == "unspecified":
            raise invalid(f"line_items[{i}][price_data][tax_behavior]",
                          "With automatic_tax enabled, every price needs a tax_behavior (inclusive or exclusive), "
                          "as this account has no default tax behavior.")
    for i, option in enumerate(spec["shipping_options"]):
        if option["tax_behavior"] == "unspecified":
            raise invalid(f"shipping_options[{i}][shipping_rate_data][tax_behavior]",
                          "With automatic_tax enabled, every shipping rate needs a tax_behavior (inclusive or "
                          "exclusive), as this account has no default tax behavior.")


def _reject_unknown(given: dict, allowed: set[str], prefix: str = "") -> None:
    for name in given:
        if name not in allowed:
            param = f"{prefix}[{name}]" if prefix else name
            raise StripeError(f"Received unknown parameter: {param}", param=param)


def _check_url(value: Any, param: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid(param, "Not a valid URL")
    return value


def _int(value: Any, param: str, low: int, high: int) -> int:
    """Parse a form value as an integer within ``[low, high]``."""
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value.strip()):
        raise invalid(param, f"Invalid integer: {value}")
    number = int(value)
    if number < low:
        raise invalid(param, f"This value must be greater than or equal to {low}.")
    if number > high:
        raise invalid(param, f"This value must be less than or equal to {high}.")
    return number


def _line_items(value: Any) -> list[dict[str, Any]]:
    if value is None or value == []:
        raise missing("line_items")
    if not isinstance(value, list):
        raise invalid("line_items", "Invalid array")
    return [_line_item(item, f"line_items[{i}]") for i, item in enumerate(value)]


def _line_item(item: Any, param: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise invalid(param, "Invalid hash")
    _reject_unknown(item, {"price", "price_data", "quantity"}, param)
    if "price" in item:
        # The sandbox keeps no catalogue; the shop sends ad-hoc price_data.
        raise StripeError(
            f"No such price: '{item['price']}' (this sandbox supports price_data only)",
            param=f"{param}[price]", code="resource_missing",
        )
    price = item.get("price_data")
    if not isinstance(price, dict):
        raise StripeError(
            "You must specify either `price` or `price_data` for each line item.",
            param=f"{param}[price_data]", code="parameter_missing",
        )
    p = f"{param}[price_data]"
    _reject_unknown(price, {"currency", "unit_amount", "product_data", "tax_behavior"}, p)
    for name in ("currency", "unit_amount", "product_data"):
        if name not in price:
            raise missing(f"{p}[{name}]")
    product = price["product_data"]
    if not isinstance(product, dict):
        raise invalid(f"{p}[product_data]", "Invalid hash")
    _reject_unknown(product, {"name", "description", "images", "metadata"}, f"{p}[product_data]")
    name = product.get("name", "")
    if not isinstance(name, str) or not name.strip():
        raise missing(f"{p}[product_data][name]")
    if "quantity" not in item:
        raise missing(f"{param}[quantity]")
    return {
        "name": name,
        "description": _optional_string(product.get("description"), f"{p}[product_data][description]"),
        "images": _images(product.get("images"), f"{p}[product_data][images]"),
        "metadata": _metadata(product.get("metadata"), f"{p}[product_data][metadata]"),
        "currency": _currency(price["currency"], f"{p}[currency]"),
        "unit_amount": _int(price["unit_amount"], f"{p}[unit_amount]", 0, MAX_AMOUNT),
        "quantity": _int(item["quantity"], f"{param}[quantity]", 1, 999_999),
        "tax_behavior": _tax_behavior(price.get("tax_behavior"), f"{p}[tax_behavior]"),
    }


def _tax_behavior(value: Any, param: str) -> str:
    if value is None or value == "":
        return "unspecified"
    if value not in shipping.TAX_BEHAVIORS:
        raise invalid(param, "Invalid tax_behavior: must be one of inclusive, exclusive, or unspecified")
    return value


def _currency(value: Any, param: str) -> str:
    code = value.lower() if isinstance(value, str) else ""
    if code not in CURRENCIES:
        supported = ", ".join(sorted(CURRENCIES))
        raise invalid(param, f"Invalid currency: {value}. This sandbox supports: {supported}.")
    return code


def _single_currency(items: list[dict]) -> str:
    currencies = {i["currency"] for i in items}
    if len(currencies) > 1:
        raise invalid("line_items", "All line items must use the same currency.")
    return currencies.pop()


def _check_total(total: int, currency: str) -> None:
    minimum = CURRENCIES[currency].minimum
    if total < minimum:
        raise StripeError(
            "The Checkout Session's total amount due must add up to at least "
            f"{format_amount(minimum, currency)} {currency}",
            param="line_items", code="amount_too_small",
        )
    if total > MAX_AMOUNT:
        raise StripeError(
            "The Checkout Session's total amount due must be no more than "
            f"{format_amount(MAX_AMOUNT, currency)} {currency}",
            param="line_items", code="amount_too_large",
        )


def _images(value: Any, param: str) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list) or len(value) > 8:
        raise invalid(param, "Invalid array: at most 8 image URLs")
    return [_check_url(url, f"{param}[{i}]") for i, url in enumerate(value)]


def _email(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise invalid("customer_email", f"Invalid email address: {value}")
    return value


def _optional_string(value: Any, param: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid(param, "Invalid string")
    return value


def _short_string(params: dict, name: str, limit: int) -> str | None:
    value = _optional_string(params.get(name), name)
    if value is not None and len(value) > limit:
        raise invalid(name, f"{name} must be at most {limit} characters.")
    return value


def _metadata(value: Any, param: str) -> dict[str, str]:
    """Stripe's limits: 50 keys, 40-character keys, 500-character values."""
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(param, "Invalid hash")
    if len(value) > 50:
        raise invalid(param, "You can specify up to 50 keys.")
    for key, item in value.items():
        if len(key) > 40:
            raise invalid(f"{param}[{key}]", "Keys must be at most 40 characters.")
        if not isinstance(item, str) or len(item) > 500:
            raise invalid(f"{param}[{key}]", "Values must be strings of at most 500 characters.")
    return dict(value)


def _expires_at(value: Any, now: int) -> int:
    if value is None or value == "":
        return now + MAX_EXPIRY
    expires_at = _int(value, "expires_at", 0, 2**31)
    if expires_at < now + MIN_EXPIRY - EXPIRY_GRACE:
        raise invalid("expires_at", "The `expires_at` timestamp must be at least 30 minutes from Checkout "
                                    "Session creation.")
    if expires_at > now + MAX_EXPIRY:
        raise invalid("expires_at", "The `expires_at` timestamp must be less than 24 hours from Checkout "
                                    "Session creation.")
    return expires_at


def _payment_method_types(value: Any) -> list[str]:
    if value is None or value == "":
        return ["card"]
    if not isinstance(value, list):
        raise invalid("payment_method_types", "Invalid array")
    for i, kind in enumerate(value):
        if kind != "card":
            raise invalid(f"payment_method_types[{i}]",
                          f"The payment method type `{kind}` is not supported by this sandbox; use `card`.")
    return value


def _locale(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value not in LOCALES:
        raise invalid("locale", f"Invalid locale: {value}")
    return value
