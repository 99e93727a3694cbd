"""Talking to the live Twikit sandbox from tests: saved configurations, settings, faults, received orders."""

from __future__ import annotations

import base64

import requests

TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17  # the sandbox checks the signature only
PENDANT = {"letter": "A", "size": "medium", "material": "silver"}


class TwikitSandbox:
    def __init__(self, url: str):
        self.url = url

    def save_configuration(self, letter: str = "A") -> int:
        """Save a pendant design, as the plugin's save() does; returns its configuration ID."""
        body = {"productKey": "diamond-letter-jewel", "version": 1, "parameters": {**PENDANT, "letter": letter},
                "variation": {"id": "silver", "sku": "DLJ-SILVER"},
                "previewPng": "data:image/png;base64," + base64.b64encode(TINY_PNG).decode()}
        response = requests.post(f"{self.url}/api/plugin/configurations", json=body, timeout=10)
        response.raise_for_status()
        return response.json()["configurationId"]

    def settings(self, **changes) -> dict:
        response = requests.put(f"{self.url}/api/sandbox/settings", json=changes, timeout=10)
        response.raise_for_status()
        return response.json()

    def arm(self, **faults) -> None:
        requests.post(f"{self.url}/api/sandbox/faults", json=faults, timeout=10).raise_for_status()

    def disarm(self) -> None:
        requests.delete(f"{self.url}/api/sandbox/faults", timeout=10).raise_for_status()

    def orders(self, identifier: str | None = None) -> list[dict]:
        """Orders the sandbox stored, optionally only those with this identifier."""
        response = requests.get(f"{self.url}/api/sandbox/orders", params={"limit": 500}, timeout=10)
        response.raise_for_status()
        orders = response.json()["orders"]
        return [o for o in orders if identifier is None or o["identifier"] == identifier]

    def verification_calls(self, identifier: str) -> list[dict]:
        """The payment-verification calls the sandbox made for one order identifier."""
        response = requests.get(f"{self.url}/api/sandbox/verification-calls", params={"limit": 500}, timeout=10)
        response.raise_for_status()
        return [call for call in response.json()["calls"] if call["identifier"] == identifier]

    def mark_produced(self, identifier: str, url: str = "") -> None:
        """The producer marks production complete in the back-office; Twikit sends production-completion."""
        response = requests.post(f"{self.url}/orders/{identifier}", timeout=30, allow_redirects=False,
                                 data={"action": "production-completion", "success": "yes", "url": url, "error": ""})
        assert response.status_code == 303, response.text

    def mark_shipped(self, identifier: str, tracking_url: str, tracking_id: str) -> None:
        """The producer marks the order ready in the back-office; Twikit sends order-completion."""
        response = requests.post(f"{self.url}/orders/{identifier}", timeout=30, allow_redirects=False,
                                 data={"action": "order-completion", "trackingUrl": tracking_url,
                                       "trackingId": tracking_id})
        assert response.status_code == 303, response.text
