"""What the benchmarks share: a throwaway PostgreSQL database, the Procfile's processes, the Twikit sandbox, wrk.

Every helper cleans up after itself (a context manager, or a stop function the
caller runs in ``finally``): a benchmark leaves no server running and no
database behind. Nothing here imports the shop at module level, so a
benchmark that only drives processes stays free of the shop's start-up cost.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "address_line1": "Main 1",
           "zip": "1000", "city": "Brussels", "country_iso": "BE"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17

# Production mode with invented secrets: the shop refuses demo values, so these are long and random-looking.
# The Twikit and Stripe URLs are never called by the pages and webhooks measured; production only insists
# that they are https and not this machine.
PRODUCTION_ENV = {
    "STOREFRONT_MODE": "production",
    "SECRET_KEY": "bench-" + "s" * 40,
    "TWIKIT_WEBHOOK_TOKEN": "bench-webhook-token-0123456789",
    "TWIKIT_INTEGRATION_ID": "bench-integration",
    "TWIKIT_PAYLOAD_SECRET": "bench-payload-secret",
    "TWIKIT_API_URL": "https://twikit.invalid/api/v1",
    "TWIKIT_SCRIPT_URL": "https://twikit.invalid/plugin/v1/twikit.js",
    "STRIPE_SECRET_KEY": "sk_test_bench",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench",
    "ADMIN_EMAIL": "owner@shop.example",
    "ADMIN_PASSWORD": "bench-admin-password",
    # Twikit bills the merchant (TWIKIT_BILL_TO's default), so production wants the merchant's address.
    "MERCHANT_FIRST_NAME": "Grace", "MERCHANT_LAST_NAME": "Hopper", "MERCHANT_EMAIL": "owner@shop.example",
    "MERCHANT_ADDRESS_LINE1": "Shop Street 1", "MERCHANT_ZIP": "1000", "MERCHANT_CITY": "Brussels",
    "MERCHANT_COUNTRY_ISO": "BE",
    "SHOP_URL": "https://shop.example",
}
# What a Heroku-style router adds to every request it passes on (TRUSTED_PROXY_HOPS=1): without it,
# production redirects http to https.
ROUTER_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def shop_env(database_url: str, mode: str = "production", **extra: str) -> dict[str, str]:
    """The environment of a shop process (web, worker, release): ours, never the developer's .env."""
    env = {**os.environ, "FLASK_SKIP_DOTENV": "1", "DATABASE_URL": database_url,
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in PRODUCTION_ENV:
        env.pop(name, None)
    env.update(PRODUCTION_ENV if mode == "production" else {"STOREFRONT_MODE": "demo"})
    env.update(extra)
    return env


# --- PostgreSQL ---------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_postgres(server_url: str = DEFAULT_POSTGRES, prefix: str = "bench") -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards; yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_version(server_url: str = DEFAULT_POSTGRES) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return f"PostgreSQL {version}"


# --- the Procfile's processes -----------------------------------------------------------------

def procfile(name: str) -> list[str]:
    """The Procfile's command for process ``name`` (web, worker, release), as an argument list."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == name:
            return shlex.split(command)
    raise LookupError(f"no {name}: line in the Procfile")


def run_procfile(name: str, env: dict[str, str], *extra: str) -> str:
    """Run a Procfile command (or a flask command beside it) to the end; returns its output, raises on failure."""
    result = subprocess.run([*procfile(name), *extra], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"`{' '.join(procfile(name))} {' '.join(extra)}` failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def flask_command(env: dict[str, str], *args: str) -> str:
    """``flask --app storefront ARGS`` in a process of its own, as an operator types it."""
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "storefront", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def instance_folder_as_found() -> Iterator[None]:
    """Remove what the shop's processes add to instance/ (compiled translations, production's compressed statics).

    Processes started from the Procfile use the default instance folder beside the package; anything
    in it before the benchmark started is left alone.
    """
    import shutil

    instance = ROOT / "instance"

    def entries() -> set[Path]:
        found = set(instance.iterdir()) if instance.is_dir() else set()
        return found | {path for folder in found if folder.is_dir() for path in folder.iterdir()}

    existed, before = instance.is_dir(), entries()
    try:
        yield
    finally:
        if not existed:
            shutil.rmtree(instance, ignore_errors=True)
        else:
            for path in sorted(entries() - before, key=lambda p: len(p.parts), reverse=True):
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    """A started process, its log file and how to stop it (by its own PID)."""

    popen: subprocess.Popen
    log: Path
    url: str = ""

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@contextlib.contextmanager
def web_server(env: dict[str, str], log: Path) -> Iterator[Process]:
    """The Procfile's ``web:`` line (gunicorn with gunicorn.conf.py), bound to loopback, until the block ends.

    One argument is added to the Procfile's line: ``--bind 127.0.0.1:PORT``, as the demo does, so the load
    never leaves this machine (the config binds 0.0.0.0). The access log goes to ``log``.
    """
    port = free_port()
    command = [*procfile("web"), "--bind", f"127.0.0.1:{port}"]
    with log.open("ab") as out:
        popen = subprocess.Popen(command, cwd=ROOT, env={**env, "PORT": str(port)}, stdout=out,
                                 stderr=subprocess.STDOUT)
    process = Process(popen, log, f"http://127.0.0.1:{port}")
    try:
        wait_until_up(f"{process.url}/healthz", popen, log)
        yield process
    finally:
        process.stop()


def wait_until_up(url: str, popen: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({popen.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s:\n{log.read_text()[-3000:]}")


# --- the Twikit sandbox -----------------------------------------------------------------------

class CreateOrderCounter:
    """WSGI middleware in front of the sandbox: counts Create Order requests per order identifier.

    The sandbox stores an identifier once (UNIQUE) and answers a repeat with code 9 without keeping
    it, so a second send is visible only at its door. Bench code, not the sandbox's.
    """

    def __init__(self, app):
        self.app, self.lock, self.counts, self.answered_at = app, threading.Lock(), {}, {}

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or not environ["PATH_INFO"].startswith("/api/v1/orders/"):
            return self.app(environ, start_response)
        import io

        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            identifier = json.loads(json.loads(body)["orderPayload"])["identifier"]
        except (ValueError, KeyError, TypeError):
            identifier = "?"
        answer = self.app(environ, start_response)
        with self.lock:
            self.counts[identifier] = self.counts.get(identifier, 0) + 1
            self.answered_at.setdefault(identifier, time.time())  # the first answer's time
        return answer


@dataclass
class Sandbox:
    url: str
    database: Path
    counter: CreateOrderCounter
    server: object

    def stop(self) -> None:
        self.server.shutdown()

    def stored_identifiers(self) -> list[str]:
        """The identifiers in the sandbox's own orders table (one row per identifier, UNIQUE)."""
        with contextlib.closing(sqlite3.connect(self.database)) as connection:
            return [row[0] for row in connection.execute("SELECT identifier FROM orders")]


