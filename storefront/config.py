"""Settings, read once from the environment and validated at start-up.

Precedence, lowest first: built-in defaults, demo defaults (only when
``STOREFRONT_MODE=demo``), the environment, then the mapping passed to
``create_app`` (tests use that). A variable set in the environment always
wins over any default.

Production (the default mode) refuses to start while a secret is missing or
still holds a demo value, so a clone deployed as-is fails loudly instead of
running with secrets that are published in this repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checkout.shipping import load_shipping_rates
from .money import check_currency
from .safe_urls import http_link, origin_of

TWIKIT_PRODUCTION_API_URL = "https://custom-integration-publisher.twikit.com/api/v1"

DEMO_SHIPPING_RATES = Path(__file__).parent / "checkout" / "demo-shipping-rates.json"

# Where the demo command runs the two sandboxes. Demo values only.
DEMO_TWIKIT_SANDBOX = "http://127.0.0.1:5001"
DEMO_STRIPE_SANDBOX = "http://127.0.0.1:5002"


class ConfigError(RuntimeError):
    """The settings cannot run the shop; the message says which and why."""


def _text(value: str) -> str:
    return value.strip()


def _int(value: str) -> int:
    return int(value.strip())


def _bool(value: str) -> bool:
    text = value.strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ValueError(f"{value!r} is not true or false")
    return text in ("true", "1", "yes", "on")


def _origins(value: str) -> tuple[str, ...]:
    return tuple(origin_of(part) for part in value.split(",") if part.strip())


def _origin_setting(config: Mapping[str, Any], name: str) -> str:
    """The origin of a URL setting, or a ConfigError that names the setting."""
    try:
        return origin_of(config[name])
    except ValueError as error:
        raise ConfigError(f"{name}: {error}") from None


@dataclass(frozen=True)
class Setting:
    """One environment variable: its default, its demo value and its meaning."""

    name: str
    doc: str
    default: Any = None
    demo: Any = None
    secret: bool = False  # required in production, and never a demo value
    parse: Callable[[str], Any] = _text


SETTINGS: tuple[Setting, ...] = (
    Setting("STOREFRONT_MODE", "`production` (default) or `demo`. Demo mode fills in the demo values below.",
            default="production"),
    Setting("SECRET_KEY", "Signs sessions, the cart cookie and order-status links.",
            demo="demo-secret-key--not-for-production", secret=True),
    Setting("DATABASE_URL", "SQLAlchemy URL. Defaults to SQLite in the instance folder; "
            "`postgres://` is rewritten to `postgresql://`."),
    Setting("SHOP_NAME", "Shown in the header, page titles and e-mails.", default="Twikit Demo Shop"),
    Setting("SHOP_URL", "The shop's public base URL (`https://shop.example.com`), for links in e-mails the worker "
            "sends, as it has no request to take the host from. Unset: e-mails carry no order-status link.",
            demo="http://127.0.0.1:5000"),
    Setting("SHOP_CURRENCY", "ISO 4217 currency of every price; one per shop, as one Stripe Checkout "
            "Session has one currency.", default="EUR"),
    Setting("TWIKIT_API_URL", "Base URL of Twikit's REST API.",
            default=TWIKIT_PRODUCTION_API_URL, demo=f"{DEMO_TWIKIT_SANDBOX}/api/v1"),
    Setting("TWIKIT_INTEGRATION_ID", "The integration ID shown in Twikit's site configuration.",
            demo="sandbox-integration", secret=True),
    Setting("TWIKIT_PAYLOAD_SECRET", "The payload secret that signs order payloads (md5).",
            demo="demo-payload-secret", secret=True),
    Setting("TWIKIT_WEBHOOK_TOKEN", "Unguessable path segment of the Twikit webhook URLs.",
            demo="demo-webhook-token", secret=True),
    Setting("TWIKIT_SCRIPT_URL", "The versioned plugin script, used until a publication webhook replaces it.",
            demo=f"{DEMO_TWIKIT_SANDBOX}/plugin/v1/twikit.js", secret=True),
    Setting("TWIKIT_SCRIPT_ORIGINS", "Comma-separated `scheme://host[:port]` origins a plugin script may "
            "come from. Default: the origin of TWIKIT_SCRIPT_URL.", parse=_origins),
    Setting("TWIKIT_PREVIEW_ORIGINS", "Origins a configuration's preview image may come from. "
            "Default: TWIKIT_SCRIPT_ORIGINS.", parse=_origins),
    Setting("TWIKIT_RETRY_BASE_SECONDS", "First delay before retrying a failed order submission; it doubles "
            "per attempt (with jitter), capped at one hour, for at most 24 hours.", default=30, parse=_int),
    Setting("TWIKIT_READ_TIMEOUT_SECONDS", "How long a create-order call may wait for Twikit's answer. Twikit "
            "calls our payment-verification webhook meanwhile, so leave room for that.", default=60, parse=_int),
    Setting("OUTBOX_LEASE_SECONDS", "How long a worker owns a claimed job; a worker that dies mid-job "
            "frees it when the lease runs out. Longer than any single call's timeouts.", default=300, parse=_int),
    # --- Addresses, shipping, tax and discounts (issue 12) -------------------------------------------
    Setting("TWIKIT_BILL_TO", "Whom Twikit bills: `merchant` (default; the spec's usual case, \"billed to you after "
            "which you generate the customer's bill\", since the customer pays the shop) or `customer`.",
            default="merchant"),
    Setting("TWIKIT_DELIVER_TO", "Where Twikit delivers the customised products: `customer` (default; the "
            "customer's delivery address) or `merchant` (the MERCHANT_* address, for post-processing: order "
            "completion then means the parcel is on its way to you, and you ship it on from the back-office).",
            default="customer"),
    *(Setting(f"MERCHANT_{name}", f"The merchant's {label}, for TWIKIT_BILL_TO or TWIKIT_DELIVER_TO = merchant.",
              demo=demo)
      for name, label, demo in (
          ("FIRST_NAME", "first name", "Demo"), ("LAST_NAME", "last name", "Merchant"),
          ("EMAIL", "email", "merchant@example.com"), ("ADDRESS_LINE1", "address line 1", "Demo Street 1"),
          ("ADDRESS_LINE2", "address line 2 (optional)", None), ("ZIP", "postal code", "1000"),
          ("CITY", "city", "Brussels"), ("COUNTRY_ISO", "ISO 3166-1 alpha-2 country", "BE"),
          ("COMPANY_NAME", "company name (optional)", "Demo Shop (not a real company)"),
          ("COMPANY_VAT", "VAT number (optional)", None), ("PHONE", "phone (optional)", None))),
    Setting("SHIPPING_RATES_FILE", "A JSON file of shipping rates per zone of countries (see the README). "
            "Unset: no shipping is charged and every country may order.",
            demo=str(DEMO_SHIPPING_RATES)),
    Setting("STRIPE_AUTOMATIC_TAX", "`true`: Stripe Tax computes the tax at checkout "
            "(`automatic_tax[enabled]`); turn it on in your Stripe dashboard first.",
            default=False, demo=True, parse=_bool),
    Setting("PRICES_INCLUDE_TAX", "`true` (default): catalog prices and shipping rates include tax; "
            "`false`: Stripe Tax adds it on top.", default=True, parse=_bool),
    Setting("STRIPE_PROMOTION_CODES", "`true`: customers may enter a promotion code on Stripe's payment page "
            "(`allow_promotion_codes`); create the codes in your Stripe dashboard.",
            default=False, demo=True, parse=_bool),
    Setting("TERMS_URL", "Optional link to your terms of sale (delivery and returns), shown beside the order "
            "summary at checkout."),
    Setting("STRIPE_SECRET_KEY", "Stripe secret key (`sk_test_...` or `sk_live_...`).",
            demo="sk_test_sandbox", secret=True),
    Setting("STRIPE_WEBHOOK_SECRET", "Signing secret of the Stripe webhook endpoint (`whsec_...`).",
            demo="whsec_demo_sandbox", secret=True),
    Setting("STRIPE_API_BASE", "Optional: points the official stripe SDK at another base URL "
            "(the Stripe sandbox).", demo=DEMO_STRIPE_SANDBOX),
    Setting("ADMIN_EMAIL", "The back-office login.", demo="admin@example.com", secret=True),
    Setting("ADMIN_PASSWORD", "The back-office password.", demo="demo-admin-password", secret=True),
    Setting("MAIL_URL", "Optional SMTP URL: `smtp://user:pass@host:25`, `smtp+starttls://...:587` or "
            "`smtps://...:465`. Unset: mail is written to the log and to the instance folder."),
    Setting("MAIL_RETRY_BASE_SECONDS", "First delay before retrying an e-mail the mail server refused; it "
            "doubles per attempt (with jitter), capped at one hour, for at most 24 hours.", default=60, parse=_int),
    Setting("MAIL_FROM", "Sender address of the shop's e-mails.", default="shop@example.com"),
)


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the app's settings from defaults, demo values, the environment and overrides."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    mode = overrides.get("STOREFRONT_MODE") or environ.get("STOREFRONT_MODE") or "production"
    if mode not in ("production", "demo"):
        raise ConfigError(f"STOREFRONT_MODE must be 'production' or 'demo', not {mode!r}")

    if environ.get("TWIKIT_ADDRESSES", "").strip():
        raise ConfigError("TWIKIT_ADDRESSES was replaced by TWIKIT_BILL_TO and TWIKIT_DELIVER_TO: for "
                          "TWIKIT_ADDRESSES=merchant set both to merchant, for customer set both to customer")
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if mode == "demo" and setting.demo is not None:
            value = setting.demo
        if environ.get(setting.name, "").strip():
            try:
                value = setting.parse(environ[setting.name])
            except (ValueError, ConfigError) as error:
                raise ConfigError(f"{setting.name}: {error}") from None
        config[setting.name] = value
    config["STOREFRONT_MODE"] = mode
    config.update(overrides)

    _derive(config, instance_path)
    if mode == "production" and not config.get("TESTING"):
        _refuse_unsafe_production(config)
    return config


def _derive(config: dict[str, Any], instance_path: str) -> None:
    """Fill in the settings whose defaults depend on other settings."""
    url = config.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'storefront.sqlite3')}"
    if url.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy only knows postgresql://
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):  # the psycopg 3 driver is the one we install
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    config["DATABASE_URL"] = config["SQLALCHEMY_DATABASE_URI"] = url

    if not config.get("TWIKIT_SCRIPT_ORIGINS") and config.get("TWIKIT_SCRIPT_URL"):
        config["TWIKIT_SCRIPT_ORIGINS"] = (_origin_setting(config, "TWIKIT_SCRIPT_URL"),)
    config["TWIKIT_SCRIPT_ORIGINS"] = tuple(config.get("TWIKIT_SCRIPT_ORIGINS") or ())
    if not config.get("TWIKIT_PREVIEW_ORIGINS"):
        config["TWIKIT_PREVIEW_ORIGINS"] = config["TWIKIT_SCRIPT_ORIGINS"]
    config["TWIKIT_PREVIEW_ORIGINS"] = tuple(config["TWIKIT_PREVIEW_ORIGINS"])
    # Checkout's form posts to us and we redirect to Stripe's hosted page; CSP's
    # form-action covers that redirect, so it must name Stripe's origin.
    stripe_base = config.get("STRIPE_API_BASE")
    config["CSP_FORM_ACTION_ORIGINS"] = (_origin_setting(config, "STRIPE_API_BASE") if stripe_base
                                         else "https://checkout.stripe.com",)
    try:
        config["SHOP_CURRENCY"] = check_currency(str(config["SHOP_CURRENCY"]))
    except ValueError as error:
        raise ConfigError(f"SHOP_CURRENCY: {error}") from None
    _check_merchant_address(config)
    _load_shipping_rates(config)
    if config.get("TERMS_URL") and http_link(config["TERMS_URL"]) is None:
        raise ConfigError(f"TERMS_URL: {config['TERMS_URL']!r} is not an http(s) URL")
    config["DEMO_MODE"] = config["STOREFRONT_MODE"] == "demo"


MERCHANT_REQUIRED = ("FIRST_NAME", "LAST_NAME", "EMAIL", "ADDRESS_LINE1", "ZIP", "CITY", "COUNTRY_ISO")
ADDRESS_PARTIES = ("customer", "merchant")


def _check_merchant_address(config: dict[str, Any]) -> None:
    """TWIKIT_BILL_TO and TWIKIT_DELIVER_TO name a party; the merchant's country is a two-letter code."""
    for name in ("TWIKIT_BILL_TO", "TWIKIT_DELIVER_TO"):
        config[name] = str(config[name]).strip().lower()
        if config[name] not in ADDRESS_PARTIES:
            raise ConfigError(f"{name} must be 'customer' or 'merchant', not {config[name]!r}")
    country = str(config.get("MERCHANT_COUNTRY_ISO") or "").strip()
    if country and (len(country) != 2 or not country.isascii() or not country.isalpha()):
        raise ConfigError(f"MERCHANT_COUNTRY_ISO must be a two-letter ISO 3166 code, not {country!r}")


