"""Fixtures shared by the whole suite, in the vocabulary of Flask's tutorial: app, client, runner.

Every database test runs on SQLite, and on PostgreSQL too when
TEST_DATABASE_URL names a server (.ci/run sets it). Each PostgreSQL session
gets a fresh database of its own, dropped at the end, so a developer's data
is never touched.

Live tests run the shop and the sandboxes as real HTTP servers on loopback
ports, and browser tests drive Debian's Chromium through Playwright.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storefront import create_app
from storefront.extensions import db

from .support.factories import import_demo_catalog
from .support.live import LiveServer, free_port
from .support.shop import BACKENDS, DEMO_CATALOG, TEST_DATABASE_URL, shop_config

pytest_plugins = ["tests.support.browser"]

# A developer's .env (their own settings, maybe real keys) never reaches the shops under test, nor the
# processes the tests start; the shop skips it on this, as the flask command does.
os.environ["FLASK_SKIP_DOTENV"] = "1"


# --- databases -------------------------------------------------------------------

def _sqlalchemy_url(url: str) -> str:
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    return url


@pytest.fixture(scope="session")
def postgres_server_url():
    """The PostgreSQL server named by TEST_DATABASE_URL, or a skip."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    return _sqlalchemy_url(TEST_DATABASE_URL)


@pytest.fixture(scope="session")
def make_postgres_database(postgres_server_url):
    """Create throw-away databases on the test server; all are dropped at the end."""
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def make() -> str:
        name = f"storefront_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as connection:
        for name in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(make_postgres_database):
    """One database for the functional tests; its tables are created once, emptied per test."""
    return make_postgres_database()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    return request.getfixturevalue("postgres_url")


_postgres_schema_ready: set[str] = set()


@pytest.fixture
def shop_overrides():
    """Extra settings for the ``app`` fixture; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, shop_overrides):
    """A shop with an empty database of its own."""
    app = create_app(shop_config(tmp_path, database_url, **shop_overrides))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            if database_url not in _postgres_schema_ready:
                db.create_all()
                _postgres_schema_ready.add(database_url)
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        else:
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_catalog(app):
    """The demo catalog, imported through the real importer."""
    import_demo_catalog(app)
    return DEMO_CATALOG


# --- live servers ------------------------------------------------------------------

STRIPE_WEBHOOK_SECRET = "whsec_test_live_stack"


def _stripe_sandbox(folder: Path, public_url: str, webhook_url: str | None = None):
    from sandboxes.stripe import create_app as create_stripe_sandbox

    return create_stripe_sandbox({
        "TESTING": True, "SANDBOX_DATABASE": str(folder / "stripe.sqlite3"), "PUBLIC_URL": public_url,
        "WEBHOOK_URL": webhook_url, "WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET if webhook_url else None,
        "WEBHOOK_RETRY_DELAYS": [0.2, 0.5, 1], "ASYNC_SETTLE_SECONDS": 1,
    })


@pytest.fixture(scope="session")
def stripe_sandbox(tmp_path_factory):
    """The Stripe sandbox on a real port that sends no webhooks: tests sign their own events."""
    folder = tmp_path_factory.mktemp("stripe-sandbox")
    server = LiveServer(lambda url: _stripe_sandbox(folder, url))
    yield server.start()
    server.app.extensions["stripe_sandbox"].worker.stop()
    server.stop()


@dataclass
class LiveStack:
    shop: LiveServer
    twikit: LiveServer
    stripe: LiveServer
    mail: LiveServer  # the mail catcher's page; its SMTP side listens on smtp_port
    smtp_port: int


@pytest.fixture
def twikit_api(tmp_path):
    """A Twikit sandbox of this test's own on a real port: its Orders API receives what the shop's workers send."""
    from sandboxes.twikit import create_app as create_twikit_sandbox

    server = LiveServer(lambda url: create_twikit_sandbox({
        "SANDBOX_DATABASE": str(tmp_path / "twikit.sqlite3"), "PUBLIC_URL": url}))
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """The shop and both sandboxes on real ports, wired to each other as in the demo."""
    from sandboxes.mail import create_app as create_mail_catcher
    from sandboxes.mail import start_smtp
    from sandboxes.twikit import create_app as create_twikit_sandbox

    folder = tmp_path_factory.mktemp("live")
    twikit, stripe, shop, mail = LiveServer(), LiveServer(), LiveServer(), LiveServer()
    smtp_port = free_port()
    smtp = start_smtp(str(folder / "mail.sqlite3"), "127.0.0.1", smtp_port)
    mail.build = lambda url: create_mail_catcher({"SANDBOX_DATABASE": str(folder / "mail.sqlite3")})

    # As a merchant configures Twikit's publisher: the shop's four webhook URLs.
    webhooks = f"{shop.url}/webhooks/twikit/demo-webhook-token"
    twikit.build = lambda url: create_twikit_sandbox({
        "TESTING": True, "SANDBOX_DATABASE": str(folder / "twikit.sqlite3"), "PUBLIC_URL": url,
        "PAYMENT_VERIFICATION_URL": f"{webhooks}/payment-verification",
        "PRODUCTION_COMPLETION_URL": f"{webhooks}/production-completion",
        "ORDER_COMPLETION_URL": f"{webhooks}/order-completion",
        "WEBSITE_PUBLICATION_URL": f"{webhooks}/website-publication",
        "WEBHOOK_RETRY_DELAY_SECONDS": 1,
    })
    stripe.build = lambda url: _stripe_sandbox(folder, url, webhook_url=f"{shop.url}/webhooks/stripe")

    def build_shop(url: str):
        app = create_app(shop_config(
            folder, f"sqlite:///{folder / 'shop.sqlite3'}",
            TWIKIT_SCRIPT_URL=f"{twikit.url}/plugin/v1/twikit.js",
            TWIKIT_API_URL=f"{twikit.url}/api/v1",
            TWIKIT_SCRIPT_ORIGINS=(twikit.url,),
            STRIPE_API_BASE=stripe.url,
            STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
            SHOP_URL=url,
            MAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        ))
        with app.app_context():
            db.create_all()
        import_demo_catalog(app)
        return app

    shop.build = build_shop
    for server in (twikit, stripe, shop, mail):
        server.start()
    yield LiveStack(shop=shop, twikit=twikit, stripe=stripe, mail=mail, smtp_port=smtp_port)
    stripe.app.extensions["stripe_sandbox"].worker.stop()
    twikit.app.extensions["twikit_sandbox_webhook_worker"].stop()
    smtp.stop()
    for server in (shop, stripe, twikit, mail):
        server.stop()


@pytest.fixture(scope="session")
def live_shop(live):
    return live.shop


@pytest.fixture(scope="session")
def live_twikit(live):
    return live.twikit


@pytest.fixture
def mail_catcher(tmp_path):
    """The mail catcher's SMTP side on a free port, with its own database: (port, its web app's test client)."""
    from sandboxes.mail import create_app as create_catcher
    from sandboxes.mail import start_smtp

    database = str(tmp_path / "caught.sqlite3")
    port = free_port()
    controller = start_smtp(database, "127.0.0.1", port)
    yield port, create_catcher({"SANDBOX_DATABASE": database, "TESTING": True}).test_client()
    controller.stop()
