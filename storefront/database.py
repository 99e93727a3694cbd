"""Database engine settings that differ between SQLite and PostgreSQL."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The pool and the timeouts: a hung database must not hold a request past the router's 30 s."""
    options: dict[str, Any] = {"pool_pre_ping": True}  # a connection the server dropped is replaced, not used
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.update(
            # A gunicorn thread holds at most one connection, for one request at a time: a pool as
            # large as the threads is never waited for. The budget across dynos is in gunicorn.conf.py.
            pool_size=config["WEB_THREADS"], max_overflow=0, pool_timeout=10,
            connect_args={
                "connect_timeout": config["DATABASE_CONNECT_TIMEOUT_SECONDS"],
                # The server cancels a statement that runs longer (0: no limit); migrations lift it.
                "options": f"-c statement_timeout={config['DATABASE_STATEMENT_TIMEOUT_SECONDS'] * 1000}",
            },
        )
    return options


def unavailable_reason(error: Exception) -> str | None:
    """Why the database cannot serve us right now, in a few words; None if ``error`` is not about that."""
    if isinstance(error, sa_exc.TimeoutError):
        return "no database connection came free in time"
    if isinstance(error, sa_exc.OperationalError):
        if type(error.orig).__name__ == "QueryCanceled":  # psycopg: the statement timeout ran out
            return "the database did not answer in time"
        return "the database cannot be reached"
    if isinstance(error, sa_exc.InterfaceError):
        return "the database connection was lost"
    return None


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite safe to share between the web server's threads and the worker process.

    WAL lets readers run while one writer writes, the busy timeout makes a
    writer wait for the lock instead of failing with "database is locked",
    and foreign keys are off by default in SQLite.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def render_migration_item(type_, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types.

    Migrations must not import the app's code: a model module renamed later
    would break every old migration that named it.
    """
    from .models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
