"""The hosted payment page at ``/pay/<session_id>`` (the session's ``url``).

GET shows the order and a card form; POST checks the card. A test card that
succeeds completes the session, records ``checkout.session.completed`` and
redirects (303) to ``success_url``; the webhook goes out from the worker
thread, so the redirect does not wait for the shop's webhook handler.

With ``shipping_options`` the customer picks a rate, and with
``allow_promotion_codes`` may enter a code (the demo code is printed on the
page); each change is a POST with ``action=update`` that recomputes the
amounts, so the total on the Pay button is always the one charged.
"""

from __future__ import annotations

import datetime as dt
import time

from flask import Blueprint, redirect, render_template, request

from . import cards, pricing, sessions, shipping, state
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
    kept = {k: v for k, v in form.items() if k != "card_number"}
    choices = _choices(request.form)
    if request.form.get("action") == "update" or choices:
        # A new rate or code changes the total: show it, and charge nothing until Pay is pressed on it.
        with transaction(conn):
            session = _load(conn, session_id)
            error = None
            if session and session["status"] == "open":
                error = sessions.update_choices(conn, session, **choices) if choices else None
        if session is None:
            return render_template("not_found.html"), 404
        if session["status"] != "open":
            return _closed(session, 409)
        return _form(conn, session, kept, "promotion_code" if error else None, error), 400 if error else 200
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
    status = 402 if check.outcome == cards.DECLINED else 400
    return _form(conn, session, kept, check.field, check.message), status


def _load(conn, session_id: str):
    """The session, expired first if its time is up. Call inside a transaction."""
    session = sessions.get(conn, session_id)
    if session is not None:
        session = sessions.expire_if_due(conn, state.current().settings, session, time.time())
    return session


def _choices(form) -> dict:
    """What the customer changed on the page: a rate other than the one shown, or a typed promotion code."""
    rate = form.get("shipping_rate") or ""
    code = (form.get("promotion_code") or "").strip()
    if (rate and rate != form.get("shown_shipping_rate")) or code:
        return {"shipping_rate": rate or None, "promotion_code": code or None}
    return {}


def _form(conn, session, values, error_field=None, error=None) -> str:
    return render_template(
        "pay.html", session=session, items=sessions.line_items(conn, session["id"]),
        values=values, error_field=error_field, error=error,
        test_cards=cards.TEST_CARD_HINTS, rates=shipping.session_rates(conn, session),
        demo_code=pricing.DEMO_PROMOTION_CODE, demo_percent=pricing.DEMO_PERCENT_OFF,
        demo_tax_rate=int(pricing.DEMO_TAX_RATE * 100))


def _closed(session, status: int) -> tuple[str, int]:
    """The page for a session that can no longer be paid (complete or expired)."""
    return render_template("closed.html", session=session,
                           success_url=_success_url(session)), status


def _success_url(session) -> str:
    """``success_url`` with Stripe's ``{CHECKOUT_SESSION_ID}`` template filled in."""
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])

