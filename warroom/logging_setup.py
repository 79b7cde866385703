"""One logging setup for every entry point: a rotating file in the user log dir.

Nothing is logged to the terminal: the CLI's stderr is reserved for its one-line errors.
The rotating handler is built on the first record, so a command that logs nothing does not
pay for importing ``logging.handlers`` (and ``socket``) at start-up.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FILE = "warroom.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _DeferredRotatingHandler(logging.Handler):
    """Creates the rotating file handler when the first record arrives."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self._folder = folder
        self._target: logging.Handler | None = None

    def _build(self) -> logging.Handler:
        from logging.handlers import RotatingFileHandler

        from warroom.storage.locations import log_dir

        folder = self._folder or log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = RotatingFileHandler(
                folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
        except OSError:
            # A read-only home must never break a command: drop records instead.
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        return handler

    def emit(self, record: logging.LogRecord) -> None:
        if self._target is None:
            self._target = self._build()
        self._target.handle(record)

    def close(self) -> None:
        if self._target is not None:
            self._target.close()
        super().close()


def configure_logging(log_dir: Path | None = None, level: int = logging.INFO) -> None:
    """Send log records to ``<log dir>/warroom.log`` (rotating, created on first use)."""
    root = logging.getLogger()
    if any(isinstance(h, _DeferredRotatingHandler) for h in root.handlers):
        return
    root.addHandler(_DeferredRotatingHandler(log_dir))
    root.setLevel(level)
