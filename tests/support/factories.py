"""Orders, carts and catalog rows in the state a test needs.

Orders are written straight to the database: the tests that use them are
about what happens to an order in some state, not about how it got there.
One set of defaults, three ways to get the order:

- ``make_order(app, ...)`` saves it in an app context of its own and returns its identifier;
- ``add_order(...)`` saves it in the current app context and returns the attached ``Order``;
- ``build_order(...)`` only builds it, for code that needs no database.

Carts are filled through the shop's real form (``add_to_cart``), and the
catalog through the real importer (``import_demo_catalog``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from datetime import timedelta

from storefront.catalog.importer import import_catalog_file
from storefront.checkout.service import new_order_identifier
from storefront.extensions import db
from storefront.models import Order, OrderLine, Shipment, utcnow
from storefront.orders.states import Status
from storefront.outbox import JobKind, enqueue

from .forms import csrf_token_from
from .shop import DEMO_CATALOG

ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
           "address_line1": "Rue de la Loi 16", "zip": "1000", "city": "Brussels", "country_iso": "BE"}
IDENTIFIER = "TW-261129-AAAAAA"
# Statuses in which Twikit has accepted the order: its submitted_at is set unless a test says otherwise.
_AT_TWIKIT = {Status.SUBMITTED, Status.PRODUCTION_COMPLETE, Status.SHIPPED}


def preview_url(configuration_id: int) -> str:
    """Where the demo Twikit sandbox serves a configuration's preview."""
    return f"http://127.0.0.1:5001/previews/{configuration_id}.png"


PREVIEW = preview_url(1001)
# A plain product's order line (the demo catalog's gift box): no configuration ID, so Twikit never sees it.
GIFT_BOX = {"configuration_id": None, "product_key": "gift-box", "product_name": "Gift Box", "sku": "BOX-SMALL",
            "variant_name": "Small (jewellery, keyrings)", "unit_price_cents": 600,
            "image_url": "/static/img/products/gift-box.svg"}
# As fulfil_checkout leaves an order: paid, under a fresh identifier, its submit job waiting for the worker.
PAID_AND_QUEUED = {"identifier": None, "status": Status.PAID, "submit_job": True}


# --- orders ----------------------------------------------------------------------------------


def build_order(*, identifier: str | None = IDENTIFIER, status: str = Status.SUBMITTED,
                lines: Iterable = ((1001, 1),), paid: bool = True, submitted: bool | None = None,
                email: str = "ada@example.com", billing_address: dict = ADDRESS,
                delivery_address: dict | None = None, total_cents: int | None = None, currency: str = "EUR",
                locale: str = "en", attention_reason: str | None = None, twikit_delivery: str = "customer") -> Order:
    """An order, not saved.

    identifier: None for a fresh one, as checkout makes (for a database that
        outlives the test). Its lines are numbered ``<identifier>-1``, ``-2``...
    status: a ``Status`` or its value.
    lines: each a configuration ID (quantity 1), a (configuration ID, quantity)
        pair, or a dict of OrderLine columns over the pendant's defaults
        (``configuration_id`` None is a plain product that never reaches Twikit).
    paid, submitted: whether the paid_at and submitted_at facts are set;
        ``submitted`` follows the status by default (submitted, produced, shipped).
    delivery_address: the billing address unless given.
    total_cents: the sum of the lines unless given (the subtotal is the same).
    twikit_delivery: where Twikit delivers the customised lines ("customer" or "merchant"),
        as checkout records it from TWIKIT_DELIVER_TO; left unset for an order of plain products only.
        A shipped order has shipped whole, in one parcel without tracking.
    """
    status = Status(status)
    identifier = identifier or new_order_identifier()
    if submitted is None:
        submitted = status in _AT_TWIKIT
    now = utcnow()
    order = Order(identifier=identifier, status=status.value, email=email, billing_address=billing_address,
                  delivery_address=billing_address if delivery_address is None else delivery_address,
                  currency=currency, locale=locale, attention_reason=attention_reason,
                  paid_at=now - timedelta(hours=1) if paid else None, submitted_at=now if submitted else None)
    for number, line in enumerate(lines, start=1):
        order.lines.append(_order_line(f"{identifier}-{number}", line))
    total = sum(line.total_cents for line in order.lines) if total_cents is None else total_cents
    order.subtotal_cents = order.total_cents = total
    customised = any(line.configuration_id is not None for line in order.lines)
    if customised:
        order.twikit_delivery = twikit_delivery
    if status is Status.SHIPPED:
        # Shipped whole, in one parcel: Twikit's when it made and delivered it, else the merchant's.
        by_twikit = customised and twikit_delivery == "customer"
        order.shipped_at = now
        order.twikit_completed_at = now if customised else None
        order.shipments.append(Shipment(shipped_by="twikit" if by_twikit else "merchant", lines=list(order.lines)))
    return order


