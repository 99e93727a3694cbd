"""Who ships what: Twikit's part, the merchant's part, merchant delivery, and what the customer is told.

Orders are written in the state a test needs (tests/support/factories);
Twikit's reports come through the real webhook routes, and the merchant's
"mark shipped" through the real back-office form.
"""

import threading

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, OrderLine, OutboxJob, Shipment
from storefront.orders.emails import shipped_email
from storefront.orders.links import status_url
from storefront.orders.shipments import ShipmentRefused, ship_by_merchant
from storefront.orders.states import TransitionLost

from ..support.factories import GIFT_BOX, make_order
from ..support.forms import csrf_token_from, log_in
from ..support.queries import count, order_of, transitions
from ..support.twikit_webhooks import production_report, shipping_report, url

MIXED = [(1001, 1), GIFT_BOX]  # line -1 is customised (Twikit's), line -2 a plain gift box (the merchant's)


def line_ids(app, identifier, *numbers):
    with app.app_context():
        return [db.session.scalar(select(OrderLine.id).where(OrderLine.identifier == f"{identifier}-{n}"))
                for n in numbers]


def admin_ship(client, identifier, ids, tracking_id="MER-42", tracking_url="https://post.example/MER-42"):
    """The merchant ticks lines on the order page, types the tracking and presses the button."""
    page = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    return client.post(f"/admin/orders/{identifier}/shipments", follow_redirects=True, data={
        "csrf_token": csrf_token_from(page), "lines": ids, "tracking_id": tracking_id, "tracking_url": tracking_url})


def status_page(app, client, identifier):
    with app.test_request_context():
        return client.get(status_url(order_of(app, identifier))).get_data(as_text=True)


def email(app, identifier):
    """(subject, plain text) of the shipping e-mail as the worker would render it now."""
    with app.app_context():
        message = shipped_email(db.session.scalar(select(Order).where(Order.identifier == identifier)))
        return message["Subject"], message.get_body(("plain",)).get_content()


def email_jobs(app):
    return count(app, OutboxJob, OutboxJob.kind == "send_shipped_email", OutboxJob.state == "pending")


def test_twikit_ships_the_customised_part_and_the_merchant_ships_the_rest(app, client):
    identifier = make_order(app, status="production_complete", lines=MIXED)
    response = client.post(url("order-completion"), json=shipping_report(identifier))
    assert response.status_code == 200 and response.json == {"error": ""}
    order = order_of(app, identifier)
    assert (order.status, order.shipped_at, order.twikit_completed_at is not None) == ("partially_shipped", None, True)
    assert email_jobs(app) == 1

    page = status_page(app, client, identifier)
    assert "data-order-status>Partly shipped<" in page and "<strong data-tracking-id>1Z999</strong>" in page
    not_shipped = page.split("data-not-shipped>")[1].split("</ul>")[0]
    assert "Gift Box" in not_shipped and "Diamond Letter Pendant" not in not_shipped
    subject, text = email(app, identifier)
    assert subject == f"Part of your order {identifier} has shipped"
    assert "The rest follows separately" in text
    shipped, waiting = text.split("Not shipped yet:")
    assert "1 × Diamond Letter Pendant" in shipped and "1Z999" in shipped and "Gift Box" in waiting

    log_in(client)
    admin = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    form = admin.split("data-ship-form")[1].split("</form>")[0]
    assert "Gift Box" in form and "Diamond Letter Pendant" not in form  # Twikit's part is not the merchant's
    response = admin_ship(client, identifier, line_ids(app, identifier, 2))
    assert "Marked 1 line(s) shipped; the customer gets an e-mail." in response.get_data(as_text=True)
    order = order_of(app, identifier)
    assert order.status == "shipped" and order.shipped_at is not None
    assert transitions(app, identifier) == [("production_complete", "partially_shipped"),
                                            ("partially_shipped", "shipped")]
    assert email_jobs(app) == 1  # the same job, due again: the second e-mail
    subject, text = email(app, identifier)
    assert subject == f"Your order {identifier} has shipped" and "Not shipped yet" not in text
    assert "(parcel 1)" in text and "1Z999" in text and "(parcel 2)" in text and "MER-42" in text
    assert "https://post.example/MER-42" in status_page(app, client, identifier)


def test_the_merchant_may_ship_the_plain_part_first(app, client):
    identifier = make_order(app, status="submitted", lines=MIXED)
    log_in(client)
    admin_ship(client, identifier, line_ids(app, identifier, 2))
    assert order_of(app, identifier).status == "partially_shipped"
    # Production news keeps the status: part of the order has left, and production is a fact.
    client.post(url("production-completion"), json=production_report(identifier))
    order = order_of(app, identifier)
    assert order.status == "partially_shipped" and order.produced_at is not None
    client.post(url("order-completion"), json=shipping_report(identifier))
    assert order_of(app, identifier).status == "shipped"
    assert transitions(app, identifier) == [("submitted", "partially_shipped"), ("partially_shipped", "shipped")]


def test_a_production_failure_after_the_plain_part_left_needs_attention_then_resumes(app, client):
    identifier = make_order(app, status="submitted", lines=MIXED)
    log_in(client)
    admin_ship(client, identifier, line_ids(app, identifier, 2))
    client.post(url("production-completion"), json=production_report(identifier, success=False))
    assert order_of(app, identifier).status == "needs_attention"
    client.post(url("production-completion"), json=production_report(identifier))
    assert order_of(app, identifier).status == "partially_shipped"  # not "produced": the gift box has left


