"""Run the Twikit sandbox on its own: ``python -m storefront.sandbox.twikit --port 5001``."""

import argparse

from werkzeug.serving import run_simple

from . import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m storefront.sandbox.twikit",
                                     description="Run the Twikit sandbox (offline stand-in for Twikit).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--database", help="SQLite file (default: the app's instance folder)")
    parser.add_argument("--public-url",
                        help="external base URL, e.g. http://127.0.0.1:5001 (default: each request's Host)")
    args = parser.parse_args(argv)

    config = {"PUBLIC_URL": args.public_url}
    if args.database:
        config["SANDBOX_DATABASE"] = args.database
    # Threaded: the browser fetches the script, previews and saves in parallel.
    run_simple(args.host, args.port, create_app(config), threaded=True)


if __name__ == "__main__":
    main()
