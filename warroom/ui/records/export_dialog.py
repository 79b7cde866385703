"""File > Export…: write the incident log as PDF, JSON, CSV or Markdown, with progress.

The export runs through the task bridge. Its ``progress(done, total)`` callback is called on
the worker thread, so it only emits a signal of a relay that lives on the GUI thread; the
queued connection brings each report to the progress bar. Cancel sets a flag that the next
progress report (every few hundred entries) sees: it raises ExportCancelled on the worker,
the service removes its incomplete file, and the dialog says that nothing was written.
"""

from __future__ import annotations

import html
import logging
import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.incidents import Incident
from warroom.export.formats import ExportCancelled, ExportFormat, PageSize
from warroom.services.export import ExportResult, ExportService
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

FORMAT_LABELS = {
    ExportFormat.PDF: "PDF (for people)",
    ExportFormat.JSON: "JSON (machine-readable, verifiable)",
    ExportFormat.CSV: "CSV (spreadsheets)",
    ExportFormat.MARKDOWN: "Markdown (archives, wikis)",
}
FORMAT_FILTERS = {
    ExportFormat.PDF: "PDF files (*.pdf)",
    ExportFormat.JSON: "JSON files (*.json)",
    ExportFormat.CSV: "CSV files (*.csv)",
    ExportFormat.MARKDOWN: "Markdown files (*.md)",
}
PAGE_LABELS = {PageSize.A4: "A4", PageSize.LETTER: "US Letter"}
BAD = "#e0314b"  # readable on the light and the dark theme
CANCELLED = "Cancelled: nothing was written."


def default_file_name(incident_id: int, export_format: ExportFormat, day: date) -> str:
    """Return a file name such as ``incident-12-2026-11-23.pdf``."""
    return f"incident-{incident_id}-{day.isoformat()}.{export_format.value}"


class ProgressRelay(QObject):
    """Lives on the GUI thread; the worker calls :meth:`report`, the signal crosses over.

    :meth:`cancel` (GUI thread) makes the worker's next report raise ExportCancelled.
    """

    progressed = Signal(int, int)  # done, total

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancelled = threading.Event()

    def report(self, done: int, total: int) -> None:
        """Forward one progress report (safe to call from any thread), or stop the export."""
        if self._cancelled.is_set():
            raise ExportCancelled
        self.progressed.emit(done, total)

    def cancel(self) -> None:
        """Ask the running export to stop at its next progress report."""
        self._cancelled.set()

    def reset(self) -> None:
        """Forget an earlier cancel (a new export starts)."""
        self._cancelled.clear()


