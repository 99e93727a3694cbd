"""A PostgreSQL server of a test's own, made with Debian's postgresql-common, that the test may stop and start.

The PostgreSQL drill restarts a server for real. Restarting the shared test
server (TEST_DATABASE_URL) would cut off whatever else uses it at that moment:
other test sessions on the machine, and this session's own connections. So
the drill gets a throwaway cluster (``pg_createcluster`` on a free port, trust
authentication, loopback only), restarts that, and drops it afterwards.
It needs root and the ``pg_*cluster`` commands (as CI has); otherwise it is a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .live import free_port

ETC = Path("/etc/postgresql")


class Cluster:
    def __init__(self, version: str, name: str, port: int):
        self.version, self.name, self.port = version, name, port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action],
                       check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        """A fast shutdown, as a restart begins: every session is told and cut off, then nobody can connect."""
        self._ctl("stop")

    def start(self) -> None:
        self._ctl("start")
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]).returncode != 0:
            assert time.monotonic() < deadline, f"PostgreSQL on port {self.port} not ready after {timeout} s"
            time.sleep(0.2)

    def create_database(self, name: str) -> str:
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c",
                        f'CREATE DATABASE "{name}"'], check=True, capture_output=True, timeout=30)
        return self.url(name)


def why_no_cluster() -> str | None:
    """Why this machine cannot give a test a PostgreSQL server of its own, or None."""
    if os.geteuid() != 0:
        return "making a PostgreSQL cluster needs root (pg_createcluster)"
    missing = [c for c in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_isready", "psql")
               if shutil.which(c) is None]
    if missing or not ETC.is_dir() or not any(ETC.iterdir()):
        return f"PostgreSQL's cluster tools are not installed ({', '.join(missing) or '/etc/postgresql is empty'})"
    return None


@pytest.fixture
def postgres_cluster():
    """A running PostgreSQL cluster of the test's own on a free loopback port; dropped afterwards."""
    reason = why_no_cluster()
    if reason:
        pytest.skip(reason)
    version = sorted(p.name for p in ETC.iterdir())[-1]
    cluster = Cluster(version, f"storefront-drill-{uuid.uuid4().hex[:8]}", free_port())
    subprocess.run(["pg_createcluster", version, cluster.name, "-p", str(cluster.port), "--start",
                    "--start-conf", "manual", "--", "--auth=trust"], check=True, capture_output=True, timeout=120)
    try:
        cluster.wait_until_ready()
        yield cluster
    finally:
        subprocess.run(["pg_dropcluster", version, cluster.name, "--stop"], capture_output=True, timeout=120)
