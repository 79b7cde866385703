"""Tools > Sources…: where War Room listens; add, reconfigure, test and remove a source.

The same use cases as ``warroom source add|list|test|remove``, through the task runner. The
secret goes from the password field straight into ``services.sources.configure`` (and so
into the keychain); it is never shown, logged or kept after a successful save. A source
stopped by a refused login shows STOPPED and the server's reason; a successful Test lifts
the stop. A refusal is shown as its one line and the form keeps everything typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.channels import Channel
from warroom.domain.inbox import Source
from warroom.services.channels import ChannelService
from warroom.services.sources import SourceService, SourceTest
from warroom.ui.inbox.source_form import SourceForm
from warroom.ui.inbox.sources_model import PROBLEM, SOURCE_ROLE, SourcesModel
from warroom.ui.shell.background_dialog import (
    ERROR_STYLE,
    INFO_STYLE,
    OK_STYLE,
    BackgroundDialog,
    one_line,
)
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)
_SELECT = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows


class SourcesDialog(BackgroundDialog):
    """A table of sources above a form that configures one."""

    def __init__(
        self,
        sources: SourceService,
        channels: ChannelService,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        actor: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.setObjectName("sourcesDialog")
        self.setWindowTitle("Sources")
        self._sources = sources
        self._channels = channels
        self._actor = actor or (lambda: None)
        self._pending = False
        self._filling = False
        self.model = SourcesModel(self)
        self.remove_confirmation: QMessageBox | None = None
        self._build()
        self.resize(860, 640)

    def _build(self) -> None:
        self.view = QTableView(self)
        self.view.setObjectName("sourcesView")
        self.view.setAccessibleName("Sources")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PROBLEM, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        self.source_form = SourceForm(self)
        self.name_edit = self.source_form.name_edit
        self.kind_combo = self.source_form.kind_combo
        self.secret_edit = self.source_form.secret_edit
        self.result_label = QLabel("", self)
        self.result_label.setObjectName("sourcesResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)  # servers' words
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()

        buttons = QDialogButtonBox(self)
        self.new_button = self._button(buttons, "&New", "sourceNew", self.clear_form)
        self.save_button = self._button(buttons, "&Save", "sourceSave", self.save)
        self.test_button = self._button(buttons, "&Test", "sourceTest", self.test)
        self.test_button.setToolTip("One harmless authenticated call; success lifts a STOPPED")
        self.remove_button = self._button(buttons, "&Remove…", "sourceRemove", self.ask_remove)
        self.remove_button.setToolTip("Stop listening there; the items it brought in stay")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.source_form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def _button(self, box: QDialogButtonBox, text: str, name: str, slot: Callable[[], None]) -> Any:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- the table -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the sources and the channels (to reuse or reply through)."""
        sources, channels = self._sources, self._channels

        def read() -> tuple[list[Source], list[Channel]]:
            return sources.all(), channels.all()

        def shown(result: tuple[list[Source], list[Channel]]) -> None:
            self.source_form.set_channels(result[1])
            self.show_sources(result[0])

        self._run(read, shown)

    def show_sources(self, sources: Sequence[Source]) -> None:
        """Show fresh sources, keeping the selected one selected."""
        selected = self.selected_name()
        self._filling = True
        try:
            self.model.set_sources(sources)
            row = self.model.row_of(selected) if selected else -1
            if row >= 0:
                self.view.selectionModel().setCurrentIndex(self.model.index(row, 0), _SELECT)
        finally:
            self._filling = False

    def selected_name(self) -> str:
        """Return the name of the source selected in the table ('' if none)."""
        source = self.view.currentIndex().data(SOURCE_ROLE)
        return source.name if isinstance(source, Source) else ""

    def select_source(self, name: str) -> None:
        """Select ``name`` in the table (and fill the form with its settings)."""
        row = self.model.row_of(name)
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(self.model.index(row, 0), _SELECT)

    def _row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: Any = None
    ) -> None:
        source = current.data(SOURCE_ROLE) if current.isValid() else None
        if not self._filling and isinstance(source, Source):
            self.source_form.fill(source)
            self._hide_result()

    def clear_form(self) -> None:
        """Start a new source: empty fields, nothing selected."""
        self.view.clearSelection()
        self.view.setCurrentIndex(QModelIndex())
        self.source_form.clear()
        self._hide_result()

    # -- save, test, remove --------------------------------------------------------------------

    def save(self) -> None:
        """Configure the source: settings to the database, the secret to the keychain."""
        if self._pending:
            return
        form = self.source_form
        name, kind, settings = self.name_edit.text().strip(), form.kind(), form.settings()
        secret, channel = form.secret(), form.from_channel()
        sources, actor = self._sources, self._actor()
        self._set_pending(True, f"Saving {name or 'the source'}…")

        def saved(source: Source) -> None:
            self._set_pending(False)
            self.secret_edit.clear()
            where = f"credentials of channel {channel}" if channel else "secret"
            kept = "stored in the keychain" if secret else "kept"
            self._show_result(
                f"Saved {source.name} ({source.kind.value}); {where} {kept}.", OK_STYLE
            )
            self._after_save(source.name)

        self._run(
            lambda: sources.configure(
                name, kind, settings, secret, actor=actor, from_channel=channel
            ),
            saved,
            self._failed,
        )

    def _after_save(self, name: str) -> None:
        def shown(sources: list[Source]) -> None:
            self.show_sources(sources)
            self._filling = True
            try:
                self.select_source(name)
            finally:
                self._filling = False

        self._run(self._sources.all, shown)

    def test(self) -> None:
        """Make one harmless authenticated call with the source's saved settings."""
        if self._pending:
            return
        name = self.name_edit.text().strip() or self.selected_name()
        if not name:
            self._show_result("Choose or name a source to test.", ERROR_STYLE)
            return
        sources = self._sources
        self._set_pending(True, f"Testing {name}…")

        def tested(result: SourceTest) -> None:
            self._set_pending(False)
            mark, style = ("✓", OK_STYLE) if result.ok else ("✗", ERROR_STYLE)
            self._show_result(f"{mark} {result.source.name}: {result.message}", style)
            self._after_save(result.source.name)

        self._run(lambda: sources.test(name), tested, self._failed)

    def ask_remove(self) -> None:
        """Ask before deleting the selected source (and its own secret in the keychain)."""
        name = self.selected_name()
        if not name:
            self._show_result("Choose the source to remove.", ERROR_STYLE)
            return
        if self._pending:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove source",
            f"Stop listening to {name} and delete its secret in the keychain?\n"
            "The items it brought in stay in the inbox.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("sourceRemoveConfirmation")
        box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
        box.accepted.connect(lambda: self.remove(name))
        box.finished.connect(box.deleteLater)
        self.remove_confirmation = box
        box.open()

    def remove(self, name: str) -> None:
        """Delete the source ``name`` in the background and show the outcome."""
        sources, actor = self._sources, self._actor()
        self._set_pending(True, f"Removing {name}…")

        def removed(_: None) -> None:
            self._set_pending(False)
            self.clear_form()
            self._show_result(f"Removed {name}; its items stay in the inbox.", OK_STYLE)
            self.refresh()

        self._run(lambda: sources.remove(name, actor=actor), removed, self._failed)

    def _failed(self, error: Exception) -> None:
        self._set_pending(False)
        self._show_result(f"✗ {one_line(error)}", ERROR_STYLE)

    def _set_pending(self, pending: bool, text: str = "") -> None:
        self._pending = pending
        for button in (self.save_button, self.test_button, self.remove_button):
            button.setEnabled(not pending)
        if pending:
            self._show_result(text, INFO_STYLE)

    def _hide_result(self) -> None:
        self.result_label.clear()
        self.result_label.hide()