def merchant_address_problems(config: Mapping[str, Any]) -> list[str]:
    """Billing or delivering to the merchant needs every part of the merchant's address Twikit requires."""
    users = [name for name in ("TWIKIT_BILL_TO", "TWIKIT_DELIVER_TO") if config[name] == "merchant"]
    missing = [f"MERCHANT_{name}" for name in MERCHANT_REQUIRED
               if not str(config.get(f"MERCHANT_{name}") or "").strip()]
    if users and missing:
        return [f"{' and '.join(f'{name}=merchant' for name in users)} needs {', '.join(missing)}"]
    return []


def _load_shipping_rates(config: dict[str, Any]) -> None:
    """Read SHIPPING_RATES_FILE once, at start-up; a mistake in it stops the shop with its place named."""
    path = config.get("SHIPPING_RATES_FILE")
    try:
        config["SHIPPING_RATES"] = load_shipping_rates(path, config["SHOP_CURRENCY"]) if path else None
    except ValueError as error:
        raise ConfigError(f"SHIPPING_RATES_FILE: {error}") from None


def _refuse_unsafe_production(config: Mapping[str, Any]) -> None:
    demo_values = {s.name: s.demo for s in SETTINGS if s.secret}
    problems = []
    for name, demo_value in demo_values.items():
        if not config.get(name):
            problems.append(f"{name} is not set")
        elif config[name] == demo_value:
            problems.append(f"{name} still holds the demo value")
    problems += merchant_address_problems(config)
    script_url = config.get("TWIKIT_SCRIPT_URL") or ""
    if script_url and not script_url.startswith("https://"):
        problems.append("TWIKIT_SCRIPT_URL must be an https URL in production")
    if problems:
        raise ConfigError(
            "Refusing to start in production mode: " + "; ".join(problems)
            + ". Set them in the environment (see .env.example), or run the demo with STOREFRONT_MODE=demo."
        )
