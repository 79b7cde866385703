"""Fake Mastodon and Bluesky servers on 127.0.0.1 that keep their own promises.

They implement the idempotency semantics the real services document, so tests prove
something: Mastodon returns the first status again for a repeated ``Idempotency-Key``;
the Bluesky PDS refuses a second ``createRecord`` under an existing record key with HTTP 500
(as the reference server does) and answers ``getRecord`` for a missing key with 400
``RecordNotFound``. Faults are injected per (method, path): '500', '401', '429:SECONDS',
'drop-after-store' (store, then close the connection without answering),
'hang-after-store:SECONDS' (store, then answer late: a read timeout) and
'hang-before-store:SECONDS' (wait, then close the connection having stored nothing). A fault
can also wait for the N-th create request (:meth:`FakeSocial.fault_on_create`), so a test
can aim at a given row of a worker's batch.
"""

from __future__ import annotations

import contextlib
import html
import json
import socket
import threading
import time
from collections import defaultdict, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from warroom.domain.text_length import count_graphemes
from warroom.sync.tid import is_valid

ACCOUNT_ID = "109"
DID = "did:plc:fakefakefake"
COLLECTION = "app.bsky.feed.post"
CREATE_PATHS = frozenset({"/api/v1/statuses", "/xrpc/com.atproto.repo.createRecord"})


class _Dropped(Exception):
    """Close the connection without an answer."""


