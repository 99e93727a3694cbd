"""Twikit's REST API: Create Order and Order Production File, signed as the spec says.

The client only speaks HTTP and parses answers. What an answer means for an
order (submitted, retry later, needs attention) is decided in
storefront.orders.submission.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import __version__
from .payload import payload_hash, serialise
from .result_codes import ResultCode

log = logging.getLogger(__name__)

USER_AGENT = f"twikit-storefront/{__version__} (+python-requests)"
# Twikit calls our payment-verification webhook while our create-order call
# waits (spec, step 13), so the read timeout (TWIKIT_READ_TIMEOUT_SECONDS)
# leaves room for that round trip.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60


@dataclass(frozen=True)
class ApiResult:
    """What one call to Twikit's API came back with, or how it failed."""

    http_status: int | None          # None when no HTTP answer arrived (timeout, refused connection)
    result_code: int | None          # None when the body had no parseable resultCode
    result_code_name: str = ""
    result_message: str = ""
    duration_ms: int = 0
    transport_error: str = ""        # e.g. "ReadTimeout: ..."
    body_excerpt: str = ""           # the start of an unparseable body, for the event log

    @property
    def code(self) -> ResultCode | None:
        """The result code as the enum, or None when absent or not (yet) in the spec."""
        try:
            return ResultCode(self.result_code) if self.result_code is not None else None
        except ValueError:
            return None


class TwikitApiError(RuntimeError):
    """A production-file export failed; ``result`` says how."""

    def __init__(self, result: ApiResult):
        super().__init__(result.result_message or result.transport_error or f"HTTP {result.http_status}")
        self.result = result


class TwikitClient:
    def __init__(self, api_url: str, integration_id: str, payload_secret: str,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)):
        self.api_url = api_url.rstrip("/")
        self.integration_id = integration_id
        self._payload_secret = payload_secret  # never logged, never part of repr
        self.timeout = timeout
        self.session = requests.Session()
        # Retry only failed connections: the request never reached Twikit, so a
        # retry cannot create anything twice. Everything else is the outbox's call.
        retry = Retry(total=2, connect=2, read=0, status=0, other=0, allowed_methods=None, backoff_factor=0.5)
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __repr__(self) -> str:
        return f"<TwikitClient {self.api_url} integration={self.integration_id}>"

    @classmethod
    def for_app(cls, app) -> TwikitClient:
        """The app's client, made once, so that its connections are kept alive between calls."""
        if "twikit_client" not in app.extensions:
            app.extensions["twikit_client"] = cls.from_config(app.config)
        return app.extensions["twikit_client"]

    @classmethod
    def from_config(cls, config) -> TwikitClient:
        return cls(config["TWIKIT_API_URL"], config["TWIKIT_INTEGRATION_ID"], config["TWIKIT_PAYLOAD_SECRET"],
                   timeout=(CONNECT_TIMEOUT, config["TWIKIT_READ_TIMEOUT_SECONDS"]))

    def sign(self, payload_string: str) -> dict[str, str]:
        return {"hash": payload_hash(payload_string, self._payload_secret)}

    def create_order(self, order_payload: str) -> ApiResult:
        """POST /orders/{integration-id} with ``{orderPayload, hash}``; never raises for HTTP trouble."""
        body = {"orderPayload": order_payload, **self.sign(order_payload)}
        response, result = self._post(f"/orders/{self.integration_id}", body)
        return result if response is None else _parse_result(response, result.duration_ms)

    def export_production_file(self, configuration_id: int, amount: int, data: Any = None) -> bytes:
        """POST /configuration/{integration-id}/export; returns the ZIP of production files."""
        payload = serialise({"configurationId": configuration_id, "amount": amount, "data": data or {}})
        response, result = self._post(f"/configuration/{self.integration_id}/export",
                                      {"payload": payload, **self.sign(payload)}, accept="application/zip")
        if response is None:
            raise TwikitApiError(result)
        if response.status_code == 200 and response.content[:2] == b"PK":
            return response.content
        raise TwikitApiError(_parse_result(response, result.duration_ms))

    def _post(self, path: str, body: dict[str, str], accept: str = "application/json"):
        started = time.monotonic()
        try:
            response = self.session.post(self.api_url + path, json=body, timeout=self.timeout,
                                         headers={"Accept": accept})
        except requests.RequestException as error:
            elapsed = int((time.monotonic() - started) * 1000)
            return None, ApiResult(http_status=None, result_code=None, duration_ms=elapsed,
                                   transport_error=f"{type(error).__name__}: {error}"[:500])
        return response, ApiResult(http_status=response.status_code, result_code=None,
                                   duration_ms=int((time.monotonic() - started) * 1000))


def _parse_result(response: requests.Response, duration_ms: int) -> ApiResult:
    """Read ``{resultMessage, resultCode, resultCodeName}``; keep what cannot be parsed."""
    try:
        body = response.json()
        code = body["resultCode"]
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError("resultCode is not an integer")
    except (ValueError, KeyError, TypeError):
        return ApiResult(http_status=response.status_code, result_code=None, duration_ms=duration_ms,
                         body_excerpt=response.text[:300])
    return ApiResult(http_status=response.status_code, result_code=code,
                     result_code_name=str(body.get("resultCodeName") or ""),
                     result_message=str(body.get("resultMessage") or ""), duration_ms=duration_ms)
