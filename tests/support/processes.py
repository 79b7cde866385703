"""Waiting for a child process to reach a point, instead of sleeping and hoping.

A fixed sleep after starting ``warroom ... --watch`` was too short on a loaded machine (the
imports alone can take seconds), and is wasted time on an idle one.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path


def catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has installed a handler for ``signum`` (Linux: /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signum - 1)))


def wait_until_watching(process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait until a ``--watch`` command has taken over SIGTERM (or has exited).

    ``warroom sync --watch`` and ``inbox --watch`` install their SIGTERM handler once the
    database is open and guarded, right before their first pass. Without /proc (not Linux)
    this falls back to a generous sleep.
    """
    if not sys.platform.startswith("linux"):
        time.sleep(3)
        return
    deadline = time.monotonic() + timeout
    while process.poll() is None and not catches(process.pid, signal.SIGTERM):
        if time.monotonic() > deadline:
            raise AssertionError(f"{process.args} did not start watching in {timeout} s")
        time.sleep(0.01)
