"""One logging setup for every entry point: a rotating file in the user log dir.

Nothing is logged to the terminal: the CLI's stderr is reserved for its one-line errors.
The rotating handler is built on the first record, so a command that logs nothing does not
pay for importing ``logging.handlers`` (and ``socket``) at start-up.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from warroom.storage.locations import LOG_FILE

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
        from warroom.storage.locations import log_dir
        from warroom.storage.private_files import make_private_dir

        folder = self._folder or log_dir()
        try:
            make_private_dir(folder)
            handler: logging.Handler = _private_rotating_handler(folder / LOG_FILE)
        except OSError:
            # A read-only home must never break a command: drop records instead.
            handler = logging.NullHandler()
        handler.setFormatter(InertFormatter(_FORMAT))
        return handler

    def emit(self, record: logging.LogRecord) -> None:
        if self._target is None:
            self._target = self._build()
        self._target.handle(record)

    def close(self) -> None:
        if self._target is not None:
            self._target.close()
        super().close()


class InertFormatter(logging.Formatter):
    """Formats records with control characters escaped: a server's or a person's text
    cannot rewrite the terminal of whoever reads the log (``less -r``, ``tail -f``)."""

    def format(self, record: logging.LogRecord) -> str:
        from warroom.domain.terminal_text import terminal_text

        return terminal_text(super().format(record))


def _private_rotating_handler(path: Path) -> logging.Handler:
    """Return a rotating handler whose files are created readable by the owner only."""
    import os
    from logging.handlers import RotatingFileHandler

    from warroom.storage.private_files import open_private

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self) -> Any:
            descriptor = open_private(
                Path(self.baseFilename), os.O_WRONLY | os.O_CREAT | os.O_APPEND
            )
            return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    return PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )


def configure_logging(log_dir: Path | None = None, level: int = logging.INFO) -> None:
    """Send log records to ``<log dir>/warroom.log`` (rotating, created on first use)."""
    root = logging.getLogger()
    if any(isinstance(h, _DeferredRotatingHandler) for h in root.handlers):
        return
    root.addHandler(_DeferredRotatingHandler(log_dir))
    root.setLevel(level)
