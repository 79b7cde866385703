"""The composition root: opening the database or explaining why not, choosing who acts."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType

from warroom.services.preferences import Identity, Preferences
from warroom.ui import app
from warroom.ui.identity_dialog import IdentityDialog
from warroom.ui.messages import qt_message_to_log
from warroom.ui.new_incident_dialog import NewIncidentDialog


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
