"""Webhooks the sandbox sends to the shop (spec, "Webhooks" and "Website Publication").

    POST <configured URL>  a JSON body; 10 s timeout (WEBHOOK_TIMEOUT_SECONDS); no redirects
    answer                 {"error": string}

An attempt is faulty when no answer arrives, the status is not 200, the body
is not a JSON object, or ``error`` is filled in ("If error is filled in, or
the status code is not 200, we will assume a faulty verification").
What follows a faulty attempt depends on the event, as the spec's "action" says:

    production-completion, order-completion   retried exactly once, WEBHOOK_RETRY_DELAY_SECONDS later
    website-publication                       no retry: "we will trigger an internal alarm" (status alarm)
    any event without a configured URL        "we will not send you this message" (status skipped)

Every attempt is one row of ``webhook_deliveries``. The first attempt is sent
synchronously, inside the producer's or publisher's request, so the page can
show the shop's answer at once. The retry is only a row with a due time; the
background worker (worker.py) sends it, so it survives a restart.

A sender holds a row through a lease: status 'sending' until ``leased_until``.
If the process dies mid-send, the worker sends that attempt again once the
lease has run out: no delivery is lost (rarely, one arrives twice). The first
sender to finish records the attempt; a UNIQUE index on ``retry_of`` guards
"retry once" in the schema too.
"""

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from flask import current_app

from . import settings
from .db import get_db

PRODUCTION_COMPLETION = "production-completion"
ORDER_COMPLETION = "order-completion"
WEBSITE_PUBLICATION = "website-publication"
EVENTS = (PRODUCTION_COMPLETION, ORDER_COMPLETION, WEBSITE_PUBLICATION)

URL_SETTINGS = {
    PRODUCTION_COMPLETION: "PRODUCTION_COMPLETION_URL",
    ORDER_COMPLETION: "ORDER_COMPLETION_URL",
    WEBSITE_PUBLICATION: "WEBSITE_PUBLICATION_URL",
}
RETRIED_EVENTS = {PRODUCTION_COMPLETION, ORDER_COMPLETION}

PENDING, SENDING, DELIVERED, FAULTY, ALARM, SKIPPED = "pending", "sending", "delivered", "faulty", "alarm", "skipped"

# When a row is next due to be sent: a pending one at its due time, a leased one when its lease
# runs out (its sender died); NULL for the others, which are done.
DUE = "(CASE status WHEN 'pending' THEN due_at WHEN 'sending' THEN leased_until END)"
UNFINISHED = "status IN ('pending', 'sending')"   # lets SQLite use the (status, due_at) index

# The worker that sends retries lives in app.extensions under this key (worker.py puts it there).
EXTENSION_KEY = "twikit_sandbox_webhook_worker"
USER_AGENT = "twikit-sandbox (webhooks)"
MAX_EXCERPT = 2000           # characters of the shop's answer kept for the log
LEASE_MARGIN_SECONDS = 5     # a lease lasts the timeout plus this


@dataclass(frozen=True)
class Answer:
    """What one attempt got back; ``error`` is '' when the shop accepted the webhook."""

    http_status: int | None   # None when no HTTP answer arrived
    excerpt: str | None
    error: str
    duration_ms: int


# ---------------------------------------------------------------- sending


def send(event: str, body: dict, order_identifier: str | None = None) -> dict:
    """Send the first attempt of ``event`` now (or record it as skipped); return the delivery."""
    url = settings.get(URL_SETTINGS[event])
    if not url:
        delivery_id = _insert(event, order_identifier, None, body, attempt=1, retry_of=None,
                              status=SKIPPED, due_at=time.time())
        current_app.logger.info("%s not sent: no URL configured", event)
        return get(delivery_id)
    now = time.time()
    delivery_id = _insert(event, order_identifier, url, body, attempt=1, retry_of=None,
                          status=SENDING, due_at=now, leased_until=now + _lease_seconds())
    _attempt(delivery_id)
    return get(delivery_id)


