"""Render the README screenshot: the window on a fresh demo incident, offscreen.

Run: python tests/perf/bench_window_screenshot.py [-o resources/screenshot.png]
     [--theme light|dark] [--size 1400x850]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", default=str(ROOT / "resources" / "screenshot.png"))
    parser.add_argument("--theme", default="light", choices=["light", "dark"])
    parser.add_argument("--size", default="1400x850")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = tempfile.mkdtemp()
    os.environ["WARROOM_DATA_DIR"] = folder

    from PySide6.QtWidgets import QApplication

    from warroom.services import build_services
    from warroom.services.demo import load_demo
    from warroom.services.preferences import Identity, PreferencesStore
    from warroom.storage.database import open_database
    from warroom.ui.shell.main_window import MainWindow
    from warroom.ui.shell.tasks import TaskRunner
    from warroom.ui.shell.theme import ThemeController

    app = QApplication([])
    theme = ThemeController(app)
    theme.apply(args.theme)
    db = open_database(f"sqlite:///{Path(folder) / 'demo.db'}")
    incident = load_demo(db)
    runner = TaskRunner()
    window = MainWindow(
        build_services(db),
        runner,
        Identity("Dana Reyes", "lead"),
        PreferencesStore(Path(folder) / "preferences.json"),
        theme,
    )
    window.resize(width, height)
    window.show()
    window.start(incident.id)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        app.processEvents()
        loaded = window.timeline.model.rowCount() > 0 and runner.is_idle()
        if loaded and time.monotonic() > deadline - 8:
            break
        time.sleep(0.01)
    drafts = window.drafts_widget
    select = getattr(drafts, "select_statement", None)
    if select is not None:
        select(3)  # the approved update: shows approvals and the release button
    for _ in range(100):
        app.processEvents()
        time.sleep(0.01)
    window.grab().save(args.output)
    window.stop()
    while not runner.is_idle():
        app.processEvents()
    runner.shutdown()
    db.dispose()
    print(f"saved {args.output} ({width}x{height}, {args.theme} theme)")


if __name__ == "__main__":
    main()
