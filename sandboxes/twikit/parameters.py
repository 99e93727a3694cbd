"""Server-side checks of parameter values against a product definition.

The plugin validates in the browser too, but the sandbox never trusts the
browser: a configuration ID is a promise that Twikit can produce this exact
object later, so every value is checked again here, the same way.
"""

import math
import re


class InvalidConfiguration(ValueError):
    """A saved configuration does not fit its product definition."""


def validate_parameters(product: dict, values: object) -> dict:
    """Return the values checked against ``product``; raise InvalidConfiguration if any is wrong."""
    if not isinstance(values, dict):
        raise InvalidConfiguration("parameters must be an object")
    known = {parameter["key"] for parameter in product["parameters"]}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidConfiguration(f"unknown parameter(s) for {product['key']}: {', '.join(unknown)}")
    checked = {}
    for parameter in product["parameters"]:
        key = parameter["key"]
        if key not in values:
            raise InvalidConfiguration(f"missing parameter: {key}")
        checked[key] = _check_value(parameter, values[key])
    return checked


def variation_for(product: dict, values: dict) -> dict:
    """Return the variation ``{id, sku, price}`` that valid parameter values imply."""
    rule = product["variations"]
    return dict(rule["options"][values[rule["parameter"]]])


def _check_value(parameter: dict, value: object):
    """Return ``value`` if it is allowed for ``parameter``, else raise InvalidConfiguration."""
    key, kind = parameter["key"], parameter["type"]
    if kind == "choice":
        allowed = [option["value"] for option in parameter["options"]]
        if value not in allowed:
            raise InvalidConfiguration(f"{key} must be one of {', '.join(allowed)}")
        return value
    if kind == "range":
        # bool is an int in Python; JSON true must not pass as 1.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidConfiguration(f"{key} must be a number")
        if not parameter["min"] <= value <= parameter["max"]:
            raise InvalidConfiguration(f"{key} must be between {parameter['min']} and {parameter['max']}")
        steps = (value - parameter["min"]) / parameter["step"]
        if abs(steps - round(steps)) > 1e-9:
            raise InvalidConfiguration(f"{key} must be a multiple of {parameter['step']}")
        return int(value) if float(value).is_integer() else value
    if kind == "text":
        if not isinstance(value, str) or len(value) > parameter["maxLength"]:
            raise InvalidConfiguration(f"{key} must be text of at most {parameter['maxLength']} characters")
        if not re.fullmatch(parameter["pattern"], value):
            raise InvalidConfiguration(f"{key} has characters that cannot be made: {value!r}")
        return value
    raise InvalidConfiguration(f"{key} has an unknown parameter type {kind!r}")
