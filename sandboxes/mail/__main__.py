"""Run the mail catcher: ``python -m sandboxes.mail --smtp-port 5025 --http-port 5003``."""

from __future__ import annotations

import argparse

from . import create_app, start_smtp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.mail",
                                     description="Local SMTP server that keeps every mail, and a page to read them.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=5025)
    parser.add_argument("--http-port", type=int, default=5003)
    parser.add_argument("--database", help="SQLite file (default: instance folder)")
    args = parser.parse_args(argv)

    app = create_app({"SANDBOX_DATABASE": args.database})
    controller = start_smtp(app.config["SANDBOX_DATABASE"], args.host, args.smtp_port)
    try:
        app.run(host=args.host, port=args.http_port, threaded=True, use_reloader=False)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
