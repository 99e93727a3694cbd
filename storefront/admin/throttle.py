"""The login throttle: failed back-office logins counted per IP address and per account.

Counting uses ``limits``, the library under Flask-Limiter, directly: the
throttle counts *failures* only and must answer before the password is
checked, which is a few plain calls here rather than decorator options. Each
app gets its own counter store (RATELIMIT_STORAGE_URI), so apps never share
counts by accident.

``memory://`` counts inside one process. Gunicorn's two workers would each
keep a count, doubling what an attacker may try; a production shop with more
than one web process sets RATELIMIT_STORAGE_URI to a shared store such as
``redis://``. The moving window means "5 failures in any 15 minutes", with no
window edge to burst across.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

LOGIN_FAILURES: RateLimitItem = parse("5 per 15 minutes")
EXTENSION_KEY = "admin_login_throttle"


class LoginThrottle:
    """Counts failed logins under two keys, the client's IP address and the account tried."""

    def __init__(self, storage_uri: str):
        self.window = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def retry_after(self, remote_addr: str | None, account: str) -> int | None:
        """Seconds until a login may be tried again from here for this account; None when it may be now."""
        waits = []
        for key in _keys(remote_addr, account):
            if not self.window.test(LOGIN_FAILURES, *key):
                reset_time = self.window.get_window_stats(LOGIN_FAILURES, *key).reset_time
                waits.append(max(1, math.ceil(reset_time - time.time())))
        return max(waits, default=None)

    def record_failure(self, remote_addr: str | None, account: str) -> None:
        for key in _keys(remote_addr, account):
            self.window.hit(LOGIN_FAILURES, *key)


def _keys(remote_addr: str | None, account: str) -> list[tuple[str, ...]]:
    # Per IP: one attacker trying many passwords. Per account: many addresses trying one account.
    return [("admin-login", "ip", remote_addr or "unknown"),
            ("admin-login", "account", account.strip().lower()[:254] or "(empty)")]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = LoginThrottle(app.config["RATELIMIT_STORAGE_URI"])


def throttle() -> LoginThrottle:
    """The current app's throttle."""
    return current_app.extensions[EXTENSION_KEY]
