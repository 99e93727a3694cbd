"""Twikit's order-completion webhook under load: deliveries per second at 32 clients, each applied once.

    .venv/bin/python bench/webhooks.py [--orders 1000] [--connections 32]
                                       [--postgres postgresql://postgres@127.0.0.1:5432/test]

On a fresh PostgreSQL database (made by the Procfile's ``release:`` line),
N orders wait as Twikit has them (submitted, one customised line). The
Procfile's ``web:`` line (gunicorn, 2 processes x 8 threads, production mode
with invented secrets, plus ``--bind 127.0.0.1:PORT``) takes:

1. the baseline: as many /healthz requests (one ``SELECT 1``) as there are
   deliveries, from the same client at the same concurrency;
2. the order-completion report of every order, each delivered twice, the two
   copies back to back in the queue so that they often arrive at once on two
   connections (Twikit retries a delivery, and a router may repeat one).

The client is 32 Python threads, each with its own keep-alive connection,
taking the next request from one shared queue until it is empty: a fixed
amount of work, each answer checked. (wrk runs for a time, not a count.) The
client shares the 2 cores with the server, alike for both measurements, so
the ratio is the figure to quote. It prints requests per second, p50 and p99,
and the ratio to /healthz in the same run; then reads the database to check
that each order moved to shipped exactly once: one shipped event, one
shipment, one shipped e-mail job, and both deliveries logged. Any answer other
than 200 fails the run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from _support import (
    DEFAULT_POSTGRES,
    PRODUCTION_ENV,
    ROUTER_HEADERS,
    add_paid_order,
    fresh_postgres,
    instance_folder_as_found,
    machine,
    postgres_version,
    procfile,
    run_procfile,
    shop_app,
    shop_env,
    web_server,
)

CONFIGURATION_ID = 1001
COPIES = 2  # each delivery is sent this many times

def submitted_orders(database_url: str, count: int, folder: Path) -> list[str]:
    """N orders as Twikit has them: submitted, one customised line; returns their identifiers."""
    from storefront.extensions import db

    app = shop_app(database_url, folder)
    with app.app_context():
        orders = [add_paid_order(CONFIGURATION_ID, status="submitted") for _ in range(count)]
        db.session.add_all(orders)
        db.session.commit()
        identifiers = [order.identifier for order in orders]
        db.engine.dispose()
    return identifiers


@dataclass
class Load:
    per_second: float
    p50_ms: float
    p99_ms: float
    statuses: Counter


def load(base: str, requests_to_send: list[tuple[str, dict | None]], connections: int) -> Load:
    """Send every (path, JSON body or None for a GET) from ``connections`` threads, one shared queue."""
    pending = iter(requests_to_send)
    lock = threading.Lock()
    latencies, statuses = [], Counter()

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            path, body = item
            started = time.perf_counter()
            if body is None:
                response = session.get(base + path, headers=ROUTER_HEADERS, timeout=30)
            else:
                response = session.post(base + path, json=body, headers=ROUTER_HEADERS, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed * 1000)
                statuses[response.status_code] += 1

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return Load(len(requests_to_send) / seconds, statistics.median(latencies),
                latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], statuses)


def completion_report(identifier: str) -> dict:
    """Twikit's order-completion body for one of our orders (spec, "Webhooks": IOrderCompletion)."""
    return {"identifier": identifier, "trackingUrl": "https://track.example/1Z999", "trackingId": "1Z999",
            "lineItems": [{"identifier": f"{identifier}-1", "configurationId": CONFIGURATION_ID,
                           "previewUrl": f"https://twikit.invalid/previews/{CONFIGURATION_ID}.png",
                           "productKey": "diamond-letter-jewel", "amount": 1}]}


