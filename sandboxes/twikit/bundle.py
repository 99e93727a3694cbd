"""Assemble one version's ``twikit.js`` from the plugin's source files and its product data.

The spec: the script "contains mostly logic, but also some data required for
rendering". Here the logic is the files in ``static/twikit-plugin/`` and the
data is the product definitions frozen into the version; only the renderers
that those products use are included.
"""

import json
from pathlib import Path

SOURCE_DIR = Path(__file__).parent / "static" / "twikit-plugin"

# Order matters: later files use what earlier ones define inside the shared closure.
CORE_FILES = ["i18n.js", "scene.js", "controls.js", "viewer.js", "save.js", "context.js"]
API_FILE = "api.js"


def build_script(version: int, product_definitions: list[dict]) -> str:
    """Return the JavaScript source of plugin ``version`` for ``product_definitions``."""
    products = {product["key"]: product for product in product_definitions}
    renderers = sorted({product["renderer"] for product in product_definitions})
    parts = [_read(name) for name in CORE_FILES]
    parts += [_read(f"renderers/{name}.js") for name in renderers]
    parts.append(_read(API_FILE))
    return "\n".join([
        f"/*! Twikit sandbox plugin v{version}. Stands in for Twikit's hosted plugin; generated, do not edit. */",
        "(function (window, document) {",
        "'use strict';",
        f"var PLUGIN_VERSION = {version};",
        # ensure_ascii keeps U+2028/2029 and other non-ASCII safely escaped inside JS.
        f"var PRODUCTS = {json.dumps(products, ensure_ascii=True, sort_keys=True)};",
        *parts,
        "})(window, document);",
        "",
    ])


def _read(name: str) -> str:
    return (SOURCE_DIR / name).read_text(encoding="utf-8")
