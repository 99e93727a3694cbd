"""The payment-verification webhook (spec, "Webhooks / Payment Verification").

Before it creates an order, Twikit asks the shop whether the order is real and
paid, while the shop's Create Order call is still waiting for its answer:

    POST <configured URL>  {"configurationIds": number[], "identifier": string}
    answer                 {"error": string, "success": boolean}

"If error is filled in, or the status code is not 200, we will assume a faulty
verification" (order created unhealthy, code 2). "If success is false, we will
assume an unsuccessful verification" (order ignored, code 3).
"""

import json
import time
from dataclasses import dataclass

import requests

from .results import ResultCode

USER_AGENT = "twikit-sandbox (payment verification)"
MAX_STORED_BODY = 4000  # characters of the shop's answer kept for the log

VERIFIED, REFUSED, FAULTY = "verified", "refused", "faulty"

RESULT_CODES = {
    VERIFIED: ResultCode.OrderCreatedSuccessfully,
    REFUSED: ResultCode.VerificationFailed,
    FAULTY: ResultCode.OrderCreatedUnhealthy,
}


@dataclass(frozen=True)
class Verification:
    """One call to the webhook: what was sent, what came back, and what it means."""

    url: str
    request: dict
    outcome: str                 # VERIFIED, REFUSED or FAULTY
    error: str                   # why it is not VERIFIED; '' when it is
    http_status: int | None      # None when no HTTP answer arrived
    response_body: str | None
    duration_ms: int

    @property
    def result_code(self) -> ResultCode:
        return RESULT_CODES[self.outcome]


def verify(url: str, configuration_ids: list[int], identifier: str, timeout: float) -> Verification:
    """POST the verification request to ``url`` and judge the answer; never raises for HTTP trouble."""
    body = {"configurationIds": configuration_ids, "identifier": identifier}
    started = time.monotonic()
    try:
        # No redirects: a redirect is not a 200, and following one would turn the POST into a GET.
        response = requests.post(url, json=body, timeout=timeout, allow_redirects=False,
                                 headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    except requests.RequestException as error:
        return Verification(url, body, FAULTY, f"no answer: {type(error).__name__}: {error}"[:500],
                            None, None, _elapsed_ms(started))
    outcome, error = judge(response.status_code, response.text)
    return Verification(url, body, outcome, error, response.status_code,
                        response.text[:MAX_STORED_BODY], _elapsed_ms(started))


def judge(status: int, text: str) -> tuple[str, str]:
    """Return (outcome, reason) for the webhook's answer, as the spec reads it."""
    if status != 200:
        return FAULTY, f"HTTP {status} instead of 200"
    try:
        answer = json.loads(text)
    except ValueError:
        return FAULTY, "the answer is not JSON"
    if not isinstance(answer, dict):
        return FAULTY, "the answer is not a JSON object"
    if answer.get("error"):
        return FAULTY, f"the webhook reported an error: {answer['error']}"[:500]
    if answer.get("success") is True:
        return VERIFIED, ""
    if answer.get("success") is False:
        return REFUSED, "the webhook answered success: false"
    # Neither an error nor a verdict: Twikit cannot start production on that.
    return FAULTY, "the answer has no boolean success"


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
