"""Run the real window (the composition root's ``build_window``) offscreen, type into it as a
person would, say so on stdout, and keep running until killed.

tests/ui/shell/test_unsaved.py kills this process with SIGKILL once the text is typed, then
starts a window again and expects the text back.

Usage: python tests/support/typing_window.py DB_URL INCIDENT_ID ENTRY_TEXT STATEMENT_TEXT
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    db_url, incident_id, entry, statement = sys.argv[1], int(sys.argv[2]), *sys.argv[3:5]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from warroom.services import build_services
    from warroom.services.preferences import Identity, PreferencesStore
    from warroom.storage.database import open_database
    from warroom.ui.shell.app import build_window
    from warroom.ui.shell.tasks import TaskRunner

    app = QApplication(sys.argv[:1])
    services = build_services(open_database(db_url))
    runner = TaskRunner(app)
    window = build_window(services, runner, Identity("Dana Reyes", "lead"), PreferencesStore())
    window.show()
    window.start(incident_id)
    deadline = time.monotonic() + 30
    while window.drafts.state.view is None or not runner.is_idle():
        app.processEvents()
        time.sleep(0.01)
        if time.monotonic() > deadline:
            print("error: the incident never loaded", file=sys.stderr)
            return 1
    QTest.keyClicks(window.timeline.add_box, entry)
    window.drafts.new_action.trigger()
    QTest.keyClicks(window.drafts.editor.text, statement)
    print("typed", flush=True)
    return int(app.exec())  # until killed


if __name__ == "__main__":
    sys.exit(main())
