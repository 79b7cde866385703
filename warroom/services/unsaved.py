"""Text typed and not saved yet, kept in a private file so that a crash loses none of it.

The window's editors (statement drafts, the timeline's quick add box, lessons learned)
hand their unsaved text here as people type; it is written to one file per database in
the data dir (``unsaved/<hash of the database location>.json``, mode 0600) and read back
at the next start. Nothing here touches the database or the network: the text is the
person's own, not yet part of the record.

Threading: :meth:`UnsavedStore.stage` only updates memory (cheap, on the GUI thread);
:meth:`UnsavedStore.flush` writes the *current* memory under a lock, so flushes running in
any order on worker threads always leave the newest text on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from warroom.storage.locations import data_dir
from warroom.storage.private_files import make_private_dir, open_private

log = logging.getLogger(__name__)

FOLDER = "unsaved"

Payload = Mapping[str, Any]


def store_path(location: str, folder: Path | None = None) -> Path:
    """Return the file that keeps unsaved text for the database at ``location``."""
    digest = hashlib.sha256(location.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return (folder or data_dir()) / FOLDER / f"{digest}.json"


class UnsavedStore:
    """Unsaved editor buffers by key (e.g. ``draft:12``, ``entry``, ``lessons:3``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = self._read()
        self._written = self._serialised()
        self.writes = 0  # how many times the file was written (tests, benchmarks)

    @classmethod
    def for_database(cls, location: str, folder: Path | None = None) -> UnsavedStore:
        """Return the store of the database at ``location`` (in the data dir by default)."""
        return cls(store_path(location, folder))

    def entries(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """Return a copy of the kept buffers whose key starts with ``prefix``."""
        with self._lock:
            return {k: dict(v) for k, v in self._entries.items() if k.startswith(prefix)}

    def get(self, key: str) -> dict[str, Any] | None:
        """Return the buffer kept under ``key``, if any."""
        with self._lock:
            found = self._entries.get(key)
            return dict(found) if found is not None else None

    def stage(self, key: str, payload: Payload | None) -> bool:
        """Keep ``payload`` under ``key`` in memory (None forgets it); True if it changed."""
        with self._lock:
            clean = _clean(payload) if payload is not None else None
            if self._entries.get(key) == clean:
                return False
            if clean is None:
                self._entries.pop(key, None)
            else:
                self._entries[key] = clean
            return True

    def stage_all(self, prefix: str, entries: Mapping[str, Payload]) -> bool:
        """Replace every buffer under ``prefix`` by ``entries``; True if anything changed."""
        with self._lock:
            wanted = {key: _clean(value) for key, value in entries.items()}
            current = {k: v for k, v in self._entries.items() if k.startswith(prefix)}
            if current == wanted:
                return False
            for key in current:
                del self._entries[key]
            self._entries.update(wanted)
            return True

    def pending(self) -> bool:
        """Tell whether memory holds something the file does not."""
        with self._lock:
            return self._serialised() != self._written

    def flush(self) -> None:
        """Write what is kept now to the file (atomically, 0600); nothing if unchanged."""
        with self._lock:
            body = self._serialised()
            if body == self._written:
                return
            self._write(body)
            self._written = body
            self.writes += 1

    # -- file ---------------------------------------------------------------------------

    def _serialised(self) -> str:
        return json.dumps(self._entries, sort_keys=True, indent=1)  # ASCII: any text survives

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            self._set_aside(f"unreadable: {error}")
            return {}
        if not isinstance(raw, dict):
            self._set_aside("not a table of texts")
            return {}
        return {str(k): v for k, v in raw.items() if isinstance(v, dict)}

    def _set_aside(self, why: str) -> None:
        """Move a damaged file out of the way, never deleting it: the person may still copy
        their text out of it by hand."""
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            os.replace(self.path, aside)
        except OSError as error:
            log.warning("unsaved text file %s (%s) not set aside: %s", self.path, why, error)
            return
        log.warning("unsaved text file %s is %s; moved to %s", self.path, why, aside)

    def _write(self, body: str) -> None:
        make_private_dir(self.path.parent)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with open(open_private(temporary, flags), "w", encoding="utf-8") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())  # a power cut must not leave an empty file either
        os.replace(temporary, self.path)


def _clean(payload: Payload) -> dict[str, Any]:
    """Return a JSON-safe copy (what the file will hold, so comparisons see no change)."""
    clean: dict[str, Any] = json.loads(json.dumps(dict(payload), ensure_ascii=False, default=str))
    return clean
