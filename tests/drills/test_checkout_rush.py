"""50 customers check out at once, each in a browser session of their own, against gunicorn from the Procfile.

Each customer saves their own designs with the Twikit sandbox (as the
plugin's save does), adds them to their cart through the product page's
form, and, all at the same moment, fills in the checkout form, goes to the
Stripe sandbox's payment page, pays, and comes back to the shop. The Stripe
sandbox sends its webhooks to the shop meanwhile, and the Procfile's worker
submits the paid orders to the Twikit sandbox.

Afterwards: 50 orders, each paid, at Twikit once, with exactly that
customer's e-mail and configuration IDs (no order lost, no cart crossed
over); every cart emptied by its own payment.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import CartLine, Order, OutboxJob

from ..support.forms import BILLING_FORM, back_from_stripe, csrf_token_from
from ..support.queries import wait_until
from ..support.stack import ProcfileShop
from ..support.stripe_events import pay
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = [pytest.mark.drill, pytest.mark.live]

CUSTOMERS = 50
PENDANT = "/products/diamond-letter-pendant"


def customer(shop: ProcfileShop, number: int, everyone_ready: threading.Barrier) -> dict:
    """One customer's visit: designs, cart, checkout, payment, back to the shop. Returns what they ordered."""
    browser, email = requests.Session(), f"customer-{number}@example.com"
    twikit = TwikitSandbox(shop.twikit.url)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    designs = [twikit.save_configuration(letters[(number + k) % 26]) for k in range(1 + number % 2)]
    for configuration_id in designs:
        token = csrf_token_from(browser.get(f"{shop.url}{PENDANT}", timeout=30).text)
        added = browser.post(f"{shop.url}/cart/lines", allow_redirects=False, timeout=30, data={
            "csrf_token": token, "product": "diamond-letter-pendant", "sku": "DLJ-SILVER",
            "configuration_id": str(configuration_id), "quantity": "1",
            "preview_url": f"{shop.twikit.url}/previews/{configuration_id}.png"})
        assert added.status_code == 303, added.text
    everyone_ready.wait(timeout=120)
    token = csrf_token_from(browser.get(f"{shop.url}/checkout", timeout=30).text)
    checkout = browser.post(f"{shop.url}/checkout", allow_redirects=False, timeout=30, data={
        "csrf_token": token, **BILLING_FORM, "billing-email": email, "billing-first_name": f"Customer {number}"})
    assert checkout.status_code == 303, checkout.text
    paid = pay(checkout.headers["Location"])
    assert paid.status_code == 303, paid.text
    back = back_from_stripe(browser, paid.headers["Location"], timeout=30)  # on to the order's status page
    assert back.status_code == 200, back.text
    identifier = re.search(r"data-order-identifier>([^<]+)<", back.text).group(1)
    return {"email": email, "designs": sorted(designs), "identifier": identifier}


def test_50_customers_pay_at_once_and_each_order_holds_only_its_customers_designs(tmp_path, fresh_database):
    with ProcfileShop(tmp_path, fresh_database, worker=True, stripe=True) as shop:
        app = shop.app()
        everyone_ready = threading.Barrier(CUSTOMERS)
        with ThreadPoolExecutor(CUSTOMERS) as pool:
            visits = list(pool.map(lambda number: customer(shop, number, everyone_ready), range(CUSTOMERS)))
        ordered = {visit["identifier"]: visit for visit in visits}
        assert len(ordered) == CUSTOMERS  # one order each, none shared

        def all_submitted():
            with app.app_context():
                states = db.session.scalars(select(OutboxJob.state).where(OutboxJob.kind == "submit_order")).all()
                db.session.remove()
                return states == ["done"] * CUSTOMERS
        wait_until(all_submitted, "every order to be submitted", timeout=90)

        with app.app_context():
            orders = db.session.scalars(select(Order)).all()
            placed = {order.identifier: {"email": order.email, "status": order.status,
                                         "paid": order.paid_at is not None,
                                         "designs": sorted(line.configuration_id for line in order.lines)}
                      for order in orders}
            cart_lines_left = db.session.scalar(select(db.func.count()).select_from(CartLine))
            db.session.remove()
            db.engine.dispose()
        assert placed == {identifier: {"email": visit["email"], "status": "submitted", "paid": True,
                                       "designs": visit["designs"]} for identifier, visit in ordered.items()}
        assert cart_lines_left == 0
        at_twikit = shop.twikit_sandbox.orders()
        assert Counter(order["identifier"] for order in at_twikit) == Counter(ordered.keys())  # each once
        assert {order["identifier"]: sorted(item["configurationId"] for item in order["items"])
                for order in at_twikit} == {identifier: visit["designs"] for identifier, visit in ordered.items()}
    assert shop.exit_codes == {"web": 0, "worker": 0}
