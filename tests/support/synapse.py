"""A throwaway Matrix homeserver (Synapse, from PyPI) for the tests: the real server.

Its own configuration in a temporary folder: SQLite, one client listener on a free port of
127.0.0.1, no federation, no media repository, no URL previews, no outbound key servers,
rate limits out of the way, registration only through the shared secret (the admin API
``/_synapse/admin/v1/register``). Starting it takes a few seconds, so the tests share one
server per session; each test registers its own user and room.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_NAME = "warroom.test"
START_TIMEOUT = 120.0


class SynapseUnavailable(RuntimeError):
    """matrix-synapse is not installed (it is in the ``test`` extra)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class MatrixUser:
    """A registered user and one of its access tokens (one token = one device)."""

    user_id: str
    password: str
    access_token: str
    device_id: str


class SynapseServer:
    """One Synapse process owned by the test session."""

    def __init__(self) -> None:
        try:
            import synapse  # noqa: F401
        except ImportError as error:
            raise SynapseUnavailable(f"matrix-synapse is not installed: {error}") from None
        self.root = Path(tempfile.mkdtemp(prefix="warroom-synapse-", dir="/tmp"))
        self.port = _free_port()
        self.shared_secret = secrets.token_hex(16)
        self.config = self.root / "homeserver.yaml"
        self.log_file = self.root / "homeserver.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the client API base URL."""
        return f"http://127.0.0.1:{self.port}"

    def _configuration(self) -> dict[str, Any]:
        generous = {"per_second": 1000, "burst_count": 1000}
        return {
            "server_name": SERVER_NAME,
            "pid_file": str(self.root / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(self.root / "hs.db")}},
            "log_config": str(self.root / "log.yaml"),
            "media_store_path": str(self.root / "media"),
            "enable_media_repo": False,
            "url_preview_enabled": False,
            "federation_domain_whitelist": [],
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "registration_shared_secret": self.shared_secret,
            "enable_registration": False,
            "report_stats": False,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "signing_key_path": str(self.root / "signing.key"),
            "presence": {"enabled": False},
            "rc_message": generous,
            "rc_login": {"address": generous, "account": generous, "failed_attempts": generous},
            "rc_registration": generous,
            "rc_joins": {"local": generous, "remote": generous},
            "rc_admin_redaction": generous,
        }

    def _log_configuration(self) -> dict[str, Any]:
        return {
            "version": 1,
            "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "plain",
                    "filename": str(self.log_file),
                }
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }

    def start(self) -> None:
        """Write the configuration, generate the signing key, start and wait for the API."""
        # JSON is YAML: no PyYAML call needed to write the configuration.
        self.config.write_text(json.dumps(self._configuration(), indent=1))
        (self.root / "log.yaml").write_text(json.dumps(self._log_configuration(), indent=1))
        command = [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "--config-path",
            str(self.config),
        ]
        subprocess.run(
            [*command, "--generate-keys"],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT,
            cwd=self.root,
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("SYNAPSE_")}
        with (self.root / "stderr.log").open("wb") as stderr:
            self._process = subprocess.Popen(
                command, cwd=self.root, env=env, stdout=subprocess.DEVNULL, stderr=stderr
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Synapse exited: {self._tail()}")
            with contextlib.suppress(OSError):
                self.call("GET", "/_matrix/client/versions")
                return
            time.sleep(0.2)
        raise RuntimeError(f"Synapse did not start within {START_TIMEOUT:g} s: {self._tail()}")

    def _tail(self) -> str:
        texts = []
        for name in ("stderr.log", "homeserver.log"):
            path = self.root / name
            if path.exists():
                texts.append(path.read_text(errors="replace")[-2000:])
        return "\n".join(texts)

    @property
    def running(self) -> bool:
        """Tell whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def cleanup(self) -> None:
        """Stop the server and remove its folder."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the client-server API, as a test's own client ---------------------------------------

    def call(
        self, method: str, path: str, body: Any = None, *, token: str = "", timeout: float = 30
    ) -> Any:
        """Make one request to the homeserver and return the decoded JSON answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise AssertionError(f"{method} {path}: HTTP {error.code} {detail}") from None

    def register(self, localpart: str, *, admin: bool = False) -> MatrixUser:
        """Register a user through the shared secret (the admin registration API)."""
        nonce = self.call("GET", "/_synapse/admin/v1/register")["nonce"]
        password = secrets.token_hex(12)
        # The MAC covers nonce, user, password and admin flag joined by NUL bytes.
        mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join(p.encode() for p in (nonce, localpart, password)))
        mac.update(b"\x00" + (b"admin" if admin else b"notadmin"))
        digest = mac.hexdigest()
        answer = self.call(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": digest,
            },
        )
        return MatrixUser(answer["user_id"], password, answer["access_token"], answer["device_id"])

    def login(self, user: MatrixUser) -> MatrixUser:
        """Log the user in again: a new access token (and device)."""
        answer = self.call(
            "POST",
            "/_matrix/client/v3/login",
            {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": user.user_id},
                "password": user.password,
            },
        )
        return MatrixUser(user.user_id, user.password, answer["access_token"], answer["device_id"])

    def create_room(self, user: MatrixUser, alias_localpart: str = "") -> str:
        """Create a private room owned by ``user``; return its id."""
        body: dict[str, Any] = {"preset": "private_chat", "name": "War Room test"}
        if alias_localpart:
            body["room_alias_name"] = alias_localpart
        return str(
            self.call("POST", "/_matrix/client/v3/createRoom", body, token=user.access_token)[
                "room_id"
            ]
        )

    def messages(self, user: MatrixUser, room_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """Return the room's m.room.message events, oldest first."""
        from urllib.parse import quote

        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/messages?dir=b&limit={limit}"
        chunk = self.call("GET", path, token=user.access_token).get("chunk", [])
        events = [e for e in chunk if e.get("type") == "m.room.message"]
        return list(reversed(events))
