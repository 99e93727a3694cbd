"""Many workers on PostgreSQL: every paid order is submitted to Twikit exactly once, and none is lost.

Three real worker processes (``flask --app storefront worker --once``, as cron
or a dyno runs them) share 300 paid orders through FOR UPDATE SKIP LOCKED.
"""

import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import func, select

from storefront import create_app
from storefront.extensions import db
from storefront.models import Order, OutboxJob

from ..support.factories import PAID_AND_QUEUED, make_order
from ..support.shop import ROOT, shop_config
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.live
ORDERS, WORKERS = 300, 3


def test_three_workers_submit_300_orders_exactly_once(make_postgres_database, twikit_api, tmp_path):
    database_url = make_postgres_database()
    shop = create_app(shop_config(tmp_path, database_url, TWIKIT_API_URL=f"{twikit_api.url}/api/v1"))
    with shop.app_context():
        db.create_all()
    sandbox = TwikitSandbox(twikit_api.url)
    configurations = [sandbox.save_configuration(letter) for letter in "ABCDE"]
    identifiers = {make_order(shop, lines=[configurations[n % 5], configurations[(n + 1) % 5]], **PAID_AND_QUEUED)
                   for n in range(ORDERS)}

    env = {**os.environ, "STOREFRONT_MODE": "demo", "DATABASE_URL": database_url,
           "TWIKIT_API_URL": f"{twikit_api.url}/api/v1"}
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "storefront", "worker", "--once"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for _ in range(WORKERS)]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * WORKERS, outputs
    jobs_per_worker = [int(re.search(r"worker: stopped after (\d+) job", out).group(1)) for out in outputs]
    assert sum(jobs_per_worker) == ORDERS

    received = Counter(order["identifier"] for order in sandbox.orders())
    assert set(received) == identifiers  # none lost
    assert set(received.values()) == {1}  # none twice
    with shop.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order).where(Order.status == "submitted")) == ORDERS
        assert db.session.execute(select(OutboxJob.state, OutboxJob.attempts).distinct()).all() == [("done", 1)]
        db.session.remove()  # give the connection back before closing the pool, or it leaks
        db.engine.dispose()
    print(f"jobs per worker: {jobs_per_worker}")


def test_the_worker_holds_no_transaction_open_while_twikit_answers(make_postgres_database, twikit_api, tmp_path):
    """A create-order call may take up to TWIKIT_READ_TIMEOUT_SECONDS. A transaction left open across it keeps its
    locks that long: a migration's ALTER TABLE (the release phase) would queue behind it, and every query behind
    that. So the worker's session is idle, not "idle in transaction", while it waits for Twikit's answer."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    from storefront.worker import Worker

    database_url = make_postgres_database()
    shop = create_app(shop_config(tmp_path, database_url, TWIKIT_API_URL=f"{twikit_api.url}/api/v1"))
    with shop.app_context():
        db.create_all()
    sandbox = TwikitSandbox(twikit_api.url)
    identifier = make_order(shop, lines=[sandbox.save_configuration("I")], **PAID_AND_QUEUED)
    sandbox.settings(PAYMENT_VERIFICATION_URL=None)
    sandbox.arm(delay_next=1, delay_seconds=1.5)
    worker = threading.Thread(target=Worker(shop).run, kwargs={"once": True})
    observer = create_engine(database_url)
    held = []
    with observer.connect() as connection:
        worker.start()
        while not sandbox.orders(identifier):  # Twikit has the order: its answer is being held back now
            time.sleep(0.05)
        for _ in range(12):
            held += connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND state = 'idle in transaction' AND clock_timestamp() - state_change > interval '0.5 seconds'"
            )).scalars().all()  # not the moments between two statements of a short transaction
            connection.rollback()
            time.sleep(0.1)
    worker.join(timeout=30)
    observer.dispose()
    with shop.app_context():
        assert db.session.scalar(select(Order.status).where(Order.identifier == identifier)) == "submitted"
        db.session.remove()
        db.engine.dispose()
    assert held == [0] * 12
