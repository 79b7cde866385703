"""Render the screenshots of the README: the window in both themes at 1366x768 and
1920x1080, and wall mode, on a fresh demo incident, offscreen.

The demo's first statement is really delivered to Mastodon (a local server speaking the
``POST /api/v1/statuses`` API answers), so the wall shows a public statement with one
channel delivered and one still queued, as a real room would see it.

Run: python tests/perf/bench_window_screenshot.py            (all, into resources/screenshots)
     python tests/perf/bench_window_screenshot.py -o out.png --theme dark --size 1400x850
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "screenshots"
WINDOW_SHOTS = [(theme, size) for size in ("1366x768", "1920x1080") for theme in ("light", "dark")]
WALL_SHOTS = [("dark", "1920x1080"), ("light", "1920x1080")]


class FakeMastodon(BaseHTTPRequestHandler):
    """Answers a status post as a Mastodon instance does (just enough for one post)."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        body = json.dumps({"id": "1094", "url": "https://social.example/@acme/1094"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        return


def parse_size(text: str) -> tuple[int, int]:
    width, height = (int(part) for part in text.split("x"))
    return width, height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", help="one screenshot of the window to this file")
    parser.add_argument("--theme", default="light", choices=["light", "dark"])
    parser.add_argument("--size", default="1400x850")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = tempfile.mkdtemp()
    os.environ["WARROOM_DATA_DIR"] = folder
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.keyring_backend.FileKeyring"
    os.environ["WARROOM_TEST_KEYRING"] = str(Path(folder) / "keyring.json")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from warroom.domain.channels import ChannelKind
    from warroom.services import build_services
    from warroom.services.demo import load_demo
    from warroom.services.preferences import Identity, PreferencesStore
    from warroom.storage.database import open_database
    from warroom.ui.records.backup_status import BackupController
    from warroom.ui.shell.app import build_window
    from warroom.ui.shell.tasks import TaskRunner
    from warroom.ui.shell.theme import ThemeController
    from warroom.ui.wall.mode import WallMode

    app = QApplication([])
    theme = ThemeController(app)
    db = open_database(f"sqlite:///{Path(folder) / 'demo.db'}")
    incident = load_demo(db)
    services = build_services(db)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMastodon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    services.channel_setup.configure("mastodon", ChannelKind.MASTODON, {"url": url}, "token")
    # Delivered two minutes after its release, as if the network had been up then.
    released = services.statements.get(1).released_at
    assert released is not None
    delivered_at = released + timedelta(minutes=2)
    build_services(db, clock=lambda: delivered_at).delivery.run_once()
    server.shutdown()

    runner = TaskRunner()
    store = PreferencesStore(Path(folder) / "preferences.json")
    window = build_window(services, runner, Identity("Dana Reyes", "lead"), store, theme)
    window.show()
    window.start(incident.id)
    backups = window.findChild(BackupController)
    if backups is not None:
        backups.start()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        while not runner.is_idle():
            app.processEvents()
            time.sleep(0.01)

    pump(2)
    window.drafts.select_statement(3)  # the approved update: approvals and the release button
    pump(0.5)

    def shoot_window(theme_name: str, size: str, path: Path) -> None:
        theme.apply(theme_name)
        window.resize(*parse_size(size))
        pump(0.8)
        window.grab().save(str(path))
        print(f"saved {path} ({size}, {theme_name} theme)")

    if args.output:
        shoot_window(args.theme, args.size, Path(args.output))
    else:
        FOLDER.mkdir(parents=True, exist_ok=True)
        for theme_name, size in WINDOW_SHOTS:
            shoot_window(theme_name, size, FOLDER / f"main-{theme_name}-{size}.png")
        wall = window.findChild(WallMode)
        assert wall is not None
        for theme_name, size in WALL_SHOTS:
            theme.apply(theme_name)
            board = wall.enter(full_screen=False)
            board.resize(*parse_size(size))
            pump(1.2)
            path = FOLDER / f"wall-{theme_name}-{size}.png"
            board.grab().save(str(path))
            print(f"saved {path} ({size}, {theme_name} theme, wall mode)")
            wall.leave()
    window.stop()
    if backups is not None:
        backups.stop()
    guard_leaving(window)
    pump(0.2)
    runner.shutdown()
    db.dispose()


def guard_leaving(window: Any) -> None:
    """Nothing was typed: let the window close without the unsaved-text question."""
    window.hide()


if __name__ == "__main__":
    main()
