"""Settings: defaults, demo values, the environment's precedence and production's refusals."""

import re

import pytest

from storefront import config as settings
from storefront import create_app
from storefront.config import SETTINGS, ConfigError, load_config, production_problems, production_warnings

from ..support.shop import PRODUCTION_ENV, ROOT


def test_heroku_postgres_url_is_rewritten(tmp_path):
    config = load_config(str(tmp_path), environ={**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db.example:5432/shop"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/shop"


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    environ = {name: value for name, value in PRODUCTION_ENV.items() if name != "DATABASE_URL"}
    config = load_config(str(tmp_path), environ={**environ, "SQLITE_DISK_PERSISTENT": "true"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'storefront.sqlite3'}"


def test_production_refuses_to_start_without_secrets(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(str(tmp_path), environ={})
    assert "SECRET_KEY is not set" in str(error.value)
    assert "TWIKIT_PAYLOAD_SECRET is not set" in str(error.value)


def test_production_refuses_demo_values(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY still holds the demo value"):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, "SECRET_KEY": "demo-secret-key--not-for-production"})


def test_production_refuses_a_plain_http_script_url(tmp_path):
    with pytest.raises(ConfigError, match="https"):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, "TWIKIT_SCRIPT_URL": "http://cdn.twikit.example/v1.js"})


def test_demo_values_apply_only_in_demo_mode(tmp_path):
    demo = load_config(str(tmp_path), environ={"STOREFRONT_MODE": "demo"})
    assert demo["TWIKIT_API_URL"] == "http://127.0.0.1:5001/api/v1"
    assert demo["STRIPE_API_BASE"] == "http://127.0.0.1:5002"
    production = load_config(str(tmp_path), environ=PRODUCTION_ENV)
    assert production["TWIKIT_API_URL"] == "https://custom-integration-publisher.twikit.com/api/v1"
    assert production["STRIPE_API_BASE"] is None


def test_the_environment_wins_over_demo_values(tmp_path):
    config = load_config(str(tmp_path), environ={"STOREFRONT_MODE": "demo", "TWIKIT_PAYLOAD_SECRET": "mine",
                                                 "TWIKIT_API_URL": "http://127.0.0.1:9999/api/v1"})
    assert config["TWIKIT_PAYLOAD_SECRET"] == "mine"
    assert config["TWIKIT_API_URL"] == "http://127.0.0.1:9999/api/v1"


def test_script_and_preview_origins_default_from_the_script_url(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION_ENV)
    assert config["TWIKIT_SCRIPT_ORIGINS"] == ("https://cdn.twikit.example",)
    assert config["TWIKIT_PREVIEW_ORIGINS"] == ("https://cdn.twikit.example",)
    config = load_config(str(tmp_path), environ={
        **PRODUCTION_ENV, "TWIKIT_SCRIPT_ORIGINS": "https://cdn.twikit.example, https://B.example:8443",
        "TWIKIT_PREVIEW_ORIGINS": "https://img.twikit.example"})
    assert config["TWIKIT_SCRIPT_ORIGINS"] == ("https://cdn.twikit.example", "https://b.example:8443")
    assert config["TWIKIT_PREVIEW_ORIGINS"] == ("https://img.twikit.example",)


def test_connect_origins_and_script_paths_default_from_the_script_url(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION_ENV)  # .../plugin/v7/twikit.js
    assert config["TWIKIT_CONNECT_ORIGINS"] == ("https://cdn.twikit.example",)
    assert config["TWIKIT_SCRIPT_PATHS"] == ("/plugin/",)
    assert config["TWIKIT_LOCALES"] == {}
    config = load_config(str(tmp_path), environ={
        **PRODUCTION_ENV, "TWIKIT_CONNECT_ORIGINS": "https://api.twikit.example",
        "TWIKIT_SCRIPT_PATHS": "/plugin/, /published/", "TWIKIT_LOCALES": "en=default, nl=nl-BE"})
    assert config["TWIKIT_CONNECT_ORIGINS"] == ("https://api.twikit.example",)
    assert config["TWIKIT_SCRIPT_PATHS"] == ("/plugin/", "/published/")
    assert config["TWIKIT_LOCALES"] == {"en": "default", "nl": "nl-BE"}
    shallow = load_config(str(tmp_path), environ={**PRODUCTION_ENV,
                                                  "TWIKIT_SCRIPT_URL": "https://cdn.twikit.example/twikit-7.js"})
    assert shallow["TWIKIT_SCRIPT_PATHS"] == ("/",)


@pytest.mark.parametrize("environ, named", [
    ({"TWIKIT_SCRIPT_PATHS": "plugin/"}, "TWIKIT_SCRIPT_PATHS"),
    ({"TWIKIT_SCRIPT_PATHS": "/plugin/../"}, "TWIKIT_SCRIPT_PATHS"),
    ({"TWIKIT_SCRIPT_PATHS": "/elsewhere/"}, "TWIKIT_SCRIPT_URL must be on TWIKIT_SCRIPT_ORIGINS and under"),
    ({"TWIKIT_SCRIPT_URL": "https://cdn.twikit.example/plugin/v7/twikit.js?v=7"}, "without a query string"),
    ({"TWIKIT_SCRIPT_ORIGINS": "https://other.example"}, "TWIKIT_SCRIPT_URL must be on TWIKIT_SCRIPT_ORIGINS"),
    ({"TWIKIT_LOCALES": "nl"}, "TWIKIT_LOCALES"),
    ({"TWIKIT_LOCALES": "nl=nl BE"}, "TWIKIT_LOCALES"),
])
def test_a_script_path_or_locale_setting_that_cannot_work_is_refused_at_start_up(tmp_path, environ, named):
    with pytest.raises(ConfigError, match=re.escape(named)):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, **environ})


def test_a_malformed_origin_is_named(tmp_path):
    with pytest.raises(ConfigError, match="TWIKIT_SCRIPT_ORIGINS"):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, "TWIKIT_SCRIPT_ORIGINS": "cdn.twikit.example"})


