"""The catcher's SMTP side: accepts every message (and any login) and stores it, delivering nothing."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from . import store

log = logging.getLogger(__name__)


class CatchingHandler:
    """aiosmtpd handler: every message that reaches DATA is stored, none is relayed."""

    def __init__(self, database: str):
        self.database = database

    async def handle_DATA(self, server, session, envelope) -> str:
        message_id = store.add(self.database, envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        log.info("mail catcher: message %s from %s to %s", message_id, envelope.mail_from,
                 ", ".join(envelope.rcpt_tos))
        return "250 Message caught (not delivered)"


def _accept_any_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    # The shop's MAIL_URL may carry a user and password, as a real provider's does; any will do here.
    return AuthResult(success=True)


def start_smtp(database: str, host: str = "127.0.0.1", port: int = 5025) -> Controller:
    """Listen for SMTP on host:port in a background thread; returns the running controller (``.stop()`` it)."""
    store.init_schema(database)
    controller = Controller(
        CatchingHandler(database), hostname=host, port=port,
        server_hostname="mail-catcher",  # no DNS lookup of our own name
        # Plain-text AUTH is fine on loopback; a real server must refuse it without TLS.
        auth_require_tls=False, authenticator=_accept_any_login, ready_timeout=10,
    )
    controller.start()
    log.info("mail catcher: SMTP on %s:%s", host, port)
    return controller
