"""The order state machine: legal moves only, one winner per race, and an append-only log."""

import pytest
from sqlalchemy import select, update

from storefront.extensions import db
from storefront.models import Order, OrderEvent
from storefront.orders.states import TRANSITIONS, IllegalTransition, Status, TransitionLost, transition

from ..support.factories import add_order

# A bare order, never paid nor submitted: the state machine looks at its status only.
BARE = {"identifier": "TW-TEST-1", "paid": False, "submitted": False, "lines": (), "billing_address": {},
        "total_cents": 4900}


def test_a_legal_transition_changes_status_and_appends_an_event(app):
    with app.app_context():
        order = add_order(status=Status.AWAITING_PAYMENT, **BARE)
        transition(order, Status.PAID, source="test", message="paid", details={"session": "cs_1"})
        db.session.commit()
        assert order.status == "paid"
        event = db.session.scalar(select(OrderEvent))
        assert (event.from_status, event.to_status, event.source, event.details) == \
            ("awaiting_payment", "paid", "test", {"session": "cs_1"})


@pytest.mark.parametrize("start, target", [
    (Status.AWAITING_PAYMENT, Status.SHIPPED),
    (Status.SHIPPED, Status.PAID),
    (Status.EXPIRED, Status.PAID),
    (Status.PAID, Status.AWAITING_PAYMENT),
])
def test_illegal_transitions_are_refused_and_change_nothing(app, start, target):
    with app.app_context():
        order = add_order(status=start, **BARE)
        with pytest.raises(IllegalTransition):
            transition(order, target, source="test")
        db.session.rollback()
        assert db.session.get(Order, order.id).status == start.value
        assert db.session.scalar(select(OrderEvent)) is None


def test_a_stale_copy_loses_the_race(app):
    with app.app_context():
        order = add_order(status=Status.AWAITING_PAYMENT, **BARE)
        assert order.status == "awaiting_payment"  # what this process believes
        with db.engine.begin() as other_process:
            other_process.execute(update(Order).where(Order.id == order.id).values(status="expired"))
        with pytest.raises(TransitionLost):
            transition(order, Status.PAID, source="test")
        db.session.rollback()
        assert db.session.get(Order, order.id).status == "expired"


def test_events_cannot_be_edited(app):
    with app.app_context():
        order = add_order(status=Status.AWAITING_PAYMENT, **BARE)
        transition(order, Status.PAID, source="test")
        db.session.commit()
        event = db.session.scalar(select(OrderEvent))
        event.message = "rewritten history"
        with pytest.raises(ValueError, match="append-only"):
            db.session.commit()


def test_every_status_is_in_the_machine():
    assert set(TRANSITIONS) == set(Status)


@pytest.mark.parametrize("start, target", [
    (Status.PAID, Status.SHIPPED),                       # the merchant ships a plain-only order
    (Status.PAID, Status.PARTIALLY_SHIPPED),             # ...or a mixed order's plain part, first
    (Status.SUBMITTED, Status.PARTIALLY_SHIPPED),
    (Status.PRODUCTION_COMPLETE, Status.PARTIALLY_SHIPPED),
    (Status.PARTIALLY_SHIPPED, Status.SHIPPED),
    (Status.PRODUCTION_COMPLETE, Status.AT_MERCHANT),    # TWIKIT_DELIVER_TO=merchant: Twikit's parcel to the shop
    (Status.AT_MERCHANT, Status.SHIPPED),                # ...which the merchant ships on
    (Status.NEEDS_ATTENTION, Status.PARTIALLY_SHIPPED),
])
def test_the_fulfilment_moves_are_legal(app, start, target):
    with app.app_context():
        order = add_order(status=start, **BARE)
        transition(order, target, source="test")
        db.session.commit()
        assert db.session.get(Order, order.id).status == target.value


@pytest.mark.parametrize("start, target", [
    (Status.AWAITING_PAYMENT, Status.PARTIALLY_SHIPPED),  # nothing ships before the payment
    (Status.PAID, Status.AT_MERCHANT),                     # Twikit must have the order first
    (Status.PARTIALLY_SHIPPED, Status.PAID),
    (Status.SHIPPED, Status.PARTIALLY_SHIPPED),
    (Status.AT_MERCHANT, Status.SUBMITTED),
])
def test_the_fulfilment_moves_go_forward_only(app, start, target):
    with app.app_context():
        order = add_order(status=start, **BARE)
        with pytest.raises(IllegalTransition):
            transition(order, target, source="test")


def test_every_status_has_a_customer_label():
    from storefront.orders.states import LABELS

    assert set(LABELS) == set(Status)
