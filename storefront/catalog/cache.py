"""The catalog read cache: each web process keeps the published catalog, and asks once per request if it changed.

The home page and the product pages are a shop's busiest pages, and the
catalog changes seldom (an import, a publication from Twikit, an edit in the
back-office). So each process keeps a read-only copy of the published catalog
(``storefront.catalog.listing``) under the catalog version it was read at.

Why a version number, not a time-to-live: gunicorn runs several processes, and
a merchant who changes a price expects the next page, in any process, to show
it. The cart charges the price in the database, so a page that showed an old
price for a few seconds more would be a page that lies. The version
(``CatalogVersion``) is raised in the same transaction as the change, by
session hooks that see every product and variant written through the ORM (a
flush, or a bulk ``update(Product)``), so no writer can forget it, and no
reader sees the new version with the old data. A change made outside the shop
(SQL typed into psql) is not seen: restart the web processes after one.

Reading the version costs one primary-key lookup per request, and it is made
in the same statement as the current plugin script URL, which product pages
need anyway: a catalog page costs one statement while the catalog is
unchanged, and two on the first request after a change (that one, then the
published products joined with their variants).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from itertools import chain

from flask import Flask, current_app, g
from sqlalchemy import Row, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from ..extensions import db
from ..models import CatalogVersion, Product, Variant
from ..twikit.script import script_url_columns, script_url_from, script_url_parameters
from .listing import Catalog, load_catalog

EXTENSION = "storefront.catalog_cache"
# Writing any of these through the ORM raises the catalog version in the same transaction.
CATALOG_MODELS = (Product, Variant)


@dataclass(frozen=True)
class ShopWindow:
    """What the shop window shows on this request: the published catalog and the plugin script URL."""

    catalog: Catalog
    script_url: str


class _Store:
    """One process's copy of the catalog; threads share it, and one of them reloads it when it is stale."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.reloading = threading.Lock()

    def at(self, version: int) -> Catalog:
        catalog = self.catalog
        if catalog is not None and catalog.version == version:
            return catalog
        with self.reloading:  # the other threads wait for this one's copy rather than each reading their own
            if self.catalog is None or self.catalog.version != version:
                self.catalog = load_catalog(version)
            return self.catalog


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = _Store()
    # On the Session class: the web process, the worker and the CLI all write through it.
    for name, hook in (("after_flush", _raise_version_on_catalog_change),
                       ("do_orm_execute", _raise_version_on_catalog_statement)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def shop_window() -> ShopWindow:
    """The catalog and script URL for this request, read from the database at most once per catalog change."""
    if "shop_window" not in g:
        row = _read_window()
        catalog = current_app.extensions[EXTENSION].at(row.version or 0)
        g.shop_window = ShopWindow(catalog, script_url_from(row))
    return g.shop_window


def _read_window() -> Row:
    """The row of the catalog version and the script; past the ORM, as these are plain columns."""
    if db.session().in_transaction():  # in the request's transaction, on its connection
        return db.session.connection().execute(_window_statement(), script_url_parameters()).one()
    # The page's first read, and on a page without a cart its only one: in autocommit mode, as a
    # transaction around one statement costs PostgreSQL two more round trips (BEGIN, ROLLBACK) and
    # shows nothing more. The connection goes back to the pool before the session takes one.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_window_statement(), script_url_parameters()).one()


@cache
def _window_statement():
    """The catalog version and the current script, in one statement; built once (building one costs more than it)."""
    version = select(CatalogVersion.value).where(CatalogVersion.id == 1).scalar_subquery().label("version")
    return select(version, *script_url_columns())


def _raise_version_on_catalog_change(session: Session, flush_context) -> None:
    """After a flush that wrote a product or a variant: raise the version, in the same transaction."""
    changed = chain(session.new, session.dirty, session.deleted)  # still the flush's lists, after it
    if any(isinstance(row, CATALOG_MODELS) for row in changed):
        _raise_version(session)


def _raise_version_on_catalog_statement(state: ORMExecuteState) -> None:
    """Before a bulk insert, update or delete of products or variants (``update(Product)...``): the same."""
    if (state.is_insert or state.is_update or state.is_delete) and any(
            mapper.class_ in CATALOG_MODELS for mapper in state.all_mappers):
        _raise_version(state.session)


def _raise_version(session: Session) -> None:
    """Once per transaction: an import flushes at every product, and one raise tells every process.

    Remembered per (sub)transaction object, so a savepoint rolled back with its raise raises again.
    """
    connection = session.connection()  # begins the transaction, if this statement is its first
    transaction = session.get_nested_transaction() or session.get_transaction()
    if session.info.get("catalog_version_raised_in") is transaction:
        return
    connection.execute(_raise_version_statement(connection.dialect.name))
    session.info["catalog_version_raised_in"] = transaction


def _raise_version_statement(dialect: str):
    """value + 1 on the one row, creating it if it is missing: an upsert, on the two databases the shop runs on."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return insert(CatalogVersion).values(id=1, value=1).on_conflict_do_update(
        index_elements=[CatalogVersion.id], set_={"value": CatalogVersion.value + 1})
