"""The Procfile, run exactly as a Heroku-style platform runs it: release, then web and worker.

The processes run in production mode, from a fresh virtualenv that holds
requirements.txt and nothing else (what the buildpack installs), with the shop
imported from the checkout as on a dyno. Through gunicorn we then check what
only a real server shows: the https redirect, the static files' caching and
compression, and the access log without the webhook token.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ..support.live import free_port
from ..support.procfile import dyno_env, procfile, run, start, stop, wait_for_health, wait_for_line
from ..support.shop import BACKENDS, PRODUCTION_ENV, ROOT

ONE_YEAR = 365 * 24 * 60 * 60


@pytest.fixture(scope="session")
def lock_only_bin(tmp_path_factory) -> Path:
    """The bin folder of a new virtualenv with requirements.txt installed, and nothing else."""
    venv = tmp_path_factory.mktemp("lock-only") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
                              "--disable-pip-version-check", "--require-hashes", "-r", str(ROOT / "requirements.txt")],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    return venv / "bin"


@pytest.fixture(params=BACKENDS)
def platform_database(request, tmp_path) -> dict[str, str]:
    """What a platform's database gives the processes: PostgreSQL's URL as Heroku writes it, or an opted-in SQLite."""
    if request.param == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{tmp_path / 'platform.sqlite3'}", "SQLITE_DISK_PERSISTENT": "true"}
    url = request.getfixturevalue("make_postgres_database")()
    return {"DATABASE_URL": re.sub(r"^postgresql(\+psycopg)?://", "postgres://", url)}


def platform_env(bin_dir: Path, database: dict[str, str]) -> dict[str, str]:
    """The environment of a dyno: the platform's PATH and PORT, and the merchant's production settings."""
    # The platform's database replaces PRODUCTION_ENV's placeholder URL.
    return dyno_env(bin_dir, **{**PRODUCTION_ENV, **database}, STOREFRONT_MODE="production", PORT=str(free_port()),
                    WEB_CONCURRENCY="1")


def test_release_web_and_worker_start_as_written_from_the_lock_alone(tmp_path, lock_only_bin, platform_database):
    processes, env = procfile(), platform_env(lock_only_bin, platform_database)
    assert set(processes) == {"release", "web", "worker"}
    release_log, web_log, worker_log = tmp_path / "release.log", tmp_path / "web.log", tmp_path / "worker.log"
    release = run(processes["release"], env, release_log)
    assert release.returncode == 0, release_log.read_text()

    web, worker = start(processes["web"], env, web_log), start(processes["worker"], env, worker_log)
    try:
        shop = f"http://127.0.0.1:{env['PORT']}"
        health = wait_for_health(shop, web, web_log)
        assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
        check_behind_the_router(shop)
        check_static_files(shop)
        check_the_webhook_token_stays_out_of_the_access_log(shop, web_log)
        # SIGTERM before the worker has even started would just end it; wait until it is working.
        wait_for_line(worker_log, "worker: started", worker)
    finally:
        web_code, worker_code = stop(web), stop(worker)
    assert web_code == 0, web_log.read_text()
    assert worker_code == 0, worker_log.read_text()
    assert "worker: stopped" in worker_log.read_text()
    # Production started, and said once per process what it runs without.
    for warning in ("MAIL_URL is not set", "SHOP_URL is not set"):
        assert warning in web_log.read_text() and warning in worker_log.read_text()


def check_behind_the_router(shop: str) -> None:
    """http is redirected to https; over https (the router's X-Forwarded-Proto) pages are served, uncached."""
    home = requests.get(f"{shop}/?page=1", allow_redirects=False, timeout=10)
    assert home.status_code == 301 and home.headers["Location"] == f"https://{shop.split('://')[1]}/?page=1"
    post = requests.post(f"{shop}/cart/lines", data={"quantity": "1"}, allow_redirects=False, timeout=10)
    assert post.status_code == 308 and post.headers["Location"].startswith("https://")

    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "X-Request-ID": "router-id-42"}
    page = requests.get(f"{shop}/", headers=https, timeout=10)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-cache"
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert page.headers["X-Request-ID"] == "router-id-42"
    assert requests.get(f"{shop}/cart", headers=https, timeout=10).headers["Cache-Control"] == "no-store"


def check_static_files(shop: str) -> None:
    """A versioned URL is cached for a year and served compressed; the plain URL for an hour; never a 'no-cache'."""
    https = {"X-Forwarded-Proto": "https"}
    page = requests.get(f"{shop}/", headers=https, timeout=10).text
    [stylesheet] = re.findall(r'href="(/static/[0-9a-f]{12}/css/shop\.css)"', page)
    plain = requests.get(f"{shop}/static/css/shop.css", headers={**https, "Accept-Encoding": "identity"}, timeout=10)
    assert plain.status_code == 200 and "--" in plain.text  # the stylesheet itself, uncompressed
    assert plain.headers["Cache-Control"] == "max-age=3600, public"
    for encoding in ("br", "gzip"):
        response = requests.get(f"{shop}{stylesheet}", headers={**https, "Accept-Encoding": encoding}, timeout=10,
                                stream=True)
        assert response.status_code == 200 and response.headers["Content-Encoding"] == encoding
        assert response.headers["Cache-Control"] == f"max-age={ONE_YEAR}, public, immutable"
        assert int(response.headers["Content-Length"]) < len(plain.content) / 2
        assert "Accept-Encoding" in response.headers["Vary"]
        response.close()


def check_the_webhook_token_stays_out_of_the_access_log(shop: str, web_log: Path) -> None:
    token = PRODUCTION_ENV["TWIKIT_WEBHOOK_TOKEN"]
    answer = requests.post(f"{shop}/webhooks/twikit/{token}/payment-verification", json={},
                           headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert answer.status_code == 400 and answer.json()["success"] is False  # a malformed body, to the right URL
    wait_for_line(web_log, "POST /webhooks/twikit/[redacted]/payment-verification", None, timeout=10)
    assert token not in web_log.read_text()
