"""On PostgreSQL the worker takes a new job the moment it is queued, not at its next poll.

The worker runs as the Procfile runs it, with a poll interval of a minute:
only the NOTIFY that ``enqueue`` sends in the job's transaction can bring
the job to it sooner. Needs PostgreSQL: SQLite has no notifications.
"""

from __future__ import annotations

import time

import pytest

from storefront import create_app
from storefront.extensions import db

from ..support.factories import PAID_AND_QUEUED, make_order
from ..support.procfile import dyno_env, procfile, start, stop, wait_for_line
from ..support.queries import order_of
from ..support.shop import shop_config
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.live
POLL_SECONDS = 60


def test_a_paid_order_wakes_a_listening_worker_at_once(tmp_path, make_postgres_database, twikit_api):
    database = make_postgres_database()
    app = create_app(shop_config(tmp_path, database, TWIKIT_API_URL=f"{twikit_api.url}/api/v1"))
    with app.app_context():
        db.create_all()
    env = dyno_env(STOREFRONT_MODE="demo", DATABASE_URL=database, TWIKIT_API_URL=f"{twikit_api.url}/api/v1")
    log = tmp_path / "worker.log"
    worker = start(f"{procfile()['worker']} --poll-seconds {POLL_SECONDS}", env, log)
    try:
        wait_for_line(log, "worker: listening for new jobs", worker, timeout=30)  # idle, its first poll done
        configuration = TwikitSandbox(twikit_api.url).save_configuration("W")
        paid = time.monotonic()
        identifier = make_order(app, lines=[configuration], **PAID_AND_QUEUED)
        wait_for_line(log, identifier, worker, timeout=POLL_SECONDS / 3)  # a third of the poll: it was woken
        while order_of(app, identifier).status != "submitted":
            assert time.monotonic() - paid < POLL_SECONDS / 2, log.read_text()
            time.sleep(0.1)
    finally:
        code = stop(worker)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    assert code == 0, log.read_text()
