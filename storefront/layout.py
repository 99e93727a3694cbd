"""The layout around every page of the shop (templates/base.html): what it shows, and what is each visitor's own.

The layout shows the shop's name, the demo banner, the cart count, flashed
messages and the language switch. Two parts of it are the visitor's own and
nothing else's: the switch's CSRF token and the path it returns to. Templates
reach them through ``csrf_token()`` and ``current_path()`` only, so a page
kept for many visitors (storefront.catalog.routes) is rendered with a hole in
their place, and each request writes its own visitor's values in.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

# Where a kept page's visitor-own values go. Random per process, so no catalog
# text (a product's description, say) can hold one, by chance or on purpose.
CSRF_TOKEN_HOLE = Markup(f"csrf-token-{secrets.token_hex(16)}")
PATH_HOLE = Markup(f"current-path-{secrets.token_hex(16)}")


def layout_context(cart_count: int | None) -> dict[str, Any]:
    """The variables base.html needs besides the page's own; ``cart_count`` None shows no count."""
    return {"cart_count": cart_count, "shop_name": current_app.config["SHOP_NAME"],
            "demo_mode": current_app.config["DEMO_MODE"]}


def current_path() -> str:
    """The path and query of this request: where the language switch brings the visitor back to."""
    return request.full_path if request.query_string else request.path


def with_holes(cart_count: int | None) -> dict[str, Any]:
    """The layout's variables for a page kept for every visitor with this cart count: holes for their own values.

    And no ``request``, ``session`` or ``g``: a kept page that reached for one
    would show one visitor's data to the next, so it fails to render instead.
    """
    undefined = current_app.jinja_env.undefined
    kept_out = {name: undefined(hint=f"a page kept for every visitor cannot read `{name}`; see storefront.layout")
                for name in ("request", "session", "g")}
    return {**layout_context(cart_count), **kept_out,
            "csrf_token": lambda: CSRF_TOKEN_HOLE, "current_path": lambda: PATH_HOLE}


def fill_holes(page: str) -> str:
    """A kept page as this visitor gets it: their CSRF token (made now if they have none) and their path."""
    return page.replace(CSRF_TOKEN_HOLE, escape(generate_csrf())).replace(PATH_HOLE, escape(current_path()))
