"""Arbitrary JSON and bytes at every Twikit webhook: never a 500, never a change unless the body is valid.

Most random JSON fails at the first check, so half the bodies start from a
valid delivery for an order we have and break one field: that is where a
validator's gaps hide. Strings are drawn from all of Unicode, with NULs and
lone surrogates mixed in often (they are rare among random code points),
since those are what databases refuse; like every database test, this runs
on SQLite and on PostgreSQL, which alone refuses a NUL that SQLite hides.
"""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.models import Product, ScriptVersion

from ..support.factories import make_order
from ..support.queries import count, snapshot
from ..support.twikit_webhooks import production_report, shipping_report, url

ROUTES = ["payment-verification", "production-completion", "order-completion", "website-publication"]
STATUSES = ["paid", "submitted", "production_complete", "shipped", "needs_attention"]
IDENTIFIERS = [f"TW-261129-FUZZ{n:02d}" for n in range(len(STATUSES))]

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Optional strings that may be null or absent (read as empty); any other change of type is a 400.
NULLABLE = {"production-completion": {"url", "error"}, "order-completion": {"trackingUrl", "trackingId"}}

any_text = st.text(st.characters(exclude_categories=()) | st.sampled_from(["\x00", "\ud800", "\udfff", "\ud83d"]),
                   max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=12,
)


def valid_body(route: str, identifier: str) -> dict:
    if route == "payment-verification":
        return {"identifier": identifier, "configurationIds": [1001]}
    if route == "production-completion":
        return production_report(identifier)
    if route == "order-completion":
        return shipping_report(identifier)
    return {"scriptUrl": "http://127.0.0.1:5001/plugin/v9/twikit.js", "products": [{"key": "fuzz-product"}]}


def json_type(value) -> str:
    return "bool" if isinstance(value, bool) else type(value).__name__


def has_lone_surrogate(value) -> bool:
    """Does any string in the value (keys too) hold a lone surrogate, which must always be refused?"""
    if isinstance(value, dict):
        return any(has_lone_surrogate(key) or has_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(item) for item in value)
    return isinstance(value, str) and any("\ud800" <= character <= "\udfff" for character in value)


@st.composite
def broken_bodies(draw, route: str):
    """A valid body for one of our orders with one field replaced or removed, and whether it must be refused.

    A removed field, a value of another JSON type than the spec's, or a lone
    surrogate anywhere must be a 400; a value of the right type may or may not
    be acceptable, and so may null or nothing for an optional string.
    """
    body = copy.deepcopy(valid_body(route, draw(st.sampled_from(IDENTIFIERS))))
    target = body
    if route == "order-completion" and draw(st.booleans()):
        target = body["lineItems"][0]
    elif route == "website-publication" and draw(st.booleans()):
        target = body["products"][0]
    key = draw(st.sampled_from(sorted(target)))
    nullable = target is body and key in NULLABLE.get(route, ())
    if draw(st.booleans()):
        original, target[key] = target[key], draw(json_values)
        wrong_type = json_type(target[key]) != json_type(original) and not (nullable and target[key] is None)
        return body, wrong_type or has_lone_surrogate(body)
    del target[key]
    return body, not nullable


def bodies(route: str):
    return st.one_of(json_values.map(lambda body: (body, has_lone_surrogate(body))), broken_bodies(route))


def world(app) -> tuple:
    """Everything any webhook could change."""
    return (tuple(snapshot(app, identifier) for identifier in IDENTIFIERS),
            count(app, ScriptVersion), count(app, Product))


@pytest.fixture
def orders(app) -> None:
    """One order in each status a webhook may find; made once, before a test's first example."""
    for identifier, status in zip(IDENTIFIERS, STATUSES, strict=True):
        make_order(app, status=status, identifier=identifier, submitted=status != "paid")


def check(app, client, route: str, data: bytes, must_fail: bool = False) -> None:
    before = world(app)
    response = client.post(url(route), data=data, content_type="application/json")
    assert response.status_code in (200, 400, 404, 409), response.get_data(as_text=True)
    if must_fail:
        assert response.status_code == 400, f"{data!r} was not refused"
    assert isinstance(response.json["error"], str)
    accepted = response.status_code == 200 and response.json["error"] == ""
    if response.status_code != 200:
        assert response.json["error"], "a refusal must say why"
    if not accepted or route == "payment-verification":
        assert world(app) == before


@FUZZ
@given(route=st.sampled_from(ROUTES), data=st.data())
def test_arbitrary_json_never_breaks_a_webhook(app, client, orders, route, data):
    body, must_fail = data.draw(bodies(route))
    check(app, client, route, json.dumps(body).encode(), must_fail)


@FUZZ
@given(route=st.sampled_from(ROUTES), raw=st.binary(max_size=200))
def test_arbitrary_bytes_never_break_a_webhook(app, client, orders, route, raw):
    check(app, client, route, raw)
