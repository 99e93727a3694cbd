"""Liveness for the platform's router and the Procfile smoke test."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the app is up and its database answers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok", database="ok")
