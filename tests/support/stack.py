"""The whole shop as it runs on a platform, for the load and fault drills: the Procfile's processes and the sandboxes.

The shop's ``release``, ``web`` (gunicorn) and ``worker`` commands run from
the Procfile as real processes (``procfile``); the Twikit and Stripe
sandboxes run in the test process on loopback ports (``LiveServer``), wired
to the shop and the shop to them, as in the demo. The demo catalog is
imported through the real importer once the release phase has migrated the
database::

    with ProcfileShop(tmp_path, database_url, worker=True) as shop:
        requests.get(f"{shop.url}/healthz")
        shop.twikit_sandbox.orders()
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from storefront import create_app
from storefront.extensions import db

from .factories import import_demo_catalog
from .live import LiveServer, free_port
from .procfile import dyno_env, procfile, run, start, stop, wait_for_health, wait_for_line
from .shop import shop_config
from .twikit_sandbox import TwikitSandbox

WEBHOOK_TOKEN = "demo-webhook-token"
STRIPE_WEBHOOK_SECRET = "whsec_test_procfile_shop"
SECRET_KEY = "procfile-shop-secret-key"  # shared with the test's own app, so its order-status links work


class ProcfileShop:
    """gunicorn (and the worker, if asked) from the Procfile on ``database_url``, with both sandboxes.

    worker: also start the Procfile's worker process.
    stripe: also run the Stripe sandbox, sending its webhooks to the shop.
    env: extra settings for the shop's processes (e.g. OUTBOX_LEASE_SECONDS).
    """

    def __init__(self, folder: Path, database_url: str, *, worker: bool = False, stripe: bool = False,
                 env: dict[str, str] | None = None):
        self.folder, self.database_url = folder, database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.want_worker, self.want_stripe, self.extra_env = worker, stripe, env or {}
        self.twikit = LiveServer(self._build_twikit)
        self.stripe = LiveServer(self._build_stripe) if stripe else None
        self.web = self.worker = None
        self.web_log, self.worker_log = folder / "web.log", folder / "worker.log"

    # --- the sandboxes -------------------------------------------------------------------

    def _build_twikit(self, url: str):
        from sandboxes.twikit import create_app as create_twikit_sandbox

        webhooks = f"{self.url}/webhooks/twikit/{WEBHOOK_TOKEN}"
        return create_twikit_sandbox({
            "TESTING": True, "SANDBOX_DATABASE": str(self.folder / "twikit.sqlite3"), "PUBLIC_URL": url,
            "PAYMENT_VERIFICATION_URL": f"{webhooks}/payment-verification",
            "PRODUCTION_COMPLETION_URL": f"{webhooks}/production-completion",
            "ORDER_COMPLETION_URL": f"{webhooks}/order-completion",
            "WEBSITE_PUBLICATION_URL": f"{webhooks}/website-publication",
        })

    def _build_stripe(self, url: str):
        from sandboxes.stripe import create_app as create_stripe_sandbox

        return create_stripe_sandbox({
            "TESTING": True, "SANDBOX_DATABASE": str(self.folder / "stripe.sqlite3"), "PUBLIC_URL": url,
            "WEBHOOK_URL": f"{self.url}/webhooks/stripe", "WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
            "WEBHOOK_RETRY_DELAYS": [0.5, 1, 2, 4], "ASYNC_SETTLE_SECONDS": 1,
        })

    def twikit_down(self) -> None:
        """Stop the Twikit sandbox's listener: every call to it is refused, as when Twikit is unreachable."""
        self.twikit.stop()

    def twikit_up(self) -> None:
        """The same sandbox (its orders, its settings) listening again on the same port."""
        port = int(self.twikit.url.rsplit(":", 1)[1])
        self.twikit = LiveServer(app=self.twikit.app, port=port).start()

    @property
    def twikit_sandbox(self) -> TwikitSandbox:
        return TwikitSandbox(self.twikit.url)

    # --- the shop's processes ------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The dyno's environment: the demo's settings, pointed at this database and these sandboxes."""
        env = dyno_env(STOREFRONT_MODE="demo", DATABASE_URL=self.database_url, PORT=str(self.port),
                       SHOP_URL=self.url, WEB_CONCURRENCY="2", WEB_THREADS="8",
                       TWIKIT_API_URL=f"{self.twikit.url}/api/v1",
                       TWIKIT_SCRIPT_URL=f"{self.twikit.url}/plugin/v1/twikit.js",
                       TWIKIT_WEBHOOK_TOKEN=WEBHOOK_TOKEN, SECRET_KEY=SECRET_KEY)
        if self.stripe:
            env |= {"STRIPE_API_BASE": self.stripe.url, "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET}
        return env | self.extra_env

    def app(self):
        """An app on the shop's database and with its secret key, for the test to read it back and make its links."""
        return create_app(shop_config(self.folder, self.database_url, **{
            k: v for k, v in self.env().items() if k in {"TWIKIT_API_URL", "TWIKIT_SCRIPT_URL", "SECRET_KEY"}}))

    def start(self) -> Self:
        self.twikit.start()
        if self.stripe:
            self.stripe.start()
        release_log = self.folder / "release.log"
        release = run(procfile()["release"], self.env(), release_log)
        assert release.returncode == 0, release_log.read_text()
        app = self.app()
        import_demo_catalog(app)
        with app.app_context():
            db.engine.dispose()
        self.web = start(procfile()["web"], self.env(), self.web_log)
        health = wait_for_health(self.url, self.web, self.web_log)
        assert health.status_code == 200, health.text
        if self.want_worker:
            self.start_worker()
        return self

    def start_worker(self) -> None:
        self.worker = start(procfile()["worker"], self.env(), self.worker_log)
        wait_for_line(self.worker_log, "worker: started", self.worker, timeout=30)

    def stop(self) -> None:
        """SIGTERM to the shop's processes (each must exit cleanly), then the sandboxes stop."""
        codes = {}
        for name in ("worker", "web"):
            process = getattr(self, name)
            if process is not None:
                codes[name] = stop(process)
        if self.stripe:
            self.stripe.app.extensions["stripe_sandbox"].worker.stop()
            self.stripe.stop()
        self.twikit.app.extensions["twikit_sandbox_webhook_worker"].stop()
        self.twikit.stop()
        self.exit_codes = codes

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()
