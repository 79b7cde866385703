"""The composition root: opening the database or explaining why not, choosing who acts."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType

from warroom.services.preferences import Identity, Preferences
from warroom.ui.shell import app
from warroom.ui.shell.messages import qt_message_to_log
from warroom.ui.shell.new_incident_dialog import NewIncidentDialog
from warroom.ui.team.identity_dialog import IdentityDialog


def test_a_foreign_file_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"this is not sqlite at all" * 100)
    said: list[tuple[str, str]] = []
    assert app.open_or_explain(f"sqlite:///{foreign}", lambda t, m: said.append((t, m))) is None
    assert said and "not a War Room database" in said[0][1]
    assert foreign.read_bytes() == b"this is not sqlite at all" * 100


def test_a_missing_folder_and_a_bad_url_get_messages(tmp_path: Path) -> None:
    said: list[str] = []
    app.open_or_explain(f"sqlite:///{tmp_path}/nope/x.db", lambda _t, m: said.append(m))
    app.open_or_explain("nosuchdriver://x", lambda _t, m: said.append(m))
    assert "does not exist" in said[0]
    assert said[1]


def test_run_window_shows_a_message_box_when_the_database_cannot_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    foreign = tmp_path / "foreign.db"
    foreign.write_bytes(b"garbage" * 200)
    shown: list[str] = []
    monkeypatch.setattr(app, "QApplication", lambda _argv: qapp)
    monkeypatch.setattr(
        app.QMessageBox, "critical", lambda _parent, title, text: shown.append(f"{title}: {text}")
    )
    monkeypatch.setattr(app, "route_qt_messages", lambda: None)
    monkeypatch.setattr(app, "configure_logging", lambda: None)
    assert app.run_window(f"sqlite:///{foreign}", "dana") == 1
    assert shown and "cannot be opened" in shown[0]


def test_who_acts(monkeypatch: pytest.MonkeyPatch) -> None:
    saved = Preferences(identity=Identity("Dana Reyes", "lead"))
    assert app.resolve_identity(None, saved) == Identity("Dana Reyes", "lead")
    assert app.resolve_identity("Dana Reyes", saved) == Identity("Dana Reyes", "lead")
    assert app.resolve_identity("sam", saved) == Identity("sam", "")
    monkeypatch.setenv("WARROOM_USER", "priya")
    assert app.resolve_identity(None, saved) == Identity("priya", "")
    assert app.resolve_identity("sam", saved) == Identity("sam", "")
    monkeypatch.delenv("WARROOM_USER")
    assert app.resolve_identity(None, Preferences()) is None  # first start: ask


def test_identity_dialog_refuses_an_empty_name(qtbot: Any) -> None:
    dialog = IdentityDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Lee Chen")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("scribe"))
    assert ok.isEnabled()
    assert dialog.identity() == Identity("Lee Chen", "scribe")


def test_new_incident_dialog_needs_a_title(qtbot: Any) -> None:
    dialog = NewIncidentDialog([], ["broken.toml: bad phase"])
    qtbot.addWidget(dialog)
    assert not dialog.buttons.buttons()[0].isEnabled()
    qtbot.keyClicks(dialog.title_edit, "Site down")
    request = dialog.request()
    assert (request.title, int(request.severity), request.playbook_key) == ("Site down", 2, None)


def test_qt_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="qt"):
        qt_message_to_log(QtMsgType.QtInfoMsg, QMessageLogContext(), "font fallback used")
    assert "font fallback used" in caplog.text


@pytest.fixture
def in_process_app(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> Any:
    """Let run_window use the test's QApplication and leave global hooks alone."""
    monkeypatch.setattr(app, "QApplication", lambda _argv: qapp)
    monkeypatch.setattr(app, "route_qt_messages", lambda: None)
    monkeypatch.setattr(app, "configure_logging", lambda: None)
    monkeypatch.setattr(app, "freeze_startup_objects", lambda: None)
    return qapp


@pytest.mark.sqlite_only  # checks the embedded file's name in the status bar
@pytest.mark.qt_log_ignore(r"This plugin does not support ")
def test_first_start_asks_who_you_are_then_opens_and_remembers(
    in_process_app: Any, monkeypatch: pytest.MonkeyPatch, db_url: str, isolated_environment: Path
) -> None:
    from PySide6.QtCore import QTimer

    from warroom.services.preferences import PreferencesStore
    from warroom.ui.shell.main_window import MainWindow

    asked: list[Identity | None] = []

    def ask(current: Identity | None) -> Identity:
        asked.append(current)
        return Identity("Lee Chen", "scribe")

    monkeypatch.setattr(app, "ask_identity", ask)
    opened: list[MainWindow] = []
    real_start = MainWindow.start

    def start(window: MainWindow, incident_id: int | None = None) -> None:
        opened.append(window)
        real_start(window, incident_id)
        QTimer.singleShot(300, window.close)

    monkeypatch.setattr(MainWindow, "start", start)
    monkeypatch.setattr(in_process_app, "exec", lambda: _run_until_closed(in_process_app, opened))
    assert app.run_window(db_url, None) == 0
    assert asked == [None]
    assert PreferencesStore().load().identity == Identity("Lee Chen", "scribe")
    assert opened and "Lee Chen (scribe)" in opened[0].status.user_label.text()
    assert opened[0].status.database_label.text().endswith("warroom-test.db")
    opened[0].deleteLater()


def _run_until_closed(qapp: Any, opened: list[Any]) -> int:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (not opened or opened[0].isVisible()):
        qapp.processEvents()
        time.sleep(0.01)
    return 0


def test_cancelling_who_you_are_quits_quietly(
    in_process_app: Any, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setattr(app, "ask_identity", lambda _current: None)
    assert app.run_window(db_url, None) == 0


@pytest.mark.qt_log_ignore(r"This plugin does not support ")
def test_as_name_skips_the_question(
    in_process_app: Any, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    from PySide6.QtCore import QTimer

    from warroom.ui.shell.main_window import MainWindow

    def never(_current: Identity | None) -> Identity:
        raise AssertionError("asked although --as was given")

    monkeypatch.setattr(app, "ask_identity", never)
    opened: list[MainWindow] = []
    real_start = MainWindow.start

    def start(window: MainWindow, incident_id: int | None = None) -> None:
        opened.append(window)
        real_start(window, incident_id)
        QTimer.singleShot(200, window.close)

    monkeypatch.setattr(MainWindow, "start", start)
    monkeypatch.setattr(in_process_app, "exec", lambda: _run_until_closed(in_process_app, opened))
    assert app.run_window(db_url, "sam") == 0
    assert opened[0].identity == Identity("sam", "")
    opened[0].deleteLater()


def test_the_app_icon_is_found(qapp: Any) -> None:
    icon = app.app_icon()
    assert not icon.isNull()
    assert len(icon.availableSizes()) >= 5
