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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .checkout.shipping import load_shipping_rates
from .money import check_currency
from .safe_urls import http_link, is_from_origins, is_loopback, is_under_paths, origin_of, path_prefix

TWIKIT_PRODUCTION_API_URL = "https://custom-integration-publisher.twikit.com/api/v1"

DEMO_SHIPPING_RATES = Path(__file__).parent / "checkout" / "demo-shipping-rates.json"
DEMO_SHIPPING_CURRENCY = "EUR"  # the demo rates file's; a demo in another currency charges no shipping

# Where the demo command runs the two sandboxes. Demo values only.
DEMO_TWIKIT_SANDBOX = "http://127.0.0.1:5001"
DEMO_STRIPE_SANDBOX = "http://127.0.0.1:5002"


class ConfigError(RuntimeError):
    """The settings cannot run the shop; the message says which and why."""


def _text(value: str) -> str:
    return value.strip()


def _int(value: str) -> int:
    return int(value.strip())


def _count(value: str) -> int:
    number = int(value.strip())
    if number < 0:
        raise ValueError(f"must be 0 or more, not {number}")
    return number


def _positive(value: str) -> int:
    number = int(value.strip())
    if number < 1:
        raise ValueError(f"must be 1 or more, not {number}")
    return number


def _bool(value: str) -> bool:
    word = value.strip().lower()
    if word not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ValueError(f"must be true or false, not {value.strip()!r}")
    return word in ("true", "1", "yes", "on")


def _origins(value: str) -> tuple[str, ...]:
    return tuple(origin_of(part) for part in value.split(",") if part.strip())


def _path_prefixes(value: str) -> tuple[str, ...]:
    return tuple(path_prefix(part) for part in value.split(",") if part.strip())


_LOCALE_TAG = re.compile(r"[A-Za-z0-9_-]{1,35}")


def _locale_map(value: str) -> dict[str, str]:
    """``en=default,nl=nl-BE`` -> {"en": "default", "nl": "nl-BE"}."""
    mapping = {}
    for pair in (part.strip() for part in value.split(",") if part.strip()):
        shop, _, plugin = (side.strip() for side in pair.partition("="))
        if not _LOCALE_TAG.fullmatch(shop) or not _LOCALE_TAG.fullmatch(plugin):
            raise ValueError(f"{pair!r} is not a pair like nl=nl-BE")
        mapping[shop] = plugin
    return mapping


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
    # The plugin's other hosts, its paths and its language: Twikit's real script may save to and
    # serve previews from hosts other than its own, and name its locales otherwise than the shop.
    Setting("TWIKIT_CONNECT_ORIGINS", "Origins the plugin may send requests to (the CSP's `connect-src`), "
            "e.g. where `save()` stores a configuration. Default: TWIKIT_SCRIPT_ORIGINS.", parse=_origins),
    Setting("TWIKIT_SCRIPT_PATHS", "Comma-separated path prefixes (`/plugin/`) a published plugin script URL "
            "must be under, besides being on TWIKIT_SCRIPT_ORIGINS. Default: the folder above the one that "
            "holds TWIKIT_SCRIPT_URL (`/plugin/` for `/plugin/v1/twikit.js`).", parse=_path_prefixes),
    Setting("TWIKIT_LOCALES", "Maps the shop's locales to the plugin's `createContext` locale: comma-separated "
            "`shop=plugin` pairs, e.g. `en=default,nl=nl-BE`. A locale not listed is passed as it is.",
            parse=_locale_map),
    Setting("TWIKIT_RETRY_BASE_SECONDS", "First delay before retrying a failed order submission; it doubles "
            "per attempt (with jitter), capped at OUTBOX_RETRY_MAX_SECONDS, for at most 24 hours.",
            default=30, parse=_int),
    Setting("OUTBOX_RETRY_MAX_SECONDS", "Longest single delay before the worker retries a job (an order "
            "submission, an e-mail); the doubling delays stop growing there.", default=3600, parse=_positive),
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
    # --- the back-office's login throttle (storefront/admin/throttle.py) ---
    Setting("RATELIMIT_STORAGE_URI", "Where failed back-office logins are counted (the `limits` library's storage "
            "URI). `memory://` counts per process: with several web processes (gunicorn's 2 workers, or more "
            "dynos) each keeps its own count, so an attacker gets that many times the attempts. In production "
            "use a shared store, e.g. `redis://host:6379` (install the `redis` package).", default="memory://"),
    Setting("MAIL_URL", "Optional SMTP URL: `smtp://user:pass@host:25`, `smtp+starttls://...:587` or "
            "`smtps://...:465`. Unset: mail is written to the log and to the instance folder."),
    Setting("MAIL_RETRY_BASE_SECONDS", "First delay before retrying an e-mail the mail server refused; it "
            "doubles per attempt (with jitter), capped at OUTBOX_RETRY_MAX_SECONDS, for at most 24 hours.",
            default=60, parse=_int),
    Setting("MAIL_FROM", "Sender address of the shop's e-mails.", default="shop@example.com"),
    # --- Running on a platform: the router in front, the processes, the database (README: Going live) ---
    Setting("TRUSTED_PROXY_HOPS", "How many proxies in front of the shop append to `X-Forwarded-For` and set "
            "`X-Forwarded-Proto` (Heroku's router: 1). Production only; the https redirect relies on it.",
            default=1, parse=_count),
    Setting("TRUST_X_FORWARDED_HOST", "`true` only if that proxy sets `X-Forwarded-Host` (Heroku's router does "
            "not, so a visitor could): the shop then takes its host name from it.", default=False, parse=_bool),
    Setting("SQLITE_DISK_PERSISTENT", "`true` lets production run on SQLite, for one machine whose web, worker "
            "and release processes share one persistent disk. Heroku, Render and Fly give each process a "
            "throwaway disk of its own: use PostgreSQL there.", default=False, parse=_bool),
    Setting("DATABASE_CONNECT_TIMEOUT_SECONDS", "How long to wait for PostgreSQL to accept a connection.",
            default=5, parse=_count),
    Setting("DATABASE_STATEMENT_TIMEOUT_SECONDS", "Longest one SQL statement may run on PostgreSQL (migrations "
            "excepted), so a hung database cannot hold a request past the router's 30 s.", default=15, parse=_count),
    Setting("WEB_CONCURRENCY", "gunicorn worker processes per web dyno; Heroku sets it from the dyno's size. "
            "Read by gunicorn.conf.py.", default=2, parse=_count),
    Setting("WEB_THREADS", "Threads per gunicorn worker process, and so the database connections each may "
            "hold (its pool's size). Read by gunicorn.conf.py.", default=8, parse=_count),
)

