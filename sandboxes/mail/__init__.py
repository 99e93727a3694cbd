"""Mail catcher: a local SMTP server that keeps every message, and a page to read them.

The demo points the shop's MAIL_URL at it (``smtp://127.0.0.1:5025``), so the
shop sends real SMTP exactly as in production while nothing leaves the
machine. Like the other sandboxes it is its own app, talks to the shop only
over the wire, and imports nothing from it.

* ``GET /``                 the caught mails, newest first
* ``GET /messages/<id>``    one mail: headers, text, and HTML in a sandboxed frame
* ``GET /messages/<id>/raw`` the message source
* ``GET /api/messages``     the same as JSON, for tests

Run it with ``python -m sandboxes.mail --smtp-port 5025 --http-port 5003``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template

from . import store
from .smtp import start_smtp

__all__ = ["create_app", "start_smtp"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The catcher's web page. ``SANDBOX_DATABASE`` is the SQLite file the SMTP side writes."""
    app = Flask(__name__)
    app.config.from_mapping(SANDBOX_DATABASE=None)
    app.config.update(config or {})
    if not app.config["SANDBOX_DATABASE"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SANDBOX_DATABASE"] = os.path.join(app.instance_path, "mail_catcher.sqlite3")
    database = app.config["SANDBOX_DATABASE"]
    store.init_schema(database)

    @app.get("/")
    def index():
        return render_template("mail_catcher/index.html", messages=store.newest_first(database))

    @app.get("/messages/<int:message_id>")
    def message(message_id: int):
        return render_template("mail_catcher/message.html", mail=store.get(database, message_id) or abort(404))

    @app.get("/messages/<int:message_id>/raw")
    def raw(message_id: int):
        mail = store.get(database, message_id) or abort(404)
        return Response(mail.raw, mimetype="text/plain")

    @app.get("/api/messages")
    def api_messages():
        return jsonify(messages=[mail.as_json() for mail in store.newest_first(database)])

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.after_request
    def lock_down(response: Response) -> Response:
        # Caught HTML is untrusted: it renders in a sandboxed frame, and this page loads nothing from outside.
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                       "frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return app
