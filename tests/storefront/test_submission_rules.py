"""What each create-order answer means, and how retries are spaced (pure rules, no I/O)."""

from datetime import timedelta

import pytest

from storefront.orders.submission import Outcome, classify
from storefront.outbox import backoff_delay
from storefront.twikit.client import ApiResult


def answer(http_status, code=None):
    return ApiResult(http_status=http_status, result_code=code)


@pytest.mark.parametrize("result, earlier, outcome", [
    (answer(200, 1), False, Outcome.SUBMITTED),
    (answer(200, 2), False, Outcome.SUBMITTED_UNHEALTHY),
    (answer(400, 3), False, Outcome.REJECTED),
    *[(answer(400, code), False, Outcome.REJECTED) for code in (4, 5, 6, 7, 8, 10)],
    (answer(400, 9), False, Outcome.REJECTED),          # first attempt: someone else's identifier
    (answer(400, 9), True, Outcome.SUBMITTED_UNCONFIRMED),  # our own earlier attempt got through; how, unknown
    (answer(500, 0), False, Outcome.RETRY),
    (answer(503), False, Outcome.RETRY),                # 5xx without a result code
    (answer(200), False, Outcome.RETRY),                # 2xx without a parseable body
    (answer(None), False, Outcome.RETRY),               # timeout or refused connection
    (answer(404), False, Outcome.CONFIGURATION_ERROR),  # an HTML 404: wrong URL or integration ID
    (answer(401), False, Outcome.CONFIGURATION_ERROR),
    (answer(400, 42), False, Outcome.REJECTED),         # a code the spec adds later: a person looks
])
def test_classify(result, earlier, outcome):
    assert classify(result, earlier_attempt=earlier) is outcome


def test_backoff_doubles_with_jitter_and_is_capped_at_one_hour():
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)]:
        delays = [backoff_delay(attempt, 30) for _ in range(200)]
        assert all(timedelta(seconds=ceiling / 2) <= d <= timedelta(seconds=ceiling) for d in delays)
        assert len(set(delays)) > 100  # jittered, not one fixed value


def test_the_cap_is_a_setting_and_the_delays_stop_growing_there():
    # OUTBOX_RETRY_MAX_SECONDS: a drill (or a merchant after a long outage) keeps retries close together.
    delays = [backoff_delay(attempt, 1, 2) for attempt in (3, 10, 40) for _ in range(100)]
    assert all(timedelta(seconds=1) <= d <= timedelta(seconds=2) for d in delays)