class FakeSocial:
    """One server speaking both the Mastodon and the Bluesky (PDS) APIs."""

    def __init__(
        self,
        *,
        token: str,
        handle: str = "warroom.test",
        app_password: str = "",
        post_delay: float = 0.0,
    ) -> None:
        self.token = token
        self.handle = handle
        self.app_password = app_password
        self.access_jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJlLWZha2U"
        self.post_delay = post_delay
        self.lock = threading.Lock()
        self.statuses: list[dict[str, Any]] = []
        self.idempotency: dict[str, dict[str, Any]] = {}
        self.records: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.faults: dict[tuple[str, str], deque[str]] = defaultdict(deque)
        #: create request number (from 1, as they arrive) -> fault for that request
        self.create_faults: dict[int, str] = {}
        self.create_requests = 0
        self.connections = 0
        self.expired: set[str] = set()
        self.create_calls = 0
        self.duplicate_creates = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeSocial:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def fault(self, method: str, path: str, *actions: str) -> None:
        """Queue faults for the next requests to ``method path``."""
        self.faults[(method, path)].extend(actions)

    def fault_on_create(self, number: int, action: str) -> None:
        """Apply ``action`` to the ``number``-th create request (a status or a record)."""
        with self.lock:
            self.create_faults[number] = action

    def expire_session(self) -> None:
        """Expire the access token handed out so far (the PDS answers 400 ExpiredToken)."""
        with self.lock:
            self.expired.add(self.access_jwt)
            self.access_jwt += "x"

    def forget_idempotency_keys(self) -> None:
        """Act as Mastodon does an hour later: the keys are gone, the statuses stay."""
        with self.lock:
            self.idempotency.clear()

    def texts(self) -> list[str]:
        """Return every status and post text stored, in order."""
        with self.lock:
            return [s["text"] for s in self.statuses] + [
                r["value"]["text"] for r in self.records.values()
            ]

    # --- the HTTP side ------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else header and body writes wait on delayed ACKs

            def setup(self) -> None:
                super().setup()
                with fake.lock:
                    fake.connections += 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if "json" in (self.headers.get("Content-Type") or ""):
                    return json.loads(raw or b"{}")
                return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

            def _send(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
                body = data if isinstance(data, bytes) else json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _drop(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_HEAD(self) -> None:
                self._serve("HEAD")

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
                with fake.lock:
                    fake.requests.append((method, path, dict(self.headers.items())))
                    queue = fake.faults.get((method, path))
                    action = queue.popleft() if queue else ""
                    if method == "POST" and path in CREATE_PATHS:
                        fake.create_requests += 1
                        action = fake.create_faults.pop(fake.create_requests, action)
                body = self._body() if method == "POST" else {}
                if action.startswith("hang-before-store:"):
                    time.sleep(float(action.split(":", 1)[1]))
                    return self._drop()
                if action == "500":
                    return self._send(
                        500, {"error": "InternalServerError", "message": "Internal Server Error"}
                    )
                if action == "401":
                    return self._send(401, {"error": "The access token is invalid"})
                if action.startswith("429:"):
                    return self._send(
                        429,
                        {"error": "Too many requests"},
                        {"Retry-After": action.split(":", 1)[1]},
                    )
                try:
                    status, data = fake._route(
                        method, path, query, body, dict(self.headers.items())
                    )
                except _Dropped:
                    return self._drop()
                if action == "drop-after-store":
                    return self._drop()
                if action.startswith("hang-after-store:"):
                    time.sleep(float(action.split(":", 1)[1]))
                    return self._drop()
                self._send(status, data)

        return Handler

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        auth = headers.get("Authorization", "")
        if path.startswith("/api/v1/"):
            if auth != f"Bearer {self.token}":
                return 401, {"error": "The access token is invalid"}
            return self._mastodon(method, path, query, body, headers)
        if path == "/xrpc/com.atproto.server.createSession":
            if body.get("identifier") != self.handle or body.get("password") != self.app_password:
                return 401, {
                    "error": "AuthenticationRequired",
                    "message": "Invalid identifier or password",
                }
            return 200, {
                "accessJwt": self.access_jwt,
                "refreshJwt": self.access_jwt + "r",
                "handle": self.handle,
                "did": DID,
            }
        if path.startswith("/xrpc/"):
            if auth.removeprefix("Bearer ") in self.expired:
                return 400, {"error": "ExpiredToken", "message": "Token has expired"}
            public = path == "/xrpc/com.atproto.repo.getRecord"
            if auth != f"Bearer {self.access_jwt}" and not (public and not auth):
                return 401, {"error": "AuthenticationRequired", "message": "Invalid token"}
            return self._bluesky(method, path, query, body)
        return 404, {"error": "Not found"}

    def _mastodon(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        if method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, {"id": ACCOUNT_ID, "username": "warroom", "acct": "warroom"}
        if method == "GET" and path == f"/api/v1/accounts/{ACCOUNT_ID}/statuses":
            limit = int(query.get("limit", 20))
            with self.lock:
                return 200, [self._public(s) for s in reversed(self.statuses)][:limit]
        if method == "POST" and path == "/api/v1/statuses":
            text = str(body.get("status") or "")
            if not text.strip():
                return 422, {"error": "Validation failed: Text can't be blank"}
            if len(text) > 500:
                return 422, {"error": "Validation failed: Text character limit of 500 exceeded"}
            key = headers.get("Idempotency-Key", "")
            if self.post_delay:
                time.sleep(self.post_delay)
            with self.lock:
                self.create_calls += 1
                if key and key in self.idempotency:
                    self.duplicate_creates += 1
                    return 200, self._public(self.idempotency[key])
                number = str(1000 + len(self.statuses))
                status = {
                    "id": number,
                    "text": text,
                    "in_reply_to_id": body.get("in_reply_to_id"),
                    "url": f"{self.url}/@warroom/{number}",
                    "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                }
                self.statuses.append(status)
                if key:
                    self.idempotency[key] = status
            return 200, self._public(status)
        return 404, {"error": "Record not found"}

    @staticmethod
    def _public(status: dict[str, Any]) -> dict[str, Any]:
        content = "<p>" + html.escape(status["text"]).replace("\n", "<br />") + "</p>"
        return {
            "id": status["id"],
            "url": status["url"],
            "uri": status["url"],
            "created_at": status["created_at"],
            "content": content,
        }

    def _bluesky(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if method == "POST" and path == "/xrpc/com.atproto.repo.createRecord":
            rkey = str(body.get("rkey") or "")
            record = body.get("record") or {}
            if body.get("repo") != DID or body.get("collection") != COLLECTION:
                return 400, {"error": "InvalidRequest", "message": "bad repo or collection"}
            if not is_valid(rkey):
                return 400, {"error": "InvalidRequest", "message": "Invalid record key"}
            text = str(record.get("text") or "")
            if record.get("$type") != COLLECTION or "createdAt" not in record:
                return 400, {"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post"}
            if count_graphemes(text) > 300 or len(text.encode()) > 3000:
                return 400, {
                    "error": "InvalidRequest",
                    "message": "Record/text must not be longer than 300 graphemes",
                }
            if self.post_delay:
                time.sleep(self.post_delay)
            with self.lock:
                self.create_calls += 1
                if rkey in self.records:
                    self.duplicate_creates += 1
                    return 500, {"error": "InternalServerError", "message": "Internal Server Error"}
                uri = f"at://{DID}/{COLLECTION}/{rkey}"
                self.records[rkey] = {"uri": uri, "cid": f"bafy{rkey}", "value": record}
            return 200, {"uri": uri, "cid": f"bafy{rkey}"}
        if method == "GET" and path == "/xrpc/com.atproto.repo.getRecord":
            with self.lock:
                found = self.records.get(query.get("rkey", ""))
            if found is None or query.get("collection") != COLLECTION:
                return 400, {
                    "error": "RecordNotFound",
                    "message": f"Could not locate record: {query.get('rkey')}",
                }
            return 200, found
        return 404, {"error": "MethodNotImplemented"}
