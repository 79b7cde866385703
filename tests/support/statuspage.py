"""A loopback server speaking the documented Atlassian Statuspage REST API (the parts used).

``Authorization: OAuth KEY`` on every call; ``GET /v1/pages/{page_id}``;
``POST /v1/pages/{page_id}/incidents`` and ``PATCH .../incidents/{incident_id}`` with a JSON
body ``{"incident": {...}}`` (name, status, body, components, component_ids, metadata,
whose top-level values must be objects); ``GET .../incidents/unresolved`` and
``GET .../incidents?q=`` (searching names and update bodies); ``GET .../incidents/{id}``
with its ``incident_updates``. Faults per (method, path kind): ``drop-after-store`` stores
the change, then closes the connection without an answer.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import defaultdict, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

STATUSES = ("investigating", "identified", "monitoring", "resolved")
COMPONENT_STATUSES = (
    "operational",
    "under_maintenance",
    "degraded_performance",
    "partial_outage",
    "major_outage",
)


class _Dropped(Exception):
    """Close the connection without an answer."""


class FakeStatuspage:
    """One page, its components and incidents, behind the API's documented routes."""

    def __init__(self, *, key: str, page_id: str = "pg7k2m9x4q1z") -> None:
        self.key = key
        self.page_id = page_id
        self.components = {"cmp1checkout": "operational"}
        self.incidents: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, str]] = []  # method, path, Authorization
        self.faults: dict[tuple[str, str], deque[str]] = defaultdict(deque)
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeStatuspage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fault(self, method: str, what: str, kind: str) -> None:
        """Inject a fault for the next ``method`` on ``what`` ('incidents' or 'incident')."""
        self.faults[(method, what)].append(kind)

    # --- the API -------------------------------------------------------------------------

    def _now(self) -> str:
        return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _apply(self, incident: dict[str, Any], fields: dict[str, Any]) -> None:
        status = fields.get("status", incident.get("status"))
        if status not in STATUSES:
            raise ValueError(f"status {status!r} is not valid")
        incident["status"] = status
        for component, state in dict(fields.get("components") or {}).items():
            if component not in self.components or state not in COMPONENT_STATUSES:
                raise ValueError(f"component {component!r} / {state!r} is not valid")
            self.components[component] = state
        if fields.get("body"):
            if len(fields["body"]) > 25000:
                raise ValueError("body is too long")
            incident["incident_updates"].insert(
                0,
                {
                    "id": secrets.token_hex(6),
                    "incident_id": incident["id"],
                    "status": status,
                    "body": fields["body"],
                    "created_at": self._now(),
                },
            )
        if status == "resolved":
            incident["resolved_at"] = self._now()

    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        name = str(fields.get("name") or "")
        if not name or len(name) > 255:
            raise ValueError("name is required (at most 255 characters)")
        metadata = fields.get("metadata") or {}
        if not all(isinstance(v, dict) for v in dict(metadata).values()):
            raise ValueError("metadata: top-level values must be objects")
        incident_id = secrets.token_hex(6)
        incident: dict[str, Any] = {
            "id": incident_id,
            "page_id": self.page_id,
            "name": name,
            "status": "investigating",
            "metadata": metadata,
            "incident_updates": [],
            "components": list(fields.get("component_ids") or []),
            "shortlink": f"https://stspg.io/{incident_id}",
            "created_at": self._now(),
            "resolved_at": None,
        }
        self._apply(incident, fields)
        self.incidents[incident_id] = incident
        return incident

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, document: Any) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str) -> None:
                parts = urlsplit(self.path)
                auth = self.headers.get("Authorization", "")
                with fake.lock:
                    fake.requests.append((method, parts.path, auth))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if auth != f"OAuth {fake.key}":
                    self._answer(401, {"error": "Could not authenticate"})
                    return
                segments = parts.path.strip("/").split("/")
                if segments[:3] != ["v1", "pages", fake.page_id]:
                    self._answer(404, {"error": "Not found"})
                    return
                rest = segments[3:]
                try:
                    with fake.lock:
                        status, document = self._dispatch(method, rest, raw, parts.query)
                except _Dropped:
                    self.close_connection = True
                    self.connection.close()
                    return
                except ValueError as error:
                    self._answer(422, {"error": str(error)})
                    return
                self._answer(status, document)

            def _dispatch(
                self, method: str, rest: list[str], raw: bytes, query: str
            ) -> tuple[int, Any]:
                if not rest and method == "GET":
                    return 200, {"id": fake.page_id, "name": "Example status"}
                if rest == ["incidents"] and method == "POST":
                    fields = json.loads(raw)["incident"]
                    incident = fake.create(fields)
                    self._maybe_drop("POST", "incidents")
                    return 201, incident
                if rest == ["incidents", "unresolved"] and method == "GET":
                    found = [i for i in fake.incidents.values() if i["status"] != "resolved"]
                    return 200, found
                if rest == ["incidents"] and method == "GET":
                    words = parse_qs(query).get("q", [""])[0].lower()
                    found = [
                        i
                        for i in fake.incidents.values()
                        if words in i["name"].lower()
                        or any(words in u["body"].lower() for u in i["incident_updates"])
                    ]
                    return 200, found
                if len(rest) == 2 and rest[0] == "incidents" and rest[1] in fake.incidents:
                    incident = fake.incidents[rest[1]]
                    if method == "GET":
                        return 200, incident
                    if method in ("PATCH", "PUT"):
                        fake._apply(incident, json.loads(raw)["incident"])
                        self._maybe_drop("PATCH", "incident")
                        return 200, incident
                return 404, {"error": "Not found"}

            def _maybe_drop(self, method: str, what: str) -> None:
                queue = fake.faults[(method, what)]
                if queue and queue[0] == "drop-after-store":
                    queue.popleft()
                    raise _Dropped

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_PATCH(self) -> None:
                self._route("PATCH")

            def do_PUT(self) -> None:
                self._route("PUT")

        return Handler