# Secrets the shop may invent (app.json's "generator": "secret", scripts/generate-secrets); the
# others come from Twikit, Stripe or the merchant.
GENERATED_SECRETS = ("SECRET_KEY", "TWIKIT_WEBHOOK_TOKEN", "ADMIN_PASSWORD")
# Shorter is not a secret: a 3-character SECRET_KEY is found offline in under a second, and with it
# anyone can sign an admin session.
MINIMUM_LENGTHS = {"SECRET_KEY": 32, "TWIKIT_WEBHOOK_TOKEN": 24, "ADMIN_PASSWORD": 12}
# A webhook token is a path segment of the URLs pasted into Twikit's publisher.
URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the app's settings from defaults, demo values, the environment and overrides."""
    environ = read_environment() if environ is None else environ
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
    if (config.get("SHIPPING_RATES_FILE") == str(DEMO_SHIPPING_RATES) and "SHIPPING_RATES_FILE" not in overrides
            and not environ.get("SHIPPING_RATES_FILE", "").strip()
            and str(config.get("SHOP_CURRENCY", "")).strip().upper() != DEMO_SHIPPING_CURRENCY):
        # The demo's rates are amounts in euros: a demo in another currency runs without shipping
        # rather than refuse to start. A rates file you name must match the currency (_load_shipping_rates).
        config["SHIPPING_RATES_FILE"] = None

    _derive(config, instance_path)
    if mode == "production" and not config.get("TESTING"):
        _refuse_unsafe_production(config)
    return config


