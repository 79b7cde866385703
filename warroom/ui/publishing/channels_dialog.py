"""Tools > Channels…: the channels with their reachability; add, reconfigure and test one.

The same use cases as ``warroom channel add|list|test``, through the task runner. The secret
goes from the password field straight into ``channel_setup.configure`` (and so into the
keychain); it is never shown, logged or kept after a successful save. A refusal (bad
settings, no keychain) is shown as its one line and the form keeps everything typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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

from warroom.domain.channels import Channel, ChannelKind
from warroom.services.channel_setup import (
    ChannelSetupService,
    ChannelTest,
    optional_settings,
)
from warroom.services.channels import ChannelService
from warroom.ui.publishing.channel_form import ChannelForm
from warroom.ui.publishing.channels_model import CHANNEL_ROLE, ChannelsModel
from warroom.ui.shell.background_dialog import (
    ERROR_STYLE,
    INFO_STYLE,
    OK_STYLE,
    BackgroundDialog,
)
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)
T = TypeVar("T")


class ChannelsDialog(BackgroundDialog):
    """A table of channels above a form that configures one."""

    def __init__(
        self,
        channels: ChannelService,
        setup: ChannelSetupService,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        actor: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.setObjectName("channelsDialog")
        self.setWindowTitle("Channels")
        self._channels = channels
        self._setup = setup
        # Who acts, read at each save (File > Switch user… changes it); without one (a dialog
        # built on its own) nobody is named and the service checks no role.
        self._actor = actor or (lambda: None)
        self._pending = False
        self._filling = False
        self.model = ChannelsModel(self)
        self._build()
        self.resize(820, 620)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.view = QTableView(self)
        self.view.setObjectName("channelsView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.view.setAccessibleName("Channels")
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        box = ChannelForm(self._is_configured, self)
        self.channel_form = box
        self.form = box.form
        self.name_edit, self.kind_combo = box.name_edit, box.kind_combo
        self.url_edit, self.handle_edit = box.url_edit, box.handle_edit
        self.host_edit, self.port_edit = box.host_edit, box.port_edit
        self.security_combo, self.user_edit = box.security_combo, box.user_edit
        self.from_edit, self.to_edit, self.ca_edit = box.from_edit, box.to_edit, box.ca_edit
        self.secret_edit, self.secret_label = box.secret_edit, box.secret_label

        self.result_label = QLabel("", self)
        self.result_label.setObjectName("channelsResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()

        buttons = QDialogButtonBox(self)
        self.new_button = buttons.addButton("&New", QDialogButtonBox.ButtonRole.ResetRole)
        self.new_button.setObjectName("channelNew")
        self.new_button.clicked.connect(self.clear_form)
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("channelSave")
        self.save_button.clicked.connect(self.save)
        self.test_button = buttons.addButton("&Test", QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.setObjectName("channelTest")
        self.test_button.setToolTip("Make one harmless authenticated call with the saved settings")
        self.test_button.clicked.connect(self.test)
        self.remove_button = buttons.addButton("&Remove…", QDialogButtonBox.ButtonRole.ActionRole)
        self.remove_button.setObjectName("channelRemove")
        self.remove_button.setToolTip("Delete a channel that no statement targets")
        self.remove_button.clicked.connect(self.ask_remove)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        for button in (
            self.new_button,
            self.save_button,
            self.test_button,
            self.remove_button,
            close,
        ):
            button.setAutoDefault(False)
        self.remove_confirmation: QMessageBox | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(box)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    # -- the table -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the channels in the background."""
        self._run(self._channels.all, self.show_channels)

    def show_channels(self, channels: Sequence[Channel]) -> None:
        """Show fresh channels, keeping the selected one selected."""
        selected = self.selected_name()
        self._filling = True
        try:
            self.model.set_channels(channels)
            row = self.model.row_of(selected) if selected else -1
            if row >= 0:
                self.view.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        finally:
            self._filling = False

    def selected_name(self) -> str:
        """Return the name of the channel selected in the table ('' if none)."""
        channel = self.view.currentIndex().data(CHANNEL_ROLE)
        return channel.name if isinstance(channel, Channel) else ""

    def select_channel(self, name: str) -> None:
        """Select ``name`` in the table (and fill the form with its settings)."""
        row = self.model.row_of(name)
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: Any = None
    ) -> None:
        if self._filling:
            return
        channel = current.data(CHANNEL_ROLE) if current.isValid() else None
        if isinstance(channel, Channel):
            self.fill_form(channel)

    # -- the form ------------------------------------------------------------------------------

    def kind(self) -> ChannelKind:
        """Return the kind chosen in the form."""
        return self.channel_form.kind()

    def fill_form(self, channel: Channel) -> None:
        """Put ``channel``'s settings into the form (never its secret)."""
        self.channel_form.fill(channel)
        self._hide_result()

    def clear_form(self) -> None:
        """Start a new channel: empty fields, nothing selected."""
        self.view.clearSelection()
        self.view.setCurrentIndex(QModelIndex())
        self.channel_form.clear()
        self._hide_result()

    def settings(self) -> dict[str, Any]:
        """Return the settings typed for the chosen kind (empty fields: keep or default)."""
        return self.channel_form.settings()

    def _is_configured(self, name: str) -> bool:
        channel = self.model.channel(self.model.row_of(name))
        return channel is not None and channel.configured

    # -- save and test -------------------------------------------------------------------------

    def save(self) -> None:
        """Configure the channel from the form: settings to the database, secret to the keychain."""
        if self._pending:
            return
        name = self.name_edit.text().strip()
        kind = self.kind()
        settings = self.settings()
        typed = self.secret_edit.text()
        # Empty means "keep the stored one" (or none, for a channel without a secret yet).
        secret = typed if typed else None
        # The form shows every stored setting: an optional field left empty is cleared.
        clear = [key for key in optional_settings(kind) if key in settings and not settings[key]]
        setup, actor = self._setup, self._actor()
        self._set_pending(True, f"Saving {name or 'the channel'}…")

        def saved(channel: Channel) -> None:
            self._set_pending(False)
            self.secret_edit.clear()
            self.channel_form.remember_groups(channel.settings.get("groups"))
            stored = "stored in the keychain" if secret else "kept"
            if secret is None and not self._is_configured(channel.name):
                stored = "none"
            if channel.kind is ChannelKind.STATUSDIR:
                stored = "not needed"
            self._show_result(
                f"Saved {channel.name} ({channel.kind.value}); secret {stored}.", OK_STYLE
            )
            self._after_save(channel.name)

        self._run(
            lambda: setup.configure(name, kind, settings, secret, actor=actor, clear=clear),
            saved,
            self._failed,
        )

    def _after_save(self, name: str) -> None:
        def shown(channels: list[Channel]) -> None:
            self.show_channels(channels)
            self._filling = True
            try:
                self.select_channel(name)
            finally:
                self._filling = False
            self.channel_form.update_secret_hint(self._is_configured(name))

        self._run(self._channels.all, shown)

    def test(self) -> None:
        """Make one harmless authenticated call with the channel's saved settings."""
        if self._pending:
            return
        name = self.name_edit.text().strip() or self.selected_name()
        if not name:
            self._show_result("Choose or name a channel to test.", ERROR_STYLE)
            return
        setup = self._setup
        self._set_pending(True, f"Testing {name}…")

        def tested(result: ChannelTest) -> None:
            self._set_pending(False)
            if result.ok:
                self._show_result(f"✓ {result.channel.name}: ok, {result.message}", OK_STYLE)
            else:
                self._show_result(f"✗ {result.channel.name}: {result.message}", ERROR_STYLE)
            self.refresh()

        self._run(lambda: setup.test(name), tested, self._failed)

    def ask_remove(self) -> None:
        """Ask before deleting the selected channel (and its secret in the keychain)."""
        name = self.selected_name()
        if not name:
            self._show_result("Choose the channel to remove.", ERROR_STYLE)
            return
        if self._pending:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove channel",
            f"Remove the channel {name} and its secret in the keychain?\n"
            "A channel that a statement targets cannot be removed.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("channelRemoveConfirmation")
        box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
        box.accepted.connect(lambda: self.remove(name))
        box.finished.connect(box.deleteLater)
        self.remove_confirmation = box
        box.open()

    def remove(self, name: str) -> None:
        """Delete the channel ``name`` in the background and show the outcome."""
        setup, actor = self._setup, self._actor()
        self._set_pending(True, f"Removing {name}…")

        def removed(_: None) -> None:
            self._set_pending(False)
            self.clear_form()
            self._show_result(f"Removed {name}.", OK_STYLE)
            self.refresh()

        self._run(lambda: setup.remove(name, actor=actor), removed, self._failed)

    def _failed(self, error: Exception) -> None:
        self._set_pending(False)
        text = " ".join(str(error).split()) or type(error).__name__
        self._show_result(f"✗ {text}", ERROR_STYLE)

    def _set_pending(self, pending: bool, text: str = "") -> None:
        self._pending = pending
        for button in (self.save_button, self.test_button, self.remove_button):
            button.setEnabled(not pending)
        if pending:
            self._show_result(text, INFO_STYLE)

    def _hide_result(self) -> None:
        self.result_label.clear()
        self.result_label.hide()
