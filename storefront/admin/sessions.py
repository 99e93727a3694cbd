"""Back-office sessions, ended on the server: a cookie saved before logging out never works after it.

Logging in stores a random token in Flask's signed session cookie and a hash
of it in ``AdminSession``. Each back-office request looks the row up: a
session that was ended (logged out) or is older than 12 hours is refused.
The idle clock (30 minutes) lives in the signed cookie beside the token and
is refreshed as the merchant works, so reading a page never writes to the
database; the cookie cannot be altered without SECRET_KEY, and an old copy
carries its old time.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import timedelta

from flask import request, session
from sqlalchemy import select, update

from ..extensions import db
from ..models import AdminSession, utcnow

log = logging.getLogger(__name__)

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
REFRESH_EVERY = 60  # seconds: the idle clock in the cookie is renewed at most once a minute

TOKEN_KEY = "admin_session"
SEEN_KEY = "admin_seen"


class SessionEnded(Exception):
    """The cookie names a session that no longer counts; the message says why, for the login page."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start() -> None:
    """Open a new back-office session for this browser, replacing whatever its cookie held."""
    token = secrets.token_urlsafe(32)
    db.session.add(AdminSession(token_hash=_hash(token), remote_addr=request.remote_addr,
                                user_agent=(request.user_agent.string or "")[:300]))
    db.session.commit()
    session.clear()  # a fresh cookie on login: nothing from before it carries over
    session[TOKEN_KEY], session[SEEN_KEY] = token, int(time.time())
    log.info("admin: logged in from %s", request.remote_addr)


def current() -> AdminSession | None:
    """The browser's back-office session if it still counts, else None. Raises SessionEnded to say why."""
    token = session.get(TOKEN_KEY)
    if not token:
        return None
    now = time.time()
    if now - session.get(SEEN_KEY, 0) > IDLE_TIMEOUT.total_seconds():
        raise SessionEnded("You were logged out after 30 minutes without activity.")
    row = db.session.scalar(select(AdminSession).where(AdminSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        raise SessionEnded("That session has ended. Please log in again.")
    if utcnow() - row.created_at > ABSOLUTE_TIMEOUT:
        raise SessionEnded("Sessions last at most 12 hours. Please log in again.")
    if now - session[SEEN_KEY] > REFRESH_EVERY:
        session[SEEN_KEY] = int(now)
    return row


def end(reason: str = "logout") -> None:
    """End the browser's session on the server and forget it in the cookie."""
    token = session.pop(TOKEN_KEY, None)
    session.pop(SEEN_KEY, None)
    if token:
        db.session.execute(update(AdminSession).where(AdminSession.token_hash == _hash(token),
                                                      AdminSession.ended_at.is_(None))
                           .values(ended_at=utcnow(), ended_reason=reason))
        db.session.commit()
        log.info("admin: session ended (%s) from %s", reason, request.remote_addr)
