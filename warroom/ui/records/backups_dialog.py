"""Tools > Backups…: choose the backup folder and interval, see the last good backup,
back up now. Every service call (settings file, folder listing, the backup) runs in the
background; the dialog only shows outcomes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.backups import DEFAULT_EVERY_MINUTES, DEFAULT_KEEP_LAST
from warroom.services.backup_settings import MAX_EVERY_MINUTES, MAX_KEEP_LAST
from warroom.services.backups import BackupResult, BackupService, BackupStatus
from warroom.ui.shell.background_dialog import (
    ERROR_STYLE,
    INFO_STYLE,
    OK_STYLE,
    BackgroundDialog,
)
from warroom.ui.shell.tasks import TaskRunner


class BackupsDialog(BackgroundDialog):
    """Configure this database's automatic backups and take one on demand."""

    def __init__(
        self,
        backups: BackupService,
        runner: TaskRunner,
        on_status: Callable[[BackupStatus], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Backups")
        self._backups = backups
        self._on_status = on_status

        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("backupFolderEdit")
        self.folder_edit.setPlaceholderText("e.g. a USB stick or a network share")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        self.every_spin = QSpinBox()
        self.every_spin.setObjectName("backupEverySpin")
        self.every_spin.setRange(1, MAX_EVERY_MINUTES)
        self.every_spin.setSuffix(" min")
        self.every_spin.setValue(DEFAULT_EVERY_MINUTES)
        self.keep_spin = QSpinBox()
        self.keep_spin.setObjectName("backupKeepSpin")
        self.keep_spin.setRange(1, MAX_KEEP_LAST)
        self.keep_spin.setValue(DEFAULT_KEEP_LAST)
        self.keep_spin.setToolTip("Besides these, the newest backup of each of the last 30 days")
        form = QFormLayout()
        form.addRow("Backup &folder:", folder_row)
        form.addRow("Back up &every:", self.every_spin)
        form.addRow("&Keep the last:", self.keep_spin)

        self.last_label = QLabel("Last good backup: …")
        self.last_label.setObjectName("lastBackupLabel")
        self.last_label.setWordWrap(True)
        self.result_label = QLabel("")
        self.result_label.setObjectName("backupResult")
        self.result_label.setWordWrap(True)
        self.result_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("saveBackupSettings")
        self.save_button.clicked.connect(self.save)
        self.backup_button = self.buttons.addButton(
            "Back up &now", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.backup_button.setObjectName("backupNowButton")
        self.backup_button.clicked.connect(self.back_up_now)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.last_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.resize(560, 0)
        self._busy(True)
        self._run(self._load, self._loaded)

    def _load(self) -> tuple[BackupStatus, int]:
        settings = self._backups.settings()
        return self._backups.status(), settings.keep_last if settings else DEFAULT_KEEP_LAST

    def _loaded(self, result: tuple[BackupStatus, int]) -> None:
        status, keep_last = result
        if status.folder is not None:
            self.folder_edit.setText(str(status.folder))
        self.every_spin.setValue(status.every_minutes)
        self.keep_spin.setValue(keep_last)
        self._show_status(status)
        self._busy(False)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Backup folder", self.folder_edit.text() or ""
        )
        if folder:
            self.folder_edit.setText(folder)

    def save(self) -> None:
        """Remember the folder and interval (the folder is created if needed)."""
        folder, every, keep = (
            self.folder_edit.text(),
            self.every_spin.value(),
            self.keep_spin.value(),
        )
        backups = self._backups

        def call() -> BackupStatus:
            backups.configure(folder, every, keep)
            return backups.status()

        def saved(status: BackupStatus) -> None:
            self._busy(False)
            self._show_status(status)
            self._show_result(f"✓ Backups go to {status.folder} every {every} min", OK_STYLE)

        self._busy(True)
        self._run(call, saved, self._call_failed)

    def back_up_now(self) -> None:
        """Take a verified backup into the configured folder now."""
        backups = self._backups

        def call() -> tuple[BackupResult, BackupStatus]:
            return backups.backup(), backups.status()

        def done(result: tuple[BackupResult, BackupStatus]) -> None:
            backup, status = result
            self._busy(False)
            self._show_status(status)
            self._show_result(f"✓ {backup.describe()}", OK_STYLE)

        self._busy(True)
        self._show_result("Backing up and verifying…", INFO_STYLE)
        self._run(call, done, self._call_failed)

    def _call_failed(self, error: Exception) -> None:
        self._busy(False)
        self._failed(error)

    def _busy(self, busy: bool) -> None:
        for widget in (self.save_button, self.backup_button, self.folder_edit):
            widget.setEnabled(not busy)

    def _show_status(self, status: BackupStatus) -> None:
        last = status.last_good
        if not status.configured:
            text = "Automatic backups are off: choose a folder and save."
        elif not status.folder_ok:
            text = f"The folder {status.folder} is missing: connect the drive or share."
        elif last is None:
            text = "No backup yet."
        else:
            text = f"Last good backup: {last.name} ({status.describe().removeprefix('Backup: ')})"
        self.last_label.setText(text)
        self.last_label.setStyleSheet(f"QLabel {{ {ERROR_STYLE} }}" if status.stale else "")
        self._on_status(status)
