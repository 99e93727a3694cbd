"""How close the shop's pages come to the limit of this stack: the same bytes served as a static file.

    .venv/bin/python bench/pages.py [--seconds 5] [--quick] [--postgres postgresql://postgres@127.0.0.1:5432/test]
                                    [--mode production|demo]

For each page (home with 200 and with 2,000 products, a customisable product,
a plain product, the cart empty and with one line), it fetches the page once,
writes its exact bytes as a file in the static folder, warms both (1 s of wrk
at 8 connections, so every web process has read the catalog), and loads both,
the page and its copy, with wrk at 1, 8 and 32 connections (threads =
min(connections, 2)), the page and its copy one right after the other. It prints requests per
second, p50 and p99 latency, and the ratio page/static: on a shared 2-core
machine the ratio, measured in the same run, is the figure to quote.

The server is the Procfile's ``web:`` line (gunicorn with gunicorn.conf.py:
WEB_CONCURRENCY=2 processes x WEB_THREADS=8 threads, its access log on) with one
``--bind 127.0.0.1:PORT`` added, on a fresh PostgreSQL database per catalog
size, made by the Procfile's ``release:`` line and filled by
``flask --app storefront catalog import FILE``. ``--mode production`` (the
default) runs with invented secrets and https vendor URLs that the pages never
call, and wrk sends the router's ``X-Forwarded-Proto: https`` as Heroku's
router would; ``--mode demo`` runs the demo's settings instead.

Cookies: wrk sends none and keeps none, so the home, product and empty-cart
pages are each a first visit (a session cookie the page sets is dropped). The
cart with one line is a returning customer: every request carries the cookie
that adding a gift box to the cart left.

The static files are written before the server that is measured starts
(WhiteNoise indexes the folder at start-up), in ``static/_bench-<id>/``, and
removed afterwards, as are the databases and what the shop's processes add to
instance/ (compiled translations, production's compressed static copies).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from _support import (
    DEFAULT_POSTGRES,
    ROOT,
    ROUTER_HEADERS,
    STATUS_CHECK_LUA,
    Process,
    WrkResult,
    flask_command,
    fresh_postgres,
    instance_folder_as_found,
    machine,
    postgres_version,
    procfile,
    run_procfile,
    settle,
    shop_env,
    web_server,
    wrk,
)

DEMO_CATALOG = ROOT / "storefront" / "catalog" / "demo-catalog.json"
STATIC = ROOT / "static"
CONNECTIONS = (1, 8, 32)


@dataclass
class Page:
    """One page to measure: where it is, the cookie it is asked with, and its bytes once fetched."""

    name: str
    path: str
    cookie: str = ""
    body: bytes = b""
    first_ms: float = 0.0  # the one fetch that took the bytes: a first request after start-up
    static_path: str = ""

    def headers(self, with_cookie: bool = True) -> dict[str, str]:
        return {**ROUTER_HEADERS, **({"Cookie": self.cookie} if self.cookie and with_cookie else {})}


def write_catalog(count: int, folder: Path) -> tuple[Path, str, str | None]:
    """A catalog file of ``count`` products, the demo's four repeated with numbered keys, slugs and SKUs.

    Returns the file, the slug of a customisable product and of a plain one (None if the demo has none).
    """
    demo = json.loads(DEMO_CATALOG.read_text())["products"]
    products = []
    for number in range(count):
        product = json.loads(json.dumps(demo[number % len(demo)]))
        suffix = f"{number:04d}"
        product["key"] = f"{product['key']}-{suffix}"
        product["slug"] = f"{product.get('slug', product['key'])}-{suffix}"
        product["name"] = f"{product['name']} {suffix}"
        for variant in product["variants"]:
            variant["sku"] = f"{variant['sku']}-{suffix}"
        products.append(product)
    path = folder / f"catalog-{count}.json"
    path.write_text(json.dumps({"products": products}))
    customizable = next(p["slug"] for p in products if p.get("customizable", True))
    plain = next((p for p in products if not p.get("customizable", True)), None)
    return path, customizable, plain


def prepare_database(database_url: str, catalog: Path, mode: str) -> None:
    """The Procfile's release step (migrations), then the catalog import, each as its own process."""
    env = shop_env(database_url, mode)
    run_procfile("release", env)
    output = flask_command(env, "catalog", "import", str(catalog))
    print("  " + next(line for line in output.splitlines() if line.startswith("Catalog imported")))


def fetch(base: str, page: Page) -> None:
    """The page's bytes, asked as wrk will ask: 200 and HTML, or stop."""
    started = time.perf_counter()
    response = requests.get(base + page.path, headers=page.headers(), allow_redirects=False, timeout=60)
    page.first_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
        raise SystemExit(f"{page.path}: {response.status_code} {response.headers.get('Content-Type')}")
    page.body = response.content


def cart_cookie(base: str, plain: dict) -> str:
    """Add one plain product to a new cart, as a customer's browser does; returns the Cookie header it leaves.

    The cookie is Secure in production and this is plain http behind a pretend router, so it is carried
    by hand rather than by a cookie jar (which rightly keeps Secure cookies off http).
    """
    jar: dict[str, str] = {}

    def remember(response: requests.Response) -> None:
        jar.update(response.cookies.get_dict())

    headers = dict(ROUTER_HEADERS)
    product = requests.get(f"{base}/products/{plain['slug']}", headers=headers, timeout=30)
    remember(product)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', product.text)[1]
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    # Over https Flask-WTF also checks that the Referer is this shop, as a browser's would be.
    referer = f"https://{base.split('://', 1)[1]}/products/{plain['slug']}"
    added = requests.post(f"{base}/cart/lines", headers={**headers, "Cookie": cookie, "Referer": referer},
                          allow_redirects=False,
                          data={"csrf_token": token, "product": plain["slug"], "sku": plain["variants"][0]["sku"],
                                "quantity": "1"}, timeout=30)
    if added.status_code != 303:
        raise SystemExit(f"adding {plain['slug']} to the cart answered {added.status_code}: {added.text[:500]}")
    remember(added)
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def write_statics(pages: list[Page], folder: Path) -> None:
    """Each page's bytes as a static file, served by the same gunicorn at /static/<version>/_bench-.../."""
    from storefront.static_files import static_version

    folder.mkdir()
    for page in pages:
        (folder / f"{page.name.replace(' ', '-').replace(',', '')}.html").write_bytes(page.body)
    version = static_version(STATIC)
    for page in pages:
        page.static_path = f"/static/{version}/{folder.name}/{page.name.replace(' ', '-').replace(',', '')}.html"


