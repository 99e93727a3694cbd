"""Error pages for people, JSON errors for machines.

Webhooks and APIs get ``{"error": "..."}`` with the status code; browsers get
a page that says what went wrong and how to go on.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

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


def _title(status: int, fallback: str) -> str:
    """A page title a customer understands, in their language; Werkzeug's name for the rarer codes."""
    titles = {400: _("Something is not right"), 403: _("Not allowed"), 404: _("Page not found"),
              405: _("Not allowed"), 413: _("Too large"), 429: _("Too many requests"),
              500: _("Something went wrong"), 503: _("Back soon")}
    return titles.get(status, fallback)


def _message(error: HTTPException) -> str:
    """The reason our code gave (already translated), or for people a plain sentence instead of Werkzeug's default."""
    if error.description and (error.description != type(error).description or wants_json()):
        return error.description
    messages = {404: _("We could not find that page. Check the address, or start again from the shop."),
                405: _("That page cannot be used like this."),
                413: _("What you sent is too large."),
                429: _("Please wait a moment before trying again.")}
    return messages.get(error.code, _("Please go back and try again."))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, _("Please try again"),
                              _("Your session expired or the form was sent twice. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return error_response(status, _title(status, error.name), _message(error))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: SQLAlchemyError):
        # Not a bug but an outage (or a statement past its timeout): say so, and when to come back.
        log.error("database unavailable on %s %s: %s (%s)", request.method, request.path,
                  unavailable_reason(error), str(getattr(error, "orig", None) or error).splitlines()[0])
        _forget_the_database()
        response = error_response(503, _("Back soon"),
                                  _("The shop is briefly unavailable. Please try again in a minute."))
        return response[0], 503, {"Retry-After": "60"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # A 500 is a bug: log it with its traceback, and show no internals.
        log.exception("unhandled error on %s %s", request.method, request.path)
        _forget_the_database()
        return error_response(500, _("Something went wrong"), _("Something went wrong on our side. Please try again."))


def _forget_the_database() -> None:
    """Leave the failed transaction; the error page renders without the database."""
    from .extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed after an error; the connection is dropped")