def send_due(now: float | None = None) -> int:
    """Send every attempt that is due (retries, and attempts a dead sender left); return how many."""
    now = time.time() if now is None else now
    due = get_db().execute(
        f"SELECT delivery_id FROM webhook_deliveries WHERE {UNFINISHED} AND {DUE} <= ? ORDER BY {DUE}, delivery_id",
        (now,)).fetchall()
    sent = 0
    for row in due:
        # The clock of the claim, not of the pass: an earlier send in this pass may have taken seconds.
        if _claim(row["delivery_id"], time.time()):
            _attempt(row["delivery_id"])
            sent += 1
    return sent


def seconds_until_next(now: float | None = None) -> float | None:
    """How long until the next pending (or leased) attempt is due; None when there is none."""
    now = time.time() if now is None else now
    (due_at,) = get_db().execute(f"SELECT MIN({DUE}) FROM webhook_deliveries WHERE {UNFINISHED}").fetchone()
    return None if due_at is None else max(0.0, due_at - now)


def post(url: str, body_json: str, timeout: float) -> Answer:
    """POST ``body_json`` to ``url`` and judge the answer; never raises for HTTP trouble."""
    started = time.monotonic()
    try:
        # No redirects: a redirect is not a 200, and following one would turn the POST into a GET.
        response = requests.post(url, data=body_json.encode("utf-8"), timeout=timeout, allow_redirects=False,
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "Accept": "application/json", "User-Agent": USER_AGENT})
    except requests.RequestException as error:
        return Answer(None, None, f"no answer: {type(error).__name__}: {error}"[:500], _elapsed_ms(started))
    return Answer(response.status_code, response.text[:MAX_EXCERPT], judge(response.status_code, response.text),
                  _elapsed_ms(started))


def judge(status: int, text: str) -> str:
    """Why the shop's answer counts as faulty, or '' when it does not."""
    if status != 200:
        return f"HTTP {status} instead of 200"
    try:
        answer = json.loads(text)
    except ValueError:
        return "the answer is not JSON"
    if not isinstance(answer, dict):
        return "the answer is not a JSON object"
    if answer.get("error"):
        return f"the webhook reported an error: {answer['error']}"[:500]
    return ""


def _claim(delivery_id: int, now: float) -> bool:
    """Take the lease on a due attempt; exactly one claimer sees True."""
    db = get_db()
    cursor = db.execute(
        f"""UPDATE webhook_deliveries SET status = 'sending', leased_until = ?
            WHERE delivery_id = ? AND {UNFINISHED} AND {DUE} <= ?""",
        (now + _lease_seconds(), delivery_id, now))
    db.commit()
    return cursor.rowcount == 1


