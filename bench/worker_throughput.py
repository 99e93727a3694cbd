"""How fast the outbox worker submits paid orders, and how it scales with more workers.

    .venv/bin/python bench/worker_throughput.py [--orders 300] [--postgres postgresql://postgres@127.0.0.1/test]

Runs the Twikit sandbox on a loopback port, writes N paid orders with their
submit jobs, then times real `flask --app storefront worker --once` processes
draining them: 1 worker on SQLite (the baseline), then 1 and 3 workers on
PostgreSQL when a server is given. Prints orders per second and each run's
ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandboxes.twikit import create_app as create_twikit_sandbox  # noqa: E402
from storefront import create_app  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.models import Order, OrderLine, utcnow  # noqa: E402
from storefront.outbox import JobKind, enqueue  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "address_line1": "Main 1",
           "zip": "1000", "city": "Brussels", "country_iso": "BE"}


def start_sandbox(folder: Path) -> str:
    holder = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = create_twikit_sandbox({"SANDBOX_DATABASE": str(folder / f"twikit-{uuid.uuid4().hex}.sqlite3"),
                                           "PUBLIC_URL": url})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return url


def save_configuration(sandbox: str) -> int:
    body = {"productKey": "diamond-letter-jewel", "version": 1,
            "parameters": {"letter": "A", "size": "medium", "material": "silver"},
            "variation": {"id": "silver", "sku": "DLJ-SILVER"},
            "previewPng": "data:image/png;base64," + base64.b64encode(PNG).decode()}
    return requests.post(f"{sandbox}/api/plugin/configurations", json=body, timeout=10).json()["configurationId"]


def prepare(database_url: str, sandbox: str, orders: int, folder: Path) -> None:
    app = create_app({"TESTING": True, "STOREFRONT_MODE": "demo", "SECRET_KEY": "bench", "DATABASE_URL": database_url,
                      "INSTANCE_PATH": str(folder / "instance"), "TWIKIT_API_URL": f"{sandbox}/api/v1"})
    configuration_id = save_configuration(sandbox)
    with app.app_context():
        db.create_all()
        for _ in range(orders):
            identifier = f"BENCH-{uuid.uuid4().hex[:12].upper()}"
            order = Order(identifier=identifier, status="paid", email="ada@example.com", billing_address=ADDRESS,
                          delivery_address=ADDRESS, currency="EUR", subtotal_cents=4900, total_cents=4900,
                          paid_at=utcnow(), lines=[OrderLine(
                              identifier=f"{identifier}-1", product_key="diamond-letter-jewel", product_name="P",
                              sku="DLJ-SILVER", variant_name="S", configuration_id=configuration_id, quantity=1,
                              unit_price_cents=4900)])
            db.session.add(order)
            db.session.flush()
            enqueue(JobKind.SUBMIT_ORDER, order)
        db.session.commit()
        db.engine.dispose()


def drain(database_url: str, sandbox: str, workers: int) -> float:
    env = {**os.environ, "STOREFRONT_MODE": "demo", "DATABASE_URL": database_url, "TWIKIT_API_URL": f"{sandbox}/api/v1"}
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "storefront", "worker", "--once"], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(workers)]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit("a worker failed")
    return time.perf_counter() - started


def fresh_postgres(server_url: str) -> tuple[str, callable]:
    server_url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"storefront_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    logging.getLogger().setLevel(logging.WARNING)  # the figures, not one log line per request
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    logging.disable(logging.INFO)  # create_app configures INFO logging; keep the output to the figures

    runs = [("SQLite, 1 worker (baseline)", lambda: f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}", 1, None)]
    if args.postgres:
        for workers in (1, 3):
            runs.append((f"PostgreSQL, {workers} worker(s)", None, workers, args.postgres))
    baseline = None
    print(f"{args.orders} paid orders submitted to the Twikit sandbox on loopback\n")
    for label, sqlite_url, workers, postgres in runs:
        sandbox = start_sandbox(folder)
        drop = None
        database_url = sqlite_url() if sqlite_url else None
        if postgres:
            database_url, drop = fresh_postgres(postgres)
        prepare(database_url, sandbox, args.orders, folder)
        seconds = drain(database_url, sandbox, workers)
        rate = args.orders / seconds
        baseline = baseline or rate
        print(f"  {label:32} {seconds:6.2f} s   {rate:7.1f} orders/s   x{rate / baseline:4.2f}")
        if drop:
            drop()


if __name__ == "__main__":
    main()
