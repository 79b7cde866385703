"""The composition root of the window: database -> services -> runner -> main window.

Everything is built here, once (the services with their keychain access, the runner, the
window and the features plugged into it), and passed down through constructors; nothing
is looked up globally or fished out of the window. ``run_window`` is what ``warroom`` (no
arguments) calls.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from warroom.domain.errors import WarRoomError
from warroom.domain.names import same_name
from warroom.logging_setup import configure_logging
from warroom.resource_paths import resource
from warroom.services import Services, build_services
from warroom.services.preferences import Identity, Preferences, PreferencesStore
from warroom.storage.database import Database, open_database, read_only_message
from warroom.storage.locations import DB_ENV
from warroom.storage.private_files import user_files_warnings
from warroom.ui.inbox.install import install_inbox
from warroom.ui.publishing.sync_setup import install_publishing
from warroom.ui.records.backup_status import BackupController, install_backups
from warroom.ui.records.export_actions import install_export_actions
from warroom.ui.records.review_actions import install_review_action
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.messages import route_qt_messages
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.theme import ThemeController
from warroom.ui.team.connect_dialog import install_connect_actions
from warroom.ui.team.identity_dialog import IdentityDialog
from warroom.ui.team.people_dialog import install_people_action

log = logging.getLogger(__name__)

USER_ENV = "WARROOM_USER"
APP_NAME = "War Room"


def run_window(db_url: str | None, actor: str | None) -> int:
    """Open the window on ``db_url`` (None: $WARROOM_DB or the embedded file); exit code."""
    configure_logging()
    route_qt_messages()
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("warroom")
    app.setWindowIcon(app_icon())
    store = PreferencesStore()
    preferences = store.load()
    theme = ThemeController(app)
    theme.apply(preferences.theme)

    database = open_or_explain(chosen_database_url(db_url, preferences), show_error)
    if database is None:
        return 1
    services = build_services(database)
    identity = bound_identity(services, actor) or resolve_identity(actor, preferences)
    if identity is None:
        identity = ask_identity(preferences.identity)
        if identity is None:
            database.dispose()
            return 0
        store.save(preferences.with_identity(identity))
    runner = TaskRunner(app)
    window = build_window(services, runner, identity, store, theme)
    publishing = install_publishing(window, services, store, listen=services.new_inbox_pull)
    backups = window.findChild(BackupController)
    database.guard_file()  # stop writing, saying so, if the file is replaced underneath
    for warning in database.warnings + user_files_warnings():
        window.status.say(warning)
    if database.read_only:
        window.status.say(read_only_message(database.location, database.read_only))
    freeze_startup_objects()
    window.show()
    window.start()
    if backups is not None:
        backups.start()
    try:
        return int(app.exec())
    finally:
        window.stop()
        if backups is not None:
            backups.stop()
        publishing.stop()
        runner.shutdown()
        database.dispose()


def app_icon() -> QIcon:
    """Return the application icon in every bundled size."""
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256, 512):
        path = resource("icons", "app", f"warroom-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


def freeze_startup_objects() -> None:
    """Exempt everything built so far (modules, Qt wrappers, ORM mappers) from future
    garbage collection passes: a full pass over them stalls the GUI for ~100 ms."""
    gc.collect()
    gc.freeze()


def chosen_database_url(db_url: str | None, preferences: Preferences) -> str | None:
    """Return the database to open: ``--db``, then $WARROOM_DB, then the remembered server.

    The team server is the one remembered by File > Connect to team server…; None means
    $WARROOM_DB or, without it, the embedded file.
    """
    if db_url or os.environ.get(DB_ENV):
        return db_url
    return preferences.database_url


def open_or_explain(db_url: str | None, explain: Callable[[str, str], None]) -> Database | None:
    """Open the database, or explain in a message box why not and return None."""
    try:
        return open_database(db_url)
    except WarRoomError as error:
        log.warning("cannot open the database: %s", error)
        explain("The database cannot be opened", str(error))
    except Exception as error:  # a bad URL, a missing driver: still a message, not a traceback
        log.exception("unexpected error opening the database")
        explain(
            "The database cannot be opened",
            f"{type(error).__name__}: {error}\n(details in the log file)",
        )
    return None


def show_error(title: str, text: str, parent: QWidget | None = None) -> None:
    """Show a modal error box (before the window exists)."""
    QMessageBox.critical(parent, f"{APP_NAME}: {title}", text)


def resolve_identity(actor: str | None, preferences: Preferences) -> Identity | None:
    """Return who acts: ``--as``, then $WARROOM_USER, then the remembered person."""
    name = " ".join((actor or os.environ.get(USER_ENV, "")).split())
    saved = preferences.identity
    if name:
        role = saved.role if saved is not None and saved.name == name else ""
        return Identity(name, role)
    return saved


def bound_identity(services: Services, actor: str | None) -> Identity | None:
    """Team mode: the person whose own database login this is acts, whoever ``--as`` names
    (the services refuse anyone else: "you are connected as priya")."""
    if services.db.is_sqlite:
        return None
    me = services.people.connected_person()
    if me is None:
        return None
    if actor and not same_name(actor, me.name):
        log.warning("--as %r ignored: you are connected as %r", actor, me.name)
    return Identity(me.name, me.role.value)


def ask_identity(current: Identity | None) -> Identity | None:
    """Ask who is at the workstation (first start); None if they cancelled."""
    dialog = IdentityDialog(current)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.identity()


def build_window(
    services: Services,
    runner: TaskRunner,
    identity: Identity,
    store: PreferencesStore,
    theme: ThemeController | None = None,
    *,
    poll_ms: int = 1000,
) -> MainWindow:
    """Build (not show) the window and its features around ready services (everything but
    publishing, which starts a worker thread); tests and the self-test use this directly."""
    window = MainWindow(services, runner, identity, store, theme, poll_ms=poll_ms)
    install_export_actions(window, services.export, services.incidents.today)
    install_review_action(window, services.review, services.incidents)
    install_people_action(window, services.people)
    install_connect_actions(window, store)
    install_backups(window, services.backups)
    install_inbox(window, services, services.incidents.today)
    return window
