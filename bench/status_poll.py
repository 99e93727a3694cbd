"""What one open order status page costs the shop: its poll of status.json, against the page and a baseline.

    .venv/bin/python bench/status_poll.py [--requests 500] [--orders 2000] [--postgres postgresql://postgres@127.0.0.1/test]

Every open status page asks status.json every 5 seconds, so the poll must
cost little more than the cheapest request there is. Over real HTTP (a
threaded werkzeug server on loopback) against a database of N orders, it times:
/healthz (one ``SELECT 1``: the baseline), a poll (status.json), a poll
answered 304 (the browser revalidating with the ETag) and the full status page,
and counts SQL statements per request. The four are timed in turns, so
a load spike on a shared machine weighs on each alike. Prints milliseconds per request and
each one's ratio to the baseline measured in the same run, on SQLite and, when
a server is given, on PostgreSQL.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storefront import create_app  # noqa: E402
from storefront.checkout.service import new_order_identifier  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.models import Order, OrderLine, utcnow  # noqa: E402
from storefront.orders.links import status_url  # noqa: E402

ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "address_line1": "Main 1",
           "zip": "1000", "city": "Brussels", "country_iso": "BE"}


def shop(database_url: str, folder: Path):
    app = create_app({"TESTING": True, "STOREFRONT_MODE": "demo", "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": database_url})
    with app.app_context():
        db.create_all()
    return app


def add_orders(app, count: int) -> str:
    """N submitted orders of two lines; returns the status link of one in the middle."""
    with app.app_context():
        now = utcnow()
        orders = []
        for _ in range(count):
            identifier = new_order_identifier() + uuid.uuid4().hex[:4].upper()
            lines = [OrderLine(identifier=f"{identifier}-{n}", product_key="diamond-letter-jewel",
                               product_name="Diamond Letter Pendant", sku="DLJ-SILVER", variant_name="Sterling silver",
                               configuration_id=1000 + n, preview_url=None, quantity=1, unit_price_cents=4900)
                     for n in (1, 2)]
            orders.append(Order(identifier=identifier, status="submitted", email="ada@example.com",
                                billing_address=ADDRESS, delivery_address=ADDRESS, currency="EUR",
                                subtotal_cents=9800, total_cents=9800, locale="en", paid_at=now, submitted_at=now,
                                lines=lines))
        db.session.add_all(orders)
        db.session.commit()
        with app.test_request_context():
            return status_url(orders[count // 2])


def serve(app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def time_interleaved(session: requests.Session, rows, count: int) -> list[float]:
    """Median milliseconds per request for each row, taken in turns so a load spike hits them all alike."""
    samples: list[list[float]] = [[] for _ in rows]
    for round_number in range(count + 20):  # the first 20 rounds warm up
        for index, (_name, url, headers) in enumerate(rows):
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code in (200, 304), (url, response.status_code)
            if round_number >= 20:
                samples[index].append(elapsed)
    return [statistics.median(row) for row in samples]


def statements_per_request(app, session: requests.Session, url: str, headers=None) -> int:
    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        session.get(url, headers=headers, timeout=10)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def run(label: str, database_url: str, folder: Path, orders: int, count: int) -> None:
    app = shop(database_url, folder)
    link = add_orders(app, orders)
    base, server = serve(app)
    session = requests.Session()
    poll = f"{base}{link}/status.json?lang=en"
    etag = session.get(poll, timeout=10).headers["ETag"]
    rows = [("/healthz (baseline)", f"{base}/healthz", None),
            ("poll: status.json", poll, None),
            ("poll answered 304", poll, {"If-None-Match": etag}),
            ("status page (HTML)", f"{base}{link}", None)]
    print(f"\n{label}: {orders} orders, {count} requests each, median over real HTTP")
    timings = time_interleaved(session, rows, count)
    for (name, url, headers), ms in zip(rows, timings, strict=True):
        statements = statements_per_request(app, session, url, headers)
        print(f"  {name:<22} {ms:7.2f} ms   x{ms / timings[0]:5.2f} baseline   {statements} SQL statement(s)")
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL where the user may create databases")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/bench.sqlite3", Path(folder), args.orders, args.requests)
        if args.postgres:
            server_url = make_url(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
            name = f"bench_status_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                run("PostgreSQL", server_url.set(database=name).render_as_string(hide_password=False), Path(folder),
                    args.orders, args.requests)
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
