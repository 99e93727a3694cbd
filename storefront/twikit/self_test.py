"""Send a sample of each Twikit webhook to the shop's own public URL, as Twikit's publisher would.

It proves, from outside the app, that the URL a merchant pasted reaches the
shop with the right token, and shows what Twikit would get back. The samples
change nothing: the order identifier is one no order has, and the
publication sample names the script that is current already, with no products.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from ..setup_urls import twikit_webhook_url
from .script import current_script_url

TIMEOUT = (5, 15)


@dataclass(frozen=True)
class TestAnswer:
    route: str
    url: str
    http_status: int | None
    body: str
    works: bool
    verdict: str


def sample(route: str, identifier: str) -> dict:
    """A body of the spec's shape for ``route`` that changes nothing in the shop."""
    if route == "payment-verification":
        return {"configurationIds": [1], "identifier": identifier}
    if route == "production-completion":
        return {"identifier": identifier, "url": "", "success": True, "error": ""}
    if route == "order-completion":
        return {"identifier": identifier, "trackingUrl": "", "trackingId": "", "lineItems": []}
    return {"scriptUrl": current_script_url(), "products": []}


# What the shop answers each harmless sample when the route works.
EXPECTED = {
    "payment-verification": (200, "answers success: false for an order it does not have, as Twikit expects"),
    "production-completion": (404, "refuses an order it does not have, so Twikit would retry and alert"),
    "order-completion": (404, "refuses an order it does not have, so Twikit would retry and alert"),
    "website-publication": (200, "keeps the current plugin script; nothing changed"),
}


def send_test(route: str) -> TestAnswer:
    """Post the route's sample to the shop's public webhook URL and judge the answer."""
    url = twikit_webhook_url(route)
    identifier = f"SETTINGS-TEST-{datetime.now(UTC):%Y%m%d%H%M%S}"
    try:
        response = requests.post(url, json=sample(route, identifier), timeout=TIMEOUT)
    except requests.RequestException as error:
        return TestAnswer(route, url, None, "", False, f"Not reachable: {type(error).__name__}: {error}"[:500])
    body = response.text[:2000]
    expected_status, meaning = EXPECTED[route]
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    works = response.status_code == expected_status and isinstance(parsed, dict) and "error" in parsed
    if works:
        verdict = f"Works: the shop {meaning}."
    elif response.status_code == 404 and not isinstance(parsed, dict):
        verdict = "Not found: check the URL and TWIKIT_WEBHOOK_TOKEN (a wrong token is a plain 404)."
    else:
        verdict = f"Unexpected answer: HTTP {response.status_code}."
    return TestAnswer(route, url, response.status_code, body, works, verdict)
