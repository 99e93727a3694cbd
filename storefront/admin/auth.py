"""One back-office account, from ADMIN_EMAIL and ADMIN_PASSWORD."""

from __future__ import annotations

import hmac
import logging
from functools import wraps

from flask import current_app, redirect, request, session, url_for

log = logging.getLogger(__name__)

SESSION_KEY = "admin"


def check_credentials(email: str, password: str) -> bool:
    """Compare both in constant time, so a timing difference reveals neither."""
    config = current_app.config
    email_ok = hmac.compare_digest(email.strip().lower().encode(), (config["ADMIN_EMAIL"] or "").lower().encode())
    password_ok = hmac.compare_digest(password.encode(), (config["ADMIN_PASSWORD"] or "").encode())
    return bool(config["ADMIN_PASSWORD"]) and email_ok and password_ok


def log_in() -> None:
    session.clear()  # a fresh session on login: no fixation of an earlier cookie
    session[SESSION_KEY] = True
    log.info("admin: logged in from %s", request.remote_addr)


def log_out() -> None:
    session.pop(SESSION_KEY, None)


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not session.get(SESSION_KEY):
            return redirect(url_for("admin.login", next=request.path))
        return view(*args, **kwargs)
    return wrapper
