"""Run the Twikit sandbox on its own: ``python -m sandboxes.twikit --port 5001``."""

import argparse

from werkzeug.serving import run_simple

from . import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.twikit",
                                     description="Run the Twikit sandbox (offline stand-in for Twikit).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--database", help="SQLite file (default: the app's instance folder)")
    parser.add_argument("--public-url",
                        help="external base URL, e.g. http://127.0.0.1:5001 (default: each request's Host)")
    # Site settings: only the flags given override what the settings table holds.
    parser.add_argument("--integration-id", dest="INTEGRATION_ID", metavar="ID",
                        help="the integration ID in the API URLs (default: sandbox-integration)")
    parser.add_argument("--payload-secret", dest="PAYLOAD_SECRET", metavar="SECRET",
                        help="the secret in md5(payload + secret) (default: demo-payload-secret)")
    parser.add_argument("--payment-verification-url", dest="PAYMENT_VERIFICATION_URL", metavar="URL",
                        help="the shop's payment-verification webhook ('' to verify nothing)")
    parser.add_argument("--production-completion-url", dest="PRODUCTION_COMPLETION_URL", metavar="URL")
    parser.add_argument("--order-completion-url", dest="ORDER_COMPLETION_URL", metavar="URL")
    parser.add_argument("--website-publication-url", dest="WEBSITE_PUBLICATION_URL", metavar="URL")
    parser.add_argument("--webhook-retry-delay", dest="WEBHOOK_RETRY_DELAY_SECONDS", type=float, metavar="SECONDS",
                        help="seconds before a failed webhook is retried once (default: 300)")
    parser.add_argument("--verification-timeout", dest="VERIFICATION_TIMEOUT_SECONDS", type=float, metavar="SECONDS",
                        help="seconds to wait for the payment-verification webhook (default: 10)")
    args = parser.parse_args(argv)

    config = {"PUBLIC_URL": args.public_url}
    if args.database:
        config["SANDBOX_DATABASE"] = args.database
    config.update({name: value for name, value in vars(args).items() if name.isupper() and value is not None})
    # Threaded: the browser fetches the script, previews and saves in parallel.
    run_simple(args.host, args.port, create_app(config), threaded=True)


if __name__ == "__main__":
    main()
