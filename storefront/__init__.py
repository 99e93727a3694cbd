"""Reference storefront for the Twikit Custom Integration.

``create_app`` builds the shop in named steps, in the order a reader meets
them: settings, extensions, request hooks, template globals, blueprints, error
handlers, CLI commands, and the WSGI middleware in front of it all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g

from . import static_files
from .config import load_config, production_warnings
from .logs import configure_logging

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/, static/ and migrations/ sit beside the package in a checkout (the
# layout a Heroku-style platform runs), and inside it in an installed wheel.
SITE_DIR = PACKAGE_DIR if (PACKAGE_DIR / "templates").is_dir() else PACKAGE_DIR.parent

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the shop. ``config`` overrides the environment (tests use it)."""
    config = dict(config or {})
    app = Flask(
        __name__,
        # Unset: Flask's default, instance/ beside the package in a checkout.
        instance_path=config.pop("INSTANCE_PATH", None),
        instance_relative_config=True,
        template_folder=str(SITE_DIR / "templates"),
        static_folder=str(SITE_DIR / "static"),
        # /static/<hash of the static files>/...: cached for a year, yet new after any change.
        static_url_path=static_files.url_path(SITE_DIR / "static"),
    )
    configure(app, config)
    register_extensions(app)
    register_request_hooks(app)
    register_template_globals(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_middleware(app)
    return app


def configure(app: Flask, overrides: Mapping[str, Any]) -> None:
    """Load and validate settings; fails at start-up, not at the first request."""
    from .database import engine_options

    configure_logging()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, overrides))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    app.config.update(
        MAX_CONTENT_LENGTH=1024 * 1024,  # forms and webhooks are small; refuse floods early
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not app.config["DEMO_MODE"] and not app.testing,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; a cart page may stay open for hours
    )
    if app.config["STOREFRONT_MODE"] == "production" and not app.testing:
        for warning in production_warnings(app.config):
            log.warning("settings: %s", warning)


def register_extensions(app: Flask) -> None:
    from .catalog import cache as catalog_cache
    from .database import configure_sqlite, render_migration_item
    from .extensions import csrf, db, migrate

    db.init_app(app)
    catalog_cache.init_app(app)
    migrate.init_app(app, db, directory=str(SITE_DIR / "migrations"), render_item=render_migration_item)
    csrf.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)


def register_request_hooks(app: Flask) -> None:
    from . import i18n, input_guard, logs, security
    from .cart.service import cart_item_count
    from .layout import layout_context

    input_guard.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    logs.init_app(app)

    @app.context_processor
    def shop_globals() -> dict[str, Any]:
        # An error page never asks the database, which may be why it is shown (errors.error_response).
        return layout_context(None if g.get("without_database") else cart_item_count())


def register_template_globals(app: Flask) -> None:
    """Functions every template may call, imported macros included (they see globals, not the render's context)."""
    from .layout import current_path
    from .orders.emails import line_image

    app.jinja_env.globals.update(current_path=current_path, line_image=line_image)


def register_blueprints(app: Flask) -> None:
    from .admin.routes import bp as admin_bp
    from .cart.routes import bp as cart_bp
    from .catalog.routes import bp as catalog_bp
    from .checkout.routes import bp as checkout_bp
    from .health import bp as health_bp
    from .i18n import bp as i18n_bp
    from .orders.routes import bp as orders_bp
    from .payments.routes import bp as payments_bp
    from .twikit.webhooks import bp as twikit_webhooks_bp

    for blueprint in (catalog_bp, cart_bp, checkout_bp, orders_bp, payments_bp, twikit_webhooks_bp, admin_bp,
                      i18n_bp, health_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import catalog_cli, urls_command, worker_command

    for command in (catalog_cli, worker_command, urls_command):
        app.cli.add_command(command)


def register_middleware(app: Flask) -> None:
    """What runs before the app sees a request, outermost last: static files, the https redirect, the proxy."""
    from . import proxy

    static_files.init_app(app)
    proxy.init_app(app)
