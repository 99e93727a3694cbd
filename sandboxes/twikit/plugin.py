"""Routes the JavaScript plugin uses: the versioned script, save, and preview images.

All of them are called from the shop's pages, which live on another origin,
so every response here allows any origin (CORS), as a hosted plugin must.
"""

from flask import Blueprint, Response, abort, current_app, jsonify, request

from . import bundle, configurations, versions
from .parameters import InvalidConfiguration
from .urls import public_url

bp = Blueprint("plugin", __name__)

ONE_YEAR = 365 * 24 * 60 * 60


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """Let shop pages on any origin load the script, save, and show previews."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        # The save is a JSON POST, so browsers send a preflight first.
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.get("/plugin/v<int:version>/twikit.js")
def script(version: int):
    """Serve plugin ``version``; it never changes, so browsers may cache it for good."""
    product_definitions = versions.get_products(version)
    if product_definitions is None:
        abort(404)
    # Built per request: it is cheap, and browsers cache the result for a year anyway.
    response = Response(bundle.build_script(version, product_definitions), mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


@bp.route("/api/plugin/configurations", methods=["POST", "OPTIONS"])
def save_configuration():
    """Store a configuration sent by ``twikitContext.save()`` and answer its ID and preview URL."""
    if request.method == "OPTIONS":
        return Response(status=204)
    body = request.get_json(silent=True)
    try:
        fields = configurations.validate_save(body)
    except InvalidConfiguration as error:
        return jsonify(error=str(error)), 400
    configuration_id = configurations.save(fields)
    current_app.logger.info("saved configuration %s (%s, %s)", configuration_id,
                            fields["product_key"], fields["variation"]["sku"])
    return jsonify(configurationId=configuration_id,
                   previewUrl=public_url(f"/previews/{configuration_id}.png")), 201


@bp.get("/previews/<int:configuration_id>.png")
def preview(configuration_id: int):
    """Serve the PNG rendered when the configuration was saved (it never changes)."""
    png = configurations.get_preview(configuration_id)
    if png is None:
        abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/api/sandbox/configurations/<int:configuration_id>")
def configuration_json(configuration_id: int):
    """Return a stored configuration as JSON (sandbox-only; the orders and export parts read it)."""
    configuration = configurations.get(configuration_id)
    if configuration is None:
        return jsonify(error=f"unknown configuration: {configuration_id}"), 404
    configuration["previewUrl"] = public_url(f"/previews/{configuration_id}.png")
    return jsonify(configuration)
