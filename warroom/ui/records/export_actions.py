"""The window's export and verification actions: File > Export…, File > Verify export…,
Tools > Verify this incident.

:func:`install_export_actions` is called by the composition root with the built window;
everything the actions need comes from the window's constructor arguments.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from warroom.domain.incidents import Incident
from warroom.export.formats import ExportFormat
from warroom.export.json_reader import ExportCheck
from warroom.services.export import ExportResult, ExportService
from warroom.storage.private_files import make_private_dir
from warroom.ui.records.export_dialog import ExportDialog
from warroom.ui.records.verify_dialog import VerifyDialog

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)


#: The folder exports go to by default, inside the person's documents folder.
EXPORT_FOLDER = "War Room"


def documents_folder() -> Path:
    """Return the user's documents folder (the home folder if the platform has none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location else Path.home()


def export_folder(wanted: Path | None = None) -> Path:
    """Return a folder that exists for exports: ``wanted`` (default: ``<documents>/War
    Room``), created private when missing; its parent, or home, if it cannot be made."""
    folder = wanted if wanted is not None else documents_folder() / EXPORT_FOLDER
    try:
        return make_private_dir(folder)
    except OSError as error:
        log.warning("cannot create the export folder %s: %s", folder, error)
    return folder.parent if folder.parent.is_dir() else Path.home()


class ExportActions(QObject):
    """Own the export and verify actions of one window and the dialogs they open."""

    def __init__(
        self,
        window: MainWindow,
        export: ExportService,
        today: Callable[[], date],
        folder: Path | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._export = export
        self._today = today
        #: Where exports are proposed; None: ``<documents>/War Room``, made when first used.
        self.chosen_folder = folder
        self.export_dialog: ExportDialog | None = None
        self.verify_dialog: VerifyDialog | None = None
        self.file_dialog: QFileDialog | None = None

        self.export_action = QAction("&Export…", window)
        self.export_action.setObjectName("exportAction")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setStatusTip("Export the incident log as PDF, JSON, CSV or Markdown")
        self.export_action.triggered.connect(self.open_export_dialog)
        self.verify_file_action = QAction("&Verify export…", window)
        self.verify_file_action.setObjectName("verifyFileAction")
        self.verify_file_action.setStatusTip("Check the hash chain of a JSON export file")
        self.verify_file_action.triggered.connect(self.pick_export_file)
        self.verify_incident_action = QAction("Verify this &incident", window)
        self.verify_incident_action.setObjectName("verifyIncidentAction")
        self.verify_incident_action.setStatusTip(
            "Check the hash chain, revisions and approvals of the incident in the database"
        )
        self.verify_incident_action.triggered.connect(self.verify_incident)

        window.add_file_action(self.export_action)
        window.add_file_action(self.verify_file_action)
        window.add_tools_action(self.verify_incident_action)
        window.incident_changed.connect(self._incident_changed)
        self._incident_changed(window.current_incident())

    @property
    def folder(self) -> Path:
        """Return the folder exports are proposed in (it exists: made when missing)."""
        return export_folder(self.chosen_folder)

    def _incident_changed(self, incident: Incident | None) -> None:
        self.export_action.setEnabled(incident is not None)
        self.verify_incident_action.setEnabled(incident is not None)

    # -- export ---------------------------------------------------------------------------------

    def open_export_dialog(self) -> ExportDialog | None:
        """Ctrl+E: open the export dialog for the incident shown."""
        incident = self._window.current_incident()
        if incident is None:
            return None
        if self.export_dialog is not None and self.export_dialog.is_running():
            self.export_dialog.raise_()
            self.export_dialog.activateWindow()
            return self.export_dialog
        dialog = ExportDialog(
            self._export,
            self._window.runner,
            incident,
            self._window.identity.name,
            self.folder,
            self._today(),
            self._window,
        )
        dialog.exported.connect(self._exported)
        dialog.failed.connect(lambda text: self._window.status.say(f"Not exported: {text}"))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _code: self._forget_export_dialog(dialog))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _forget_export_dialog(self, dialog: ExportDialog) -> None:
        if self.export_dialog is dialog:
            self.export_dialog = None

    def _exported(self, result: ExportResult) -> None:
        warning = "" if result.chain_ok else " (warning: the hash chain is broken)"
        self._window.status.say(f"Exported {result.entry_count} entries to {result.path}{warning}")

    # -- verify ---------------------------------------------------------------------------------

    def pick_export_file(self) -> QFileDialog:
        """File > Verify export…: choose a JSON export, then verify it."""
        dialog = QFileDialog(self._window, "Verify a JSON export")
        dialog.setObjectName("verifyFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setNameFilters(
            [f"War Room JSON exports (*.{ExportFormat.JSON.value})", "All files (*)"]
        )
        dialog.setDirectory(str(self.folder))
        dialog.fileSelected.connect(lambda name: self.verify_file(Path(name)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget_file_dialog)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _forget_file_dialog(self) -> None:
        self.file_dialog = None

    def verify_file(self, path: Path) -> VerifyDialog:
        """Verify the export file ``path`` and show the verdict."""
        export = self._export
        return self._show_verification(str(path), lambda: export.verify_file(path))

    def verify_incident(self) -> VerifyDialog | None:
        """Tools > Verify this incident: check the incident shown, as its export would be."""
        incident = self._window.current_incident()
        if incident is None:
            return None
        export, actor = self._export, self._window.identity.name
        return self._show_verification(
            f"Incident #{incident.id} {incident.title} (in the database)",
            lambda: export.verify_incident(incident.id, actor),
        )

    def _show_verification(self, source: str, check: Callable[[], ExportCheck]) -> VerifyDialog:
        dialog = VerifyDialog(self._window.runner, source, check, self._window)
        dialog.checked.connect(self._verified)
        dialog.failed.connect(lambda text: self._window.status.say(f"Not verified: {text}"))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _code: self._forget_verify_dialog(dialog))
        self.verify_dialog = dialog
        dialog.open()
        return dialog

    def _forget_verify_dialog(self, dialog: VerifyDialog) -> None:
        if self.verify_dialog is dialog:
            self.verify_dialog = None

    def _verified(self, check: ExportCheck) -> None:
        self._window.status.say(f"Verified {check.describe()}")


def install_export_actions(
    window: MainWindow,
    export: ExportService,
    today: Callable[[], date],
    folder: Path | None = None,
) -> ExportActions:
    """Add Export…, Verify export… and Verify this incident to ``window``; exports are
    proposed in ``folder`` (default: ``~/Documents/War Room``, created when first needed)."""
    return ExportActions(window, export, today, folder)