def check_applied_once(database_url: str, identifiers: list[str], folder: Path) -> list[str]:
    """Read the database: what is wrong, one line per kind of problem (empty: each applied exactly once)."""
    from sqlalchemy import func, select

    from storefront.extensions import db
    from storefront.models import Order, OrderEvent, OutboxJob, Shipment, WebhookDelivery

    app = shop_app(database_url, folder)
    problems = []
    with app.app_context():
        statuses = Counter(db.session.scalars(select(Order.status)).all())
        if statuses != {"shipped": len(identifiers)}:
            problems.append(f"order statuses: {dict(statuses)}")
        for label, query in (
                ("shipped events", select(OrderEvent.order_id, func.count()).where(OrderEvent.to_status == "shipped")
                 .group_by(OrderEvent.order_id)),
                ("shipments", select(Shipment.order_id, func.count()).group_by(Shipment.order_id)),
                ("shipped e-mail jobs", select(OutboxJob.order_id, func.count())
                 .where(OutboxJob.kind == "send_shipped_email").group_by(OutboxJob.order_id))):
            counts = Counter(count for _order, count in db.session.execute(query).all())
            if counts != {1: len(identifiers)}:
                problems.append(f"{label} per order: {dict(counts)} (orders with none: "
                                f"{len(identifiers) - sum(counts.values())})")
        logged = Counter(db.session.execute(select(WebhookDelivery.outcome, WebhookDelivery.http_status)).all())
        if logged != {("accepted", 200): len(identifiers) * COPIES}:
            problems.append(f"delivery log (outcome, status): {dict(logged)}")
        db.engine.dispose()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    print(f"order-completion webhooks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, "
          f"{postgres_version(args.postgres)}")
    print(f"server: `{' '.join(procfile('web'))}` + --bind 127.0.0.1:PORT, WEB_CONCURRENCY=2, WEB_THREADS=8, "
          f"production mode; {args.connections} client threads")
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as name, instance_folder_as_found(), \
            fresh_postgres(args.postgres, "bench_webhooks") as database_url:
        folder = Path(name)
        env = shop_env(database_url)
        run_procfile("release", env)
        identifiers = submitted_orders(database_url, args.orders, folder)
        path = f"/webhooks/twikit/{PRODUCTION_ENV['TWIKIT_WEBHOOK_TOKEN']}/order-completion"
        deliveries = [(path, completion_report(i)) for i in identifiers for _copy in range(COPIES)]
        with web_server(env, folder / "web.log") as web:
            load(web.url, [("/healthz", None)] * 200, args.connections)  # warm up both processes
            baseline = load(web.url, [("/healthz", None)] * len(deliveries), args.connections)
            result = load(web.url, deliveries, args.connections)
        problems = check_applied_once(database_url, identifiers, folder)

    print(f"\n  {'':<34} {'per s':>8} {'p50 ms':>7} {'p99 ms':>7}  {'ratio':>6}")
    print(f"  {'/healthz (baseline)':<34} {baseline.per_second:8.1f} {baseline.p50_ms:7.1f} "
          f"{baseline.p99_ms:7.1f}  {1:6.3f}")
    print(f"  {f'order-completion, {args.orders} x {COPIES}':<34} {result.per_second:8.1f} {result.p50_ms:7.1f} "
          f"{result.p99_ms:7.1f}  {result.per_second / baseline.per_second:6.3f}")
    print(f"  orders applied per second: {result.per_second / COPIES:.1f}; answers: "
          + ", ".join(f"{count} x {status}" for status, count in sorted(result.statuses.items())))
    if result.statuses != {200: args.orders * COPIES} or baseline.statuses != {200: args.orders * COPIES}:
        problems.append(f"answers other than 200: deliveries {dict(result.statuses)}, "
                        f"/healthz {dict(baseline.statuses)}")
    if problems:
        raise SystemExit("NOT applied exactly once:\n  " + "\n  ".join(problems))
    print(f"  checked in the database: {args.orders} orders shipped, each with one shipped event, one shipment, "
          f"one shipped e-mail job; {args.orders * COPIES} deliveries logged, all accepted")


if __name__ == "__main__":
    main()
