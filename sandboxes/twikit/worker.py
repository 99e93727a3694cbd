"""The webhook worker: a daemon thread that sends the retries outbound.py schedules.

It sleeps until the next retry is due, but never longer than
IDLE_POLL_SECONDS, so a retry stored before a restart (or by another process
on the same database) is still sent. ``wake()`` makes it look again at once,
after a request has scheduled a retry.

Each pass runs in an app context, so it uses the same storage code and
settings as the requests do; the connection is closed at the end of the pass.
"""

import threading

from flask import Flask

from . import outbound

IDLE_POLL_SECONDS = 5.0
MIN_WAIT_SECONDS = 0.05   # never spin, even if a due row could not be taken


class WebhookWorker:
    """Owns one thread; ``start`` and ``stop`` may be called from any thread."""

    def __init__(self, app: Flask):
        self.app = app
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="twikit-sandbox-webhooks", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look for due work now instead of at the end of the current wait."""
        self._wake.set()

    def stop(self, timeout: float = 15) -> None:
        """End the thread after the current pass (tests; clean shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> float | None:
        """Send whatever is due; return the seconds until the next retry is due, or None."""
        with self.app.app_context():
            outbound.send_due()
            return outbound.seconds_until_next()

    def _run(self) -> None:
        while not self._stop.is_set():
            # Cleared before the pass: a wake() during the pass then starts another one at once.
            self._wake.clear()
            try:
                wait = self.run_once()
            except Exception:  # keep going: a locked database or a bad row must not end retries
                self.app.logger.exception("twikit sandbox webhook worker pass failed")
                wait = None
            wait = IDLE_POLL_SECONDS if wait is None else min(max(wait, MIN_WAIT_SECONDS), IDLE_POLL_SECONDS)
            self._wake.wait(wait)


def init_app(app: Flask) -> WebhookWorker:
    """Create the worker (app.extensions[outbound.EXTENSION_KEY]); start it unless START_WEBHOOK_WORKER is False."""
    worker = WebhookWorker(app)
    app.extensions[outbound.EXTENSION_KEY] = worker
    if app.config["START_WEBHOOK_WORKER"]:
        worker.start()
    return worker
