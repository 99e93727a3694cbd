"""The shop's log: one line per event on stdout, each with its request ID, and no secret in any line.

A platform collects what a process writes to stdout. Every line carries
``request_id=``: the router's ``X-Request-ID`` when it sent a sane one (so a
line of ours can be matched with the router's line for the same request), else
one we make; the response echoes it. Outside a request it is ``-``.

Some secrets travel in URLs by design, and URLs end up in log lines (the
access log, an error's message): the Twikit webhook token is a path segment,
the customer's order-status link ends in a signed token, and the checkout's
return URLs carry the Stripe session and the cancel token. ``redact`` blanks
those parts wherever they appear. gunicorn.conf.py applies it to the access
log; ``configure_logging`` to the shop's own lines.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request

REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
_SECRETS_IN_URLS = (
    re.compile(r"(/webhooks/twikit/)[^/\s?#\"']+"),  # the Twikit webhook token
    re.compile(r"(/orders/[^/\s?#\"']+/)[^/\s?#\"']+"),  # the order-status link's token
    re.compile(r"([?&](?:token|session_id)=)[^&\s#\"']+"),  # the checkout's return URLs
)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@-]{1,200}")


def redact(text: str) -> str:
    """``text`` with every secret that travels in a URL replaced by ``[redacted]``."""
    for pattern in _SECRETS_IN_URLS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


class RedactSecrets(logging.Filter):
    """A handler's filter: the message (and its traceback) with URL secrets redacted, before any formatting."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class AddRequestId(logging.Filter):
    """A handler's filter: sets ``record.request_id`` for the format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() if has_request_context() else "-"
        return True


def request_id() -> str:
    """This request's ID: the router's ``X-Request-ID`` if it is sane, else one made up now; the same all along."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def configure_logging() -> None:
    """Send the shop's log lines to stdout, unless something (gunicorn's hooks, pytest) already took the root."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(AddRequestId())
    handler.addFilter(RedactSecrets())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin is noise
    logging.getLogger("stripe").setLevel(logging.WARNING)  # two lines per API call; our own line says what it did


def init_app(app: Flask) -> None:
    """Echo each request's ID in its response, where gunicorn's access log reads it."""

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = request_id()
        return response
