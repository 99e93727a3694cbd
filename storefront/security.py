"""Security headers on every response, and what browsers and caches may keep of it.

The Content-Security-Policy is the shop's second line of defence around the
one piece of third-party code it runs: the Twikit plugin. Scripts may come
only from the shop itself and the Twikit origins the merchant allowed
(TWIKIT_SCRIPT_ORIGINS), so even a stored script URL that somehow pointed
elsewhere would not execute.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

# Pages with a customer's or the merchant's data: no browser or proxy keeps a copy (a shared
# computer's back button, a company proxy). The blueprints: the cart, checkout, the order
# status page, the back-office.
PERSONAL_BLUEPRINTS = {"cart", "checkout", "orders", "admin"}


def cache_control() -> str:
    """Cache-Control for a page: never stored if it is personal; else kept only by the browser, asked anew each time.

    Static files never get here: WhiteNoise serves them, versioned and cached for a year.
    """
    if request.blueprint in PERSONAL_BLUEPRINTS:
        return "no-store"
    # Every page shows the visitor's own cart count, so no shared cache may keep it.
    return "private, no-cache"


def content_security_policy() -> str:
    """The CSP for the shop's pages, built from the allowed Twikit origins."""
    config = current_app.config
    twikit = " ".join(config["TWIKIT_SCRIPT_ORIGINS"])
    previews = " ".join(dict.fromkeys(config["TWIKIT_PREVIEW_ORIGINS"] + config["TWIKIT_SCRIPT_ORIGINS"]))
    connect = " ".join(config["TWIKIT_CONNECT_ORIGINS"])
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {twikit}",
        # Where the plugin sends save() (spec: "Twikit will store this data for you"): by default the
        # script's own origin, TWIKIT_CONNECT_ORIGINS when Twikit's API lives elsewhere.
        "connect-src": f"'self' {connect}",
        "img-src": f"'self' data: blob: {previews}",
        # The plugin styles the elements it creates; inline style attributes need this.
        "style-src": "'self' 'unsafe-inline'",
        "font-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": " ".join(["'self'", *config.get("CSP_FORM_ACTION_ORIGINS", ())]),
    }
    return "; ".join(f"{name} {value.strip()}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    # Built once: the settings it is made of are read at start-up and never change while the shop runs.
    with app.app_context():
        policy = content_security_policy()

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if "Cache-Control" not in response.headers:  # a view that chose its own caching keeps it
            response.headers["Cache-Control"] = cache_control()
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
