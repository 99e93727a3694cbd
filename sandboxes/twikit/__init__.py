"""Twikit sandbox: an offline stand-in for Twikit's hosted plugin and Integration Publisher.

A separate Flask app. The shop talks to it only over HTTP, exactly as it
would talk to the real Twikit, so nothing here imports the shop.

    GET  /plugin/v<n>/twikit.js              the plugin script of published version n
    POST /api/plugin/configurations          what twikitContext.save() sends
    GET  /previews/<configuration_id>.png    the preview rendered at save time
    POST /api/v1/orders/<integration_id>     Create Order (orders_api.py)
    POST /api/v1/configuration/<integration_id>/export   Order Production File (export.py)
    GET  /api/sandbox/configurations/<id>    a saved configuration as JSON (sandbox only)
    GET  /api/sandbox/orders|exports|verification-calls|settings   what it received (sandbox_api.py)
    GET/POST/DELETE /api/sandbox/faults      fault knobs for the Rest API (faults.py)
    GET  /  /try/v<n>/<product_key>  /healthz

The publisher and the producer's back-office (part 3):

    GET/POST /settings                       the site configuration (settings_page.py)
    GET/POST /orders, /orders/<identifier>   received orders; mark production complete / shipped (backoffice.py)
    GET  /production-files/<id>.zip          an item's production files
    GET  /deliveries, /api/sandbox/deliveries   every webhook sent to the shop (outbound.py)
    GET  /publisher, POST /publish, POST /api/sandbox/publish   publish a new plugin version (publisher.py)

Site configuration (integration ID, payload secret, webhook URLs) lives in
the ``settings`` table; see settings.py for the config keys that override it.
Webhook retries are sent by a background thread (worker.py), started here
unless START_WEBHOOK_WORKER is False; stop it with
``app.extensions[outbound.EXTENSION_KEY].stop()``.
"""

import os

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from . import (
    backoffice,
    db,
    export,
    faults,
    home,
    orders_api,
    plugin,
    publisher,
    sandbox_api,
    settings,
    settings_page,
    versions,
    worker,
)

# A 600x600 preview is a few hundred KB; the 2 MB PNG limit is checked in
# configurations.py, this only stops absurd bodies before they are read.
MAX_BODY_BYTES = 4 * 1024 * 1024


def create_app(config: dict | None = None) -> Flask:
    """Build the sandbox app: config -> storage -> blueprints -> error handlers."""
    app = Flask(__name__, instance_relative_config=True)
    config = config or {}
    configure(app, config)
    register_storage(app, config)
    register_blueprints(app)
    register_error_handlers(app)
    worker.init_app(app)
    return app


def configure(app: Flask, config: dict) -> None:
    """Apply defaults, then the caller's config (tests pass their own).

    The site settings (settings.DEFAULTS: INTEGRATION_ID, PAYLOAD_SECRET, the
    webhook URLs...) get no defaults here: they are read from the settings
    table, which ``register_storage`` updates with those ``config`` names.
    """
    app.config.from_mapping(
        SANDBOX_DATABASE=os.path.join(app.instance_path, "twikit-sandbox.sqlite"),
        PUBLIC_URL=None,  # None: build absolute URLs from the request's host
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        WEBHOOK_TIMEOUT_SECONDS=10,   # per webhook attempt to the shop
        START_WEBHOOK_WORKER=True,    # False: retries wait until worker.run_once() is called
    )
    app.config.update(config)


def register_storage(app: Flask, config: dict) -> None:
    """Create the schema, publish plugin version 1 on the first start, store explicit settings."""
    db.init_app(app)
    connection = db.connect(app.config["SANDBOX_DATABASE"])
    try:
        versions.seed(connection)
        settings.store_explicit(connection, config)
    finally:
        connection.close()


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(plugin.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(orders_api.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(sandbox_api.bp)
    app.register_blueprint(backoffice.bp)
    app.register_blueprint(settings_page.bp)
    app.register_blueprint(publisher.bp)
    faults.init_app(app)


def register_error_handlers(app: Flask) -> None:
    """Answer API errors as JSON ``{"error": ...}``, the shape the plugin and the shop read.

    Not under /api/v1/ (Twikit's Rest API): there a wrong URL or method gets a
    plain error page without a result code, as it would from the real service.
    """

    @app.errorhandler(HTTPException)
    def api_error(error: HTTPException):
        if not request.path.startswith("/api/") or request.path.startswith("/api/v1/"):
            return error
        response = jsonify(error=error.description)
        response.status_code = error.code
        if request.path.startswith("/api/plugin/"):
            # Without this header a browser hides even the error message from the plugin.
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response
