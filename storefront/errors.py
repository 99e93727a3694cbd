"""Error pages for people, JSON errors for machines.

Webhooks and APIs get ``{"error": "..."}`` with the status code; browsers get
a page that says what went wrong and how to go on.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .database import unavailable_reason

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/webhooks/", "/api/")


def wants_json() -> bool:
    """True for machine clients: webhook and API paths, or an explicit JSON request."""
    if request.path.startswith(JSON_PREFIXES) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, title: str, message: str):
    g.without_database = True  # an error page never needs the database: it may be why we are here
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, "Please try again",
                              "Your session expired or the form was sent twice. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, error.name, error.description or error.name)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: SQLAlchemyError):
        # Not a bug but an outage (or a statement past its timeout): say so, and when to come back.
        log.error("database unavailable on %s %s: %s (%s)", request.method, request.path,
                  unavailable_reason(error), str(getattr(error, "orig", None) or error).splitlines()[0])
        _forget_the_database()
        response = error_response(503, ServiceUnavailable.name,
                                  "The shop is briefly unavailable. Please try again in a minute.")
        return response[0], 503, {"Retry-After": "60"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # A 500 is a bug: log it with its traceback, and show no internals.
        log.exception("unhandled error on %s %s", request.method, request.path)
        _forget_the_database()
        return error_response(500, InternalServerError.name, "Something went wrong on our side. Please try again.")


def _forget_the_database() -> None:
    """Leave the failed transaction; the error page renders without the database."""
    from .extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed after an error; the connection is dropped")
