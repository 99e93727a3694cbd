"""The caught mails, in the catcher's own SQLite file: stored as received, parsed when read."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from functools import cached_property

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,               -- ISO 8601, UTC
    mail_from   TEXT NOT NULL,               -- the envelope sender (MAIL FROM)
    rcpt_tos    TEXT NOT NULL,               -- JSON list of envelope recipients (RCPT TO)
    raw         BLOB NOT NULL                -- the message exactly as received
);
"""


@dataclass(frozen=True)
class CaughtMail:
    id: int
    received_at: str
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @cached_property
    def message(self):
        return message_from_bytes(self.raw, policy=policy.default)

    def header(self, name: str) -> str:
        return str(self.message.get(name, ""))

    def body(self, subtype: str) -> str | None:
        """The ``text/<subtype>`` part's content, or None."""
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else None

    def as_json(self) -> dict:
        return {"id": self.id, "received_at": self.received_at, "envelope_from": self.mail_from,
                "envelope_to": self.rcpt_tos, "from": self.header("From"), "to": self.header("To"),
                "subject": self.header("Subject"), "text": self.body("plain"), "html": self.body("html")}


def connect(path: str) -> sqlite3.Connection:
    # The SMTP thread writes while the web page reads: WAL and a busy timeout let them share the file.
    connection = sqlite3.connect(path, timeout=10)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def init_schema(path: str) -> None:
    connection = connect(path)
    try:
        connection.executescript(SCHEMA)
    finally:
        connection.close()


def add(path: str, mail_from: str, rcpt_tos: list[str], raw: bytes) -> int:
    """Store one received message; returns its id."""
    connection = connect(path)
    try:
        with connection:
            cursor = connection.execute(
                "INSERT INTO messages (received_at, mail_from, rcpt_tos, raw) VALUES (?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), mail_from, json.dumps(rcpt_tos), raw))
        return cursor.lastrowid
    finally:
        connection.close()


def newest_first(path: str, limit: int = 200) -> list[CaughtMail]:
    return _select(path, "ORDER BY id DESC LIMIT ?", (limit,))


def get(path: str, message_id: int) -> CaughtMail | None:
    found = _select(path, "WHERE id = ?", (message_id,))
    return found[0] if found else None


def _select(path: str, clause: str, params: tuple) -> list[CaughtMail]:
    connection = connect(path)
    try:
        rows = connection.execute(f"SELECT id, received_at, mail_from, rcpt_tos, raw FROM messages {clause}",
                                  params).fetchall()
    finally:
        connection.close()
    return [CaughtMail(id=r[0], received_at=r[1], mail_from=r[2], rcpt_tos=json.loads(r[3]), raw=bytes(r[4]))
            for r in rows]
