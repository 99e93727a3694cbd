"""How long a paid order waits before Twikit has it: from the paid commit to Twikit's answer, one worker.

    .venv/bin/python bench/paid_to_submitted.py [--orders 60] [--interval 1.0] [--poll-seconds S]
                                                [--postgres postgresql://postgres@127.0.0.1:5432/test]

One worker process, the Procfile's ``worker:`` line (``flask --app storefront
worker``, its poll interval as the Procfile leaves it unless --poll-seconds is
given), runs against the Twikit sandbox on a loopback port, on a fresh
PostgreSQL database made by the Procfile's ``release:`` line. Orders then
arrive one at a time, at random like customers (exponential gaps, mean
--interval seconds): each is written as Stripe's webhook leaves it, paid with a
submit job and a confirmation e-mail job in one transaction.

For each order it takes three times: the paid commit (the clock right after
the commit returns), the sandbox's answer to Create Order (taken at the
sandbox's door, in this process, so one clock for all), and the order's
``submitted_at`` as the worker records it. It prints p50, p95 and max of
paid -> answer and paid -> submitted_at. Between jobs the worker waits for the
NOTIFY that ``enqueue`` sends in the paid transaction (storefront.outbox_wakeup),
or ``poll_seconds`` at most: the poll interval is printed with the figures.

Demo mode: the worker must call the sandbox over plain http on this machine,
which production refuses.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _support import (
    DEFAULT_POSTGRES,
    ROOT,
    add_paid_order,
    fresh_postgres,
    instance_folder_as_found,
    machine,
    postgres_version,
    procfile,
    run_procfile,
    save_configuration,
    shop_app,
    shop_env,
    start_sandbox,
)

DEFAULT_POLL_SECONDS = 2.0  # flask --app storefront worker's --poll-seconds default (storefront/cli.py)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def describe(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"  {label:<38} p50 {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 0.95):7.1f} ms   "
            f"max {max(ms):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--interval", type=float, default=1.0, help="mean seconds between two orders")
    parser.add_argument("--poll-seconds", type=float, help="added to the worker's command line; default: as the "
                                                           f"Procfile runs it ({DEFAULT_POLL_SECONDS} s)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--seed", type=int, default=10, help="for the random gaps between orders")
    args = parser.parse_args()
    gaps = random.Random(args.seed)
    worker_command = procfile("worker") + (["--poll-seconds", str(args.poll_seconds)] if args.poll_seconds else [])
    poll = args.poll_seconds or DEFAULT_POLL_SECONDS
    print(f"paid -> submitted to Twikit, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, "
          f"{postgres_version(args.postgres)}")
    print(f"one worker: `{' '.join(worker_command)}` (poll interval {poll:g} s), demo mode, Twikit sandbox on "
          f"loopback; {args.orders} orders, one at a time, mean gap {args.interval:g} s")

    with tempfile.TemporaryDirectory(prefix="bench-paid-") as name, instance_folder_as_found(), \
            fresh_postgres(args.postgres, "bench_paid") as database_url:
        folder = Path(name)
        sandbox = start_sandbox(folder)
        env = shop_env(database_url, "demo", TWIKIT_API_URL=f"{sandbox.url}/api/v1")
        run_procfile("release", env)
        configuration_id = save_configuration(sandbox.url)
        app = shop_app(database_url, folder, TWIKIT_API_URL=f"{sandbox.url}/api/v1")
        log = (folder / "worker.log").open("wb")
        worker = subprocess.Popen(worker_command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            paid_at = pay_orders(app, configuration_id, args.orders, args.interval, gaps)
            submitted_at = wait_for_submission(app, paid_at, timeout=60 + 3 * poll)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            log.close()
            sandbox.stop()
            with app.app_context():
                from storefront.extensions import db

                db.session.remove()
                db.engine.dispose()

    missing = [identifier for identifier in paid_at if identifier not in submitted_at]
    if missing:
        raise SystemExit(f"{len(missing)} order(s) never submitted within the wait: {missing[:5]}")
    to_answer = [sandbox.counter.answered_at[i] - paid for i, paid in paid_at.items()]
    to_submitted = [submitted_at[i] - paid for i, paid in paid_at.items()]
    sends = [sandbox.counter.counts[i] for i in paid_at]
    print()
    print(describe("paid commit -> sandbox's answer", to_answer))
    print(describe("paid commit -> submitted_at recorded", to_submitted))
    print(f"  create-order requests per order: {min(sends)}..{max(sends)}; poll interval {poll:g} s "
          f"(on PostgreSQL the worker is woken by the job's NOTIFY; the poll finds retries and, on SQLite, all)")


def pay_orders(app, configuration_id: int, count: int, interval: float, gaps: random.Random) -> dict[str, float]:
    """Write ``count`` paid orders one at a time, as Stripe's webhook does; returns each one's paid-commit time."""
    from storefront.extensions import db
    from storefront.outbox import JobKind, enqueue

    paid_at = {}
    with app.app_context():
        for _ in range(count):
            time.sleep(gaps.expovariate(1 / interval))
            order = add_paid_order(configuration_id)
            db.session.add(order)
            db.session.flush()
            enqueue(JobKind.SUBMIT_ORDER, order)
            enqueue(JobKind.SEND_CONFIRMATION_EMAIL, order)
            db.session.commit()
            paid_at[order.identifier] = time.time()
            db.session.remove()
    return paid_at


def wait_for_submission(app, paid_at: dict[str, float], timeout: float) -> dict[str, float]:
    """Each order's submitted_at (unix time) once all have one, or as many as there are after ``timeout``."""
    from sqlalchemy import select

    from storefront.extensions import db
    from storefront.models import Order

    deadline = time.monotonic() + timeout
    with app.app_context():
        while True:
            rows = db.session.execute(select(Order.identifier, Order.submitted_at)
                                      .where(Order.submitted_at.is_not(None))).all()
            db.session.remove()
            if len(rows) >= len(paid_at) or time.monotonic() > deadline:
                return {identifier: submitted.replace(tzinfo=submitted.tzinfo or UTC).timestamp()
                        for identifier, submitted in rows}
            time.sleep(0.2)


if __name__ == "__main__":
    main()
