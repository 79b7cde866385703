"""The window notices when its database file is replaced underneath it, and says so."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]
WAIT_MS = 10_000


def test_the_window_stops_writing_and_says_so(
    qtbot: Any,
    services: Any,
    db_path: Path,
    runner: TaskRunner,
    make_window: Callable[..., MainWindow],
) -> None:
    incident = services.incidents.open("Checkout down", 3, "alice")
    services.db.guard_file()  # what run_window does once the database is open
    window = make_window(incident_id=incident.id, poll_ms=100)
    copy = db_path.with_name("restored.db")
    with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    os.replace(copy, db_path)  # someone restores a backup over the open file

    qtbot.waitUntil(lambda: "stopped writing" in window.status.currentMessage(), timeout=WAIT_MS)
    message = window.status.currentMessage()
    assert f"the database file {db_path} was replaced by another file" in message
    assert "\n" not in message
