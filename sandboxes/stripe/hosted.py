"""The hosted payment page at ``/pay/<session_id>`` (the session's ``url``).

GET shows the order and a card form; POST checks the card. A test card that
succeeds completes the session, records ``checkout.session.completed`` and
redirects (303) to ``success_url``; the webhook goes out from the worker
thread, so the redirect does not wait for the shop's webhook handler.
"""

from __future__ import annotations

import datetime as dt
import time

from flask import Blueprint, redirect, render_template, request

from . import cards, sessions, state
from .db import get_db, transaction

bp = Blueprint("hosted", __name__)

#: Which sessions.complete(settle=...) each successful card outcome means.
SETTLE = {cards.SUCCEEDS: None, cards.ASYNC_SUCCEEDS: "succeeded",
          cards.ASYNC_FAILS: "failed"}
FORM_FIELDS = ("email", "card_number", "expiry", "cvc", "cardholder_name")


@bp.get("/pay/<session_id>")
def show(session_id: str):
    conn = get_db()
    with transaction(conn):  # may expire an overdue session (a write)
        session = _load(conn, session_id)
    if session is None:
        return render_template("not_found.html"), 404
    if session["status"] != "open":
        return _closed(session, 200)
    return _form(conn, session, {"email": session["customer_email"] or ""})


@bp.post("/pay/<session_id>")
def pay(session_id: str):
    conn = get_db()
    form = {name: request.form.get(name, "") for name in FORM_FIELDS}
    check = cards.check(form, dt.date.today())
    completed = False
    with transaction(conn):  # re-check "open" under the lock: no double payment
        session = _load(conn, session_id)
        if session and session["status"] == "open" and check.outcome in SETTLE:
            sessions.complete(
                conn, state.current().settings, session,
                email=form["email"].strip(), name=form["cardholder_name"].strip(),
                settle=SETTLE[check.outcome], now=time.time())
            completed = True
    if session is None:
        return render_template("not_found.html"), 404
    if completed:
        state.current().worker.wake()  # send checkout.session.completed now
        return redirect(_success_url(session), code=303)
    if session["status"] != "open":
        return _closed(session, 409)  # paid or expired meanwhile
    # Show the problem; keep what the customer typed, except the card number.
    kept = {k: v for k, v in form.items() if k != "card_number"}
    status = 402 if check.outcome == cards.DECLINED else 400
    return _form(conn, session, kept, check.field, check.message), status


def _load(conn, session_id: str):
    """The session, expired first if its time is up. Call inside a transaction."""
    session = sessions.get(conn, session_id)
    if session is not None:
        session = sessions.expire_if_due(conn, state.current().settings, session, time.time())
    return session


def _form(conn, session, values, error_field=None, error=None) -> str:
    return render_template(
        "pay.html", session=session, items=sessions.line_items(conn, session["id"]),
        values=values, error_field=error_field, error=error,
        test_cards=cards.TEST_CARD_HINTS)


def _closed(session, status: int) -> tuple[str, int]:
    """The page for a session that can no longer be paid (complete or expired)."""
    return render_template("closed.html", session=session,
                           success_url=_success_url(session)), status


def _success_url(session) -> str:
    """``success_url`` with Stripe's ``{CHECKOUT_SESSION_ID}`` template filled in."""
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])

