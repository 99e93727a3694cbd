"""Settings: defaults, demo values, the environment's precedence and production's refusals."""

import re

import pytest

from storefront import create_app
from storefront.config import SETTINGS, ConfigError, load_config

from ..support.shop import PRODUCTION_ENV, ROOT


def test_heroku_postgres_url_is_rewritten(tmp_path):
    config = load_config(str(tmp_path), environ={**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db.example:5432/shop"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/shop"


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION_ENV)
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
