"""Stripe Checkout sandbox: a small emulator of Stripe Checkout for tests and demos.

It is a separate Flask app on its own port. The shop keeps its ordinary
stripe-python calls and only points the SDK at this app::

    client = stripe.StripeClient("sk_test_...", base_addresses={"api": "http://127.0.0.1:5002"})

What it offers:

* ``/v1/checkout/sessions`` (create, retrieve, list, line items, expire),
  ``/v1/refunds`` (create, retrieve) and ``/v1/events`` with Stripe's JSON
  shapes, errors and idempotency keys;
* ``shipping_options`` (``shipping_rate_data``), ``automatic_tax`` (a fixed
  demo rate) and ``allow_promotion_codes`` (a demo code, printed on the page),
  with Stripe's ``shipping_cost`` and ``total_details``;
* a hosted payment page (``/pay/<id>``) that takes Stripe's test cards;
* webhooks signed like Stripe's (``Stripe-Signature``), sent from a
  background thread with retries;
* a dashboard at ``/`` with sessions and the webhook delivery log.

No real money moves and nothing leaves the machine except the webhook POSTs.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request

from . import api, dashboard, db, hosted, refunds, shipping
from .config import DEFAULTS, Settings
from .errors import StripeError, render
from .money import format_amount
from .state import EXTENSION_KEY, Sandbox
from .worker import Worker


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the sandbox app; see ``config.DEFAULTS`` for the keys."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    if not app.config["SANDBOX_DATABASE"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SANDBOX_DATABASE"] = os.path.join(app.instance_path, "stripe_sandbox.sqlite3")

    settings = Settings.from_config(app.config)
    db.init_schema(settings.database)
    shipping.init_schema(settings.database)
    refunds.init_schema(settings.database)
    worker = Worker(settings, app.logger)
    app.extensions[EXTENSION_KEY] = Sandbox(settings=settings, worker=worker)

    app.register_blueprint(api.bp)
    app.register_blueprint(hosted.bp)
    app.register_blueprint(dashboard.bp)
    app.register_error_handler(StripeError, render)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _not_found)
    app.teardown_appcontext(db.close_db)
    app.add_template_filter(format_amount, "money")

    if app.config["START_WORKER"]:
        worker.start()
    return app


def _not_found(error):
    """Stripe-style JSON under ``/v1``; Flask's usual page elsewhere."""
    if request.path.startswith("/v1/"):
        return api.unrecognized_url(error)
    return error