def _attempt(delivery_id: int) -> None:
    """Send one leased attempt and record what happened (no transaction is open while it waits)."""
    row = get_db().execute("SELECT * FROM webhook_deliveries WHERE delivery_id = ?", (delivery_id,)).fetchone()
    answer = post(row["url"], row["body_json"], current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    _record(row, answer)


def _record(row, answer: Answer) -> None:
    """Store the attempt's outcome; schedule the one retry a faulty first completion webhook gets."""
    event, attempt = row["event"], row["attempt"]
    if not answer.error:
        status = DELIVERED
    elif event in RETRIED_EVENTS:
        status = FAULTY
    else:
        status = ALARM
    db = get_db()
    recorded = db.execute(
        """UPDATE webhook_deliveries SET status = ?, http_status = ?, answer_excerpt = ?, error = ?,
               duration_ms = ?, sent_at = ?, leased_until = NULL WHERE delivery_id = ? AND status = 'sending'""",
        (status, answer.http_status, answer.excerpt, answer.error, answer.duration_ms, _now(), row["delivery_id"]))
    if recorded.rowcount == 0:
        # This send outlived its lease and another sender finished the attempt first: its outcome stands.
        db.commit()
        current_app.logger.warning("%s attempt %d finished after its lease ran out; not recorded", event, attempt)
        return
    retry = status == FAULTY and attempt == 1
    if retry:
        delay = settings.get("WEBHOOK_RETRY_DELAY_SECONDS")
        _insert(event, row["order_identifier"], row["url"], row["body_json"], attempt=2,
                retry_of=row["delivery_id"], status=PENDING, due_at=time.time() + delay, commit=False)
    db.commit()

    level = "info" if status == DELIVERED else "warning"
    getattr(current_app.logger, level)("%s attempt %d to %s: %s %s", event, attempt, row["url"], status,
                                       answer.error)
    if status == ALARM:
        # The real Twikit alarms its staff and contacts the client; the sandbox alarms its log.
        current_app.logger.error("ALARM: the website-publication webhook is faulty (%s)", answer.error)
    if retry:
        _wake_worker()


def _insert(event: str, order_identifier: str | None, url: str | None, body: dict | str, *, attempt: int,
            retry_of: int | None, status: str, due_at: float, leased_until: float | None = None,
            commit: bool = True) -> int:
    """Add one attempt to the log; ``body`` is stored exactly as it is (or will be) sent."""
    body_json = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    db = get_db()
    delivery_id = db.execute(
        """INSERT INTO webhook_deliveries (event, order_identifier, url, body_json, attempt, retry_of,
               due_at, leased_until, status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (event, order_identifier, url, body_json, attempt, retry_of, due_at, leased_until, status,
         _now())).lastrowid
    if commit:
        db.commit()
    return delivery_id


def _wake_worker() -> None:
    worker = current_app.extensions.get(EXTENSION_KEY)
    if worker is not None:
        worker.wake()


def _lease_seconds() -> float:
    return current_app.config["WEBHOOK_TIMEOUT_SECONDS"] + LEASE_MARGIN_SECONDS


# ---------------------------------------------------------------- reading the log


DELIVERY_QUERY = """
    SELECT deliveries.*, retries.delivery_id AS retry_id, retries.status AS retry_status,
           retries.due_at AS retry_due_at
    FROM webhook_deliveries AS deliveries
    LEFT JOIN webhook_deliveries AS retries ON retries.retry_of = deliveries.delivery_id
"""


def get(delivery_id: int) -> dict | None:
    """One attempt by its ID, or None."""
    row = get_db().execute(f"{DELIVERY_QUERY} WHERE deliveries.delivery_id = ?", (delivery_id,)).fetchone()
    return None if row is None else as_dict(row)


def latest(limit: int = 50, event: str | None = None, order_identifier: str | None = None) -> list[dict]:
    """Attempts, newest first; only those of ``event`` and/or ``order_identifier`` when given."""
    conditions, arguments = [], []
    if event:
        conditions.append("deliveries.event = ?")
        arguments.append(event)
    if order_identifier:
        conditions.append("deliveries.order_identifier = ?")
        arguments.append(order_identifier)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = get_db().execute(f"{DELIVERY_QUERY} {where} ORDER BY deliveries.delivery_id DESC LIMIT ?",
                            (*arguments, limit)).fetchall()
    return [as_dict(row) for row in rows]


def as_dict(row) -> dict:
    return {
        "deliveryId": row["delivery_id"],
        "event": row["event"],
        "orderIdentifier": row["order_identifier"],
        "url": row["url"],
        "body": json.loads(row["body_json"]),
        "attempt": row["attempt"],
        "retryOf": row["retry_of"],
        "retryId": row["retry_id"],      # the retry this faulty attempt got, if any
        "retryStatus": row["retry_status"],
        "retryDueAt": None if row["retry_due_at"] is None else _iso(row["retry_due_at"]),
        "status": row["status"],
        "dueAt": _iso(row["due_at"]),
        "httpStatus": row["http_status"],
        "answer": row["answer_excerpt"],
        "error": row["error"],
        "durationMs": row["duration_ms"],
        "createdAt": row["created_at"],
        "sentAt": row["sent_at"],
    }


def _iso(unix_time: float) -> str:
    return datetime.fromtimestamp(unix_time, UTC).isoformat(timespec="milliseconds")


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
