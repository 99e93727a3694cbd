"""Absolute URLs on the sandbox, as the shop and the browser must see them."""

from flask import current_app, request


def public_url(path: str) -> str:
    """Return an absolute URL on the sandbox, using PUBLIC_URL when it is set."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path