def start_sandbox(folder: Path) -> Sandbox:
    """The Twikit sandbox on a loopback port, in a thread of this process, with its own SQLite file."""
    import logging

    from werkzeug.serving import make_server

    from sandboxes.twikit import create_app as create_twikit_sandbox

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request among the figures
    holder = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    database = folder / f"twikit-{uuid.uuid4().hex}.sqlite3"
    counter = CreateOrderCounter(create_twikit_sandbox({"SANDBOX_DATABASE": str(database), "PUBLIC_URL": url}))
    holder["app"] = counter
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Sandbox(url, database, counter, server)


def save_configuration(sandbox: str) -> int:
    """One saved design at the sandbox, as the plugin's save() stores it; returns its configuration ID."""
    body = {"productKey": "diamond-letter-jewel", "version": 1,
            "parameters": {"letter": "A", "size": "medium", "material": "silver"},
            "variation": {"id": "silver", "sku": "DLJ-SILVER"},
            "previewPng": "data:image/png;base64," + base64.b64encode(PNG).decode()}
    return requests.post(f"{sandbox}/api/plugin/configurations", json=body, timeout=10).json()["configurationId"]


# --- the shop's data, written directly (what checkout and Stripe's webhook would have left) ---------

def shop_app(database_url: str, folder: Path, **config):
    """The shop's Flask app in this process, for writing fixtures; demo mode, quiet logs."""
    import logging

    from storefront import create_app

    app = create_app({"TESTING": True, "STOREFRONT_MODE": "demo", "SECRET_KEY": "bench", "DATABASE_URL": database_url,
                      "INSTANCE_PATH": str(folder / "instance"), **config})
    logging.disable(logging.INFO)  # create_app configures INFO logging; keep the output to the figures
    return app


