"""The e-mails an order sends its customer, as outbox jobs the worker runs.

Two e-mails: the confirmation (written with the payment, in
payments.fulfilment) and "your order has shipped" (written with the
shipment, in orders.reports). Each is in the order's language, the one the
customer shopped in.

A job is written in the transaction that makes the e-mail true (the payment,
the shipment), and the worker sends it afterwards: a slow or absent mail server never holds
up a webhook, and an e-mail is never sent for a change that was rolled back.
Sending is at-least-once: a crash between the SMTP hand-over and recording
it sends the e-mail again, which beats never sending it.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from urllib.parse import urljoin, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import mail, outbox
from ..extensions import db
from ..i18n import DEFAULT_LOCALE, LOCALES
from ..models import Order, OrderLine, OutboxJob
from .links import status_url
from .states import note

log = logging.getLogger(__name__)


def send_confirmation_email(job: OutboxJob) -> None:
    """Send the order confirmation for a claimed job, and record it on the order."""
    _send(job, confirmation_email(job.order), what="confirmation e-mail")


def confirmation_email(order: Order) -> EmailMessage:
    """The confirmation of a paid order: lines, totals, addresses and the status link, in the order's language."""
    return _render(order, subject=_l("Your order %(identifier)s is confirmed", identifier=order.identifier),
                   template="mail/confirmation")


def send_shipped_email(job: OutboxJob) -> None:
    """Send the "your order has shipped" e-mail for a claimed job, and record it on the order."""
    _send(job, shipped_email(job.order), what="shipping e-mail")


def shipped_email(order: Order) -> EmailMessage:
    """The shipping e-mail for an order: plain text and HTML, in the order's language.

    It says what has shipped, parcel by parcel with its tracking, and what has
    not yet: an order may ship in parts (storefront.orders.shipments).
    """
    if all(line.shipment_id is not None for line in order.lines):
        subject = _l("Your order %(identifier)s has shipped", identifier=order.identifier)
    else:
        subject = _l("Part of your order %(identifier)s has shipped", identifier=order.identifier)
    return _render(order, subject=subject, template="mail/shipped")


def _render(order: Order, *, subject, template: str) -> EmailMessage:
    """Both parts of an e-mail and its subject (a lazy text), rendered in the order's language."""
    config = current_app.config
    locale = order.locale if order.locale in LOCALES else DEFAULT_LOCALE
    # The worker has no request: a request context on SHOP_URL lets url_for build the
    # customer's link, and the order's locale is forced, whatever the worker's own.
    with current_app.test_request_context(base_url=config.get("SHOP_URL")), force_locale(locale):
        # The link carries the language, so the page opens as the e-mail reads, in any browser.
        link = status_url(order, external=True, locale=locale) if config.get("SHOP_URL") else None
        if link is None:
            log.warning("order %s: SHOP_URL is not set, so the e-mail has no status link", order.identifier)
        context = {"order": order, "status_link": link, "shop_name": config["SHOP_NAME"]}
        return mail.build_message(to=order.email, subject=str(subject),
                                  text=render_template(f"{template}.txt", **context),
                                  html=render_template(f"{template}.html", **context))


def line_image(line: OrderLine) -> str | None:
    """The line's picture as an e-mail can show it: an absolute URL, or None.

    An e-mail is no page that a relative URL could be relative to, so a
    product's own image (``/static/...`` in the demo catalog) is made absolute
    on SHOP_URL; without SHOP_URL such a line has no picture.
    """
    url = line.picture_url
    if not url or urlsplit(url).scheme in ("http", "https"):
        return url
    shop_url = current_app.config.get("SHOP_URL")
    return urljoin(shop_url.rstrip("/") + "/", url) if shop_url else None


def _send(job: OutboxJob, message: EmailMessage, *, what: str) -> None:
    """Hand one message to the mail server for a claimed job; retry later, or give up after 24 hours."""
    order = job.order
    try:
        where = mail.send(message, reference=order.identifier)
    except mail.MailError as error:
        if not outbox.still_ours(job):
            db.session.rollback()
            return
        if outbox.gave_up(job):
            outbox.mark_failed(job, str(error))
            note(order, source="worker", message=f"The {what} could not be sent: {error}")
        else:
            outbox.retry_later(job, str(error), current_app.config["MAIL_RETRY_BASE_SECONDS"])
        db.session.commit()
        return
    # Sent, then recorded: a crash in between sends it again, which beats never sending it.
    if outbox.still_ours(job):
        outbox.mark_done(job)
        note(order, source="worker", message=f"{what.capitalize()} sent to {order.email}", details={"via": where})
        db.session.commit()
    else:
        db.session.rollback()
