"""Stripe-looking object ids: a type prefix plus random letters and digits."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """Return e.g. ``new_id("evt")`` -> ``"evt_1Nq8V2..."``."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
