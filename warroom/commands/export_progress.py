"""How far a long export has got, on stderr: nothing for a short one.

An export of a few thousand entries takes a moment and says nothing until its result; one
that runs longer than :data:`QUIET_SECONDS` reports its percentage, on a terminal as one line
rewritten in place, elsewhere (a log, a pipe) as a line every :data:`STEP` percent.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

QUIET_SECONDS = 5.0
STEP = 10


class ExportProgress:
    """A progress callback for ``ExportService.export`` that prints to ``stream``."""

    def __init__(self, stream: TextIO | None = None, quiet_seconds: float = QUIET_SECONDS) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._quiet = quiet_seconds
        self._start = time.monotonic()
        self._shown = -1
        self._live = bool(getattr(self._stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` once the export has run a while."""
        if total <= 0 or time.monotonic() - self._start < self._quiet:
            return
        percent = min(100, done * 100 // total)
        if self._live:
            if percent != self._shown:
                self._stream.write(f"\rexporting: {percent}%")
                self._stream.flush()
        elif percent // STEP != self._shown // STEP or self._shown < 0:
            self._stream.write(f"exporting: {percent}%\n")
            self._stream.flush()
        else:
            return
        self._shown = percent

    def finish(self) -> None:
        """End the in-place line, if one was shown."""
        if self._live and self._shown >= 0:
            self._stream.write("\n")
            self._stream.flush()
