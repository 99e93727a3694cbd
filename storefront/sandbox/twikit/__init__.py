"""Twikit sandbox: an offline stand-in for Twikit's hosted plugin and Integration Publisher.

A separate Flask app. The shop talks to it only over HTTP, exactly as it
would talk to the real Twikit, so nothing here imports the shop.

    GET  /plugin/v<n>/twikit.js              the plugin script of published version n
    POST /api/plugin/configurations          what twikitContext.save() sends
    GET  /previews/<configuration_id>.png    the preview rendered at save time
    GET  /api/sandbox/configurations/<id>    a saved configuration as JSON (sandbox only)
    GET  /  /try/v<n>/<product_key>  /healthz
"""

import os

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from . import db, home, plugin, versions

# A 600x600 preview is a few hundred KB; the 2 MB PNG limit is checked in
# configurations.py, this only stops absurd bodies before they are read.
MAX_BODY_BYTES = 4 * 1024 * 1024


def create_app(config: dict | None = None) -> Flask:
    """Build the sandbox app: config -> storage -> blueprints -> error handlers."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config or {})
    register_storage(app)
    register_blueprints(app)
    register_error_handlers(app)
    return app


def configure(app: Flask, config: dict) -> None:
    """Apply defaults, then the caller's settings (tests pass their own)."""
    app.config.from_mapping(
        SANDBOX_DATABASE=os.path.join(app.instance_path, "twikit-sandbox.sqlite"),
        PUBLIC_URL=None,  # None: build absolute URLs from the request's host
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
    )
    app.config.update(config)


def register_storage(app: Flask) -> None:
    """Create the schema and publish plugin version 1 if this is the first start."""
    db.init_app(app)
    connection = db.connect(app.config["SANDBOX_DATABASE"])
    try:
        versions.seed(connection)
    finally:
        connection.close()


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(plugin.bp)
    app.register_blueprint(home.bp)


def register_error_handlers(app: Flask) -> None:
    """Answer API errors as JSON ``{"error": ...}``, the shape the plugin and the shop read."""

    @app.errorhandler(HTTPException)
    def api_error(error: HTTPException):
        if not request.path.startswith("/api/"):
            return error
        response = jsonify(error=error.description)
        response.status_code = error.code
        if request.path.startswith("/api/plugin/"):
            # Without this header a browser hides even the error message from the plugin.
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response
