"""Run the sandbox: ``python -m sandboxes.stripe --port 5002 ...``."""

from __future__ import annotations

import argparse

from . import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.stripe",
        description="Stripe Checkout sandbox (no real money).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002)
    parser.add_argument("--database", help="SQLite file (default: instance folder)")
    parser.add_argument("--public-url", help="our external base URL, e.g. http://127.0.0.1:5002")
    parser.add_argument("--webhook-url", help="the shop's webhook endpoint")
    parser.add_argument("--webhook-secret", help="signing secret, whsec_...")
    parser.add_argument("--api-key", action="append", dest="api_keys",
                        help="accepted secret key (repeatable; default: any sk_test_...)")
    parser.add_argument("--retry-delays", default="5,30,300",
                        help="seconds between webhook attempts, comma-separated")
    parser.add_argument("--async-settle-seconds", type=float, default=3)
    args = parser.parse_args(argv)

    app = create_app({
        "SANDBOX_DATABASE": args.database,
        "PUBLIC_URL": args.public_url,
        "WEBHOOK_URL": args.webhook_url,
        "WEBHOOK_SECRET": args.webhook_secret,
        "API_KEYS": args.api_keys,
        "WEBHOOK_RETRY_DELAYS": [float(d) for d in args.retry_delays.split(",") if d.strip()],
        "ASYNC_SETTLE_SECONDS": args.async_settle_seconds,
    })
    # threaded: the hosted page, the API and the dashboard serve concurrently.
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