def new_identifier() -> str:
    return f"BENCH-{uuid.uuid4().hex[:12].upper()}"


def add_paid_order(configuration_id: int, status: str = "paid", **fields):
    """A paid order of one customised line (not committed); with status="submitted", one Twikit has."""
    from storefront.models import Order, OrderLine, utcnow

    identifier = new_identifier()
    now = utcnow()
    if status != "paid":
        fields.setdefault("submitted_at", now)
    order = Order(identifier=identifier, status=status, email="ada@example.com", billing_address=ADDRESS,
                  delivery_address=ADDRESS, currency="EUR", subtotal_cents=4900, total_cents=4900, paid_at=now,
                  twikit_delivery="customer", lines=[OrderLine(
                      identifier=f"{identifier}-1", product_key="diamond-letter-jewel",
                      product_name="Diamond Letter Pendant", sku="DLJ-SILVER", variant_name="Sterling silver",
                      configuration_id=configuration_id, quantity=1, unit_price_cents=4900)], **fields)
    return order


# --- wrk -----------------------------------------------------------------------------------

# Counts every answer that is not 200 (wrk itself only counts those outside 2xx and 3xx, so a
# redirect would pass unnoticed), in each thread's Lua state; done() adds them up.
STATUS_CHECK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("NOT_200 %d\\n", total))
end
"""


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    not_200: int
    errors: int
    timeouts: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Requests/sec, the 50th and 99th latency percentiles, and every kind of failure wrk reports."""
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write) (\d+)", output))
    timeouts = int((re.search(r"timeout (\d+)", output) or [0, 0])[1])
    errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1])
    not_200 = re.search(r"NOT_200 (\d+)", output)
    return WrkResult(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
                     # No percentiles when not one request finished in the time.
                     p50_ms=_ms(percentiles.get("50", "0ms")), p99_ms=_ms(percentiles.get("99", "0ms")),
                     requests=int(re.search(r"(\d+) requests in", output)[1]),
                     not_200=int(not_200[1]) if not_200 else 0, errors=errors, timeouts=timeouts)


ROUTER_TIMEOUT_SECONDS = 30  # Heroku's router answers 503 (H12) to a request that takes longer


def wrk(url: str, connections: int, seconds: int, headers: dict[str, str], script: Path) -> WrkResult:
    """wrk at ``connections`` connections over min(connections, 2) threads; fails loudly on any non-200.

    A request still unanswered after the router's 30 s is a visitor's error page: counted as a timeout
    and reported beside the figures (its latency is not in wrk's percentiles), not a reason to stop.
    """
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
               "--timeout", f"{ROUTER_TIMEOUT_SECONDS}s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    run = subprocess.run([*command, url], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"wrk failed ({run.returncode}): {run.stderr or run.stdout}")
    output = run.stdout
    result = parse_wrk(output)
    if result.not_200 or result.errors:
        raise SystemExit(f"{url} at {connections} connections: {result.not_200} answer(s) not 200, "
                         f"{result.errors} socket error(s):\n{output}")
    return result


def settle(server: Process, seconds: float = 300) -> None:
    """Wait until gunicorn has worked off what the last load left queued (wrk stops; gunicorn does not).

    A slow page leaves up to one request per connection still being rendered when wrk's time is up;
    the next measurement must not pay for them. Idle means the web processes used under 2 % of a
    core over a quarter of a second, read from /proc for the server's own processes.
    """
    def cpu_ticks() -> int:
        pids = [server.popen.pid]
        children = Path(f"/proc/{server.popen.pid}/task/{server.popen.pid}/children")
        pids += [int(pid) for pid in children.read_text().split()] if children.exists() else []
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total

    per_second = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = cpu_ticks()
        time.sleep(0.25)
        if (cpu_ticks() - before) / per_second < 0.02 * 0.25:
            return


def machine() -> str:
    """CPU count and model, for the figures' header."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown CPU")
    return f"{os.cpu_count()} cores ({model})"
