"""The back-office: login, the orders and their event logs, the webhook log, and retrying a submission."""

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, OutboxJob, WebhookDelivery
from storefront.orders.states import Status, note

from ..support.factories import add_order
from ..support.forms import csrf_token_from, log_in


def refused_order(app, status=Status.NEEDS_ATTENTION, paid=True,
                  reason="Twikit refused the order: 10 CouldNotFindConfig"):
    """An order of one design that Twikit refused: the worker's note, and the logged verification call."""
    with app.app_context():
        order = add_order(identifier="TW-261129-ADMIN1", status=status, paid=paid, billing_address={},
                          total_cents=4900, attention_reason=reason)
        note(order, source="worker", message=reason, details={"result_code": 10})
        db.session.add(WebhookDelivery(route="payment-verification", raw_body='{"identifier": "TW-261129-ADMIN1"}',
                                       order_identifier=order.identifier, http_status=200, outcome="refused",
                                       reason="the order is not paid", answer={"success": False, "error": ""}))
        db.session.commit()
        return order.identifier


def test_the_back_office_needs_a_login(client):
    for path in ("/admin/", "/admin/webhooks", "/admin/orders/TW-1"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_a_wrong_password_is_refused(client):
    response = log_in(client, password="guess")
    assert response.status_code == 400
    assert "That email and password do not match." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_orders_their_event_log_and_the_webhook_log(app, client):
    identifier = refused_order(app)
    assert log_in(client).status_code == 303
    listing = client.get("/admin/").get_data(as_text=True)
    assert identifier in listing and "Needs attention" in listing
    detail = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    assert "Twikit refused the order: 10 CouldNotFindConfig" in detail
    assert "Retry submission to Twikit" in detail
    assert "payment-verification" in detail and "the order is not paid" in detail
    log = client.get("/admin/webhooks").get_data(as_text=True)
    assert "payment-verification" in log and identifier in log


def test_retrying_a_refused_submission_schedules_the_job_again(app, client):
    identifier = refused_order(app)
    log_in(client)
    page = client.get(f"/admin/orders/{identifier}").get_data(as_text=True)
    response = client.post(f"/admin/orders/{identifier}/retry-submission", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        job = db.session.scalar(select(OutboxJob).where(OutboxJob.order_id == order.id))
        assert (job.kind, job.state) == ("submit_order", "pending")
        assert order.events[-1].message == "Submission to Twikit retried by hand"


@pytest.mark.parametrize("status, paid, message", [
    (Status.AWAITING_PAYMENT, False, "This order is not paid."),
    (Status.PAID, True, "Only an order that needs attention can be retried"),
])
def test_a_retry_is_refused_when_it_makes_no_sense(app, client, status, paid, message):
    identifier = refused_order(app, status=status, paid=paid)
    log_in(client)
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    response = client.post(f"/admin/orders/{identifier}/retry-submission", data={"csrf_token": token},
                           follow_redirects=True)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(OutboxJob)) is None


def test_logging_out(client):
    log_in(client)
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    client.post("/admin/logout", data={"csrf_token": token})
    assert client.get("/admin/").status_code == 302