def test_create_app_fails_at_start_up_in_production_without_secrets(tmp_path, monkeypatch):
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_every_setting_is_documented_in_the_readme_and_env_example():
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, f"README does not document {setting.name}"
        assert re.search(rf"^#?\s*{setting.name}=", example, re.M), f".env.example does not list {setting.name}"


def test_twikit_bills_the_merchant_and_delivers_to_the_customer_by_default(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION_ENV)
    assert (config["TWIKIT_BILL_TO"], config["TWIKIT_DELIVER_TO"]) == ("merchant", "customer")


def test_billing_the_merchant_in_production_needs_the_merchants_address(tmp_path):
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("MERCHANT_CITY", "MERCHANT_ZIP")}
    with pytest.raises(ConfigError, match="TWIKIT_BILL_TO=merchant needs MERCHANT_ZIP, MERCHANT_CITY"):
        load_config(str(tmp_path), environ=environ)
    customer_only = {k: v for k, v in environ.items() if not k.startswith("MERCHANT_")}
    config = load_config(str(tmp_path), environ={**customer_only, "TWIKIT_BILL_TO": "customer"})
    assert config["TWIKIT_BILL_TO"] == "customer"


@pytest.mark.parametrize("environ, message", [
    ({"TWIKIT_DELIVER_TO": "warehouse"}, "TWIKIT_DELIVER_TO must be 'customer' or 'merchant'"),
    ({"TWIKIT_ADDRESSES": "merchant"}, "TWIKIT_ADDRESSES was replaced by TWIKIT_BILL_TO and TWIKIT_DELIVER_TO"),
    ({"MERCHANT_COUNTRY_ISO": "Belgium"}, "MERCHANT_COUNTRY_ISO must be a two-letter ISO 3166 code"),
    ({"SHOP_CURRENCY": "EURO"}, "SHOP_CURRENCY: 'EURO' is not an ISO 4217 currency code"),
    ({"STRIPE_AUTOMATIC_TAX": "maybe"}, "STRIPE_AUTOMATIC_TAX: must be true or false, not 'maybe'"),
    ({"TERMS_URL": "javascript:alert(1)"}, "TERMS_URL: 'javascript:alert\\(1\\)' is not an http\\(s\\) URL"),
])
def test_address_money_and_tax_settings_are_checked_at_start_up(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, **environ})


