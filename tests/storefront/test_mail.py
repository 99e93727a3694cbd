"""The customer's e-mails (confirmation, shipping): sent by the worker through real SMTP (the mail catcher), or kept."""

import logging
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.mail import MailError, SmtpServer, parse_mail_url
from storefront.models import Order, OutboxJob
from storefront.outbox import JobKind
from storefront.worker import Worker

from ..support.factories import ADDRESS, add_order, make_order
from ..support.live import free_port
from ..support.queries import order_of, snapshot
from ..support.twikit_webhooks import shipping_report, url


def ship(app, client) -> str:
    identifier = make_order(app, status="production_complete")
    assert client.post(url("order-completion"), json=shipping_report(identifier)).json == {"error": ""}
    return identifier


def job_of(app, kind: str) -> OutboxJob:
    with app.app_context():
        found = db.session.scalar(select(OutboxJob).where(OutboxJob.kind == kind))
        db.session.expunge(found)
        return found


def job(app) -> OutboxJob:
    return job_of(app, "send_shipped_email")


def status_link(app, identifier) -> str:
    from storefront.orders.links import token_for

    with app.app_context():  # in the order's language, so the page opens as the e-mail reads
        return f"http://127.0.0.1:5000/orders/{identifier}/{token_for(order_of(app, identifier))}?lang=en"


def test_without_mail_url_the_mail_is_written_to_the_instance_folder(app, client, caplog):
    caplog.set_level(logging.INFO, logger="storefront.mail")
    identifier = ship(app, client)
    assert Worker(app).run(once=True) == 1
    [path] = (Path(app.instance_path) / "mail").glob("*.eml")
    assert path.name.endswith(f"-{identifier}.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (message["To"], message["Subject"]) == ("ada@example.com", f"Your order {identifier} has shipped")
    assert message["From"] == "Twikit Demo Shop <shop@example.com>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = status_link(app, identifier)
    assert "Tracking number: 1Z999" in text and "https://track.example/1Z999" in text and link in text
    assert '<a href="https://track.example/1Z999" rel="noopener noreferrer"' in html and f'href="{link}"' in html
    assert f"Your order {identifier} has shipped" in caplog.text  # the log holds it too
    assert job(app).state == "done"
    assert snapshot(app, identifier)[8][-1][2] == "Shipping e-mail sent to ada@example.com"


def test_with_mail_url_the_mail_goes_through_smtp(app, client, mail_catcher):
    port, catcher_client = mail_catcher
    app.config["MAIL_URL"] = f"smtp://shop%40example.com:p%40ss@127.0.0.1:{port}"  # logs in, as with a provider
    identifier = ship(app, client)
    Worker(app).run(once=True)
    [caught] = catcher_client.get("/api/messages").json["messages"]
    assert caught["envelope_to"] == ["ada@example.com"] and caught["subject"] == f"Your order {identifier} has shipped"
    assert "1Z999" in caught["text"] and status_link(app, identifier) in caught["text"]
    assert "https://track.example/1Z999" in caught["html"]
    assert not (Path(app.instance_path) / "mail").exists()
    assert job(app).state == "done"


def test_an_unreachable_smtp_server_is_retried_then_flagged(app, client):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    identifier = ship(app, client)
    Worker(app).run(once=True)
    first = job(app)
    assert (first.state, first.attempts) == ("pending", 1) and "ConnectionRefusedError" in first.last_error
    with app.app_context():  # a day later, still failing
        stored = db.session.get(OutboxJob, first.id)
        stored.created_at -= timedelta(hours=25)
        stored.run_after -= timedelta(hours=2)
        db.session.commit()
    Worker(app).run(once=True)
    assert job(app).state == "failed"
    assert "The shipping e-mail could not be sent" in snapshot(app, identifier)[8][-1][2]
    assert order_of(app, identifier).status == "shipped"  # the parcel is on its way regardless


def test_without_shop_url_the_mail_still_goes_out_without_the_status_link(app, client):
    app.config["SHOP_URL"] = None
    identifier = ship(app, client)
    Worker(app).run(once=True)
    [path] = (Path(app.instance_path) / "mail").glob("*.eml")
    text = message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    assert "1Z999" in text and f"/orders/{identifier}/" not in text


@pytest.mark.parametrize("mail_url, server", [
    ("smtp://127.0.0.1:5025", SmtpServer("plain", "127.0.0.1", 5025)),
    ("smtp://mail.example", SmtpServer("plain", "mail.example", 25)),
    ("smtp+starttls://me%40shop.example:p%3Ass@smtp.example", SmtpServer("starttls", "smtp.example", 587,
                                                                           "me@shop.example", "p:ss")),
    ("smtps://user:secret@smtp.example:2465", SmtpServer("tls", "smtp.example", 2465, "user", "secret")),
])
def test_mail_urls_are_parsed(mail_url, server):
    assert parse_mail_url(mail_url) == server


@pytest.mark.parametrize("mail_url", ["http://smtp.example", "smtp://", "smtp://host:notaport", "mail.example"])
def test_a_bad_mail_url_is_a_mail_error(mail_url):
    with pytest.raises(MailError):
        parse_mail_url(mail_url)


def queue(app, kind, **fields) -> str:
    """An order as it stands when the e-mail is queued, with its job waiting for the worker."""
    from storefront.outbox import enqueue

    with app.app_context():
        order = add_order(**fields)
        enqueue(kind, order)
        db.session.commit()
        return order.identifier


def kept_messages(app) -> list:
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted((Path(app.instance_path) / "mail").glob("*.eml"))]