def _order_line(identifier: str, line) -> OrderLine:
    if isinstance(line, Mapping):
        columns = dict(line)
    elif isinstance(line, int):
        columns = {"configuration_id": line}
    else:
        configuration_id, quantity = line
        columns = {"configuration_id": configuration_id, "quantity": quantity}
    configuration_id = columns.get("configuration_id")
    return OrderLine(**{
        "identifier": identifier, "product_key": "diamond-letter-jewel", "product_name": "Diamond Letter Pendant",
        "sku": "DLJ-SILVER", "variant_name": "Sterling silver", "quantity": 1, "unit_price_cents": 4900,
        "preview_url": preview_url(configuration_id) if configuration_id is not None else None,
        **columns})


def add_order(*, submit_job: bool = False, **fields) -> Order:
    """``build_order(**fields)``, saved in the current app context; returns the attached order.

    submit_job: also write its pending submit job, as fulfil_checkout does, for the worker to find.
    """
    order = build_order(**fields)
    db.session.add(order)
    if submit_job:
        db.session.flush()
        enqueue(JobKind.SUBMIT_ORDER, order)
    db.session.commit()
    return order


def make_order(app, **fields) -> str:
    """``add_order(**fields)`` in an app context of its own; returns the order's identifier."""
    with app.app_context():
        order = add_order(**fields)
        return order.identifier


# --- carts and the catalog -------------------------------------------------------------------


def add_to_cart(client, *, product="diamond-letter-pendant", sku="DLJ-SILVER", configuration_id="1001",
                preview_url=PREVIEW, quantity="1", **extra):
    """Post the product page's add-to-cart form, as the plugin's save leaves it; returns the response."""
    token = csrf_token_from(client.get(f"/products/{product}").get_data(as_text=True))
    data = {"csrf_token": token, "product": product, "sku": sku, "configuration_id": configuration_id,
            "preview_url": preview_url, "quantity": quantity, **extra}
    return client.post("/cart/lines", data=data)


def import_demo_catalog(app) -> None:
    """The demo catalog's products and prices, through the real importer."""
    with app.app_context():
        import_catalog_file(DEMO_CATALOG, app.config["SHOP_CURRENCY"])


def import_catalog_of(app, size: int, tmp_path) -> list[dict]:
    """A catalog of ``size`` products, the demo catalog's over and over (``gift-box-3``, SKU ``BOX-SMALL-3``...),
    through the real importer; returns the products as imported."""
    demo = json.loads(DEMO_CATALOG.read_text())
    products = []
    for number in range(size):
        product = copy.deepcopy(demo["products"][number % len(demo["products"])])
        product["key"], product["slug"] = f"{product['key']}-{number}", f"{product['slug']}-{number}"
        for variant in product["variants"]:
            variant["sku"] = f"{variant['sku']}-{number}"
        products.append(product)
    path = tmp_path / f"catalog-{size}.json"
    path.write_text(json.dumps({**demo, "products": products}))
    with app.app_context():
        import_catalog_file(path, app.config["SHOP_CURRENCY"])
    return products