def read_environment() -> dict[str, str]:
    """The process's environment over the settings in ``.env`` (searched from the working directory up).

    ``FLASK_SKIP_DOTENV=1`` skips the file, as it does for the ``flask`` command (the tests set it).
    """
    from dotenv import dotenv_values, find_dotenv

    if os.environ.get("FLASK_SKIP_DOTENV", "").strip().lower() in ("1", "true", "yes"):
        return dict(os.environ)
    path = find_dotenv(usecwd=True)
    from_file = {name: value for name, value in dotenv_values(path).items() if value is not None} if path else {}
    return {**from_file, **os.environ}


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
    config["TWIKIT_CONNECT_ORIGINS"] = tuple(config.get("TWIKIT_CONNECT_ORIGINS") or config["TWIKIT_SCRIPT_ORIGINS"])
    _derive_script_paths(config)
    config["TWIKIT_LOCALES"] = dict(config.get("TWIKIT_LOCALES") or {})
    # Checkout's form posts to us and we redirect to Stripe's hosted page; CSP's
    # form-action covers that redirect, so it must name Stripe's origin.
    stripe_base = config.get("STRIPE_API_BASE")
    config["CSP_FORM_ACTION_ORIGINS"] = (_origin_setting(config, "STRIPE_API_BASE") if stripe_base
                                         else "https://checkout.stripe.com",)
    try:
        config["SHOP_CURRENCY"] = check_currency(str(config["SHOP_CURRENCY"]))
    except ValueError as error:
        raise ConfigError(f"SHOP_CURRENCY: {error}") from None
    # Two tokens while the merchant moves Twikit's publisher to the new URLs: "new,old".
    config["TWIKIT_WEBHOOK_TOKENS"] = tuple(
        token.strip() for token in str(config.get("TWIKIT_WEBHOOK_TOKEN") or "").split(",") if token.strip())
    _check_merchant_address(config)
    _load_shipping_rates(config)
    if config.get("TERMS_URL") and http_link(config["TERMS_URL"]) is None:
        raise ConfigError(f"TERMS_URL: {config['TERMS_URL']!r} is not an http(s) URL")
    config["DEMO_MODE"] = config["STOREFRONT_MODE"] == "demo"


def _derive_script_paths(config: dict[str, Any]) -> None:
    """Default the script path prefixes from TWIKIT_SCRIPT_URL, and check that URL against them and the origins."""
    url = config.get("TWIKIT_SCRIPT_URL") or ""
    if not config.get("TWIKIT_SCRIPT_PATHS"):
        # /plugin/v1/twikit.js -> /plugin/: later versions come at new URLs beside v1/.
        path = urlsplit(url).path if url else "/"
        folders = path.rsplit("/", 2)
        config["TWIKIT_SCRIPT_PATHS"] = (folders[0] + "/",) if len(folders) == 3 else ("/",)
    config["TWIKIT_SCRIPT_PATHS"] = tuple(config["TWIKIT_SCRIPT_PATHS"])
    if url and not (is_from_origins(url, config["TWIKIT_SCRIPT_ORIGINS"])
                    and is_under_paths(url, config["TWIKIT_SCRIPT_PATHS"])):
        raise ConfigError("TWIKIT_SCRIPT_URL must be on TWIKIT_SCRIPT_ORIGINS and under TWIKIT_SCRIPT_PATHS "
                          f"({', '.join(config['TWIKIT_SCRIPT_PATHS'])}), without a query string or fragment")


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


def _merchant_address_problems(config: Mapping[str, Any]) -> list[Problem]:
    """Billing or delivering to the merchant needs every part of the merchant's address Twikit requires."""
    users = [name for name in ("TWIKIT_BILL_TO", "TWIKIT_DELIVER_TO") if config[name] == "merchant"]
    missing = [f"MERCHANT_{name}" for name in MERCHANT_REQUIRED
               if not str(config.get(f"MERCHANT_{name}") or "").strip()]
    if users and missing:
        return [Problem(missing[0], f"{' and '.join(f'{name}=merchant' for name in users)} needs "
                                    f"{', '.join(missing)}")]
    return []