def bodies(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def test_the_confirmation_lists_the_lines_totals_addresses_and_the_status_link(app):
    lamp = {"configuration_id": 1002, "product_key": "geo-lamp", "product_name": "Geo Lampshade", "sku": "GEO-TALL",
            "variant_name": "Tall (36 cm)", "unit_price_cents": 9900}
    identifier = queue(app, JobKind.SEND_CONFIRMATION_EMAIL, status="paid", lines=[(1001, 2), lamp],
                       delivery_address={**ADDRESS, "first_name": "Charles", "country_iso": "NL"})
    assert Worker(app).run(once=True) == 1
    [message] = kept_messages(app)
    assert (message["To"], message["Subject"]) == ("ada@example.com", f"Your order {identifier} is confirmed")
    text, html = bodies(message)
    link = status_link(app, identifier)
    assert f"your order {identifier} is confirmed" in text
    assert f'your order <strong style="white-space: nowrap;">{identifier}</strong> is confirmed' in html  # unbroken
    for part in (text, html):
        assert "Hello Ada," in part
        assert "€98.00" in part and "€99.00" in part and "€197.00" in part
        assert "Belgium" in part and "Charles Lovelace" in part and "Netherlands" in part  # both addresses
        assert "(Tall (36 cm))" not in part  # no brackets around a name that has its own
    assert "- 2 × Diamond Letter Pendant, Sterling silver: €98.00" in text
    assert "- 1 × Geo Lampshade, Tall (36 cm): €99.00" in text and "Total: €197.00" in text
    assert f"Your order's status page: {link}" in text and f'href="{link}"' in html
    assert job_of(app, "send_confirmation_email").state == "done"
    assert snapshot(app, identifier)[8][-1][2] == "Confirmation e-mail sent to ada@example.com"


def test_a_dutch_order_gets_both_e_mails_in_dutch(app):
    confirmed = queue(app, JobKind.SEND_CONFIRMATION_EMAIL, identifier=None, status="paid", locale="nl")
    shipped = queue(app, JobKind.SEND_SHIPPED_EMAIL, identifier=None, status="shipped", locale="nl")
    english = queue(app, JobKind.SEND_CONFIRMATION_EMAIL, identifier=None, status="paid", locale="en")
    with app.test_request_context(headers={"Accept-Language": "en"}):  # an English context around it changes nothing
        Worker(app).run(once=True)  # one run, one app context: each e-mail still in its own customer's language
    subjects = {message["Subject"]: bodies(message) for message in kept_messages(app)}
    english_text = subjects[f"Your order {english} is confirmed"][0]
    assert "Hello Ada," in english_text and "Total: €49.00" in english_text  # the totals too (an imported macro)
    text, html = subjects[f"Je bestelling {confirmed} is bevestigd"]
    assert "Hallo Ada," in text and "Sterling zilver" not in text  # the line keeps the name it was ordered by
    assert "Totaal: €\xa049,00" in text and "Factuuradres:" in text and "België" in text
    assert f"/orders/{confirmed}/" in text and "?lang=nl" in text  # the page opens in Dutch too
    assert '<html lang="nl">' in html and "Bekijk de statuspagina van je bestelling" in html
    text, html = subjects[f"Je bestelling {shipped} is verzonden"]
    assert f"Goed nieuws: je bestelling {shipped} is verzonden." in text and "Leveringsadres:" in text


def test_the_totals_add_up_to_what_stripe_charged_and_plain_products_are_not_made(app):
    from ..support.factories import GIFT_BOX

    # A gift box (€6.00) with express shipping, a promotion code and tax included, as Stripe charged it.
    identifier = queue(app, JobKind.SEND_CONFIRMATION_EMAIL, status="paid", lines=[GIFT_BOX])
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.identifier == identifier))
        order.total_cents, order.discount_cents, order.shipping_cents, order.shipping_rate_name = \
            1535, 60, 995, "Express delivery"
        order.tax_cents, order.tax_included = 266, True
        db.session.commit()
    Worker(app).run(once=True)
    [message] = kept_messages(app)
    text, html = bodies(message)
    assert ("Subtotal: €6.00\nDiscount: −€0.60\nShipping (Express delivery): €9.95\nTax included: €2.66\n"
            "Total: €15.35") in text
    for words in ("Discount", "−€0.60", "Shipping (Express delivery)", "€9.95", "Tax included", "€15.35"):
        assert words in html
    # Nothing is made to order here: the confirmation does not promise to make it.
    assert "We will e-mail you again when it ships." in text and "make it for you" not in text


def test_a_plain_products_line_shows_its_own_image_on_shop_url_beside_the_designs_preview(app):
    from ..support.factories import GIFT_BOX

    shop_url = app.config["SHOP_URL"].rstrip("/")
    queue(app, JobKind.SEND_CONFIRMATION_EMAIL, status="paid", lines=[1001, GIFT_BOX])
    Worker(app).run(once=True)
    [message] = kept_messages(app)
    html = bodies(message)[1]
    assert f'<img src="{shop_url}/static/img/products/gift-box.svg" alt="Gift Box"' in html  # an e-mail has no page
    assert 'alt="Preview of your design: Diamond Letter Pendant"' in html

    # Without SHOP_URL an image on the shop has no address an e-mail could use: the line goes without.
    app.config["SHOP_URL"] = None
    queue(app, JobKind.SEND_CONFIRMATION_EMAIL, identifier=None, status="paid", lines=[1001, GIFT_BOX])
    Worker(app).run(once=True)
    html = bodies(kept_messages(app)[-1])[1]
    assert "gift-box.svg" not in html and 'alt="Preview of your design: Diamond Letter Pendant"' in html
