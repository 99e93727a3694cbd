"""The outbox worker: claim a due job, run it, record it; repeat.

``flask --app storefront worker`` runs it (the Procfile's ``worker:``
process); ``--once`` runs every job that is due and exits, for cron and tests.

On SIGTERM (a platform restart) it stops taking new jobs and finishes the
one in hand. If the platform kills it before that call returns, the job's
lease simply runs out and another worker retries it; Twikit's code 9 makes
that retry safe.

Between jobs it waits for PostgreSQL to announce a new one
(storefront.outbox_wakeup), or for its poll interval.

When the database cannot be reached (a restart of the database, a failover,
maintenance) the worker waits and tries again, 1 s, 2 s, 4 s ... up to a
minute apart, instead of exiting: a platform restarts a crashed process only
with growing delays of its own, and the jobs are waiting in that database.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import outbox
from .database import unavailable_reason
from .extensions import db
from .models import JobState, OutboxJob, utcnow
from .orders.emails import send_confirmation_email, send_shipped_email
from .orders.submission import submit_order
from .outbox import JobKind
from .outbox_wakeup import Wakeup

log = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
MAX_DATABASE_WAIT_SECONDS = 60.0

JOB_HANDLERS: dict[str, Callable[[OutboxJob], object]] = {
    JobKind.SUBMIT_ORDER: submit_order,
    JobKind.SEND_SHIPPED_EMAIL: send_shipped_email,
    JobKind.SEND_CONFIRMATION_EMAIL: send_confirmation_email,
}


class Worker:
    def __init__(self, app: Flask, poll_seconds: float = 2.0):
        self.app = app
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, _frame) -> None:
        log.info("worker: %s received; finishing the current job, then stopping", signal.Signals(signum).name)
        self.stopping.set()

    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with ``once``, until nothing that was due is left). Returns jobs run."""
        total, database_wait = 0, 0.0
        with self.app.app_context():
            wakeup = Wakeup(db.engine, self.app.config["SQLALCHEMY_ENGINE_OPTIONS"], self.poll_seconds)
        log.info("worker: started%s", " (once)" if once else "")
        while not self.stopping.is_set():
            try:
                with self.app.app_context():
                    ran = self.run_due_jobs(due_by=utcnow() if once else None)
            except DATABASE_DOWN as error:
                if once:  # cron runs us again; a retry loop would only overlap with that run
                    raise
                database_wait = min(max(database_wait * 2, 1.0), MAX_DATABASE_WAIT_SECONDS)
                log.warning("worker: %s (%s); trying again in %.0f s", unavailable_reason(error),
                            str(error.orig if isinstance(error, OperationalError) else error).splitlines()[0],
                            database_wait)
                self.stopping.wait(database_wait)
                continue
            if database_wait:
                log.info("worker: the database answers again")
                database_wait = 0.0
            total += ran
            if once:
                break
            if not ran:
                wakeup.wait(self.stopping)
        wakeup.close()
        log.info("worker: stopped after %d job(s)", total)
        return total

    def run_due_jobs(self, due_by=None) -> int:
        """Run jobs until none is due (by ``due_by``, if given) or we are asked to stop."""
        ran = 0
        while not self.stopping.is_set():
            job = outbox.claim_next(now=due_by)
            if job is None:
                break
            self.run_job(job)
            ran += 1
        return ran

    def run_job(self, job: OutboxJob) -> None:
        handler = JOB_HANDLERS.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            handler(job)
        except Exception as error:  # a bug must not lose the job: log it and retry later
            db.session.rollback()
            log.exception("worker: job %s (%s) failed", job.id, job.kind)
            job = db.session.get(OutboxJob, job.id, populate_existing=True)
            if job is not None and job.state == JobState.RUNNING:
                outbox.retry_later(job, f"{type(error).__name__}: {error}",
                                   self.app.config["TWIKIT_RETRY_BASE_SECONDS"])
                db.session.commit()
        finally:
            db.session.remove()