def _load_shipping_rates(config: dict[str, Any]) -> None:
    """Read SHIPPING_RATES_FILE once, at start-up; a mistake in it stops the shop with its place named."""
    path = config.get("SHIPPING_RATES_FILE")
    try:
        config["SHIPPING_RATES"] = load_shipping_rates(path, config["SHOP_CURRENCY"]) if path else None
    except ValueError as error:
        raise ConfigError(f"SHIPPING_RATES_FILE: {error}") from None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the settings for production, and the setting to change."""

    setting: str
    message: str

    def __str__(self) -> str:
        return self.message


def production_problems(config: Mapping[str, Any]) -> list[Problem]:
    """Everything in these (derived) settings that production refuses to start with; empty when it may start."""
    return [*_secret_problems(config), *_vendor_url_problems(config), *_merchant_address_problems(config),
            *_database_problems(config)]


def production_warnings(config: Mapping[str, Any]) -> list[Problem]:
    """What production starts without, at a cost to customers the merchant should know about."""
    warnings = []
    if not config.get("MAIL_URL"):
        warnings.append(Problem("MAIL_URL", "MAIL_URL is not set: customers get no e-mail (the shop writes "
                                            "each one to its log and instance/mail/ instead)"))
    shop_url = config.get("SHOP_URL") or ""
    if not shop_url:
        warnings.append(Problem("SHOP_URL", "SHOP_URL is not set: e-mails go out without the link to the "
                                            "order's status page"))
    elif not shop_url.startswith("https://"):
        warnings.append(Problem("SHOP_URL", "SHOP_URL is not an https URL: links in e-mails take a detour "
                                            "through the https redirect"))
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        warnings.append(Problem("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI is memory://: each web process "
                                "counts failed back-office logins on its own (use a shared store such as redis://)"))
    return warnings


def _secret_problems(config: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for setting in SETTINGS:
        if not setting.secret:
            continue
        name, value = setting.name, config.get(setting.name)
        values = config.get("TWIKIT_WEBHOOK_TOKENS", ()) if name == "TWIKIT_WEBHOOK_TOKEN" else (value,)
        if not value or not values:
            problems.append(Problem(name, f"{name} is not set"))
        elif setting.demo in values:
            problems.append(Problem(name, f"{name} still holds the demo value"))
        elif name in MINIMUM_LENGTHS and min(len(str(v)) for v in values) < MINIMUM_LENGTHS[name]:
            problems.append(Problem(name, f"{name} is shorter than {MINIMUM_LENGTHS[name]} characters, too short "
                                          "to be a secret (scripts/generate-secrets makes long random ones)"))
    tokens = config.get("TWIKIT_WEBHOOK_TOKENS", ())
    if len(tokens) > 2:
        problems.append(Problem("TWIKIT_WEBHOOK_TOKEN", "TWIKIT_WEBHOOK_TOKEN holds more than two tokens: "
                                                        "the new one, and the old one while you rotate"))
    if any(not URL_SAFE.fullmatch(token) for token in tokens):
        problems.append(Problem("TWIKIT_WEBHOOK_TOKEN", "TWIKIT_WEBHOOK_TOKEN may hold only letters, digits and "
                                                        "- _ . ~ (it is a segment of the webhook URLs)"))
    return problems


def _vendor_url_problems(config: Mapping[str, Any]) -> list[Problem]:
    """Twikit and Stripe are reached over https on the internet; http or this machine is a demo left in."""
    problems = []
    for name in ("TWIKIT_API_URL", "STRIPE_API_BASE", "TWIKIT_SCRIPT_URL"):
        url = str(config.get(name) or "")
        if not url:
            continue  # an unset STRIPE_API_BASE is Stripe itself; the others are named by _secret_problems
        if not url.startswith("https://"):
            problems.append(Problem(name, f"{name} must be an https URL in production, not {url}"))
        elif is_loopback(url):
            problems.append(Problem(name, f"{name} points at this machine ({url}), which is only ever a sandbox"))
    return problems


def _database_problems(config: Mapping[str, Any]) -> list[Problem]:
    url = str(config.get("DATABASE_URL") or "")
    if url.startswith("sqlite") and not config.get("SQLITE_DISK_PERSISTENT"):
        return [Problem("DATABASE_URL", (
            "DATABASE_URL is SQLite (the default while it is unset), but on Heroku-style platforms every process "
            "has a throwaway disk of its own: the worker would never see the paid orders the web process writes, "
            "and every restart would lose them. Add PostgreSQL (its add-on sets DATABASE_URL), or set "
            "SQLITE_DISK_PERSISTENT=true if every process shares one persistent disk"))]
    return []


def _refuse_unsafe_production(config: Mapping[str, Any]) -> None:
    problems = production_problems(config)
    if problems:
        raise ConfigError(
            "Refusing to start in production mode:\n" + "\n".join(f"  - {problem}" for problem in problems)
            + "\nSet them in the environment (see .env.example and the README's \"Going live\"), or run the demo "
            "with STOREFRONT_MODE=demo."
        )
