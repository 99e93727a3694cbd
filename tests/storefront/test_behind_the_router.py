"""A production shop behind a Heroku-style router: https only, proxy headers as far as trusted, what may be
cached, request IDs, and what it answers while its database is down.

These shops run in production mode (not TESTING) through Flask's test
client, which goes through the same WSGI middleware as gunicorn does.
"""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

from storefront import create_app
from storefront.extensions import db
from storefront.orders.links import status_url
from storefront.orders.lookup import find_order

from ..support.factories import import_demo_catalog, make_order
from ..support.live import free_port
from ..support.shop import PRODUCTION_ENV

HTTPS = {"X-Forwarded-Proto": "https"}


def production_shop(tmp_path, **settings):
    """A production shop on a SQLite file (declared persistent), its tables created and the demo catalog in."""
    app = create_app({**PRODUCTION_ENV, "STOREFRONT_MODE": "production", "INSTANCE_PATH": str(tmp_path / "instance"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}", "SQLITE_DISK_PERSISTENT": True,
                      **settings})
    if settings.get("DATABASE_URL", "").startswith("sqlite") or "DATABASE_URL" not in settings:
        with app.app_context():
            db.create_all()
        import_demo_catalog(app)
    return app


@pytest.fixture
def shop(tmp_path):
    app = production_shop(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


# --- https ----------------------------------------------------------------------------------------

def test_http_is_redirected_to_the_same_url_on_https(shop):
    client = shop.test_client()
    get = client.get("/products/diamond-letter-pendant?x=1", base_url="http://shop.example")
    assert get.status_code == 301 and get.headers["Location"] == "https://shop.example/products/diamond-letter-pendant?x=1"
    assert client.head("/", base_url="http://shop.example").status_code == 301
    post = client.post("/cart/lines", data={"quantity": "1"}, base_url="http://shop.example")
    assert post.status_code == 308 and post.headers["Location"] == "https://shop.example/cart/lines"


def test_the_routers_https_is_believed_and_answered_with_hsts(shop):
    response = shop.test_client().get("/", base_url="http://shop.example", headers=HTTPS)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "; Secure" in shop.test_client().get("/admin/login", headers=HTTPS).headers["Set-Cookie"]


def test_only_the_last_hop_is_trusted(tmp_path, shop):
    # The visitor sent "https" itself; the router appended the truth ("http").
    spoofed = shop.test_client().get("/", base_url="http://shop.example", headers={"X-Forwarded-Proto": "https,http"})
    assert spoofed.status_code == 301
    two_hops = production_shop(tmp_path / "two", TRUSTED_PROXY_HOPS=2)  # e.g. a CDN in front of the router
    assert two_hops.test_client().get("/", headers={"X-Forwarded-Proto": "https,https"}).status_code == 200


def test_x_forwarded_host_is_ignored_unless_trusted(tmp_path, shop):
    headers = {"X-Forwarded-Host": "evil.example"}
    assert shop.test_client().get("/", base_url="http://shop.example", headers=headers).headers["Location"] == (
        "https://shop.example/")
    trusting = production_shop(tmp_path / "trusting", TRUST_X_FORWARDED_HOST=True)
    assert trusting.test_client().get("/", base_url="http://shop.example", headers=headers).headers["Location"] == (
        "https://evil.example/")


def test_healthz_answers_over_http_for_the_platforms_checks(shop):
    response = shop.test_client().get("/healthz", base_url="http://10.1.2.3:8000")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


# --- caching ----------------------------------------------------------------------------------------

def test_personal_pages_are_never_stored_and_other_pages_are_revalidated(shop):
    client = shop.test_client()
    identifier = make_order(shop)
    with shop.test_request_context():
        link = status_url(find_order(identifier))
    for path in ("/cart", "/checkout", link, "/admin/login", "/admin/"):
        assert client.get(path, headers=HTTPS).headers["Cache-Control"] == "no-store", path
    for path in ("/", "/products/diamond-letter-pendant", "/healthz"):
        assert client.get(path, headers=HTTPS).headers["Cache-Control"] == "private, no-cache", path


def test_static_files_are_versioned_compressed_and_kept_for_a_year(shop):
    client = shop.test_client()
    page = client.get("/products/diamond-letter-pendant", headers=HTTPS).get_data(as_text=True)
    [script] = re.findall(r'src="(/static/[0-9a-f]{12}/js/twikit-embed\.js)"', page)
    versioned = client.get(script, headers={**HTTPS, "Accept-Encoding": "gzip"})
    assert versioned.status_code == 200 and versioned.headers["Content-Encoding"] == "gzip"
    assert versioned.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    plain = client.get("/static/js/twikit-embed.js", headers=HTTPS)
    assert plain.headers["Cache-Control"] == "max-age=3600, public" and "Content-Encoding" not in plain.headers
    assert b"canVisualizeForBrowser" in plain.data
    versioned.close()
    plain.close()


# --- request IDs ----------------------------------------------------------------------------------

def test_the_routers_request_id_is_echoed_and_a_bad_one_replaced(shop):
    client = shop.test_client()
    assert client.get("/", headers={**HTTPS, "X-Request-ID": "3f1c9a2e-router"}).headers["X-Request-ID"] == (
        "3f1c9a2e-router")
    replaced = client.get("/", headers={**HTTPS, "X-Request-ID": "bad id \"with\" spaces"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


# --- the database down ------------------------------------------------------------------------------

@pytest.fixture
def closed_port():
    """A PostgreSQL URL on a loopback port where nothing listens: every connection is refused."""
    return f"postgresql://shop@127.0.0.1:{free_port()}/shop"


@pytest.fixture
def silent_server():
    """A PostgreSQL URL on a port that accepts connections and never says a word: a hung database."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"postgresql://shop@127.0.0.1:{listener.getsockname()[1]}/shop"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_healthz_is_a_503_with_the_reason_when_the_database_refuses(tmp_path, closed_port):
    app = production_shop(tmp_path, DATABASE_URL=closed_port)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "the database cannot be reached"}


def test_healthz_gives_up_on_a_hung_database_within_its_connect_timeout(tmp_path, silent_server):
    app = production_shop(tmp_path, DATABASE_URL=silent_server, DATABASE_CONNECT_TIMEOUT_SECONDS=2)
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"
    assert time.monotonic() - started < 10


def test_pages_and_webhooks_say_unavailable_without_needing_the_database(tmp_path, closed_port, caplog):
    app = production_shop(tmp_path, DATABASE_URL=closed_port, SHOP_NAME="Down Shop")
    client = app.test_client()
    page = client.get("/products/diamond-letter-pendant", headers=HTTPS)
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    html = page.get_data(as_text=True)
    assert "briefly unavailable" in html and "Down Shop" in html  # the shop's own page, not gunicorn's
    assert client.get("/no-such-page", headers=HTTPS).status_code == 404  # its error page needs no database
    token = PRODUCTION_ENV["TWIKIT_WEBHOOK_TOKEN"]
    unsigned = client.post("/webhooks/stripe", headers=HTTPS, data=b"{}")
    assert unsigned.status_code == 400  # refused on its signature, before the database is asked
    verification = client.post(f"/webhooks/twikit/{token}/payment-verification", headers=HTTPS,
                               json={"identifier": "TW-1", "configurationIds": [1]})
    assert verification.status_code == 503 and verification.json["error"]
    assert "database unavailable on GET /products/diamond-letter-pendant" in caplog.text


def test_postgres_connections_carry_the_statement_timeout(tmp_path, postgres_url):
    app = production_shop(tmp_path, DATABASE_URL=postgres_url, DATABASE_STATEMENT_TIMEOUT_SECONDS=7)
    with app.app_context():
        assert db.session.execute(db.text("SHOW statement_timeout")).scalar() == "7s"
        assert db.engine.pool.size() == 8  # WEB_THREADS: one connection per gunicorn thread
        db.session.remove()
        db.engine.dispose()
