"""A shop under test: where the repository is, which databases it runs on, and its settings."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: Procfile, pyproject.toml, README.md
DEMO_CATALOG = ROOT / "storefront" / "catalog" / "demo-catalog.json"

# Every database test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL names a server.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

# Every setting a production shop refuses to start without: no demo value, no short secret, no SQLite.
PRODUCTION_ENV = {
    "SECRET_KEY": "s3cret-from-the-platform-0123456789abcdef",
    "DATABASE_URL": "postgresql://shop@db.example:5432/shop",
    "TWIKIT_INTEGRATION_ID": "int-42",
    "TWIKIT_PAYLOAD_SECRET": "payload-secret-from-twikit",
    "TWIKIT_WEBHOOK_TOKEN": "hook-token-1234567890-abcdef",
    "TWIKIT_SCRIPT_URL": "https://cdn.twikit.example/plugin/v7/twikit.js",
    "STRIPE_SECRET_KEY": "sk_test_real",
    "STRIPE_WEBHOOK_SECRET": "whsec_real",
    "ADMIN_EMAIL": "merchant@example.com",
    "ADMIN_PASSWORD": "correct horse battery staple",
    # Twikit bills the merchant by default (TWIKIT_BILL_TO), so production needs the merchant's address.
    "MERCHANT_FIRST_NAME": "Grace", "MERCHANT_LAST_NAME": "Hopper", "MERCHANT_EMAIL": "orders@shop.example",
    "MERCHANT_ADDRESS_LINE1": "Meir 1", "MERCHANT_ZIP": "2000", "MERCHANT_CITY": "Antwerp",
    "MERCHANT_COUNTRY_ISO": "BE",
}


def shop_config(tmp_path: Path, database_url: str, **overrides) -> dict:
    """Settings for a shop under test: demo defaults, its own instance folder and database."""
    return {
        "TESTING": True,
        "STOREFRONT_MODE": "demo",
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        **overrides,
    }
