"""What a browser or a bot may put in a URL or a form: a 4xx or the page, never a 500.

Runs on SQLite and on PostgreSQL (like every database test): PostgreSQL
refuses a NUL in text outright, where SQLite stores it and hides the bug.
Strings are drawn from all of Unicode with NULs, CR/LF and lone surrogates
mixed in often; a lone surrogate goes out as the bytes a broken client would
send for it (not valid UTF-8).
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ..support.factories import PREVIEW, add_to_cart, make_order
from ..support.forms import csrf_token_from, log_in
from ..support.queries import count

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

nasty_characters = st.sampled_from(["\x00", "\r", "\n", "\ud800", "/", "%", "?"])
nasty_text = st.text(st.characters(exclude_categories=()) | nasty_characters, max_size=40)


def raw(text: str) -> bytes:
    """UTF-8 bytes, with a lone surrogate encoded as a broken client would (ED A0 80)."""
    return text.encode("utf-8", "surrogatepass")


def in_path(text: str) -> str:
    return quote(raw(text), safe="")


def post_form(client, path: str, fields: dict[str, str]):
    body = urlencode({name: raw(value) for name, value in fields.items()})
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


@pytest.fixture
def admin(client):
    log_in(client)
    return client


# --- the cases found by probing, one by one -------------------------------------------------

def test_a_nul_in_a_product_url_is_a_400(client, demo_catalog):
    assert client.get("/products/diamond-letter-pendant%00").status_code == 400
    assert client.get("/products/%00?x=1").status_code == 400
    assert client.get("/?page=%00").status_code == 400


@pytest.mark.parametrize("field", ["product", "sku", "configuration_id", "preview_url", "design_summary", "quantity"])
def test_a_nul_in_an_add_to_cart_field_is_a_400_and_the_cart_stays_empty(app, client, demo_catalog, field):
    values = {"product": "diamond-letter-pendant", "sku": "DLJ-SILVER", "configuration_id": "1001",
              "preview_url": PREVIEW, "design_summary": "Letter M", "quantity": "1"}
    response = add_to_cart(client, **{**values, field: values[field] + "\x00"})
    assert response.status_code == 400
    from storefront.models import CartLine

    assert count(app, CartLine) == 0


def test_a_nul_in_an_admin_lookup_is_a_400(app, admin):
    identifier = make_order(app)
    assert admin.get(f"/admin/orders/{identifier}").status_code == 200
    assert admin.get(f"/admin/orders/{identifier}%00").status_code == 400
    assert admin.get("/admin/?status=paid%00").status_code == 400
    token = csrf_token_from(admin.get(f"/admin/orders/{identifier}").get_data(as_text=True))
    assert admin.post(f"/admin/orders/{identifier}%00/retry-submission", data={"csrf_token": token}).status_code == 400


@pytest.mark.parametrize("target", ["/admin/\r\nSet-Cookie: x=1", "/\r\n/evil.example", "\n/admin/", "/admin/%0d%0a"])
def test_cr_lf_in_next_never_reaches_a_header(client, target):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/locale", data={"csrf_token": token, "locale": "nl", "next": target})
    assert response.status_code == 303
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", query_string={"next": target},
                           data={"csrf_token": token, "email": "admin@example.com", "password": "demo-admin-password"})
    assert response.status_code == 303
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    assert "Set-Cookie: x" not in str(response.headers)


# --- and anything else ---------------------------------------------------------------------

@FUZZ
@given(slug=nasty_text)
@example(slug="\x00").via("a NUL, which PostgreSQL refuses")
@example(slug="\ud800").via("a lone surrogate, as broken UTF-8")
def test_any_product_url(client, demo_catalog, slug):
    response = client.get(f"/products/{in_path(slug)}")
    assert response.status_code in (200, 308, 400, 404), response.status_code


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={name: nasty_text for name in (
    "product", "sku", "configuration_id", "preview_url", "design_summary", "quantity")}))
def test_any_add_to_cart_form(client, demo_catalog, fields):
    token = csrf_token_from(client.get("/products/diamond-letter-pendant").get_data(as_text=True))
    response = post_form(client, "/cart/lines", {"csrf_token": token, **fields})
    assert response.status_code in (303, 400), response.status_code


@FUZZ
@given(identifier=nasty_text, status=nasty_text)
def test_any_admin_lookup(app, admin, identifier, status):
    for path in (f"/admin/orders/{in_path(identifier)}", f"/admin/?status={in_path(status)}"):
        response = admin.get(path)
        assert response.status_code in (200, 308, 400, 404), (path, response.status_code)


@FUZZ
@given(target=nasty_text, locale=st.sampled_from(["nl", "en", "xx\x00"]))
def test_any_next_target(client, target, locale):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = post_form(client, "/locale", {"csrf_token": token, "locale": locale, "next": target})
    assert response.status_code in (303, 400), response.status_code
    assert response.status_code == 400 or "\n" not in response.headers["Location"]
