"""Who sits at this workstation and how the window looks: a small JSON file in the data dir.

The file is personal and local (never in the shared database). A missing or damaged file is
read as "no preferences yet" so the window asks again instead of refusing to start.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from warroom.domain.errors import ValidationError
from warroom.domain.names import check_name
from warroom.domain.people import Role
from warroom.storage.locations import PREFERENCES_FILE, data_dir
from warroom.storage.private_files import make_private_dir, open_private

log = logging.getLogger(__name__)

THEMES: tuple[str, ...] = ("system", "dark")
NAME_MAX = 80


@dataclass(frozen=True, slots=True)
class Identity:
    """The person acting at this workstation and their role in the room."""

    name: str
    role: str = "viewer"

    def describe(self) -> str:
        """Return 'Name (role)' for the status bar."""
        return f"{self.name} ({self.role})" if self.role else self.name


@dataclass(frozen=True, slots=True)
class Preferences:
    """Everything remembered between starts of the window."""

    identity: Identity | None = None
    theme: str = "system"
    #: Opaque window layout strings (geometry, splitter positions) by name.
    layout: dict[str, str] = field(default_factory=dict)
    #: Whether the window's sync worker delivers released statements when channels are online.
    auto_publish: bool = True
    #: Whether the window's sync worker pulls the listening sources (the triage inbox).
    listen: bool = True
    #: The team database chosen in the window's Connect dialog (never with a password);
    #: None: the embedded file. ``--db`` and $WARROOM_DB win over it.
    database_url: str | None = None

    def with_identity(self, identity: Identity) -> Preferences:
        """Return a copy that remembers ``identity``."""
        return replace(self, identity=identity)

    def with_theme(self, theme: str) -> Preferences:
        """Return a copy that remembers ``theme``."""
        return replace(self, theme=validate_theme(theme))

    def with_layout(self, layout: dict[str, str]) -> Preferences:
        """Return a copy that remembers the window layout."""
        return replace(self, layout=dict(layout))

    def with_auto_publish(self, enabled: bool) -> Preferences:
        """Return a copy that remembers whether the window publishes on its own."""
        return replace(self, auto_publish=bool(enabled))

    def with_listen(self, enabled: bool) -> Preferences:
        """Return a copy that remembers whether the window pulls the sources on its own."""
        return replace(self, listen=bool(enabled))

    def with_database_url(self, url: str | None) -> Preferences:
        """Return a copy that remembers ``url`` (stripped of any password; None: local)."""
        return replace(self, database_url=without_password(url) if url else None)


def validate_identity(name: str, role: str) -> Identity:
    """Return a clean identity, or refuse an empty or oversize name or an unknown role."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("your name is empty")
    check_name(cleaned, "your name")  # no control or bidi characters: it is printed everywhere
    if len(cleaned) > NAME_MAX:
        raise ValidationError(f"the name is over {NAME_MAX} characters")
    return Identity(cleaned, Role.parse(role).value)


def validate_theme(theme: str) -> str:
    """Return ``theme`` if known, else refuse it."""
    if theme not in THEMES:
        raise ValidationError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    return theme


class PreferencesStore:
    """Read and write the preferences file (``<data dir>/preferences.json`` by default)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / PREFERENCES_FILE

    def load(self) -> Preferences:
        """Return the saved preferences; defaults when the file is missing or unreadable."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Preferences()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            log.warning("ignoring unreadable preferences %s: %s", self.path, error)
            return Preferences()
        return _from_json(raw)

    def save(self, preferences: Preferences) -> None:
        """Write the preferences atomically (a crash leaves the old file or the new one)."""
        body: dict[str, Any] = {
            "theme": preferences.theme,
            "layout": preferences.layout,
            "auto_publish": preferences.auto_publish,
            "listen": preferences.listen,
        }
        if preferences.database_url:
            body["database_url"] = without_password(preferences.database_url)
        if preferences.identity is not None:
            body["identity"] = {
                "name": preferences.identity.name,
                "role": preferences.identity.role,
            }
        make_private_dir(self.path.parent)
        temporary = self.path.with_suffix(".json.tmp")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()  # a leftover may be wider; the new one is created 0600
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with open(open_private(temporary, flags), "w", encoding="utf-8") as stream:
            stream.write(json.dumps(body, indent=2, ensure_ascii=False))
        os.replace(temporary, self.path)


def _from_json(raw: object) -> Preferences:
    if not isinstance(raw, dict):
        return Preferences()
    identity = None
    person = raw.get("identity")
    if isinstance(person, dict):
        try:
            identity = validate_identity(str(person.get("name", "")), str(person.get("role", "")))
        except ValidationError as error:
            log.warning("ignoring saved identity: %s", error)
    theme = raw.get("theme", "system")
    layout = raw.get("layout")
    if not isinstance(layout, dict):
        layout = {}
    return Preferences(
        identity=identity,
        theme=theme if theme in THEMES else "system",
        layout={str(k): v for k, v in layout.items() if isinstance(v, str)},
        auto_publish=raw.get("auto_publish") is not False,
        listen=raw.get("listen") is not False,
        database_url=_database_url(raw.get("database_url")),
    )


def _database_url(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return without_password(value.strip())
    except ValueError as error:  # a hand-edited file must not stop the window
        log.warning("ignoring saved database URL: %s", error)
        return None


def without_password(url: str) -> str:
    """Return ``url`` with any password taken out of its login part (settings never keep one)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    login, _, where = parts.netloc.rpartition("@")
    user = login.split(":", 1)[0]
    netloc = f"{user}@{where}" if user else where
    return urlunsplit(parts._replace(netloc=netloc))
