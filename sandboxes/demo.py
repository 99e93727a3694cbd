"""The demo launcher: the shop, its worker and the three vendor stand-ins, side by side.

    python -m sandboxes.demo [--host 127.0.0.1] [--port 5000]

This is the one place where the shop and the sandboxes meet, and they meet
only as separate processes on their own ports: the shop talks to the Twikit
and Stripe sandboxes and to the mail catcher over HTTP and SMTP, exactly as
it talks to Twikit, Stripe and a mail server in production. Nothing here
imports the shop; it starts it with the Procfile's commands.

The launcher plays the merchant who wires the two sides together: it gives
the Twikit sandbox the shop's four webhook URLs and the payload secret (what
a merchant pastes into Twikit's publisher), gives the Stripe sandbox the
shop's webhook endpoint and its signing secret (Stripe's dashboard), and
gives the shop the sandboxes' URLs. The values are demo values, published
in this repository; the shop refuses to start with them in production.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Demo values only, shared by both sides as a merchant would configure them.
# The environment may override each (the shop reads the same names).
DEMO_SETTINGS = {
    "TWIKIT_INTEGRATION_ID": "sandbox-integration",
    "TWIKIT_PAYLOAD_SECRET": "demo-payload-secret",
    "TWIKIT_WEBHOOK_TOKEN": "demo-webhook-token",
    "STRIPE_WEBHOOK_SECRET": "whsec_demo_sandbox",
}

# Each server's port, as an offset from --port.
PORT_OFFSETS = {"Shop": 0, "Twikit sandbox": 1, "Stripe sandbox": 2, "Mail catcher": 3, "SMTP": 25}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.demo",
        description="Run the shop, its worker, the Twikit and Stripe sandboxes and the mail catcher.")
    parser.add_argument("--host", default="127.0.0.1", help="the address every server binds to")
    parser.add_argument("--port", default=5000, type=int,
                        help="the shop's port; the Twikit sandbox, the Stripe sandbox and the mail catcher use "
                             "the next three (5001-5003 by default), and SMTP uses PORT+25 (5025)")
    parser.add_argument("--instance", default=str(PROJECT_ROOT / "instance"),
                        help="folder for the sandboxes' databases and the demo's logs")
    args = parser.parse_args(argv)
    run_demo(args.host, args.port, Path(args.instance))


def run_demo(host: str, port: int, instance: Path) -> None:
    """Start every process, print the URLs, and stop them all on Ctrl-C or SIGTERM."""
    instance.mkdir(parents=True, exist_ok=True)
    urls = {name: f"http://{host}:{port + offset}" for name, offset in PORT_OFFSETS.items() if name != "SMTP"}
    smtp_port = port + PORT_OFFSETS["SMTP"]
    shop_url, twikit_url, stripe_url = urls["Shop"], urls["Twikit sandbox"], urls["Stripe sandbox"]
    settings = {name: os.environ.get(name, "").strip() or value for name, value in DEMO_SETTINGS.items()}

    # What the shop needs to find the sandboxes; a value set in the environment still wins.
    shop_env = {
        "STOREFRONT_MODE": "demo",
        **settings,
        "TWIKIT_API_URL": f"{twikit_url}/api/v1",
        "TWIKIT_SCRIPT_URL": f"{twikit_url}/plugin/v1/twikit.js",
        "STRIPE_API_BASE": stripe_url,
        "SHOP_URL": shop_url,
        "MAIL_URL": f"smtp://{host}:{smtp_port}",  # the mail catcher: every e-mail stays on this machine
    }
    # FLASK_RUN_FROM_CLI would make app.run() in a child a no-op.
    inherited = {k: v for k, v in os.environ.items() if v.strip() and k != "FLASK_RUN_FROM_CLI"}
    env = {**shop_env, **inherited}

    python = sys.executable
    webhooks = f"{shop_url}/webhooks/twikit/{settings['TWIKIT_WEBHOOK_TOKEN'].split(',')[0].strip()}"
    commands = {
        # What a merchant configures in Twikit's publisher: the integration ID, the
        # payload secret and the four webhook URLs.
        "Twikit sandbox": [python, "-m", "sandboxes.twikit", "--host", host, "--port", str(port + 1),
                           "--database", str(instance / "sandbox-twikit.sqlite3"),
                           "--integration-id", settings["TWIKIT_INTEGRATION_ID"],
                           "--payload-secret", settings["TWIKIT_PAYLOAD_SECRET"],
                           "--payment-verification-url", f"{webhooks}/payment-verification",
                           "--production-completion-url", f"{webhooks}/production-completion",
                           "--order-completion-url", f"{webhooks}/order-completion",
                           "--website-publication-url", f"{webhooks}/website-publication",
                           "--webhook-retry-delay", "30"],
        # What a merchant configures in Stripe's dashboard: the endpoint and its signing secret.
        "Stripe sandbox": [python, "-m", "sandboxes.stripe", "--host", host, "--port", str(port + 2),
                           "--database", str(instance / "sandbox-stripe.sqlite3"),
                           "--webhook-url", f"{shop_url}/webhooks/stripe",
                           "--webhook-secret", settings["STRIPE_WEBHOOK_SECRET"]],
        "Mail catcher": [python, "-m", "sandboxes.mail", "--host", host, "--smtp-port", str(smtp_port),
                         "--http-port", str(port + 3), "--database", str(instance / "sandbox-mail.sqlite3")],
        # The Procfile's web and worker lines, on the demo's port.
        "Shop": [python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"{host}:{port}",
                 "storefront:create_app()"],
        "Worker": [python, "-m", "flask", "--app", "storefront", "worker"],
    }
    log_path = instance / "demo.log"
    processes: dict[str, subprocess.Popen] = {}
    with open(log_path, "ab") as log:
        try:
            for name, command in commands.items():
                # Request logs go to a file, so the URLs below stay on screen.
                processes[name] = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
            for name, url in urls.items():
                _wait_until_healthy(name, url, processes[name], log_path)
            print(_banner(urls, smtp_port, log_path), flush=True)
            signal.signal(signal.SIGTERM, _stop_on_sigterm)
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            failed = [name for name, p in processes.items() if p.poll() is not None]
            raise SystemExit(f"{', '.join(failed)} stopped (see {log_path}); shutting the demo down.")
        except KeyboardInterrupt:
            print("\nStopping the demo…", flush=True)
        finally:
            _stop(processes)


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _stop_on_sigterm(_signum, _frame) -> None:
    raise KeyboardInterrupt  # a platform stop is handled like Ctrl-C: stop the children too


def _wait_until_healthy(name: str, base_url: str, process: subprocess.Popen, log_path: Path,
                        timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode} while starting; see {log_path}.")
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer {base_url}/healthz within {timeout:.0f} s; see {log_path}.")


def _banner(urls: dict[str, str], smtp_port: int, log_path: Path) -> str:
    return f"""
  ┌────────────────────────────────────────────────────────────────┐
  │  Twikit storefront demo: sandboxes only, no real money         │
  └────────────────────────────────────────────────────────────────┘
    Shop             {urls["Shop"]}
    Twikit sandbox   {urls["Twikit sandbox"]}   (plugin, REST API, back-office)
    Stripe sandbox   {urls["Stripe sandbox"]}   (Checkout; pay with 4242 4242 4242 4242)
    Mail catcher     {urls["Mail catcher"]}   (the e-mails the shop sends; SMTP on port {smtp_port})
    Back-office      {urls["Shop"]}/admin   (demo login: admin@example.com / demo-admin-password)

  Logs: {log_path}
  Press Ctrl-C to stop.
"""


if __name__ == "__main__":
    main()
