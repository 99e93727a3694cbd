"""How fast the outbox workers submit paid orders, how it scales with more workers, and that none is lost or sent twice.

    .venv/bin/python bench/worker_throughput.py [--orders 300] [--workers 1,3]
                                                [--postgres postgresql://postgres@127.0.0.1:5432/test] [--no-sqlite]

Runs the Twikit sandbox on a loopback port, writes N paid orders with their
submit jobs on a database made by the Procfile's ``release:`` line, then times
real ``flask --app storefront worker --once`` processes (the Procfile's
``worker:`` line, ``--once`` so each exits when nothing is left) draining them:
1 worker on SQLite (the baseline), then 1 and 3 workers (``--workers``) on a
fresh PostgreSQL database each. Prints orders per second, each run's ratio to
the baseline measured in the same run, and two counts that must be 0:

- lost: paid orders with no ``submitted_at`` once the workers are done, or
  missing from the sandbox's own orders table;
- duplicated: orders whose Create Order reached the sandbox more than once.
  The sandbox stores an identifier once and answers a repeat with code 9
  without recording it, so the benchmark counts requests at the sandbox's
  door (bench/_support.py's CreateOrderCounter).

The issue's drill: ``--orders 1000 --workers 3 --no-sqlite``.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from _support import (
    DEFAULT_POSTGRES,
    ROOT,
    Sandbox,
    add_paid_order,
    fresh_postgres,
    instance_folder_as_found,
    machine,
    procfile,
    run_procfile,
    save_configuration,
    shop_app,
    shop_env,
    start_sandbox,
)


def prepare(database_url: str, sandbox: Sandbox, orders: int, folder: Path) -> list[str]:
    """The schema (the release step), then N paid orders, each with its submit job; returns their identifiers."""
    from storefront.extensions import db
    from storefront.outbox import JobKind, enqueue

    run_procfile("release", shop_env(database_url, "demo"))
    configuration_id = save_configuration(sandbox.url)
    app = shop_app(database_url, folder, TWIKIT_API_URL=f"{sandbox.url}/api/v1")
    identifiers = []
    with app.app_context():
        for _ in range(orders):
            order = add_paid_order(configuration_id)
            db.session.add(order)
            db.session.flush()
            enqueue(JobKind.SUBMIT_ORDER, order)
            identifiers.append(order.identifier)
        db.session.commit()
        db.engine.dispose()
    return identifiers


def drain(database_url: str, sandbox: Sandbox, workers: int, folder: Path) -> float:
    """Start ``workers`` worker processes with --once and wait for all; returns the seconds they took."""
    env = shop_env(database_url, "demo", TWIKIT_API_URL=f"{sandbox.url}/api/v1")
    command = [*procfile("worker"), "--once"]
    logs = [(folder / f"worker-{uuid.uuid4().hex[:6]}.log").open("wb") for _ in range(workers)]
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    failed = [process.wait() for process in processes]
    seconds = time.perf_counter() - started
    for log in logs:
        log.close()
    if any(failed):
        raise SystemExit(f"a worker failed; see {folder}")
    return seconds


def lost_and_duplicated(database_url: str, sandbox: Sandbox, identifiers: list[str], folder: Path) -> tuple[int, int]:
    from sqlalchemy import select

    from storefront.extensions import db
    from storefront.models import Order

    app = shop_app(database_url, folder)
    with app.app_context():
        submitted = set(db.session.scalars(select(Order.identifier).where(Order.submitted_at.is_not(None))))
        db.engine.dispose()
    at_twikit = set(sandbox.stored_identifiers())
    lost = sum(1 for identifier in identifiers if identifier not in submitted or identifier not in at_twikit)
    duplicated = sum(1 for identifier in identifiers if sandbox.counter.counts.get(identifier, 0) > 1)
    return lost, duplicated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--workers", default="1,3", help="comma-separated worker counts to run on PostgreSQL")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite baseline (ratios are then to the "
                                                                 "first PostgreSQL run)")
    args = parser.parse_args()

    runs = [] if args.no_sqlite else [("SQLite, 1 worker (baseline)", None, 1)]
    if args.postgres:
        runs += [(f"PostgreSQL, {n} worker(s)", args.postgres, n) for n in map(int, args.workers.split(","))]
    print(f"{args.orders} paid orders submitted to the Twikit sandbox on loopback, {machine()}\n")
    print(f"  {'run':<30} {'seconds':>8} {'orders/s':>9} {'ratio':>6} {'lost':>5} {'duplicated':>10}")
    baseline = None
    with tempfile.TemporaryDirectory(prefix="bench-worker-") as name, instance_folder_as_found():
        folder = Path(name)
        for label, postgres, workers in runs:
            sandbox = start_sandbox(folder)
            with contextlib.ExitStack() as stack:
                if postgres:
                    database_url = stack.enter_context(fresh_postgres(postgres, "bench_worker"))
                else:
                    database_url = f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}"
                identifiers = prepare(database_url, sandbox, args.orders, folder)
                seconds = drain(database_url, sandbox, workers, folder)
                lost, duplicated = lost_and_duplicated(database_url, sandbox, identifiers, folder)
            sandbox.stop()
            rate = args.orders / seconds
            baseline = baseline or rate
            print(f"  {label:<30} {seconds:8.2f} {rate:9.1f} {rate / baseline:6.2f} {lost:5d} {duplicated:10d}",
                  flush=True)
            if lost or duplicated:
                raise SystemExit(f"{label}: {lost} lost, {duplicated} duplicated")


if __name__ == "__main__":
    main()
