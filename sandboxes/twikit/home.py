"""The sandbox's own pages: a home page listing versions, saves and orders, and a try-out page."""

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from . import configurations, orders, settings, versions
from .urls import public_url

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Show the published plugin versions, the latest saved configurations and received orders."""
    published = versions.list_versions()
    for version in published:
        version["script_url"] = public_url(url_for("plugin.script", version=version["version"]))
    saved = configurations.latest()
    for configuration in saved:
        configuration["previewUrl"] = url_for("plugin.preview",
                                              configuration_id=configuration["configurationId"])
    return render_template("home.html", versions=published, configurations=saved,
                           orders=orders.latest(10), exports=orders.latest_internal_orders(5),
                           api_url=public_url("/api/v1"), integration_id=settings.get("INTEGRATION_ID"),
                           verification_url=settings.get("PAYMENT_VERIFICATION_URL"))


@bp.get("/try/v<int:version>/<product_key>")
def try_product(version: int, product_key: str):
    """Load one product with the real plugin script, as the Integration Publisher's test page does."""
    product = versions.find_product(version, product_key)
    if product is None:
        abort(404)
    return render_template("try.html", version=version, product=product,
                           script_url=url_for("plugin.script", version=version),
                           jquery=request.args.get("jquery") == "1")


@bp.get("/healthz")
def healthz():
    """Answer the liveness probe used by the demo launcher and the tests."""
    return jsonify(status="ok")
