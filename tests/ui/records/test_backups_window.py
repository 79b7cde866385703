"""Backups in the window (Tools > Backups…, the status bar's age, on-close backups) and the
window on an encrypted database."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeView

from warroom.domain.incidents import Incident
from warroom.services import Services, build_services
from warroom.services.encryption import init_database
from warroom.ui.records.backup_status import BackupController, install_backups
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.timeline.model import ENTRY_ROLE
from warroom.ui.timeline.presentation import COL_TEXT

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

Make = Callable[..., MainWindow]
WAIT_MS = 15_000


def _backups_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".db") if folder.is_dir() else []


def test_backups_dialog_configures_backs_up_and_the_status_bar_follows(
    qtbot: Any, make_window: Make, incident: Incident, services: Services, tmp_path: Path
) -> None:
    window = make_window()
    controller = install_backups(window, services.backups, check_ms=60_000)
    controller.start()
    qtbot.waitUntil(lambda: controller.status is not None, timeout=WAIT_MS)
    assert controller.indicator.text() == "Backup: off"
    assert controller.indicator.property("stale") is False
    assert controller.action in window.tools_menu.actions()

    dialog = controller.open_dialog()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT_MS)
    folder = tmp_path / "stick"
    dialog.folder_edit.setText(str(folder))
    dialog.every_spin.setValue(15)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✓"), timeout=WAIT_MS)
    assert controller.indicator.text() == "Backup: never"
    assert controller.indicator.property("stale") is True  # configured, nothing yet: red

    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "verified" in dialog.result_text(), timeout=WAIT_MS)
    assert len(_backups_in(folder)) == 1
    assert controller.indicator.text() == "Backup: just now"
    assert controller.indicator.property("stale") is False
    assert _backups_in(folder)[0] in dialog.last_label.text()
    dialog.reject()

    shutil.rmtree(folder)  # the stick was pulled out
    controller.check()
    qtbot.waitUntil(
        lambda: controller.indicator.text() == "Backup: folder missing", timeout=WAIT_MS
    )
    assert controller.indicator.property("stale") is True
    assert "missing" in controller.indicator.toolTip()
    controller.stop()


def test_closing_an_incident_takes_a_backup_in_the_background(
    qtbot: Any, make_window: Make, incident: Incident, services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "stick"
    services.backups.configure(str(folder), every_minutes=60)
    window = make_window(poll_ms=100)
    controller = window.findChild(BackupController) or install_backups(
        window, services.backups, check_ms=60_000
    )
    controller.start()
    qtbot.waitUntil(lambda: len(_backups_in(folder)) == 1, timeout=WAIT_MS)  # due at start
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    services.incidents.close(
        incident.id, "alice", anyway="wrapping up the test"
    )  # anyone, anywhere: the window notices
    qtbot.waitUntil(lambda: len(_backups_in(folder)) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: controller.indicator.text() == "Backup: just now", timeout=WAIT_MS)
    controller.stop()


@pytest.fixture
def encrypted_services(tmp_path: Path, clock: Any) -> Iterator[Services]:
    """Return services over a new encrypted database (its key in the test keychain)."""
    db = init_database(str(tmp_path / "encrypted.db"), encrypt=True)
    yield build_services(db, clock=clock)
    db.dispose()


@pytest.mark.sqlite_only
def test_the_window_works_the_same_on_an_encrypted_database(
    qtbot: Any, make_window: Make, encrypted_services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "encrypted.db"
    incident = encrypted_services.incidents.open(
        "Customer records exposed", 1, "alice", playbook_key="data-breach"
    )
    window = make_window(services_=encrypted_services, incident_id=incident.id)
    pane = window.timeline
    first = incident.entry_count
    qtbot.waitUntil(lambda: pane.model.rowCount() == first, timeout=WAIT_MS)
    pane.add_box.setFocus()
    qtbot.keyClicks(pane.add_box, "Notified the DPO about 312 exposed records")
    with qtbot.waitSignal(pane.entry_added, timeout=WAIT_MS):
        qtbot.keyClick(pane.add_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pane.model.rowCount() == first + 1, timeout=WAIT_MS)
    newest = pane.model.index(first, COL_TEXT).data(ENTRY_ROLE)
    assert newest.text == "Notified the DPO about 312 exposed records"
    assert window.findChild(QTreeView, "checklistView") is not None
    assert encrypted_services.timeline.verify(incident.id).ok
    for name in (path.name, path.name + "-wal"):
        data = (path.parent / name).read_bytes()
        assert b"312 exposed records" not in data and not data.startswith(b"SQLite format 3")
