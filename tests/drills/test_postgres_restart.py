"""PostgreSQL restarted in the middle of a run of paid orders: nothing lost, nothing sent twice, nobody restarted.

The Procfile's web and worker processes run on a PostgreSQL server of the
test's own (tests/support/postgres_cluster.py explains why not the shared
one), while the worker submits 40 paid orders to the Twikit sandbox, each
answered a little late so that the run takes a while. A quarter of the way
through, the server is shut down for real (``pg_ctlcluster stop``: every
session is terminated), stays down until the web process answers its health
check with 503 and the worker says it is waiting, and is started again.

Afterwards the same processes, never restarted, carry on: every order is at
Twikit exactly once and accepted in the shop (submitted; or, where the
restart cut off an attempt after Twikit took the order and before the shop
wrote it down, submitted but flagged, once its lease ran out and the retry
heard "9, already exists"); /healthz is 200 again, and so is a page that
reads the database.

Needs PostgreSQL (TEST_DATABASE_URL set) and root for the cluster; a skip otherwise.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, OutboxJob
from storefront.orders.links import status_url

from ..support.factories import PAID_AND_QUEUED, make_order
from ..support.procfile import wait_for_line
from ..support.queries import wait_until
from ..support.shop import TEST_DATABASE_URL
from ..support.stack import ProcfileShop

pytestmark = [pytest.mark.drill, pytest.mark.live,
              pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: TEST_DATABASE_URL is not set")]

ORDERS = 40
# A lease shorter than the default 5 minutes, so the attempt the restart cut off is taken up again within the drill.
SETTINGS = {"OUTBOX_LEASE_SECONDS": "10", "TWIKIT_RETRY_BASE_SECONDS": "1", "OUTBOX_RETRY_MAX_SECONDS": "2"}
DUPLICATE_ANSWER = "Submitted (confirmed by a duplicate answer)"


def read(app, query):
    """Run one read on the shop's database from the test; the connection goes back at once (it may die next)."""
    with app.app_context():
        try:
            return query()
        finally:
            db.session.remove()


def test_a_restart_of_postgresql_mid_run_loses_and_duplicates_nothing(tmp_path, postgres_cluster):
    database_url = postgres_cluster.create_database("shop")
    with ProcfileShop(tmp_path, database_url, env=SETTINGS) as shop:
        app, sandbox = shop.app(), shop.twikit_sandbox
        configuration_ids = [sandbox.save_configuration(letter) for letter in "PGSQL"]
        identifiers = {make_order(app, lines=[configuration_ids[n % 5]], **PAID_AND_QUEUED) for n in range(ORDERS)}
        sandbox.arm(delay_next=1000, delay_seconds=0.3)  # a run that takes a while: ~0.4 s an order
        web_pid = shop.web.pid
        shop.start_worker()

        wait_until(lambda: len(sandbox.orders()) >= ORDERS // 4, "a quarter of the orders to reach Twikit")
        postgres_cluster.stop()
        wait_until(lambda: requests.get(f"{shop.url}/healthz", timeout=15).status_code == 503,
                   "the web process to notice")
        wait_for_line(shop.worker_log, "the database cannot be reached", shop.worker, timeout=30)
        at_twikit_while_down = len(sandbox.orders())
        postgres_cluster.start()

        def all_done():
            states = read(app, lambda: db.session.scalars(select(OutboxJob.state)).all())
            return states == ["done"] * ORDERS
        wait_until(all_done, "every submission to end", timeout=90)
        wait_for_line(shop.worker_log, "worker: the database answers again", shop.worker, timeout=10)

        received = Counter(order["identifier"] for order in sandbox.orders())
        assert set(received) == identifiers  # none lost
        assert set(received.values()) == {1}  # none twice
        outcomes = read(app, lambda: Counter(
            order.status if order.status == "submitted" else
            (order.status, (order.attention_reason or "").split(":")[0], order.submitted_at is not None)
            for order in db.session.scalars(select(Order))))
        print(f"\npostgres restart: {at_twikit_while_down} of {ORDERS} orders at Twikit when it went down; "
              f"{dict(outcomes)}")
        assert set(outcomes) <= {"submitted", ("needs_attention", DUPLICATE_ANSWER, True)}
        assert outcomes[("needs_attention", DUPLICATE_ANSWER, True)] <= 1  # only the attempt in hand, if any

        # The web process recovered by itself: the same process, healthy, and a page that reads the database.
        assert shop.web.pid == web_pid and shop.web.poll() is None
        assert requests.get(f"{shop.url}/healthz", timeout=15).json() == {"status": "ok", "database": "ok"}
        with app.test_request_context():
            order = db.session.scalar(select(Order).limit(1))
            identifier, path = order.identifier, status_url(order)
            db.session.remove()
            db.engine.dispose()  # the test's own connections, before the cluster is dropped
        page = requests.get(f"{shop.url}{path}", timeout=15)
        assert page.status_code == 200 and identifier in page.text
    assert shop.exit_codes == {"web": 0, "worker": 0}