def test_a_plain_only_order_is_shipped_by_the_merchant_alone(app, client):
    identifier = make_order(app, status="paid", lines=[GIFT_BOX, {**GIFT_BOX, "sku": "BOX-LARGE"}])
    assert order_of(app, identifier).twikit_delivery is None
    log_in(client)
    admin = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    assert "data-admin-status>Paid, yours to ship<" in admin and "Twikit never gets this order" in admin
    assert "2 line(s) of this order are yours to ship." in admin  # the actions card points at the form
    admin_ship(client, identifier, line_ids(app, identifier, 1, 2), tracking_url="")
    order = order_of(app, identifier)
    assert (order.status, order.submitted_at) == ("shipped", None)
    assert transitions(app, identifier) == [("paid", "shipped")]
    page = status_page(app, client, identifier)
    parcel = page.split("data-parcels>")[1].split("data-not-shipped-part")[0]
    assert "MER-42" in parcel and "<p data-tracking-url-line hidden>" in parcel  # no link given, none shown
    # Its progress skips Twikit: paid, then shipped.
    assert "Submitted for production" not in page and page.count("data-progress-done") == 2


def test_merchant_delivery_waits_at_the_merchant_and_the_merchant_tells_the_customer(app, client):
    identifier = make_order(app, status="production_complete", lines=MIXED, twikit_delivery="merchant")
    client.post(url("order-completion"), json=shipping_report(identifier))
    order = order_of(app, identifier)
    assert (order.status, order.tracking_id) == ("at_merchant", "1Z999")  # the producer's parcel, to the shop
    assert count(app, OutboxJob) == 0  # no e-mail: that tracking leads to the merchant, not the customer
    page = status_page(app, client, identifier)
    assert "data-order-status>Being prepared for shipping<" in page and "1Z999" not in page

    log_in(client)
    admin = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    assert "producer's tracking 1Z999" in admin
    assert "Diamond Letter Pendant" in admin.split("data-ship-form")[1].split("</form>")[0]  # the merchant's now
    admin_ship(client, identifier, line_ids(app, identifier, 1, 2))
    assert order_of(app, identifier).status == "shipped"
    assert transitions(app, identifier) == [("production_complete", "at_merchant"), ("at_merchant", "shipped")]
    subject, text = email(app, identifier)
    assert subject == f"Your order {identifier} has shipped" and "MER-42" in text and "1Z999" not in text
    page = status_page(app, client, identifier)
    assert "MER-42" in page and "1Z999" not in page


def test_under_merchant_delivery_a_late_completion_report_changes_no_status(app, client):
    identifier = make_order(app, status="submitted", lines=MIXED, twikit_delivery="merchant")
    log_in(client)
    admin_ship(client, identifier, line_ids(app, identifier, 1, 2))  # the parcel came before Twikit's report
    response = client.post(url("order-completion"), json=shipping_report(identifier))
    assert response.json == {"error": ""}
    assert order_of(app, identifier).status == "shipped"
    assert transitions(app, identifier) == [("submitted", "shipped")]


@pytest.mark.parametrize("status, lines, numbers, tracking_url, message", [
    # Twikit ships customised lines to the customer itself.
    ("submitted", MIXED, (1,), "", "not yours to ship"),
    # Nothing leaves before the payment.
    ("awaiting_payment", [GIFT_BOX], (1,), "", "not yours to ship"),
    ("paid", [GIFT_BOX], (), "", "Choose the lines that are in the parcel."),
    ("paid", [GIFT_BOX], (1,), "http://post.example/1", "The tracking link must be an https:// address."),
    ("paid", [GIFT_BOX], (1,), "javascript:alert(1)", "The tracking link must be an https:// address."),
])
def test_a_shipment_the_merchant_cannot_make_is_refused_and_changes_nothing(app, client, status, lines, numbers,
                                                                           tracking_url, message):
    identifier = make_order(app, status=status, lines=lines, paid=status != "awaiting_payment")
    log_in(client)
    response = admin_ship(client, identifier, line_ids(app, identifier, *numbers), tracking_url=tracking_url)
    assert message in response.get_data(as_text=True)
    assert order_of(app, identifier).status == status
    assert count(app, Shipment) == 0 and count(app, OutboxJob) == 0


def test_pressing_the_button_twice_ships_once(app, client):
    identifier = make_order(app, status="paid", lines=[GIFT_BOX])
    log_in(client)
    ids = line_ids(app, identifier, 1)
    admin_ship(client, identifier, ids)
    second = admin_ship(client, identifier, ids)
    assert "have shipped already" in second.get_data(as_text=True)
    assert count(app, Shipment) == 1 and transitions(app, identifier) == [("paid", "shipped")]


def test_two_merchants_shipping_the_same_line_at_once_make_one_shipment(app):
    identifier = make_order(app, status="paid", lines=[GIFT_BOX, {**GIFT_BOX, "sku": "BOX-LARGE"}])
    [line] = line_ids(app, identifier, 1)
    barrier, outcomes = threading.Barrier(4), []

    def ship():
        with app.app_context():
            order = db.session.scalar(select(Order).where(Order.identifier == identifier))
            order.lines  # noqa: B018 - loaded before the race, as a page would have
            barrier.wait()
            try:
                ship_by_merchant(order, [line], tracking_id="T", tracking_url="")
                outcomes.append("shipped")
            except (ShipmentRefused, TransitionLost) as error:
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=ship) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("shipped") == 1 and len(outcomes) == 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Shipment)) == 1
        assert db.session.scalar(select(func.count()).select_from(OrderLine)
                                 .where(OrderLine.shipment_id.is_not(None))) == 1
    assert order_of(app, identifier).status == "partially_shipped"
