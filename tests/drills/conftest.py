"""Fixtures for the drills: a fresh database of the drill's own on each backend, for the Procfile's processes;
and a PostgreSQL server of the drill's own (``postgres_cluster``), for the one that restarts it."""

from __future__ import annotations

import pytest

from ..support.postgres_cluster import postgres_cluster  # noqa: F401  (a fixture, used by name)
from ..support.shop import BACKENDS


@pytest.fixture(params=BACKENDS)
def fresh_database(request, tmp_path) -> str:
    """An empty database the release phase migrates: SQLite in the test's folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    return request.getfixturevalue("make_postgres_database")()