def test_the_shipping_rates_file_is_read_at_start_up_and_must_match_the_currency(tmp_path):
    demo = load_config(str(tmp_path), environ={"STOREFRONT_MODE": "demo"})
    assert demo["SHIPPING_RATES"].zone_for("BE").name == "Benelux"
    assert load_config(str(tmp_path), environ=PRODUCTION_ENV)["SHIPPING_RATES"] is None  # no file, no shipping
    # The demo's own rates are in euros: a demo in yen runs without shipping; a file you name must match.
    assert load_config(str(tmp_path), environ={"STOREFRONT_MODE": "demo", "SHOP_CURRENCY": "JPY"})[
        "SHIPPING_RATES"] is None
    with pytest.raises(ConfigError, match="SHIPPING_RATES_FILE: .*currency: 'EUR' is not the shop's currency JPY"):
        load_config(str(tmp_path), environ={"STOREFRONT_MODE": "demo", "SHOP_CURRENCY": "JPY",
                                            "SHIPPING_RATES_FILE": str(settings.DEMO_SHIPPING_RATES)})
    with pytest.raises(ConfigError, match="SHIPPING_RATES_FILE: cannot read"):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, "SHIPPING_RATES_FILE": str(tmp_path / "none.json")})


# --- what production refuses, and what it only warns about ------------------------------------

def refusal(tmp_path, **changes) -> str:
    """The start-up refusal's message for PRODUCTION_ENV with these changes (None: unset)."""
    environ = {**PRODUCTION_ENV, **changes}
    with pytest.raises(ConfigError) as error:
        load_config(str(tmp_path), environ={k: v for k, v in environ.items() if v is not None})
    return str(error.value)


def test_a_complete_production_environment_starts(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION_ENV)
    assert production_problems(config) == []


@pytest.mark.parametrize("database_url", [None, "sqlite:////var/shop.sqlite3"])
def test_production_refuses_sqlite_and_says_why(tmp_path, database_url):
    message = refusal(tmp_path, DATABASE_URL=database_url)
    assert "DATABASE_URL is SQLite" in message and "throwaway disk" in message and "SQLITE_DISK_PERSISTENT" in message


