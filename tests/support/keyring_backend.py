"""A keyring backend for tests: secrets in a JSON file named by $WARROOM_TEST_KEYRING.

Selected with ``PYTHON_KEYRING_BACKEND=tests.support.keyring_backend.FileKeyring`` so that
CLI subprocesses share the test's keychain. Never used outside the test suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "WARROOM_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    """Store passwords as {service: {username: password}} in one JSON file."""

    priority = 1

    def _path(self) -> Path:
        name = os.environ.get(ENV)
        if not name:
            raise RuntimeError(f"{ENV} is not set: the test keyring has no file")
        return Path(name)

    def _load(self) -> dict[str, dict[str, str]]:
        path = self._path()
        if not path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        path = self._path()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError("no such password")
        del data[service][username]
        self._save(data)


class BrokenKeyring(KeyringBackend):
    """A keychain whose service fails with something other than a keyring error (as a
    D-Bus backend does when the session bus goes away)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.NoReply: the secret service is gone")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.NoReply: the secret service is gone")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.NoReply: the secret service is gone")
