"""The background worker: a daemon thread that runs whatever is due.

Each pass it (1) expires sessions past ``expires_at``, (2) settles async test
payments, and (3) sends due webhooks. It polls the database, so work
scheduled before a restart is picked up afterwards; ``wake()`` lets a request
that just queued an event skip the wait, so the webhook leaves at once while
the browser is still following the redirect.
"""

from __future__ import annotations

import logging
import threading
import time

from . import sessions, webhooks
from .config import Settings
from .db import connect


class Worker:
    """Owns one thread and one SQLite connection."""

    def __init__(self, settings: Settings, logger: logging.Logger):
        self.settings = settings
        self.logger = logger
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="stripe-sandbox-worker", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Run the next pass now instead of after the poll interval."""
        self._wake.set()

    def stop(self, timeout: float = 15) -> None:
        """Finish the current pass and end the thread (tests; clean shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_once(self, conn) -> None:
        """One pass over all due work."""
        now = time.time()
        sessions.expire_overdue(conn, self.settings, now)
        sessions.settle_due(conn, self.settings, now)
        webhooks.deliver_due(conn, self.settings, now)

    def _run(self) -> None:
        conn = connect(self.settings.database)
        try:
            while not self._stop.is_set():
                # Clear before the pass: a wake() during it then triggers
                # another pass right away instead of being lost.
                self._wake.clear()
                try:
                    self.run_once(conn)
                except Exception:  # keep going: one bad row must not stop delivery
                    self.logger.exception("stripe sandbox worker pass failed")
                self._wake.wait(self.settings.poll_seconds)
        finally:
            conn.close()
