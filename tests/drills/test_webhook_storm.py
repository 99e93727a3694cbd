"""A webhook storm: 1,000 Twikit deliveries, valid and invalid, at once, to gunicorn from the Procfile.

Every one of Twikit's four webhooks is called: payment verification,
production completion, order completion (the parcel shipped) and website
publication. Each valid delivery is sent three times (Twikit retries, a
proxy repeats); around them come the invalid ones: a wrong token, a body
that is not JSON, JSON of the wrong shape, an order nobody has, NUL bytes
(raw, and escaped inside an identifier). 32 threads send them in a shuffled
order, so a production report and the shipping report of one order, and the
copies of one delivery, race each other through the web process's threads.
Then 16 copies of one publication arrive at the very same moment.

Afterwards: not one 5xx; each delivery got the answer its kind deserves;
every order moved exactly once to where its reports lead (one production
fact, one shipment, one shipping e-mail queued); each script was published
once; and every delivery that reached a route is in the webhook log.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, OrderEvent, OutboxJob, ScriptVersion, Shipment, WebhookDelivery
from storefront.orders.states import Status

from ..support.factories import make_order
from ..support.stack import WEBHOOK_TOKEN, ProcfileShop
from ..support.twikit_webhooks import line_items, production_report, shipping_report

pytestmark = [pytest.mark.drill, pytest.mark.live]

ORDERS, COPIES, DELIVERIES, THREADS = 60, 3, 1000, 32


def storm(orders: list[tuple[str, int]], script_url: str) -> list[tuple[str, str, bytes, tuple[int, ...]]]:
    """The deliveries, shuffled: (kind, route, body, the statuses that kind must get)."""
    valid = []
    for identifier, configuration_id in orders:
        lines = ((configuration_id, 1),)
        valid += [
            ("verification", "payment-verification",
             {"identifier": identifier, "configurationIds": [configuration_id]}),
            ("production", "production-completion", production_report(identifier)),
            ("shipping", "order-completion", shipping_report(identifier, lines)),
        ]
    valid.append(("publication", "website-publication", {"scriptUrl": script_url, "products": [
        {"key": "diamond-letter-jewel"}]}))
    deliveries = [(kind, route, json.dumps(body).encode(), (200,)) for kind, route, body in valid] * COPIES
    unknown = "TW-000000-NOBODY"
    invalid = [
        ("bad token", "production-completion", json.dumps(production_report(orders[0][0])).encode(), (404,)),
        ("not JSON", "order-completion", b'{"identifier": "TW-', (400,)),
        ("not JSON", "payment-verification", b"\xff\xfe not even UTF-8", (400,)),
        ("wrong shape", "production-completion", json.dumps({"identifier": orders[1][0], "success": "yes"}).encode(),
         (400,)),
        ("wrong shape", "order-completion", json.dumps({"identifier": orders[2][0], "lineItems": "all"}).encode(),
         (400,)),
        ("wrong shape", "website-publication", json.dumps({"scriptUrl": 7}).encode(), (400,)),
        ("unknown order", "production-completion", json.dumps(production_report(unknown)).encode(), (404,)),
        ("unknown order", "order-completion", json.dumps(shipping_report(unknown)).encode(), (404,)),
        # Not ours: "success": false, which Twikit reads as an invalid order (and never retries).
        ("unknown order", "payment-verification",
         json.dumps({"identifier": unknown, "configurationIds": [1]}).encode(), (200,)),
        ("NUL escaped", "production-completion",
         json.dumps(production_report(orders[3][0] + "\u0000")).encode(), (400, 404)),
        ("NUL escaped", "payment-verification",
         json.dumps({"identifier": "\u0000", "configurationIds": [1]}).encode(), (200, 400)),
        ("NUL raw", "order-completion", b'{"identifier": "\x00"}', (400,)),
    ]
    while len(deliveries) < DELIVERIES:
        deliveries.append(invalid[len(deliveries) % len(invalid)])
    random.Random(10).shuffle(deliveries)
    return deliveries


def test_1000_mixed_deliveries_at_once_no_5xx_and_every_valid_one_applied_once(tmp_path, fresh_database):
    with ProcfileShop(tmp_path, fresh_database) as shop:
        app = shop.app()
        sandbox = shop.twikit_sandbox
        configuration_ids = [sandbox.save_configuration("ABCDEFGH"[n % 8]) for n in range(8)]
        orders = []
        for n in range(ORDERS):
            configuration_id = configuration_ids[n % 8]
            orders.append((make_order(app, identifier=None, status=Status.SUBMITTED, lines=[configuration_id]),
                           configuration_id))
        for identifier, configuration_id in orders:  # as make_order wrote them: what Twikit will report back
            assert line_items(identifier, ((configuration_id, 1),))[0]["identifier"] == f"{identifier}-1"
        script_url = f"{shop.twikit.url}/plugin/v2/twikit.js"
        deliveries = storm(orders, script_url)

        sessions = threading.local()

        def send(delivery):
            kind, route, body, _ = delivery
            if not hasattr(sessions, "http"):
                sessions.http = requests.Session()
            token = "not-the-token" if kind == "bad token" else WEBHOOK_TOKEN
            response = sessions.http.post(f"{shop.url}/webhooks/twikit/{token}/{route}", data=body, timeout=60,
                                          headers={"Content-Type": "application/json"})
            return response.status_code, response.text

        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(send, deliveries))

        results = list(zip(deliveries, answers, strict=True))
        statuses = Counter(status for status, _ in answers)
        print(f"\nstorm: {len(answers)} deliveries, answers {dict(sorted(statuses.items()))}")
        server_errors = [(kind, route, status, text[:200]) for (kind, route, _, _), (status, text) in results
                         if status >= 500]
        assert server_errors == []
        unexpected = Counter((kind, route, status) for (kind, route, _, expected), (status, _) in results
                             if status not in expected)
        assert unexpected == Counter()
        verified = Counter(json.loads(text)["success"] for (kind, *_), (_, text) in results if kind == "verification")
        assert verified == {True: ORDERS * COPIES}

        # Then one publication, 16 copies at the very same moment: one new version, and every copy a 200.
        burst_url = f"{shop.twikit.url}/plugin/v3/twikit.js"
        burst = json.dumps({"scriptUrl": burst_url, "products": [{"key": "geo-lamp"}, {"key": "new-in-v3"}]})
        with ThreadPoolExecutor(16) as pool:
            burst_answers = list(pool.map(lambda _: send(("burst", "website-publication", burst.encode(), ())),
                                          range(16)))
        assert {status for status, _ in burst_answers} == {200}

        with app.app_context():
            assert db.session.scalars(select(ScriptVersion.url).where(ScriptVersion.url == burst_url)).all() \
                == [burst_url]
            identifiers = [identifier for identifier, _ in orders]
            rows = db.session.scalars(select(Order).where(Order.identifier.in_(identifiers))).all()
            assert {order.status for order in rows} == {Status.SHIPPED}
            assert all(order.produced_at and order.twikit_completed_at for order in rows)
            # Per order: (production facts, moves to shipped) in its event log; exactly one of each.
            recorded = Counter()
            for order in rows:
                events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
                recorded[(sum(e.message.startswith("Production complete") for e in events),
                          sum(e.to_status == Status.SHIPPED and e.from_status != Status.SHIPPED for e in events))] += 1
            assert recorded == {(1, 1): ORDERS}
            shipments = Counter(db.session.scalars(select(Shipment.order_id)))
            emails = Counter(db.session.scalars(select(OutboxJob.order_id).where(
                OutboxJob.kind == "send_shipped_email")))
            assert set(shipments.values()) == set(emails.values()) == {1}
            assert len(shipments) == len(emails) == ORDERS
            assert db.session.scalars(select(ScriptVersion.source).where(ScriptVersion.url == script_url)).all() \
                == ["webhook"]
            # Every delivery that reached a route was logged, whatever it held; a wrong token never reaches one.
            reached = sum(1 for kind, *_ in deliveries if kind != "bad token") + len(burst_answers)
            assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == reached
            db.session.remove()
            db.engine.dispose()
    assert shop.exit_codes == {"web": 0}
