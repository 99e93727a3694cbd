"""Real HTTP servers on loopback ports, in threads of the test process.

The app is built after the port is bound, so that an app which must know its
own public URL (the sandboxes build absolute preview and payment URLs) gets it.
"""

from __future__ import annotations

import socket
import threading
from typing import Callable

from flask import Flask
from werkzeug.serving import make_server


class LiveServer:
    def __init__(self, build: Callable[[str], Flask] | None, host: str = "127.0.0.1"):
        self.build = build  # may be set after construction, once other servers' URLs are known
        self._server = make_server(host, 0, self._dispatch, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self.app: Flask | None = None
        self._thread: threading.Thread | None = None

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self) -> "LiveServer":
        self.app = self.build(self.url)
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"live {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=10)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
