"""File > Connect to team server…: try a team's PostgreSQL database and remember it.

Connecting runs on the task runner: the database is opened (and its schema brought up to
date), the password kept in the keychain if asked, then the connection is closed again. On
success the URL, without any password, is remembered in the preferences; the next start of
War Room uses it (rebuilding a running window around another database is not attempted). A
failure is its one line and nothing is stored. File > Use the local database again forgets
the remembered URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from warroom.services import connection
from warroom.services.preferences import PreferencesStore
from warroom.ui.shell.background_dialog import ERROR_STYLE, INFO_STYLE, OK_STYLE
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432
RESTART_HINT = "Restart War Room to use it."

#: ``(url, password, remember) -> where it connected``: opens, checks and closes the database.
Probe = Callable[[str, str, bool], str]


def probe_server(url: str, password: str, remember: bool) -> str:
    """Connect to ``url`` once (keeping the password if asked), close again; the location."""
    database = connection.connect(url, password=password or None, remember=remember)
    try:
        return database.location
    finally:
        database.dispose()


def server_url(host: str, port: int, database: str, user: str) -> str:
    """Return the team database URL for the form's fields (never with a password)."""
    login = f"{quote(user, safe='')}@" if user else ""
    where = f"[{host}]" if ":" in host else host
    return f"{DRIVER}://{login}{where}:{port}/{quote(database, safe='')}"


class ConnectDialog(QDialog):
    """Host, port, database, user and password of a team server; Connect tries them."""

    def __init__(
        self,
        store: PreferencesStore,
        runner: TaskRunner,
        probe: Probe = probe_server,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to team server")
        self._store = store
        self._runner = runner
        self._probe = probe
        self._closed = False
        self._pending = False
        self.connected_url: str | None = None
        self._build()
        self.resize(460, 0)

    def _build(self) -> None:
        intro = QLabel(
            "Connect this workstation to the team's PostgreSQL database. "
            "The password goes to the keychain, never to a settings file.",
            self,
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.host_edit = self._line("host", "db.example.internal")
        self.port_edit = self._line("port", str(DEFAULT_PORT))
        self.port_edit.setText(str(DEFAULT_PORT))
        self.port_edit.setValidator(QIntValidator(1, 65535, self))
        self.database_edit = self._line("database", "warroom")
        self.user_edit = self._line("user", "your database user")
        self.password_edit = self._line("password", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox("Remember password in the &keychain", self)
        self.remember_box.setObjectName("rememberPassword")
        self.remember_box.setChecked(True)
        form.addRow("&Host:", self.host_edit)
        form.addRow("P&ort:", self.port_edit)
        form.addRow("&Database:", self.database_edit)
        form.addRow("&User:", self.user_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("", self.remember_box)

        self.result_label = QLabel(self)
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.hide()

        buttons = QDialogButtonBox(self)
        self.connect_button = QPushButton("&Connect", self)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setDefault(True)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.connect_button.clicked.connect(self.try_connect)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(name.capitalize())
        return edit

    def done(self, result: int) -> None:
        """Close; a connection attempt still on its way is then ignored."""
        self._closed = True
        super().done(result)

    def url(self) -> str:
        """Return the URL the form describes (no password in it)."""
        port = int(self.port_edit.text()) if self.port_edit.text().isdigit() else DEFAULT_PORT
        return server_url(
            self.host_edit.text().strip(),
            port,
            self.database_edit.text().strip(),
            self.user_edit.text().strip(),
        )

    def try_connect(self) -> None:
        """Connect in the background; on success remember the URL for the next start."""
        if self._pending:
            return
        missing = [
            label
            for label, edit in (
                ("host", self.host_edit),
                ("database", self.database_edit),
                ("user", self.user_edit),
            )
            if not edit.text().strip()
        ]
        if missing:
            self._show_result(f"✗ Fill in the {', '.join(missing)}.", ERROR_STYLE)
            return
        url, password, remember = (
            self.url(),
            self.password_edit.text(),
            self.remember_box.isChecked(),
        )
        probe = self._probe
        self._set_pending(True)
        self._show_result(f"Connecting to {connection.keychain_account(url)}…", INFO_STYLE)

        def connected(location: str) -> None:
            if self._closed:
                return
            self._set_pending(False)
            self.password_edit.clear()
            try:
                self._store.save(self._store.load().with_database_url(url))
            except OSError as error:
                self._show_result(f"✗ Connected, but not remembered: {error}", ERROR_STYLE)
                return
            self.connected_url = url
            kept = " Password kept in the keychain." if password and remember else ""
            self._show_result(f"✓ Connected to {location}.{kept} {RESTART_HINT}", OK_STYLE)

        def failed(error: Exception) -> None:
            if self._closed:
                return
            self._set_pending(False)
            text = " ".join(str(error).split()) or type(error).__name__
            self._show_result(f"✗ {text}", ERROR_STYLE)

        self._runner.run(lambda: probe(url, password, remember), connected, failed)

    def _set_pending(self, pending: bool) -> None:
        self._pending = pending
        self.connect_button.setEnabled(not pending)

    def _show_result(self, text: str, style: str) -> None:
        self.result_label.setText(text)
        self.result_label.setAccessibleName(text)
        self.result_label.setStyleSheet(f"QLabel {{ {style}; border-radius:3px; padding:4px }}")
        self.result_label.show()

    def result_text(self) -> str:
        """Return the last result shown (for people and tests)."""
        return self.result_label.text()


class ConnectActions(QObject):
    """File > Connect to team server… and File > Use the local database again.

    A child of the window, so it lives (and its connections stay) as long as the window.
    """

    def __init__(self, window: MainWindow, store: PreferencesStore) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self.dialog: ConnectDialog | None = None
        self.message: QMessageBox | None = None
        self.connect_action = QAction("Connect to &team server…", window)
        self.connect_action.setObjectName("connectAction")
        self.connect_action.triggered.connect(self.open_dialog)
        self.local_action = QAction("Use the &local database again", window)
        self.local_action.setObjectName("useLocalAction")
        self.local_action.triggered.connect(self.use_local)
        window.add_file_action(self.connect_action)
        window.add_file_action(self.local_action)

    def open_dialog(self) -> ConnectDialog:
        """Open the Connect dialog (or raise the one already open)."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = ConnectDialog(self._store, self._window.runner, parent=self._window)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            if dialog.connected_url:
                self._window.status.say(f"Team server remembered. {RESTART_HINT}")
            dialog.deleteLater()

    def use_local(self) -> None:
        """Forget the remembered team server; the next start opens the embedded file."""
        preferences = self._store.load()
        if preferences.database_url is None:
            text = "War Room already uses the local database at the next start."
        else:
            try:
                self._store.save(preferences.with_database_url(None))
            except OSError as error:
                self._window.status.say(f"Could not forget the team server: {error}")
                return
            text = f"The team server is forgotten. {RESTART_HINT.replace('it', 'the local one')}"
        self._window.status.say(text)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Local database",
            text,
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setObjectName("localDatabaseMessage")
        box.finished.connect(box.deleteLater)
        self.message = box
        box.open()


def install_connect_actions(window: MainWindow, store: PreferencesStore) -> ConnectActions:
    """Add the Connect… and Use the local database again actions to ``window``'s File menu."""
    return ConnectActions(window, store)
