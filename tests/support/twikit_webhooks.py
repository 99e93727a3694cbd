"""Twikit's webhook calls to the shop: the URLs and the bodies Twikit sends, for orders made by ``make_order``."""

from __future__ import annotations

from .factories import preview_url

TOKEN = "demo-webhook-token"  # the demo value; the test shop runs in demo mode


def url(route: str, token: str = TOKEN) -> str:
    return f"/webhooks/twikit/{token}/{route}"


def line_items(identifier: str, lines: tuple = ((1001, 1),)) -> list[dict]:
    """Twikit's ILineItems for an order made by ``make_order`` with the same lines."""
    return [{"identifier": f"{identifier}-{number}", "configurationId": configuration_id,
             "previewUrl": preview_url(configuration_id),
             "productKey": "diamond-letter-jewel", "amount": quantity}
            for number, (configuration_id, quantity) in enumerate(lines, start=1)]


def production_report(identifier: str, success: bool = True, **changes) -> dict:
    return {"identifier": identifier, "url": "https://producer.example/orders/77", "success": success,
            "error": "" if success else "The print failed", **changes}


def shipping_report(identifier: str, lines: tuple = ((1001, 1),), **changes) -> dict:
    return {"identifier": identifier, "trackingUrl": "https://track.example/1Z999", "trackingId": "1Z999",
            "lineItems": line_items(identifier, lines), **changes}
