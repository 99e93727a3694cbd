"""The sandbox's site configuration: integration ID, payload secret and webhook URLs.

The spec keeps these in "your site's configuration" in the Integration
Publisher, where they can be changed at any time, so they live in the
``settings`` table rather than in ``app.config``. Start-up config (or a CLI
flag) that names a setting explicitly overrides the stored value; a setting
never stored reads as its default.
"""

import hmac
import json
import math
import re
import sqlite3
from datetime import UTC, datetime
from urllib.parse import urlsplit

from .db import get_db

DEFAULTS = {
    "INTEGRATION_ID": "sandbox-integration",
    "PAYLOAD_SECRET": "demo-payload-secret",
    # "If no webhook is configured, we will not verify payments": None means not configured.
    "PAYMENT_VERIFICATION_URL": None,
    "PRODUCTION_COMPLETION_URL": None,
    "ORDER_COMPLETION_URL": None,
    "WEBSITE_PUBLICATION_URL": None,
    "WEBHOOK_RETRY_DELAY_SECONDS": 300,   # the spec: "we will retry once after 5 minutes"
    "VERIFICATION_TIMEOUT_SECONDS": 10,
}

URL_SETTINGS = {"PAYMENT_VERIFICATION_URL", "PRODUCTION_COMPLETION_URL",
                "ORDER_COMPLETION_URL", "WEBSITE_PUBLICATION_URL"}

# The integration ID is a URL path segment of every API call.
INTEGRATION_ID_PATTERN = r"[A-Za-z0-9._~-]{1,100}"


class InvalidSetting(ValueError):
    """A setting value that the sandbox cannot use; the message says why."""


def clean(name: str, value: object) -> object:
    """Return ``value`` checked and normalised for setting ``name``, or raise InvalidSetting."""
    if name not in DEFAULTS:
        raise InvalidSetting(f"unknown setting: {name}")
    if name in URL_SETTINGS:
        return _clean_url(name, value)
    if name == "INTEGRATION_ID":
        if not isinstance(value, str) or not re.fullmatch(INTEGRATION_ID_PATTERN, value):
            raise InvalidSetting("INTEGRATION_ID must be 1 to 100 letters, digits, '.', '_', '~' or '-'")
        return value
    if name == "PAYLOAD_SECRET":
        if not isinstance(value, str) or not value:
            raise InvalidSetting("PAYLOAD_SECRET must be a non-empty string")
        return value
    # The two durations, in seconds. A retry may be immediate; a timeout of 0 would never wait.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidSetting(f"{name} must be a number of seconds")
    if name == "VERIFICATION_TIMEOUT_SECONDS" and value <= 0:
        raise InvalidSetting(f"{name} must be more than 0")
    if value < 0:
        raise InvalidSetting(f"{name} must be 0 or more")
    return int(value) if float(value).is_integer() else value


def _clean_url(name: str, value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise InvalidSetting(f"{name} must be a URL or empty")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidSetting(f"{name} must be an http:// or https:// URL")
    return value.strip()


def get(name: str) -> object:
    """Return the current value of setting ``name`` (its default if never stored)."""
    if name not in DEFAULTS:
        raise KeyError(name)
    row = get_db().execute("SELECT value_json FROM settings WHERE name = ?", (name,)).fetchone()
    return DEFAULTS[name] if row is None else json.loads(row["value_json"])


def get_all() -> dict:
    """Return every setting's current value, in the order of DEFAULTS."""
    stored = {row["name"]: json.loads(row["value_json"])
              for row in get_db().execute("SELECT name, value_json FROM settings")}
    return {name: stored.get(name, default) for name, default in DEFAULTS.items()}


def put(name: str, value: object) -> object:
    """Check and store one setting; return the stored value."""
    return put_many({name: value})[name]


def put_many(changes: dict) -> dict:
    """Check every change, then store them all in one transaction; return the stored values."""
    cleaned = {name: clean(name, value) for name, value in changes.items()}
    db = get_db()
    for name, value in cleaned.items():
        _store(db, name, value)
    db.commit()
    return cleaned


def store_explicit(connection: sqlite3.Connection, config: dict) -> None:
    """At start-up: store every setting the caller's config names, so it overrides the stored one."""
    for name in DEFAULTS:
        if name in config:
            _store(connection, name, clean(name, config[name]))
    connection.commit()


def is_integration(integration_id: str) -> bool:
    """Whether ``integration_id`` (from the URL) is this sandbox's integration ID."""
    expected = str(get("INTEGRATION_ID"))
    return hmac.compare_digest(integration_id.encode(), expected.encode())


def _store(connection: sqlite3.Connection, name: str, value: object) -> None:
    connection.execute(
        """INSERT INTO settings (name, value_json, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET value_json = excluded.value_json,
                                            updated_at = excluded.updated_at""",
        (name, json.dumps(value), datetime.now(UTC).isoformat(timespec="seconds")),
    )
