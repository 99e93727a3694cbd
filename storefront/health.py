"""Health for the platform's checks and router, and for the Procfile smoke test."""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .database import unavailable_reason
from .extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

CHECK_TIMEOUT_MS = 3000  # a health check that waits longer than this has its answer already


@bp.get("/healthz")
def healthz():
    """200 when the app is up and its database answers within seconds; 503 JSON with the reason when not."""
    try:
        if db.engine.dialect.name == "postgresql":
            # For this check's transaction only (a connection that never comes is DATABASE_CONNECT_TIMEOUT's).
            db.session.execute(text(f"SET LOCAL statement_timeout = {CHECK_TIMEOUT_MS}"))
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as error:
        reason = unavailable_reason(error) or "the database check failed"
        log.warning("healthz: %s (%s)", reason, str(getattr(error, "orig", None) or error).splitlines()[0])
        return jsonify(status="unavailable", database=reason), 503
    return jsonify(status="ok", database="ok")
