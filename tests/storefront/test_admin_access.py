"""Who gets into the back-office: every route refuses without a session, logins are throttled,
and a session ends on the server (logout, 30 minutes idle, 12 hours in all)."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from storefront.admin import sessions
from storefront.extensions import db
from storefront.models import AdminSession, Order, Product, utcnow

from ..support.factories import make_order
from ..support.forms import csrf_token_from, log_in

# A value for each kind of URL argument, so that every rule can be requested.
ARGUMENTS = {"identifier": "TW-261129-AAAAAA", "line_identifier": "TW-261129-AAAAAA-1", "product_id": "1",
             "variant_id": "1", "version_id": "1", "route": "payment-verification"}
PUBLIC = {"admin.login", "admin.logout"}


def admin_requests(app):
    """(method, path, endpoint) for every back-office route but the public ones, from the app's URL map."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in PUBLIC:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: ARGUMENTS[m.group(1)], rule.rule)
        found += [(method, path, rule.endpoint) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


# Without CSRF checks, a POST without a session reaches the login rule itself, which must refuse it.
@pytest.mark.parametrize("shop_overrides", [{"WTF_CSRF_ENABLED": False}])
def test_every_back_office_route_refuses_without_a_session(app, client, demo_catalog):
    make_order(app, status="needs_attention", attention_reason="test", submitted=False)
    routes = admin_requests(app)
    assert len(routes) >= 20 and {endpoint for *_, endpoint in routes} >= {"admin.orders", "admin.cancel_and_refund"}
    for method, path, endpoint in routes:  # noqa: B007 (the endpoint names a failure)
        response = client.open(path, method=method, data={"note": "x", "reason": "x"})
        assert response.status_code in (302, 303), (endpoint, method, path, response.status_code)
        assert response.headers["Location"].startswith("/admin/login"), (method, path)
    with app.app_context():  # and nothing was changed on the way
        order = db.session.scalar(db.select(Order))
        assert (order.status, len(order.events)) == ("needs_attention", 0)
        assert db.session.scalar(db.select(Product).where(Product.published.is_(False))) is None


def test_the_login_form_logs_in_and_returns_to_the_page_asked_for(client):
    response = client.get("/admin/settings")
    assert response.headers["Location"] == "/admin/login?next=/admin/settings"
    token = csrf_token_from(client.get(response.headers["Location"]).get_data(as_text=True))
    response = client.post("/admin/login?next=/admin/settings", data={
        "csrf_token": token, "email": "Admin@Example.com ", "password": "demo-admin-password"})
    assert (response.status_code, response.headers["Location"]) == (303, "/admin/settings")
    assert client.get("/admin/settings").status_code == 200


def test_a_login_never_redirects_off_the_back_office(client):
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login?next=https://evil.example/admin/", data={
        "csrf_token": token, "email": "admin@example.com", "password": "demo-admin-password"})
    assert response.headers["Location"] == "/admin/"


def test_failed_logins_are_logged_without_the_password_then_throttled_with_retry_after(client, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(5):
        response = log_in(client, password="hunter2-guess")
        assert response.status_code == 400
        assert "That email and password do not match." in response.get_data(as_text=True)
    failures = [r.getMessage() for r in caplog.records if "failed login" in r.getMessage()]
    assert len(failures) == 5 and "admin@example.com" in failures[0]
    assert "hunter2" not in caplog.text
    # The sixth try is refused before the password is even looked at: even the right one.
    response = log_in(client)
    assert response.status_code == 429
    assert 800 <= int(response.headers["Retry-After"]) <= 900
    assert "Too many failed logins. Try again in 15 minutes." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_the_throttle_counts_per_account_across_addresses(client):
    def attempt(address, email="admin@example.com", password="wrong"):
        token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
        return client.post("/admin/login", data={"csrf_token": token, "email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address})

    for number in range(5):
        assert attempt(f"203.0.113.{number}").status_code == 400
    assert attempt("203.0.113.99").status_code == 429           # the account is throttled from anywhere
    assert attempt("203.0.113.99", email="other@example.com").status_code == 400  # another account is not


def test_a_cookie_saved_before_logout_does_not_work_after_it(app, client):
    log_in(client)
    saved = client.get_cookie("session").value
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").status_code == 302
    client.set_cookie("session", saved)  # replay the cookie as it was while logged in
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    assert "That session has ended" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        ended = db.session.scalar(db.select(AdminSession))
        assert ended.ended_reason == "logout" and ended.ended_at is not None


def test_thirty_minutes_idle_ends_the_session(client):
    log_in(client)
    with client.session_transaction() as cookie:
        cookie[sessions.SEEN_KEY] = int(time.time()) - 31 * 60
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "30 minutes without activity" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_activity_keeps_the_session_alive(client):
    log_in(client)
    with client.session_transaction() as cookie:
        cookie[sessions.SEEN_KEY] = int(time.time()) - 29 * 60
    assert client.get("/admin/").status_code == 200  # and this visit restarts the idle clock
    with client.session_transaction() as cookie:
        assert time.time() - cookie[sessions.SEEN_KEY] < 5


def test_twelve_hours_end_the_session_however_active(app, client):
    log_in(client)
    with app.app_context():
        db.session.execute(update(AdminSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
        db.session.commit()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "at most 12 hours" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_back_office_has_its_own_header_and_is_never_cached(client):
    log_in(client)
    response = client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert 'class="admin-header"' in html and "data-cart-count" not in html and "locale-switch" not in html
