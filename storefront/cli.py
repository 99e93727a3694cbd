"""Command-line tools: ``flask --app storefront catalog import FILE``, ``... worker`` and ``... urls``.

The demo (the shop beside its vendor stand-ins) is started by ``python -m sandboxes.demo``,
outside the shop.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .catalog.importer import CatalogError, import_catalog_file

DEMO_CATALOG = Path(__file__).parent / "catalog" / "demo-catalog.json"

catalog_cli = AppGroup("catalog", help="Load the product catalog.")


@catalog_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--demo", is_flag=True, help="Import the demo catalog shipped with the shop.")
def import_command(path: Path | None, demo: bool) -> None:
    """Import a catalog file (idempotent: importing twice gives the same catalog)."""
    if demo == (path is not None):
        raise click.UsageError("give a catalog FILE, or --demo")
    try:
        result = import_catalog_file(DEMO_CATALOG if demo else path, current_app.config["SHOP_CURRENCY"])
    except CatalogError as error:
        raise click.ClickException(f"nothing imported: {error}") from None
    click.echo(f"Catalog imported: {result}.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job that is due, then exit (for cron and tests).")
@click.option("--poll-seconds", default=2.0, show_default=True, help="How long to wait when no job is due.")
def worker_command(once: bool, poll_seconds: float) -> None:
    """Run the outbox worker: submits paid orders to Twikit."""
    from .worker import Worker

    worker = Worker(current_app._get_current_object(), poll_seconds=poll_seconds)
    worker.install_signal_handlers()
    worker.run(once=once)


@click.command("urls")
@with_appcontext
def urls_command() -> None:
    """Print the webhook URLs to paste into Stripe's dashboard and Twikit's publisher, for SHOP_URL."""
    from .payments.fulfilment import EVENT_HANDLERS
    from .setup_urls import TWIKIT_WEBHOOKS, current_webhook_token, stripe_webhook_url, twikit_webhook_url

    config = current_app.config
    if not config.get("SHOP_URL"):
        raise click.ClickException("set SHOP_URL to the shop's public URL (https://shop.example.com) first")
    with current_app.test_request_context(base_url=config["SHOP_URL"]):
        click.echo("Stripe dashboard > Developers > Webhooks > Add endpoint")
        click.echo(f"  Endpoint URL:  {stripe_webhook_url()}")
        click.echo(f"  Events:        {', '.join(EVENT_HANDLERS)}")
        click.echo("  Then set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...).")
        click.echo("")
        click.echo("Twikit Integration Publisher > your site's configuration > Webhooks")
        if current_webhook_token() is None:
            raise click.ClickException("set TWIKIT_WEBHOOK_TOKEN first (scripts/generate-secrets makes one)")
        width = max(len(title) for title, _endpoint in TWIKIT_WEBHOOKS.values()) + 2
        for route, (title, _endpoint) in TWIKIT_WEBHOOKS.items():
            click.echo(f"  {title + ':':<{width}} {twikit_webhook_url(route)}")
