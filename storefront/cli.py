"""Command-line tools: ``flask --app storefront catalog import FILE`` and ``... worker``.

The demo (the shop beside its vendor stand-ins) is started by ``python -m sandboxes.demo``,
outside the shop.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

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
