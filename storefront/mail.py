"""E-mail: build a message, and send it through MAIL_URL's SMTP server, or (unset) keep it locally.

``MAIL_URL`` names the server and how to reach it:

    smtp://[user:pass@]host[:25]            plain SMTP (local catchers, relays on a private network)
    smtp+starttls://user:pass@host[:587]    SMTP, upgraded to TLS before logging in (most providers)
    smtps://user:pass@host[:465]            TLS from the first byte

User name and password are URL-encoded (``%40`` for ``@``). Certificates are
verified. Without MAIL_URL (a fresh clone, the tests) nothing is sent: the
message goes to the log and to ``instance/mail/<timestamp>-<reference>.eml``,
which any mail program opens. That is never an error, so the demo needs no
mail server.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 20  # per network operation; the worker retries a job that times out

# scheme -> (how to secure the connection, default port)
SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server; worth retrying later."""


@dataclass(frozen=True)
class SmtpServer:
    security: str  # plain | starttls | tls
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_mail_url(url: str) -> SmtpServer:
    """Read ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URLs; raise MailError for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise MailError(f"MAIL_URL is not a valid URL: {error}") from None
    if parts.scheme not in SCHEMES:
        raise MailError(f"MAIL_URL must start with {', '.join(s + '://' for s in SCHEMES)}")
    if not parts.hostname:
        raise MailError("MAIL_URL names no host")
    security, default_port = SCHEMES[parts.scheme]
    return SmtpServer(security=security, host=parts.hostname, port=port or default_port,
                      username=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None)


def build_message(*, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A message from the shop (MAIL_FROM, SHOP_NAME) with a plain-text body and an optional HTML one."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((config["SHOP_NAME"], config["MAIL_FROM"]))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage, *, reference: str) -> str:
    """Send a message (or keep it, without MAIL_URL); returns where it went. Raises MailError."""
    url = current_app.config.get("MAIL_URL")
    if not url:
        return _keep_locally(message, reference)
    server = parse_mail_url(url)
    try:
        _deliver(message, server)
    except (smtplib.SMTPException, OSError) as error:  # OSError: refused, unreachable, timed out, TLS
        raise MailError(f"{server.host}:{server.port}: {type(error).__name__}: {error}") from error
    log.info("mail %s: %r sent to %s through %s:%s", reference, message["Subject"], message["To"], server.host,
             server.port)
    return f"smtp://{server.host}:{server.port}"


def _deliver(message: EmailMessage, server: SmtpServer) -> None:
    context = ssl.create_default_context()
    if server.security == "tls":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if server.security == "starttls":
            smtp.starttls(context=context)  # before login, so the password never crosses in clear
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(message)


def _keep_locally(message: EmailMessage, reference: str) -> str:
    """Without MAIL_URL: log the message and write it as an .eml file in instance/mail/."""
    text = message.get_body(preferencelist=("plain",))
    log.info("mail %s (MAIL_URL is unset, so not sent) to %s: %s\n%s", reference, message["To"],
             message["Subject"], text.get_content() if text is not None else "")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe_reference = re.sub(r"[^A-Za-z0-9._-]", "_", reference)[:80]
    path = Path(current_app.instance_path) / "mail" / f"{stamp}-{safe_reference}.eml"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.as_bytes())
    except OSError as error:  # the log line above already holds the message
        log.warning("mail %s: could not write %s: %s", reference, path, error)
        return "log"
    return str(path)
