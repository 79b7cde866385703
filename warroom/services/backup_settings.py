"""Where and how often each database is backed up: a small JSON file in the data dir.

The setting belongs to this workstation (a USB stick or a share mounted here), and to one
database: the embedded file and a team server can be backed up to different folders. The
file maps the database's location (a path, or a server URL without password) to its
setting. A missing or damaged file means "not configured", never a refusal to start.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warroom.domain.backups import DEFAULT_EVERY_MINUTES, DEFAULT_KEEP_LAST
from warroom.domain.errors import ValidationError
from warroom.storage.locations import data_dir

log = logging.getLogger(__name__)

SETTINGS_FILE = "backups.json"
MAX_EVERY_MINUTES = 7 * 24 * 60
MAX_KEEP_LAST = 10_000


@dataclass(frozen=True, slots=True)
class BackupSettings:
    """The backup folder of one database, how often to back up, how many to keep."""

    folder: Path
    every_minutes: int = DEFAULT_EVERY_MINUTES
    keep_last: int = DEFAULT_KEEP_LAST


def validate_settings(
    folder: str, every_minutes: int = DEFAULT_EVERY_MINUTES, keep_last: int = DEFAULT_KEEP_LAST
) -> BackupSettings:
    """Return clean settings or refuse an empty folder or an out-of-range number."""
    cleaned = folder.strip()
    if not cleaned:
        raise ValidationError("the backup folder is empty")
    if not 1 <= every_minutes <= MAX_EVERY_MINUTES:
        raise ValidationError(
            f"back up every 1 to {MAX_EVERY_MINUTES} minutes, not {every_minutes}"
        )
    if not 1 <= keep_last <= MAX_KEEP_LAST:
        raise ValidationError(f"keep 1 to {MAX_KEEP_LAST} recent backups, not {keep_last}")
    return BackupSettings(Path(cleaned).expanduser().absolute(), every_minutes, keep_last)


class BackupSettingsStore:
    """Read and write ``<data dir>/backups.json``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / SETTINGS_FILE

    def load(self, database: str) -> BackupSettings | None:
        """Return the settings of ``database`` (its location), or None when not configured."""
        entry = self._read().get(database)
        if not isinstance(entry, dict):
            return None
        try:
            return validate_settings(
                str(entry.get("folder", "")),
                int(entry.get("every_minutes", DEFAULT_EVERY_MINUTES)),
                int(entry.get("keep_last", DEFAULT_KEEP_LAST)),
            )
        except (ValidationError, TypeError, ValueError) as error:
            log.warning("ignoring the backup setting of %s: %s", database, error)
            return None

    def save(self, database: str, settings: BackupSettings) -> None:
        """Remember ``settings`` for ``database`` (atomically: old file or new file)."""
        body = self._read()
        body[database] = {
            "folder": str(settings.folder),
            "every_minutes": settings.every_minutes,
            "keep_last": settings.keep_last,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)

    def _read(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            log.warning("ignoring unreadable backup settings %s: %s", self.path, error)
            return {}
        return raw if isinstance(raw, dict) else {}
