"""Configuration of the Stripe sandbox: defaults and a typed, read-only view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The API version stripe-python 16 pins (``stripe._api_version``). Events
#: carry the ``Stripe-Version`` the session was created with, or this.
DEFAULT_API_VERSION = "2026-10-28.endive"

DEFAULTS: dict[str, Any] = {
    "SANDBOX_DATABASE": None,  # SQLite file; None -> instance folder
    "PUBLIC_URL": None,  # our own external base URL; None -> request.host_url
    "WEBHOOK_URL": None,  # the shop's endpoint; None -> events stored only
    "WEBHOOK_SECRET": None,  # "whsec_..."; required when WEBHOOK_URL is set
    "API_KEYS": None,  # accepted secret keys; None -> any "sk_test_..." key
    "WEBHOOK_RETRY_DELAYS": [5, 30, 300],  # seconds between attempts
    "WEBHOOK_TIMEOUT": 10,  # seconds per delivery attempt
    "ASYNC_SETTLE_SECONDS": 3,  # delay before an "async" test card settles
    "WORKER_POLL_SECONDS": 0.5,  # how often the worker looks for due work
    "START_WORKER": True,  # tests of pure request handling may turn it off
    "API_VERSION": DEFAULT_API_VERSION,
}


@dataclass(frozen=True)
class Settings:
    """The subset of ``app.config`` the sandbox needs, checked once at startup.

    A frozen dataclass (not ``current_app.config``) so the background worker,
    which runs outside any Flask context, can read it safely.
    """

    database: str
    public_url: str | None
    webhook_url: str | None
    webhook_secret: str | None
    api_keys: tuple[str, ...] | None
    retry_delays: tuple[float, ...]
    webhook_timeout: float
    async_settle_seconds: float
    poll_seconds: float
    api_version: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Build settings from a Flask config, failing fast on bad values."""
        webhook_url = config["WEBHOOK_URL"] or None
        secret = config["WEBHOOK_SECRET"] or None
        if webhook_url and not secret:
            # Unsigned events would teach the shop to skip verification.
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        delays = tuple(float(d) for d in config["WEBHOOK_RETRY_DELAYS"])
        if any(d < 0 for d in delays):
            raise ValueError("WEBHOOK_RETRY_DELAYS must not be negative")
        keys = config["API_KEYS"]
        if isinstance(keys, str):  # one key given without a list around it
            keys = [keys]
        public_url = config["PUBLIC_URL"]
        return cls(
            database=str(config["SANDBOX_DATABASE"]),
            public_url=public_url.rstrip("/") if public_url else None,
            webhook_url=webhook_url,
            webhook_secret=secret,
            api_keys=tuple(keys) if keys is not None else None,
            retry_delays=delays,
            webhook_timeout=float(config["WEBHOOK_TIMEOUT"]),
            async_settle_seconds=float(config["ASYNC_SETTLE_SECONDS"]),
            poll_seconds=float(config["WORKER_POLL_SECONDS"]),
            api_version=str(config["API_VERSION"]),
        )
