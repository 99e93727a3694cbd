"""Real HTTP servers on loopback ports, in threads of the test process: the suite's one way to serve an app.

The port is bound first, so an app that must know its own public URL (the
sandboxes build absolute preview and payment URLs) can be built from it:
pass ``build``, a function of the server's URL. An app that needs no URL
(a recorder, a one-page "shop") is passed as ``app``.

Start and stop it by hand, or use it as a context manager::

    server = LiveServer(lambda url: create_app({"PUBLIC_URL": url})).start()
    ...
    server.stop()

    with LiveServer(app=wsgi_app) as server:
        requests.get(server.url)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Self

from werkzeug.serving import make_server

WSGIApp = Callable  # a Flask app, or any WSGI callable


class LiveServer:
    """A WSGI app on a free loopback port, served by a threaded werkzeug server in a daemon thread."""

    def __init__(self, build: Callable[[str], WSGIApp] | None = None, *, app: WSGIApp | None = None,
                 host: str = "127.0.0.1", port: int = 0, poll_interval: float = 0.5):
        self.build = build  # may be set after construction, once other servers' URLs are known
        self.app = app
        # How often the serving loop looks for stop(); stop() waits up to this long.
        self.poll_interval = poll_interval
        # port: 0 for a free one; a stopped server's port to bring that server back where its clients expect it.
        self._server = make_server(host, port, self._dispatch, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self) -> Self:
        if self.build is not None:
            self.app = self.build(self.url)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(self.poll_interval,),
                                        name=f"live {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
