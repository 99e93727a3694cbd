"""Publishing a new plugin version (spec, "Product creation Flow" step 4, "Website Publication").

"Every time we change something to any product, we will, after testing,
publish a new script containing all required logic & data to a new URL,
which will trigger a webhook to your system." Pressing Publish:

1. makes the next version's products from the latest version's:
   products of the work in progress (``products.NEXT_PRODUCTS``) that no
   version has yet are added (the first publish adds the wave-vase); when
   nothing is new, the name keyring's default colour moves to the next
   swatch, a product tweak of the kind Twikit publishes, so every version
   really differs from the one before;
2. freezes them as the next version (``versions.publish``), served at
   ``/plugin/v<n>/twikit.js``; earlier versions never change;
3. sends website-publication ``{scriptUrl, products: [{key}]}`` to
   WEBSITE_PUBLICATION_URL: one attempt, an alarm if faulty (outbound.py).

The spec promises "the new, fully qualified, https URL"; the sandbox serves
plain http on loopback, so its scriptUrl is http.

    GET  /publisher             versions, what the next publish changes, the publication webhooks
    POST /publish               the Publish button; redirects back to /publisher
    POST /api/sandbox/publish   the same for tests and the demo:
                                201 {version, scriptUrl, products: [key], changes: [text], delivery}
"""

import copy
import threading

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from . import outbound, products, settings, versions
from .urls import public_url

bp = Blueprint("publisher", __name__)

REVISED_PRODUCT = "name-keyring"
REVISED_PARAMETER = "colour"

# Planning reads the latest version and publishing adds the next one: one publish at a time,
# or two presses at once would freeze the same change twice.
_publishing = threading.Lock()


def plan(current: list[dict]) -> tuple[list[dict], list[str]]:
    """The next version's product definitions, made from ``current``, and its changes in words."""
    published = {product["key"] for product in current}
    added = [copy.deepcopy(product) for product in products.NEXT_PRODUCTS if product["key"] not in published]
    if added:
        return copy.deepcopy(current) + added, [f"adds the product {product['key']} ({product['name']['en']})"
                                                for product in added]
    return _next_default(copy.deepcopy(current))


def _next_default(definitions: list[dict]) -> tuple[list[dict], list[str]]:
    """``definitions`` with the revised parameter's default moved to its next option."""
    product = next(product for product in definitions if product["key"] == REVISED_PRODUCT)
    parameter = next(parameter for parameter in product["parameters"] if parameter["key"] == REVISED_PARAMETER)
    options = [option["value"] for option in parameter["options"]]
    old = parameter["default"]
    parameter["default"] = options[(options.index(old) + 1) % len(options)]
    return definitions, [f"changes the default {REVISED_PARAMETER} of {REVISED_PRODUCT} "
                         f"from {old} to {parameter['default']}"]


def publish() -> dict:
    """Freeze the next version and send website-publication; return what happened."""
    with _publishing:
        definitions, changes = plan(versions.list_versions()[0]["products"])
        number = versions.publish(definitions)
    script_url = public_url(url_for("plugin.script", version=number))
    current_app.logger.info("published plugin v%d at %s: %s", number, script_url, "; ".join(changes))
    body = {"scriptUrl": script_url, "products": [{"key": product["key"]} for product in definitions]}
    delivery = outbound.send(outbound.WEBSITE_PUBLICATION, body)
    return {"version": number, "scriptUrl": script_url, "products": [product["key"] for product in definitions],
            "changes": changes, "delivery": delivery}


@bp.get("/publisher")
def page():
    published = versions.list_versions()
    for version in published:
        version["script_url"] = public_url(url_for("plugin.script", version=version["version"]))
    _, changes = plan(published[0]["products"])
    delivery_id = request.args.get("delivery", type=int)
    return render_template(
        "publisher.html", versions=published, next_version=published[0]["version"] + 1, changes=changes,
        publication_url=settings.get("WEBSITE_PUBLICATION_URL"),
        published=request.args.get("published", type=int),
        delivery=outbound.get(delivery_id) if delivery_id else None,
        deliveries=outbound.latest(10, event=outbound.WEBSITE_PUBLICATION))


@bp.post("/publish")
def publish_button():
    result = publish()
    # POST, then redirect: reloading the page must not publish again.
    return redirect(url_for(".page", published=result["version"], delivery=result["delivery"]["deliveryId"]), 303)


@bp.post("/api/sandbox/publish")
def publish_api():
    return jsonify(publish()), 201
