"""A plain ``pip install .`` is the shop alone: its wheel holds storefront/, and nothing of sandboxes/."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

from ..support.shop import ROOT

DEMO_ONLY = {"aiosmtpd"}


def requirement_name(requirement: str) -> str:
    for separator in "[<>=!~; ":
        requirement = requirement.split(separator, 1)[0]
    return requirement.lower()


def test_the_base_dependencies_name_no_demo_only_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {requirement_name(r) for r in project["dependencies"]}
    assert base & DEMO_ONLY == set()
    assert DEMO_ONLY <= {requirement_name(r) for r in project["optional-dependencies"]["demo"]}


def test_the_wheel_holds_the_whole_shop_and_no_sandbox(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("twikit_storefront-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"storefront"}
    # What the shop needs at run time travels with it: pages, static files, migrations, translations.
    for needed in ("storefront/templates/base.html", "storefront/static/js/twikit-embed.js",
                   "storefront/migrations/env.py", "storefront/catalog/demo-catalog.json",
                   "storefront/translations/nl/LC_MESSAGES/messages.po"):
        assert needed in names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    base = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not [line for line in base if requirement_name(line.split(":", 1)[1].strip()) in DEMO_ONLY]
