"""Waking the worker the moment a job is queued, instead of at its next poll.

On PostgreSQL, ``enqueue`` sends a NOTIFY in the job's own transaction: the
server delivers it when, and only if, that transaction commits, so a worker
never wakes for a job it cannot see yet. The worker LISTENs on a connection
of its own and waits for a notification or its poll interval, whichever
comes first. The poll still finds what no notification announces: jobs that
become due later (retries with backoff), and any job whose notification was
lost (a worker that was reconnecting at that moment). SQLite has no
notifications; there the worker polls.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from .extensions import db

log = logging.getLogger(__name__)

CHANNEL = "storefront_outbox"


def announce_job() -> None:
    """Tell listening workers a job is waiting; call it in the transaction that queues the job."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_notify(CHANNEL, "")))


class Wakeup:
    """Wait until a job is announced, or the poll interval has passed, or the worker is asked to stop."""

    def __init__(self, engine: Engine, engine_options: Mapping[str, Any], poll_seconds: float):
        self.poll_seconds = poll_seconds
        self.listening = engine.dialect.name == "postgresql"
        # The shop's own connection settings (the connect timeout among them), without SQLAlchemy's driver name.
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connect_args = dict(engine_options.get("connect_args", {}))
        self.connection: psycopg.Connection | None = None

    def wait(self, stopping: threading.Event) -> None:
        if not self.listening:
            stopping.wait(self.poll_seconds)
            return
        try:
            if self.connection is None:
                # A connection of its own, outside the pool: it only ever listens, in autocommit.
                self.connection = psycopg.connect(self.conninfo, autocommit=True, **self.connect_args)
                self.connection.execute(f"LISTEN {CHANNEL}")
                log.info("worker: listening for new jobs")
            # In slices of at most a second, so that a SIGTERM is heeded within one. One notification
            # is enough: the worker then takes every due job, announced or not.
            deadline = time.monotonic() + self.poll_seconds
            while not stopping.is_set() and (left := deadline - time.monotonic()) > 0:
                if list(self.connection.notifies(timeout=min(left, 1.0), stop_after=1)):
                    return
        except (psycopg.Error, OSError) as error:
            # The database restarted or cannot be reached: poll meanwhile; the next wait connects again.
            log.warning("worker: not listening for new jobs (%s); polling every %.0f s until it can again",
                        str(error).splitlines()[0] if str(error) else type(error).__name__, self.poll_seconds)
            self.close()
            stopping.wait(self.poll_seconds)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (psycopg.Error, OSError):
                pass
            self.connection = None
