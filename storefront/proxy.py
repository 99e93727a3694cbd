"""Behind the platform's router: believe its X-Forwarded-* headers, and send http visitors to https.

Heroku-style routers end TLS and pass each request on over plain http, saying
in ``X-Forwarded-Proto`` what the visitor used and appending the visitor's
address to ``X-Forwarded-For``. Werkzeug's ProxyFix makes the app see those,
trusting only the last ``TRUSTED_PROXY_HOPS`` values: a visitor can send the
same headers, and only what the router appended is true. ``X-Forwarded-Host``
is believed only with ``TRUST_X_FORWARDED_HOST``, as Heroku's router never
sets it: whatever it holds there came from the visitor.

In production a visitor on ``http://`` is redirected to ``https://`` before
the app sees the request: the session cookie is ``Secure``, so over http the
browser would not send it back and "Add to cart" would fail its CSRF check.
GET and HEAD get a 301; any other method a 308, which keeps the method and
the body. ``/healthz`` answers over http too: platforms' health checks call
the process directly, without the router.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.urls import iri_to_uri
from werkzeug.wsgi import get_current_url

HTTP_ALLOWED_PATHS = ("/healthz",)


class HttpsRedirect:
    """WSGI middleware: any request that did not arrive over https is redirected to its https URL."""

    def __init__(self, app, allowed_paths: tuple[str, ...] = HTTP_ALLOWED_PATHS):
        self.app = app
        self.allowed_paths = allowed_paths

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") == "https" or environ.get("PATH_INFO") in self.allowed_paths:
            return self.app(environ, start_response)
        # The same URL on https; the host without the http port (80), which means nothing there.
        url = iri_to_uri("https://" + get_current_url(environ).split("://", 1)[1])
        safe_method = environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        start_response("301 Moved Permanently" if safe_method else "308 Permanent Redirect",
                       [("Location", url), ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")])
        return [b""]


def init_app(app: Flask) -> None:
    """In production: trust the router as configured, then redirect whatever is not https."""
    config = app.config
    if config["STOREFRONT_MODE"] != "production":
        return
    if config["SESSION_COOKIE_SECURE"]:  # not under tests that run the production mode over plain http
        app.wsgi_app = HttpsRedirect(app.wsgi_app)
    hops = config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,
                                x_host=hops if config["TRUST_X_FORWARDED_HOST"] else 0)