def measure(web: Process, page: Page, seconds: int, script: Path) -> None:
    """wrk on the page, then on its static copy, at each number of connections; prints a row for each.

    Both are warmed first, one second at 8 connections (which reaches every web process): the
    figures are those of a server that has been up, whose processes have each read the catalog
    and kept the page. The first request's cost is printed apart (see ``fetch``).
    """
    for url in (web.url + page.path, web.url + page.static_path):
        wrk(url, 8, 1, page.headers(), script)
    settle(web)
    for connections in CONNECTIONS:
        dynamic = wrk(web.url + page.path, connections, seconds, page.headers(), script)
        settle(web)
        static = wrk(web.url + page.static_path, connections, seconds, page.headers(), script)
        settle(web)
        print(f"  {page.name:<24} {connections:>5}  {figures(dynamic)}  {figures(static)}  "
              f"{dynamic.rps / static.rps:6.3f}  {dynamic.timeouts or '':>4}", flush=True)


def figures(result: WrkResult) -> str:
    """rps, p50 and p99, or dashes for the latencies when not one request finished in the time."""
    if not result.requests:
        return f"{result.rps:8.1f} {'-':>7} {'-':>8}"
    return f"{result.rps:8.1f} {result.p50_ms:7.1f} {result.p99_ms:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk's duration for each measurement")
    parser.add_argument("--quick", action="store_true", help="1 s per measurement: a smoke run, not figures")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a server where the user may create databases")
    parser.add_argument("--mode", choices=("production", "demo"), default="production")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--home-products", type=int, default=2000)
    args = parser.parse_args()
    seconds = 1 if args.quick else args.seconds
    print(f"pages vs the same bytes as a static file, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, "
          f"{postgres_version(args.postgres)}")
    print(f"server: `{' '.join(procfile('web'))}` + --bind 127.0.0.1:PORT, WEB_CONCURRENCY=2, WEB_THREADS=8, "
          f"STOREFRONT_MODE={args.mode}; wrk {seconds} s per figure, threads = min(connections, 2)")
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    bench_static = STATIC / f"_bench-{uuid.uuid4().hex[:8]}"
    with instance_folder_as_found():
        try:
            run(args, seconds, work, bench_static)
        finally:
            shutil.rmtree(bench_static, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, seconds: int, work: Path, bench_static: Path) -> None:
    script = work / "status.lua"
    script.write_text(STATUS_CHECK_LUA)
    small, customizable, plain = write_catalog(args.products, work)
    large, _, _ = write_catalog(args.home_products, work)
    with fresh_postgres(args.postgres, "bench_pages") as small_db, \
            fresh_postgres(args.postgres, "bench_pages") as large_db:
        print(f"catalogs: {args.products} products (database {small_db.rsplit('/', 1)[1]}), "
              f"{args.home_products} (database {large_db.rsplit('/', 1)[1]})")
        prepare_database(small_db, small, args.mode)
        prepare_database(large_db, large, args.mode)
        small_pages = [Page(f"home, {args.products}", "/"), Page("product, customizable", f"/products/{customizable}")]
        if plain:
            small_pages.append(Page("product, plain", f"/products/{plain['slug']}"))
        small_pages.append(Page("cart, empty", "/cart"))
        large_pages = [Page(f"home, {args.home_products}", "/")]

        # First run: fetch each page's bytes (the statics must exist before the measured server starts).
        with web_server(shop_env(small_db, args.mode), work / "web.log") as web:
            if plain:
                small_pages.append(Page("cart, one line (cookie)", "/cart", cookie=cart_cookie(web.url, plain)))
            for page in small_pages:
                fetch(web.url, page)
        with web_server(shop_env(large_db, args.mode), work / "web.log") as web:
            for page in large_pages:
                fetch(web.url, page)
        write_statics(small_pages + large_pages, bench_static)

        print(f"\n  {'':<24} {'':>5}  {'the page':^25}  {'its bytes as a static file':^25}")
        print(f"  {'page':<24} {'conns':>5}  {'rps':>8} {'p50 ms':>7} {'p99 ms':>8}  {'rps':>8} {'p50 ms':>7} "
              f"{'p99 ms':>8}  {'ratio':>6}  {'>30s':>4}")
        for database, pages in ((small_db, small_pages), (large_db, large_pages)):
            with web_server(shop_env(database, args.mode), work / "web.log") as web:
                for page in pages:
                    measure(web, page, seconds, script)
    print(f"\n  '-': not one request finished in the {seconds} s (each took longer); '>30s': requests a router "
          "would have cut off")
    print("\n  size, and the one fetch that took the bytes (right after start-up):")
    for page in small_pages + large_pages:
        print(f"  {page.name:<24} {len(page.body):>9,} bytes  {page.first_ms:8.1f} ms")


if __name__ == "__main__":
    main()
