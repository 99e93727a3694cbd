"""``GET /``: what the sandbox has seen; ``GET /healthz``: liveness probe."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify, render_template

from . import sessions, state
from .db import get_db

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    conn = get_db()
    deliveries = conn.execute(
        "SELECT d.*, e.type AS event_type FROM deliveries d"
        " JOIN events e ON e.id = d.event_id ORDER BY d.id DESC LIMIT 50"
    ).fetchall()
    attempts = conn.execute(
        "SELECT * FROM delivery_attempts ORDER BY id DESC LIMIT 100"
    ).fetchall()
    # Events stored without a delivery (no WEBHOOK_URL) still show up here.
    undelivered = conn.execute(
        "SELECT id, type, created FROM events WHERE id NOT IN"
        " (SELECT event_id FROM deliveries) ORDER BY seq DESC LIMIT 50"
    ).fetchall()
    return render_template(
        "dashboard.html", sessions=sessions.recent(conn, 50), deliveries=deliveries,
        attempts=attempts, undelivered=undelivered,
        webhook_url=state.current().settings.webhook_url)


@bp.app_template_filter("timestamp")
def format_timestamp(seconds: float | None) -> str:
    """Unix time -> ``2025-01-31 14:05:09`` (local time), for tables."""
    if seconds is None:
        return "—"
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")
