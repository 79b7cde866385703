"""File > Connect to team server…: the real test server, the keychain, the remembered URL."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.support.postgres import PASSWORD_USER, PostgresServer
from warroom.services.preferences import Preferences, PreferencesStore
from warroom.storage.locations import DB_ENV
from warroom.ui.shell.app import chosen_database_url
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.team.connect_dialog import RESTART_HINT, ConnectDialog, install_connect_actions

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
WAIT_MS = 20_000
PASSWORD = "correct horse 'battery'"


def _keychain() -> str:
    path = Path(os.environ["WARROOM_TEST_KEYRING"])
    return path.read_text() if path.exists() else "{}"


@pytest.fixture
def team_database(pg_url: str, postgres_server: PostgresServer) -> tuple[str, int, str]:
    """Return host, port and database of a fresh database whose user needs a password."""
    postgres_server.create_password_user(PASSWORD)
    parsed = make_url(pg_url)
    return "127.0.0.1", postgres_server.port, str(parsed.database)


@pytest.fixture
def make_dialog(
    qtbot: Any, runner: TaskRunner, store: PreferencesStore
) -> Callable[[tuple[str, int, str], str], ConnectDialog]:
    def make(where: tuple[str, int, str], password: str) -> ConnectDialog:
        host, port, database = where
        dialog = ConnectDialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.host_edit.setText(host)
        dialog.port_edit.setText(str(port))
        dialog.database_edit.setText(database)
        dialog.user_edit.setText(PASSWORD_USER)
        dialog.password_edit.setText(password)
        return dialog

    return make


def _connect(qtbot: Any, dialog: ConnectDialog, runner: TaskRunner) -> None:
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: runner.is_idle() and dialog.connect_button.isEnabled(), timeout=WAIT_MS)


def _grab(dialog: ConnectDialog, name: str) -> None:
    folder = os.environ.get("WARROOM_SCREENSHOTS")
    if folder:
        dialog.grab().save(str(Path(folder) / name))


@pytest.mark.postgres
def test_connecting_keeps_the_password_in_the_keychain_and_the_url_without_it(
    make_dialog: Callable[..., ConnectDialog],
    team_database: tuple[str, int, str],
    runner: TaskRunner,
    store: PreferencesStore,
    qtbot: Any,
) -> None:
    dialog = make_dialog(team_database, PASSWORD)
    assert dialog.password_edit.echoMode().name == "Password"
    assert dialog.remember_box.isChecked()
    _connect(qtbot, dialog, runner)
    assert dialog.result_text().startswith("✓ Connected to ")
    assert RESTART_HINT in dialog.result_text()
    assert dialog.password_edit.text() == ""
    _grab(dialog, "connect-ok.png")

    host, port, database = team_database
    url = f"postgresql+psycopg://{PASSWORD_USER}@{host}:{port}/{database}"
    assert store.load().database_url == url
    assert dialog.connected_url == url
    assert "battery" not in store.path.read_text(encoding="utf-8")
    keychain = json.loads(_keychain())
    account = f"database:{PASSWORD_USER}@{host}:{port}/{database}"
    assert keychain["warroom"][account] == PASSWORD


@pytest.mark.postgres
def test_a_wrong_password_is_one_line_and_stores_nothing(
    make_dialog: Callable[..., ConnectDialog],
    team_database: tuple[str, int, str],
    runner: TaskRunner,
    store: PreferencesStore,
    qtbot: Any,
) -> None:
    dialog = make_dialog(team_database, "not the password")
    _connect(qtbot, dialog, runner)
    assert dialog.result_text().startswith("✗ ")
    assert "password is missing or wrong" in dialog.result_text()
    assert "\n" not in dialog.result_text()
    _grab(dialog, "connect-wrong.png")
    assert store.load().database_url is None
    assert dialog.connected_url is None
    assert "not the password" not in _keychain()
    assert dialog.password_edit.text() == "not the password"  # kept, to correct it


def test_an_unreachable_server_is_one_line_and_missing_fields_are_named(
    qtbot: Any, runner: TaskRunner, store: PreferencesStore
) -> None:
    dialog = ConnectDialog(store, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.connect_button.click()
    assert dialog.result_text() == "✗ Fill in the host, database, user."
    assert runner.is_idle()

    dialog.host_edit.setText("127.0.0.1")
    dialog.port_edit.setText("1")  # nothing listens on port 1
    dialog.database_edit.setText("warroom")
    dialog.user_edit.setText("anna")
    dialog.password_edit.setText("secret")
    _connect(qtbot, dialog, runner)
    assert dialog.result_text().startswith("✗ ")
    assert "\n" not in dialog.result_text()
    assert store.load().database_url is None
    assert "secret" not in _keychain()


def test_the_remembered_server_is_used_unless_db_or_the_environment_says_otherwise(
    store: PreferencesStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql+psycopg://anna@db.example:5432/warroom"
    store.save(Preferences().with_database_url("postgresql+psycopg://anna:pw@db.example/warroom"))
    assert store.load().database_url == "postgresql+psycopg://anna@db.example/warroom"
    assert "pw" not in store.path.read_text(encoding="utf-8")

    remembered = Preferences().with_database_url(url)
    monkeypatch.delenv(DB_ENV, raising=False)
    assert chosen_database_url(None, remembered) == url
    assert chosen_database_url("sqlite:///x.db", remembered) == "sqlite:///x.db"
    assert chosen_database_url(None, Preferences()) is None
    monkeypatch.setenv(DB_ENV, "sqlite:///env.db")
    assert chosen_database_url(None, remembered) is None  # open_database reads $WARROOM_DB


@pytest.mark.sqlite_only
def test_file_menu_actions_open_the_dialog_and_go_back_to_the_local_database(
    make_window: Callable[..., MainWindow], store: PreferencesStore, qtbot: Any
) -> None:
    window = make_window()
    actions = install_connect_actions(window, store)
    assert actions.connect_action in window.file_menu.actions()
    assert actions.local_action in window.file_menu.actions()
    actions.connect_action.trigger()
    assert actions.dialog is not None and actions.dialog.isVisible()
    assert actions.dialog.port_edit.text() == "5432"
    _grab(actions.dialog, "connect-empty.png")
    actions.dialog.reject()
    assert actions.dialog is None

    store.save(store.load().with_database_url("postgresql+psycopg://anna@db.example/warroom"))
    actions.local_action.trigger()
    assert store.load().database_url is None
    assert "forgotten" in window.status.currentMessage()
    assert actions.message is not None
    actions.message.accept()
