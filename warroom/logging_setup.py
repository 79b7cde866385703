"""One logging setup for every entry point: a rotating file in the user log dir.

Nothing is logged to the terminal: the CLI's stderr is reserved for its one-line errors.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FILE = "warroom.log"
MAX_BYTES = 1_000_000
BACKUPS = 3


def configure_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send log records to ``<log dir>/warroom.log`` (rotating); return its path.

    Where the folder cannot be created, records are dropped rather than printed, so that a
    read-only home never breaks a command.
    """
    from logging.handlers import RotatingFileHandler

    from warroom.storage.locations import log_dir as default_log_dir

    root = logging.getLogger()
    if any(getattr(h, "_warroom", False) for h in root.handlers):
        return None
    folder = log_dir or default_log_dir()
    handler: logging.Handler
    path: Path | None = folder / LOG_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, delay=True,
                                      encoding="utf-8")
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler._warroom = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path
