"""What a product page makes the browser download of the shop's own JS and CSS, gzipped, against a 15 KB budget.

    .venv/bin/python bench/frontend_weight.py [--budget-kb 15] [--product diamond-letter-pendant]

Renders a product page of the demo catalog (the shop in this process, on a
throwaway SQLite database), then lists every stylesheet and script the HTML
names from the shop's static folder, and every module those scripts import
(static ``import ... from "./x.js"`` and dynamic ``import("./x.js")``), and
stylesheets' ``@import``. Each is gzipped at level 9 (as WhiteNoise's copies
are) and the total is compared with the budget.

It also flags render-blocking third-party code: a ``<script src>`` in
``<head>`` from another origin without ``async``, ``defer`` or
``type="module"``. Twikit's plugin script is named in a data attribute and
loaded by the shop's embed at run time, so it never blocks rendering; it is
listed for the record, as it is Twikit's weight, not the shop's.
"""

from __future__ import annotations

import argparse
import gzip
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from _support import ROOT, shop_app

STATIC = ROOT / "static"
IMPORTS = {
    ".js": re.compile(r"""(?:\bimport\s*(?:[\w*{}\s,]+\s*from\s*)?|\bimport\s*\()\s*["']([^"']+)["']"""),
    ".css": re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)"""),
}


class Assets(HTMLParser):
    """The stylesheets and scripts a page names, and whether each script sits in <head>."""

    def __init__(self):
        super().__init__()
        self.in_head, self.found, self.plugin_scripts = False, [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.found.append(("css", attributes["href"], attributes, self.in_head))
        elif tag == "script" and attributes.get("src"):
            self.found.append(("js", attributes["src"], attributes, self.in_head))
        if attributes.get("data-twikit-script-url"):
            self.plugin_scripts.append(attributes["data-twikit-script-url"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def static_file(url_path: str) -> Path | None:
    """The file behind /static/<version>/... or /static/..., or None when it is not the shop's."""
    parts = urlsplit(url_path)
    if parts.netloc or not parts.path.startswith("/static/"):
        return None
    rest = parts.path[len("/static/"):]
    candidate = STATIC / rest
    if not candidate.is_file():  # /static/<version>/css/shop.css
        candidate = STATIC / rest.split("/", 1)[1]
    return candidate if candidate.is_file() else None


def with_imports(url_path: str, seen: dict[str, Path]) -> None:
    """Add the file and, recursively, what it imports (relative URLs, resolved like a browser does)."""
    if url_path in seen:
        return
    path = static_file(url_path)
    if path is None:
        return
    seen[url_path] = path
    pattern = IMPORTS.get(path.suffix)
    for target in pattern.findall(path.read_text(encoding="utf-8")) if pattern else []:
        if not urlsplit(target).netloc:
            with_imports(urljoin(url_path, target), seen)


def product_page(slug: str) -> str:
    from storefront.catalog.importer import import_catalog_file
    from storefront.cli import DEMO_CATALOG
    from storefront.extensions import db

    with tempfile.TemporaryDirectory(prefix="bench-weight-") as folder:
        app = shop_app(f"sqlite:///{folder}/shop.sqlite3", Path(folder))
        with app.app_context():
            db.create_all()
            import_catalog_file(DEMO_CATALOG, app.config["SHOP_CURRENCY"])
            db.engine.dispose()
        response = app.test_client().get(f"/products/{slug}")
        if response.status_code != 200:
            raise SystemExit(f"/products/{slug} answered {response.status_code}")
        return response.get_data(as_text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget-kb", type=float, default=15.0)
    parser.add_argument("--product", default="diamond-letter-pendant", help="the slug of a demo product")
    args = parser.parse_args()
    page = Assets()
    page.feed(product_page(args.product))

    files: dict[str, Path] = {}
    blocking = []
    for kind, url, attributes, in_head in page.found:
        if static_file(url):
            with_imports(url, files)
        elif kind == "js" and in_head and not ({"async", "defer"} & attributes.keys()
                                               or attributes.get("type") == "module"):
            blocking.append(url)

    print(f"/products/{args.product}: the shop's own JS and CSS, and what they import\n")
    print(f"  {'file':<40} {'bytes':>8} {'gzipped':>8}")
    total_raw = total_gzip = 0
    for path in files.values():
        raw = path.read_bytes()
        packed = len(gzip.compress(raw, compresslevel=9, mtime=0))
        total_raw, total_gzip = total_raw + len(raw), total_gzip + packed
        print(f"  {path.relative_to(ROOT).as_posix():<40} {len(raw):8,} {packed:8,}")
    verdict = "within" if total_gzip <= args.budget_kb * 1024 else "OVER"
    print(f"  {'total':<40} {total_raw:8,} {total_gzip:8,}   {verdict} the {args.budget_kb:g} KB budget "
          f"({total_gzip / 1024:.1f} KB)")
    print("\n  render-blocking third-party <script> in <head>: " + (", ".join(blocking) if blocking else "none"))
    for url in page.plugin_scripts:
        print(f"  Twikit's plugin, loaded by the embed at run time (not counted): {url}")


if __name__ == "__main__":
    main()
