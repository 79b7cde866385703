"""An HTTP forwarder on 127.0.0.1 that can hold back a real server's answer.

It passes every request to the real server (Synapse, in the Matrix tests) and its answer
back, except that a request whose path contains ``hang_on`` while ``hang`` is set is
forwarded, answered by the server, and then held: the client never hears the answer. That
is the worst moment to kill a worker: the server did the work, War Room did not record it.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HangingProxy:
    """Forwards to ``target``; holds the answer of one matching request when told to."""

    def __init__(self, target: str, *, hang_on: str) -> None:
        self.target = target.rstrip("/")
        self.hang_on = hang_on
        self.hang = threading.Event()
        self.held = threading.Event()  # set once a request was forwarded and its answer held
        self.release = threading.Event()
        self.forwarded: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HangingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                request = urllib.request.Request(proxy.target + self.path, data=body, method=method)
                for name in ("Authorization", "Content-Type"):
                    if self.headers.get(name):
                        request.add_header(name, self.headers[name])
                proxy.forwarded.append((method, self.path))
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, data = response.status, response.read()
                        kind = response.headers.get("Content-Type", "application/json")
                except urllib.error.HTTPError as error:
                    status, data = error.code, error.read()
                    kind = error.headers.get("Content-Type", "application/json")
                if proxy.hang.is_set() and proxy.hang_on in self.path:
                    proxy.hang.clear()
                    proxy.held.set()
                    proxy.release.wait(60)  # the answer never reaches the (killed) client
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._forward("GET")

            def do_PUT(self) -> None:
                self._forward("PUT")

            def do_POST(self) -> None:
                self._forward("POST")

        return Handler