def test_sqlite_is_allowed_when_the_disk_is_declared_persistent(tmp_path):
    config = load_config(str(tmp_path), environ={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////var/shop.sqlite3",
                                                 "SQLITE_DISK_PERSISTENT": "true"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////var/shop.sqlite3"
    with pytest.raises(ConfigError, match="SQLITE_DISK_PERSISTENT: must be true or false"):
        load_config(str(tmp_path), environ={**PRODUCTION_ENV, "SQLITE_DISK_PERSISTENT": "maybe"})


@pytest.mark.parametrize(("name", "url", "words"), [
    ("TWIKIT_API_URL", "http://custom-integration-publisher.twikit.com/api/v1", "must be an https URL"),
    ("TWIKIT_API_URL", "https://127.0.0.1:5001/api/v1", "points at this machine"),
    ("TWIKIT_API_URL", "https://localhost/api/v1", "points at this machine"),
    ("STRIPE_API_BASE", "http://127.0.0.1:5002", "must be an https URL"),
    ("STRIPE_API_BASE", "https://[::1]:5002", "points at this machine"),
    ("TWIKIT_SCRIPT_URL", "https://0.0.0.0/plugin/v1/twikit.js", "points at this machine"),
])
def test_production_refuses_a_vendor_on_http_or_on_this_machine(tmp_path, name, url, words):
    message = refusal(tmp_path, **{name: url})
    assert f"{name} {words}" in message


@pytest.mark.parametrize(("name", "short", "minimum"), [
    ("SECRET_KEY", "abc", 32), ("SECRET_KEY", "x" * 31, 32),
    ("TWIKIT_WEBHOOK_TOKEN", "t" * 23, 24), ("ADMIN_PASSWORD", "hunter2hunt", 12),
])
def test_production_refuses_secrets_too_short_to_be_secrets(tmp_path, name, short, minimum):
    message = refusal(tmp_path, **{name: short})
    assert f"{name} is shorter than {minimum} characters" in message
    assert short not in message.replace(name, "")  # the message never repeats the secret


def test_one_refusal_lists_everything_that_is_wrong(tmp_path):
    message = refusal(tmp_path, SECRET_KEY="abc", DATABASE_URL=None, TWIKIT_API_URL="http://127.0.0.1:5001/api/v1",
                      STRIPE_SECRET_KEY=None)
    for setting in ("SECRET_KEY", "DATABASE_URL", "TWIKIT_API_URL", "STRIPE_SECRET_KEY is not set"):
        assert setting in message
    assert message.count("\n  - ") == 4


def test_webhook_token_rotation_accepts_two_long_url_safe_tokens(tmp_path):
    new, old = "n" * 24, "o" * 30
    config = load_config(str(tmp_path), environ={**PRODUCTION_ENV, "TWIKIT_WEBHOOK_TOKEN": f" {new} , {old} "})
    assert config["TWIKIT_WEBHOOK_TOKENS"] == (new, old)
    assert "shorter than 24" in refusal(tmp_path, TWIKIT_WEBHOOK_TOKEN=f"{new},short")
    assert "still holds the demo value" in refusal(tmp_path, TWIKIT_WEBHOOK_TOKEN=f"{new},demo-webhook-token")
    assert "more than two tokens" in refusal(tmp_path, TWIKIT_WEBHOOK_TOKEN=f"{new},{old},{'t' * 24}")
    assert "only letters, digits" in refusal(tmp_path, TWIKIT_WEBHOOK_TOKEN="token/with/slashes-0123456789")


def test_the_problems_list_names_each_setting_for_the_settings_page(tmp_path):
    demo = load_config(str(tmp_path), environ={"STOREFRONT_MODE": "demo"})
    problems = production_problems(demo)
    assert {p.setting for p in problems} >= {"SECRET_KEY", "TWIKIT_PAYLOAD_SECRET", "TWIKIT_API_URL",
                                             "STRIPE_API_BASE", "DATABASE_URL", "ADMIN_PASSWORD"}
    assert all(str(problem).startswith(problem.setting) for problem in problems)


def test_production_warns_without_mail_or_shop_url_or_a_shared_login_counter(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION_ENV)
    assert [w.setting for w in production_warnings(config)] == ["MAIL_URL", "SHOP_URL", "RATELIMIT_STORAGE_URI"]
    config = load_config(str(tmp_path), environ={**PRODUCTION_ENV, "MAIL_URL": "smtp://mail.example:25",
                                                 "SHOP_URL": "https://shop.example",
                                                 "RATELIMIT_STORAGE_URI": "redis://cache.example:6379"})
    assert production_warnings(config) == []


def test_create_app_logs_the_warnings_when_production_starts(tmp_path, caplog):
    create_app({**PRODUCTION_ENV, "STOREFRONT_MODE": "production", "INSTANCE_PATH": str(tmp_path)})
    assert "settings: MAIL_URL is not set: customers get no e-mail" in caplog.text
    assert "settings: SHOP_URL is not set" in caplog.text


# --- .env -----------------------------------------------------------------------------------------

def test_dotenv_is_read_from_the_working_directory_and_the_environment_wins(tmp_path, monkeypatch):
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    monkeypatch.delenv("FLASK_SKIP_DOTENV")  # the suite skips .env files; this test reads one
    (tmp_path / ".env").write_text("STOREFRONT_MODE=demo\nSHOP_NAME='Dotenv Shop'\nSHOP_CURRENCY=usd\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHOP_CURRENCY", "GBP")
    config = load_config(str(tmp_path / "instance"))
    assert config["STOREFRONT_MODE"] == "demo" and config["SHOP_NAME"] == "Dotenv Shop"
    assert config["SHOP_CURRENCY"] == "GBP"
