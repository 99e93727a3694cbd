"""A GET never writes: every page the shop serves, read by a customer, the merchant or a crawler, changes nothing.

Links are prefetched, reopened, shared and crawled; a page that wrote on a GET
would change an order or a cart behind someone's back, and would cost a
write on the busiest pages. The test visits every GET route the shop has,
in the state where a write would be most tempting (a visitor with a cart, a
paid Stripe session the webhook has not recorded, a fresh catalog), and reads
every statement the database is sent. A new GET route fails the test until it
is visited here.
"""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, Product
from storefront.orders.links import token_for

from ..support import stripe_events
from ..support.factories import add_to_cart, make_order
from ..support.forms import BILLING_FORM, csrf_token_from, log_in
from ..support.queries import recorded_statements

SECRET = "whsec_test_get"


def paid_but_unrecorded_session(client) -> str:
    """Check out the visitor's cart and pay at the Stripe sandbox, with no webhook: the success page's case."""
    token = csrf_token_from(client.get("/checkout").get_data(as_text=True))
    stripe_events.pay(client.post("/checkout", data={"csrf_token": token, **BILLING_FORM}).headers["Location"])
    with client.application.app_context():
        return db.session.scalar(select(Order.stripe_session_id).order_by(Order.id.desc()))


def test_no_get_route_writes(app, client, demo_catalog, stripe_sandbox):
    app.config.update(STRIPE_API_BASE=stripe_sandbox.url, STRIPE_WEBHOOK_SECRET=SECRET)
    add_to_cart(client)
    session_id = paid_but_unrecorded_session(client)
    add_to_cart(client, product="gift-box", sku="BOX-SMALL", configuration_id="", preview_url="")  # a fresh cart
    identifier = make_order(app)
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        status_path = f"/orders/{identifier}/{token_for(order)}"
        product = db.session.scalar(select(Product).where(Product.slug == "gift-box"))
        product_id, variant_id = product.id, product.variants[0].id

    visits = {  # endpoint: the paths that show it
        "catalog.index": ["/", "/?page=1", "/?lang=nl"],
        "catalog.product": ["/products/diamond-letter-pendant", "/products/gift-box"],
        "cart.show": ["/cart"],
        "checkout.start": ["/checkout"],
        "checkout.success": [f"/checkout/success?session_id={session_id}"],
        "checkout.cancel": ["/checkout/cancel"],
        "orders.status": [status_path],
        "orders.status_json": [f"{status_path}/status.json"],
        "health.healthz": ["/healthz"],
        "admin.login": ["/admin/login"],
        "admin.orders": ["/admin/", "/admin/?status=shipped&page=1", "/admin/?q=ada"],
        "admin.order": [f"/admin/orders/{identifier}"],
        "admin.catalog": ["/admin/catalog"],
        "admin.product": [f"/admin/catalog/{product_id}"],
        "admin.edit_variant": [f"/admin/catalog/{product_id}/variants/{variant_id}"],
        "admin.new_product": ["/admin/catalog/new"],
        "admin.export": ["/admin/catalog/export.json"],
        "admin.script": ["/admin/script"],
        "admin.settings": ["/admin/settings"],
        "admin.webhooks": ["/admin/webhooks"],
    }
    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods} - {"static"}
    assert get_routes == set(visits), "visit each GET route here"

    statements: dict[str, list[str]] = {}
    for endpoint, paths in visits.items():
        if endpoint.startswith("admin.") and endpoint != "admin.login":
            log_in(client)  # a POST: logging in may write; reading the back-office may not
        for path in paths:
            with recorded_statements(app) as sent:
                response = client.get(path)
            assert response.status_code in (200, 303), (path, response.status_code)
            statements[path] = sent
    # Reads, and settings of the session's own (/healthz bounds its check with SET LOCAL statement_timeout).
    writes = {path: [s for s in sent if s.split()[0].upper() not in ("SELECT", "SET", "SHOW")]
              for path, sent in statements.items()}
    assert {path: sent for path, sent in writes.items() if sent} == {}
    assert all(statements[path] for path in ("/", "/cart", status_path))  # they did read the database
    # And the paid session the success page saw is still unrecorded: only its POST may record it.
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.stripe_session_id == session_id)) \
            == "awaiting_payment"
