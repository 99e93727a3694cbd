"""The outbox: claiming due jobs, and recording how they ended.

A claim is a lease: the job is ours until ``lease_until``. A worker that dies
mid-job (kill -9, a dyno restart) simply lets its lease run out, and the next
worker claims the job again. That is safe for order submission because
Twikit answers a second create-order for the same identifier with result
code 9, which counts as submitted after one of our own earlier attempts
(flagged for a look: how the lost attempt ended is unknown).

PostgreSQL claims with ``SELECT ... FOR UPDATE SKIP LOCKED``, so any number
of workers each take a different job without waiting on one another. SQLite
has no row locks; there a claim is a compare-and-set UPDATE, safe for one
worker (and correct, if slower, for more).
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import and_, or_, select, update

from .extensions import db
from .models import JobState, Order, OutboxJob, utcnow
from .outbox_wakeup import announce_job


class JobKind(StrEnum):
    """What a job does. Each has a handler in storefront.worker.JOB_HANDLERS."""

    SUBMIT_ORDER = "submit_order"                # create the order at Twikit (written when payment is confirmed)
    SEND_SHIPPED_EMAIL = "send_shipped_email"    # tell the customer (written when Twikit reports shipping)
    SEND_CONFIRMATION_EMAIL = "send_confirmation_email"  # confirm the order (written when payment is confirmed)


class JobRunning(RuntimeError):
    """A worker is running this job right now; it cannot be rescheduled."""

MAX_DELAY = timedelta(hours=1)     # "A single delay is capped at one hour": OUTBOX_RETRY_MAX_SECONDS's default
GIVE_UP_AFTER = timedelta(hours=24)


def enqueue(kind: JobKind, order: Order) -> OutboxJob:
    """Make sure a job of this kind is pending for the order, in the caller's transaction.

    Call it in the transaction that makes the job necessary (the payment, the
    shipment), so the job exists exactly when that change does. One job per
    kind and order: an existing job is put back to run now, keeping its
    attempt count (so a retried submission still knows it was tried before).
    """
    job = db.session.scalar(select(OutboxJob).where(OutboxJob.kind == kind, OutboxJob.order_id == order.id))
    if job is None:
        job = OutboxJob(kind=kind, order_id=order.id)
        db.session.add(job)
    elif job.state == JobState.RUNNING:
        raise JobRunning(f"a {kind} job is running for order {order.identifier}")
    job.state, job.run_after, job.last_error = JobState.PENDING, utcnow(), None
    announce_job()  # a listening worker takes it now, not at its next poll
    return job


def _due(now: datetime):
    return or_(
        and_(OutboxJob.state == JobState.PENDING, OutboxJob.run_after <= now),
        and_(OutboxJob.state == JobState.RUNNING, OutboxJob.lease_until < now),  # a dead worker's job
    )


def claim_next(now: datetime | None = None) -> OutboxJob | None:
    """Lease the next due job to this worker and commit the lease; None when nothing is due."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    if db.engine.dialect.name == "postgresql":
        job = db.session.scalar(
            select(OutboxJob).where(_due(now)).order_by(OutboxJob.run_after, OutboxJob.id)
            .limit(1).with_for_update(skip_locked=True)
        )
        if job is None:
            db.session.rollback()
            return None
        job.state, job.lease_until, job.lease_token = JobState.RUNNING, now + lease, token
        job.attempts += 1
        db.session.commit()
        return job
    candidates = db.session.scalars(
        select(OutboxJob.id).where(_due(now)).order_by(OutboxJob.run_after, OutboxJob.id).limit(5)).all()
    for candidate in candidates:
        claimed = db.session.execute(
            update(OutboxJob).where(OutboxJob.id == candidate, _due(now))
            .values(state=JobState.RUNNING, lease_until=now + lease, lease_token=token, attempts=OutboxJob.attempts + 1,
                    updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed:
            return db.session.get(OutboxJob, candidate, populate_existing=True)
    return None


def still_ours(job: OutboxJob, lease_token: str | None = None) -> bool:
    """Lock the job's row and check our lease holds; call inside the transaction that records the result.

    lease_token: the token our claim wrote, when ``job`` may have been read again since (after a commit).
    """
    token = job.lease_token if lease_token is None else lease_token
    current = db.session.execute(
        select(OutboxJob.lease_token, OutboxJob.state).where(OutboxJob.id == job.id).with_for_update()
    ).one_or_none()
    return current is not None and current.state == JobState.RUNNING and current.lease_token == token


def mark_done(job: OutboxJob) -> None:
    _finish(job, JobState.DONE, None)


def mark_failed(job: OutboxJob, error: str) -> None:
    """Stop retrying; a person decides (the order is flagged as needing attention)."""
    _finish(job, JobState.FAILED, error)


def retry_later(job: OutboxJob, error: str, base_seconds: float, now: datetime | None = None) -> datetime:
    """Put the job back with exponential backoff and jitter; returns when it will run again."""
    now = now or utcnow()
    delay = backoff_delay(job.attempts, base_seconds, current_app.config["OUTBOX_RETRY_MAX_SECONDS"])
    job.state, job.run_after, job.last_error = JobState.PENDING, now + delay, error[:2000]
    job.lease_until = job.lease_token = None
    return job.run_after


def gave_up(job: OutboxJob, now: datetime | None = None) -> bool:
    """True once a job has kept failing for 24 hours."""
    return (now or utcnow()) - job.created_at >= GIVE_UP_AFTER


def backoff_delay(attempt: int, base_seconds: float, cap_seconds: float = MAX_DELAY.total_seconds()) -> timedelta:
    """Delay before retry number ``attempt``: base * 2^(attempt-1), capped at ``cap_seconds``, with jitter.

    The jitter (a random 50-100% of the delay) spreads retries of many orders
    that failed together, so they do not hit Twikit again all at once.
    """
    ceiling = min(base_seconds * 2 ** max(attempt - 1, 0), cap_seconds)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _finish(job: OutboxJob, state: JobState, error: str | None) -> None:
    job.state, job.last_error = state, error[:2000] if error else None
    job.lease_until = job.lease_token = None
