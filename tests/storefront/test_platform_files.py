"""The files a Heroku-style platform reads: the lock, .python-version, app.json, and the secrets generator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from storefront.config import GENERATED_SECRETS, MINIMUM_LENGTHS, SETTINGS

from ..support.shop import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(lock: str) -> dict[str, str]:
    """Package name -> pinned version, for every ``name==version`` line of a compiled requirements file."""
    found = {}
    for line in (ROOT / lock).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def unpinned(requirements: list[str], locked: dict[str, str]) -> list[str]:
    """The requirements the lock does not pin at a version they allow (extras count as their packages)."""
    missing = []
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(PROJECT["name"]):
            continue  # the shop's own extras, e.g. twikit-storefront[demo]
        if name not in locked or not requirement.specifier.contains(locked[name], prereleases=True):
            missing.append(f"{text} (lock: {locked.get(name, 'not pinned')})")
        for extra in requirement.extras:  # psycopg[binary] -> psycopg-binary, whitenoise[brotli] -> brotli
            if not {f"{name}-{extra}", canonicalize_name(extra)} & set(locked):
                missing.append(f"{text}: its extra {extra!r}")
    return missing


def test_the_lock_pins_every_dependency_pyproject_names():
    assert unpinned(PROJECT["dependencies"], pins("requirements.txt")) == []


def test_the_dev_lock_pins_every_extra_at_the_production_pins():
    production, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    extras = [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    assert unpinned(PROJECT["dependencies"] + extras, dev) == []
    assert {name: dev.get(name) for name in production} == production  # CI tests what production runs


def test_the_lock_check_fails_on_a_dependency_it_does_not_pin():
    locked = pins("requirements.txt")
    assert unpinned(["left-pad>=1"], locked) == ["left-pad>=1 (lock: not pinned)"]
    assert unpinned(["flask>=99"], locked) == [f"flask>=99 (lock: {locked['flask']})"]
    assert unpinned(["psycopg[nonexistent]"], locked) == ["psycopg[nonexistent]: its extra 'nonexistent'"]


def test_the_buildpack_finds_exactly_one_lock_and_a_python_version_ci_tests():
    candidates = ("requirements.txt", "uv.lock", "poetry.lock", "Pipfile.lock", "Pipfile")
    assert [name for name in candidates if (ROOT / name).exists()] == ["requirements.txt"]
    every_line = (ROOT / "requirements.txt").read_text().splitlines()
    assert all("==" in line for line in every_line if line and not line.startswith((" ", "#")))
    assert (ROOT / ".python-version").read_text().strip() == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_app_json_declares_every_setting_the_database_and_the_processes():
    app = json.loads((ROOT / "app.json").read_text())
    assert set(app["env"]) == {setting.name for setting in SETTINGS}, "run scripts/write-app-json"
    for setting in SETTINGS:
        entry = app["env"][setting.name]
        assert entry["description"].startswith(setting.doc.replace("`", "")), setting.name
        assert entry["required"] is setting.secret
        assert (entry.get("generator") == "secret") is (setting.name in GENERATED_SECRETS)
    assert app["addons"] == ["heroku-postgresql"]  # no plan name that could go stale
    assert app["formation"] == {"web": {"quantity": 1}, "worker": {"quantity": 1}}
    [check] = app["healthchecks"]["web"]
    assert check["path"] == "/healthz"


def test_generate_secrets_makes_long_url_safe_values_for_exactly_the_generated_secrets():
    output = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate-secrets")], capture_output=True,
                            text=True, check=True).stdout.split()
    values = dict(word.split("=", 1) for word in output)
    assert tuple(values) == GENERATED_SECRETS
    for name, value in values.items():
        assert len(value) >= MINIMUM_LENGTHS[name] and re.fullmatch(r"[A-Za-z0-9_-]+", value)
    again = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate-secrets")], capture_output=True,
                           text=True, check=True).stdout
    assert set(again.split()).isdisjoint(output)
