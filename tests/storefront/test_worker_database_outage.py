"""The worker rides out a database that refuses connections: it waits, tries again with backoff, then works.

The worker runs as the Procfile runs it, pointed at a loopback port where
nothing listens yet: PostgreSQL is "down". Once it has waited twice, a relay
on that port to the test server brings the database "back", and the job that
was waiting there (a shipping e-mail) is sent. Needs PostgreSQL: SQLite
cannot refuse a connection.
"""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from storefront import create_app
from storefront.extensions import db
from storefront.orders.states import Status
from storefront.outbox import JobKind, enqueue

from ..support.factories import add_order
from ..support.live import free_port
from ..support.procfile import dyno_env, procfile, start, stop, wait_for_line
from ..support.shop import shop_config

pytestmark = pytest.mark.live


class Relay:
    """A TCP relay from a loopback port to another address: the database comes "up" when it starts."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.listener = socket.create_server(("127.0.0.1", port))
        self.listener.settimeout(0.2)
        self.stopping = threading.Event()
        self.sockets: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                client = self.listener.accept()[0]
            except TimeoutError:
                continue
            except OSError:  # closed by stop()
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.listener.close()
        for end in self.sockets:
            end.close()


def test_the_worker_waits_out_a_refused_database_and_then_runs_the_waiting_job(tmp_path, make_postgres_database,
                                                                                 mail_catcher):
    database = make_postgres_database()
    app = create_app(shop_config(tmp_path, database))
    with app.app_context():
        db.create_all()
        order = add_order(status=Status.SHIPPED)
        enqueue(JobKind.SEND_SHIPPED_EMAIL, order)
        db.session.commit()
        identifier = order.identifier
        db.session.remove()
        db.engine.dispose()

    url = make_url(database)
    down_port = free_port()
    smtp_port, catcher = mail_catcher
    env = dyno_env(STOREFRONT_MODE="demo", MAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
                   DATABASE_URL=url.set(drivername="postgres", port=down_port).render_as_string(hide_password=False))
    log = tmp_path / "worker.log"
    worker = start(procfile()["worker"], env, log)
    relay = None
    try:
        wait_for_line(log, "the database cannot be reached", worker, timeout=30)
        wait_for_line(log, "trying again in 2 s", worker, timeout=30)  # backing off: 1 s, then 2 s
        assert worker.poll() is None
        relay = Relay(down_port, (url.host, url.port or 5432))
        wait_for_line(log, "worker: the database answers again", worker, timeout=30)
        wait_for_line(log, "Shipping e-mail sent", worker, timeout=30)
        [mail] = catcher.get("/api/messages").json["messages"]
        assert mail["subject"] == f"Your order {identifier} has shipped"
    finally:
        code = stop(worker)
        if relay:
            relay.stop()
    assert code == 0, log.read_text()