class ExportDialog(QDialog):
    """Choose format, page size and file; export in the background; show what was written."""

    exported = Signal(object)  # ExportResult
    failed = Signal(str)

    def __init__(
        self,
        export: ExportService,
        runner: TaskRunner,
        incident: Incident,
        actor: str,
        folder: Path,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(f"Export incident #{incident.id}")
        self._export = export
        self._runner = runner
        self._incident = incident
        self._actor = actor
        self._today = today
        self._running = False
        self.last_result: ExportResult | None = None
        self.file_dialog: QFileDialog | None = None
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)

        intro = QLabel(f"<b>#{incident.id} {html.escape(incident.title)}</b>")
        intro.setWordWrap(True)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormat")
        self.format_combo.setAccessibleName("Export format")
        for export_format, label in FORMAT_LABELS.items():
            self.format_combo.addItem(label, export_format.value)
        self.page_combo = QComboBox()
        self.page_combo.setObjectName("exportPageSize")
        self.page_combo.setAccessibleName("PDF page size")
        for size, label in PAGE_LABELS.items():
            self.page_combo.addItem(label, size.value)
        self.path_edit = QLineEdit(
            str(folder / default_file_name(incident.id, ExportFormat.PDF, today))
        )
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setAccessibleName("File to write")
        self.path_edit.setMinimumWidth(420)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setObjectName("exportBrowse")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        form = QFormLayout()
        form.addRow("&Format:", self.format_combo)
        form.addRow("&Page size:", self.page_combo)
        file_label = QLabel("F&ile:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)

        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setAccessibleName("Export progress")
        self.outcome = QLabel("")
        self.outcome.setObjectName("exportOutcome")
        self.outcome.setWordWrap(True)
        self.written_to = _value_label("exportWrittenTo")
        self.contents = _value_label("exportContents")
        self.chain = _value_label("exportChain")
        self.chain.setTextFormat(Qt.TextFormat.RichText)
        self.head = _value_label("exportHead")
        self.head.setWordWrap(False)
        self.head.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details = QFormLayout()
        self.details.addRow("Written to:", self.written_to)
        self.details.addRow("Contents:", self.contents)
        self.details.addRow("Hash chain:", self.chain)
        self.details.addRow("Chain head:", self.head)
        self._show_details(False)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.open_folder_button = self.buttons.addButton(
            "&Open folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_folder_button.setObjectName("exportOpenFolder")
        self.open_folder_button.setVisible(False)
        self.cancel_button = self.buttons.addButton(
            "&Cancel export", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("exportCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addLayout(self.details)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._update_buttons)
        self._format_changed()

    # -- choices ----------------------------------------------------------------------------

    def export_format(self) -> ExportFormat:
        """Return the chosen format."""
        return ExportFormat(str(self.format_combo.currentData()))

    def page_size(self) -> PageSize:
        """Return the chosen PDF page size."""
        return PageSize(str(self.page_combo.currentData()))

    def set_format(self, export_format: ExportFormat) -> None:
        """Choose ``export_format`` (the file name's suffix follows)."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(export_format.value))

    def set_path(self, path: Path) -> None:
        """Choose the file to write."""
        self.path_edit.setText(str(path))

    def path(self) -> Path | None:
        """Return the chosen file, or None if none is given."""
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    def _format_changed(self) -> None:
        export_format = self.export_format()
        self.page_combo.setEnabled(export_format is ExportFormat.PDF)
        path = self.path()
        if path is not None and path.name:
            self.path_edit.setText(str(path.with_suffix(f".{export_format.value}")))
        self._update_buttons()

    def browse(self) -> None:
        """Pick the file with a save dialog (Qt's own, so it looks alike everywhere)."""
        export_format = self.export_format()
        path = self.path()
        dialog = QFileDialog(self, "Export incident log to")
        dialog.setObjectName("exportFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setNameFilter(FORMAT_FILTERS[export_format])
        dialog.setDefaultSuffix(export_format.value)
        if path is not None:
            dialog.setDirectory(str(path.parent))
            dialog.selectFile(path.name)
        dialog.fileSelected.connect(lambda name: self.set_path(Path(name)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget_file_dialog)
        self.file_dialog = dialog
        dialog.open()

    def _forget_file_dialog(self) -> None:
        self.file_dialog = None

    # -- exporting ----------------------------------------------------------------------------

    def is_running(self) -> bool:
        """Tell whether an export is being written."""
        return self._running

    def start_export(self) -> None:
        """Write the export in the background; progress and outcome show in the dialog."""
        path = self.path()
        if path is None or self._running:
            return
        export_format, page_size = self.export_format(), self.page_size()
        export, incident_id, actor = self._export, self._incident.id, self._actor
        report = self.relay.report
        self.relay.reset()
        self._set_running(True)
        self.last_result = None
        self.progress.setValue(0)
        self.outcome.setText(f"Writing {path.name}…")

        def work() -> ExportResult:
            return export.export(
                incident_id, path, export_format, actor, page_size=page_size, progress=report
            )

        self._runner.run(work, self._done, self._failed)

    def cancel_export(self) -> None:
        """Stop the running export; its incomplete file is removed."""
        if not self._running:
            return
        self.relay.cancel()
        self.cancel_button.setEnabled(False)
        self.outcome.setText("Cancelling…")

    def _progressed(self, done: int, total: int) -> None:
        if self._running and total > 0:
            self.progress.setValue(min(100, done * 100 // total))

    def _done(self, result: ExportResult) -> None:
        self._set_running(False)
        self.last_result = result
        self.progress.setValue(100)
        self.outcome.setText(f"<b>Exported</b> incident #{self._incident.id}.")
        self.written_to.setText(str(result.path))
        self.contents.setText(
            f"{result.entry_count} entries, {_size(result.size)}, {result.format.value.upper()}"
        )
        self.chain.setText(
            "intact"
            if result.chain_ok
            else f"<span style='color:{BAD}'><b>BROKEN</b>: see File > Verify export…</span>"
        )
        self.head.setText(result.head_hash or "-")
        self._show_details(True)
        self.adjustSize()
        self.open_folder_button.setVisible(True)
        self.close_button.setFocus()
        self.exported.emit(result)

    def _failed(self, error: Exception) -> None:
        self._set_running(False)
        if isinstance(error, ExportCancelled):
            self.progress.setValue(0)
            self.outcome.setText(CANCELLED)
            self.failed.emit(CANCELLED)
            return
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        log.info("export failed: %s", message)
        self.outcome.setText(
            f"<span style='color:{BAD}'><b>Not exported:</b> {html.escape(message)}</span>"
        )
        self.adjustSize()
        self.failed.emit(message)

    def _set_running(self, running: bool) -> None:
        self._running = running
        for widget in (self.format_combo, self.path_edit, self.browse_button):
            widget.setEnabled(not running)
        self.page_combo.setEnabled(not running and self.export_format() is ExportFormat.PDF)
        self.close_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.open_folder_button.setVisible(False)
            self._show_details(False)
        self._update_buttons()

    def _show_details(self, shown: bool) -> None:
        for row in range(self.details.rowCount()):
            self.details.setRowVisible(row, shown)

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(not self._running and self.path() is not None)

    def open_folder(self) -> bool:
        """Open the folder holding the written file in the desktop's file manager."""
        if self.last_result is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_result.path.parent)))

    # -- closing while writing cancels first ----------------------------------------------------

    def reject(self) -> None:
        if self._running:
            self.cancel_export()  # Escape or Close: stop the export; the dialog stays to say so
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._running:
            self.cancel_export()
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._running and event.key() == Qt.Key.Key_Escape:
            self.cancel_export()
            event.accept()
            return
        super().keyPressEvent(event)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _value_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
