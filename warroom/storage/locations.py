"""Where War Room keeps its files: platform user dirs, overridable for tests and scripts."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "warroom"
DATA_DIR_ENV = "WARROOM_DATA_DIR"
DB_ENV = "WARROOM_DB"
LOG_FILE = "warroom.log"
PREFERENCES_FILE = "preferences.json"


def data_dir() -> Path:
    """Return the user data dir (``$WARROOM_DATA_DIR`` wins over the platform's)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # deferred: only needed when no override is set

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Return the directory for rotating log files."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """Return the embedded SQLite file's path."""
    return data_dir() / "warroom.db"


def resolve_database_url(url: str | None) -> str:
    """Return the URL to use: the argument, else ``$WARROOM_DB``, else the embedded file.

    A bare filesystem path is accepted as a SQLite file for convenience.
    """
    chosen = url or os.environ.get(DB_ENV) or ""
    if not chosen:
        from warroom.storage.private_files import make_private_dir

        path = default_database_path()
        make_private_dir(path.parent)
        return f"sqlite:///{path}"
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().absolute()}"
    return chosen
