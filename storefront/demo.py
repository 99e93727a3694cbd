"""Run the demo: the shop, the Twikit sandbox and the Stripe sandbox, side by side.

This is the one place where the shop starts the sandboxes. It starts them as
separate processes on their own ports, so that the three still talk to each
other only over HTTP, exactly as the shop talks to Twikit and Stripe in
production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from flask import Flask


def run_demo(app: Flask, host: str, port: int) -> None:
    """Start the three servers, print their URLs, and stop them all on Ctrl-C."""
    if not app.config["DEMO_MODE"]:
        raise SystemExit("The demo runs only with STOREFRONT_MODE=demo (it uses demo secrets).")
    instance = Path(app.instance_path)
    shop_url = f"http://{host}:{port}"
    twikit_url = f"http://{host}:{port + 1}"
    stripe_url = f"http://{host}:{port + 2}"
    mail_url = f"http://{host}:{port + 3}"
    smtp_port = port + 25
    config = app.config

    # Settings the shop child needs to find the sandboxes on these ports; a value
    # set explicitly in the environment still wins.
    shop_env = {
        "STOREFRONT_MODE": "demo",
        "TWIKIT_API_URL": f"{twikit_url}/api/v1",
        "TWIKIT_SCRIPT_URL": f"{twikit_url}/plugin/v1/twikit.js",
        "STRIPE_API_BASE": stripe_url,
        "SHOP_URL": shop_url,
        "MAIL_URL": f"smtp://{host}:{smtp_port}",  # the mail catcher: every e-mail stays on this machine
    }
    # FLASK_RUN_FROM_CLI (set by this very `flask demo` command) would make app.run() in a child a no-op.
    inherited = {k: v for k, v in os.environ.items() if v.strip() and k != "FLASK_RUN_FROM_CLI"}
    env = {**shop_env, **inherited}

    python = sys.executable
    webhooks = f"{shop_url}/webhooks/twikit/{config['TWIKIT_WEBHOOK_TOKEN']}"
    commands = {
        # The demo fills in what a merchant configures in Twikit's publisher: the
        # integration ID, the payload secret and the four webhook URLs.
        "Twikit sandbox": [python, "-m", "storefront.sandbox.twikit", "--host", host, "--port", str(port + 1),
                           "--database", str(instance / "sandbox-twikit.sqlite3"),
                           "--integration-id", config["TWIKIT_INTEGRATION_ID"],
                           "--payload-secret", config["TWIKIT_PAYLOAD_SECRET"],
                           "--payment-verification-url", f"{webhooks}/payment-verification",
                           "--production-completion-url", f"{webhooks}/production-completion",
                           "--order-completion-url", f"{webhooks}/order-completion",
                           "--website-publication-url", f"{webhooks}/website-publication",
                           "--webhook-retry-delay", "30"],
        "Stripe sandbox": [python, "-m", "storefront.sandbox.stripe", "--host", host, "--port", str(port + 2),
                           "--database", str(instance / "sandbox-stripe.sqlite3"),
                           "--webhook-url", f"{shop_url}/webhooks/stripe",
                           "--webhook-secret", config["STRIPE_WEBHOOK_SECRET"]],
        "Mail catcher": [python, "-m", "storefront.sandbox.mail", "--host", host, "--smtp-port", str(smtp_port),
                         "--http-port", str(port + 3), "--database", str(instance / "sandbox-mail.sqlite3")],
        # Threads matter: Twikit calls our payment-verification webhook while our
        # own create-order call is still waiting for Twikit's answer.
        "Shop": [python, "-m", "gunicorn", "--workers", "2", "--threads", "8", "--bind", f"{host}:{port}",
                 "--access-logfile", "-", "storefront:create_app()"],
        # The outbox worker: submits paid orders to Twikit, never from inside a web request.
        "Worker": [python, "-m", "flask", "--app", "storefront", "worker"],
    }
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, env=env)
        for name, url in (("Twikit sandbox", twikit_url), ("Stripe sandbox", stripe_url), ("Mail catcher", mail_url),
                          ("Shop", shop_url)):
            _wait_until_healthy(name, url, processes[name])
        print(_banner(shop_url, twikit_url, stripe_url, mail_url), flush=True)
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        failed = [name for name, p in processes.items() if p.poll() is not None]
        raise SystemExit(f"{', '.join(failed)} stopped; shutting the demo down.")
    except KeyboardInterrupt:
        print("\nStopping the demo…", flush=True)
    finally:
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


def _wait_until_healthy(name: str, base_url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode} while starting.")
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer {base_url}/healthz within {timeout:.0f} s.")


def _banner(shop_url: str, twikit_url: str, stripe_url: str, mail_url: str) -> str:
    return f"""
  ┌────────────────────────────────────────────────────────────────┐
  │  Twikit storefront demo: sandboxes only, no real money         │
  └────────────────────────────────────────────────────────────────┘
    Shop             {shop_url}
    Twikit sandbox   {twikit_url}   (plugin, REST API, back-office)
    Stripe sandbox   {stripe_url}   (Checkout; pay with 4242 4242 4242 4242)
    Mail catcher     {mail_url}   (the e-mails the shop sends)
    Back-office      {shop_url}/admin   (demo login: admin@example.com / demo-admin-password)

  Press Ctrl-C to stop.
"""
