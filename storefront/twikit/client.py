"""Twikit's REST API: Create Order and Order Production File, signed as the spec says.

The client only speaks HTTP and parses answers. What an answer means for an
order (submitted, retry later, needs attention) is decided in
storefront.orders.submission.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
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


CHUNK_SIZE = 64 * 1024


class ProductionFile:
    """A production-file ZIP arriving from Twikit: iterate for its chunks, then close (or use ``with``)."""

    def __init__(self, response: requests.Response, first: bytes, rest: Iterator[bytes], default_name: str):
        self._response, self._first, self._rest = response, first, rest
        disposition = response.headers.get("Content-Disposition", "")
        match = re.search(r'filename="?([A-Za-z0-9._-]+)"?', disposition)
        self.filename = match.group(1) if match else default_name
        length = response.headers.get("Content-Length", "")
        self.content_length = int(length) if length.isdigit() else None

    def __iter__(self) -> Iterator[bytes]:
        if self._first:
            yield self._first
        yield from self._rest

    def close(self) -> None:
        self._response.close()  # gives the connection back to the pool, read or not

    def __enter__(self) -> ProductionFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


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
        """POST /configuration/{integration-id}/export; returns the whole ZIP (small files, scripts, tests)."""
        with self.open_production_file(configuration_id, amount, data) as export:
            return b"".join(export)

    def open_production_file(self, configuration_id: int, amount: int, data: Any = None) -> ProductionFile:
        """POST /configuration/{integration-id}/export and return the ZIP as a stream of chunks.

        The body is never held whole: a production file can be large, and the
        back-office passes it on to the browser chunk by chunk. Raises
        TwikitApiError, with the answer's result code, when no ZIP comes back.
        """
        # "payload is a string containing the json of the IConfigExportPayload type", signed like an order.
        payload = serialise({"configurationId": configuration_id, "amount": amount, "data": data or {}})
        response, result = self._post(f"/configuration/{self.integration_id}/export",
                                      {"payload": payload, **self.sign(payload)}, accept="application/zip",
                                      stream=True)
        if response is None:
            raise TwikitApiError(result)
        if response.status_code == 200:
            chunks = response.iter_content(chunk_size=CHUNK_SIZE)
            first = next(chunks, b"")
            if first[:2] == b"PK":  # a ZIP file's signature
                return ProductionFile(response, first, chunks, f"configuration-{configuration_id}.zip")
            response.close()
            raise TwikitApiError(ApiResult(http_status=200, result_code=None, duration_ms=result.duration_ms,
                                           body_excerpt=first[:300].decode("utf-8", "replace")))
        try:
            failure = _parse_result(response, result.duration_ms)  # an error answer is small: read it whole
        finally:
            response.close()
        raise TwikitApiError(failure)

    def _post(self, path: str, body: dict[str, str], accept: str = "application/json", stream: bool = False):
        started = time.monotonic()
        try:
            response = self.session.post(self.api_url + path, json=body, timeout=self.timeout,
                                         headers={"Accept": accept}, stream=stream)
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
