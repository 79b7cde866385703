"""The form of Tools > Channels…: one channel's kind, settings and secret (never shown)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from warroom.domain.channels import Channel, ChannelKind
from warroom.services.channel_setup import SECURITY_CHOICES

SECRET_NAMES = {
    ChannelKind.EMAIL: "SMTP password",
    ChannelKind.MASTODON: "Access token",
    ChannelKind.BLUESKY: "App password",
    ChannelKind.WEBHOOK: "Signing secret",
}
URL_HINTS = {
    ChannelKind.MASTODON: "https://mastodon.example (the instance)",
    ChannelKind.BLUESKY: "https://bsky.social (the PDS; empty: bsky.social)",
    ChannelKind.WEBHOOK: "https://hooks.example/warroom",
}


class ChannelForm(QGroupBox):
    """The fields of one channel; only those of the chosen kind are shown."""

    def __init__(self, is_configured: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__("Add or reconfigure a channel", parent)
        self._is_configured = is_configured
        self.form = QFormLayout(self)
        self.name_edit = self._line("channelName", "e.g. mastodon, status-page")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("channelKind")
        for kind in ChannelKind:
            self.kind_combo.addItem(kind.value, kind)
        self.kind_combo.currentIndexChanged.connect(self.kind_changed)
        self.url_edit = self._line("channelUrl", "")
        self.handle_edit = self._line("channelHandle", "e.g. status.example.com")
        self.host_edit = self._line("channelHost", "smtp.example.com")
        self.port_edit = self._line("channelPort", "empty: 587 (starttls) or 465 (ssl)")
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.security_combo = QComboBox(self)
        self.security_combo.setObjectName("channelSecurity")
        self.security_combo.addItems(list(SECURITY_CHOICES))
        self.user_edit = self._line("channelUser", "SMTP login (optional)")
        self.from_edit = self._line("channelFrom", "incidents@example.com")
        self.to_edit = self._line("channelTo", "one or more addresses, separated by commas")
        self.ca_edit = self._line("channelCaBundle", "optional: PEM file of a private CA")
        browse = QPushButton("Browse…", self)
        browse.setObjectName("channelCaBrowse")
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(browse)
        self.ca_row = QWidget(self)
        self.ca_row.setLayout(ca_row)
        ca_row.setContentsMargins(0, 0, 0, 0)
        self.secret_edit = self._line("channelSecret", "")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_label = QLabel("Secret", self)
        self.secret_label.setBuddy(self.secret_edit)

        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("&URL", self.url_edit)
        self.form.addRow("&Handle", self.handle_edit)
        self.form.addRow("SMTP &host", self.host_edit)
        self.form.addRow("&Port", self.port_edit)
        self.form.addRow("&Security", self.security_combo)
        self.form.addRow("Us&er", self.user_edit)
        self.form.addRow("&From", self.from_edit)
        self.form.addRow("&To", self.to_edit)
        self.form.addRow("&CA bundle", self.ca_row)
        self.form.addRow(self.secret_label, self.secret_edit)

        self.kind_changed()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def kind(self) -> ChannelKind:
        """Return the kind chosen in the form."""
        return ChannelKind(self.kind_combo.currentData())

    def fill(self, channel: Channel) -> None:
        """Put ``channel``'s settings into the form (never its secret)."""
        settings = channel.settings
        self.name_edit.setText(channel.name)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(channel.kind))
        self.url_edit.setText(str(settings.get("url", "")))
        self.handle_edit.setText(str(settings.get("handle", "")))
        self.host_edit.setText(str(settings.get("host", "")))
        self.port_edit.setText(str(settings.get("port", "")))
        self.security_combo.setCurrentText(str(settings.get("security", "starttls")))
        self.user_edit.setText(str(settings.get("user", "")))
        self.from_edit.setText(str(settings.get("from", "")))
        to = settings.get("to", [])
        self.to_edit.setText(", ".join(to) if isinstance(to, list | tuple) else str(to))
        self.ca_edit.setText(str(settings.get("ca_bundle", "")))
        self.secret_edit.clear()
        self.update_secret_hint(channel.configured)

    def clear(self) -> None:
        """Empty every field for a new channel."""
        for edit in (
            self.name_edit,
            self.url_edit,
            self.handle_edit,
            self.host_edit,
            self.port_edit,
            self.user_edit,
            self.from_edit,
            self.to_edit,
            self.ca_edit,
            self.secret_edit,
        ):
            edit.clear()
        self.security_combo.setCurrentIndex(0)
        self.update_secret_hint(False)
        self.name_edit.setFocus()

    def settings(self) -> dict[str, Any]:
        """Return the settings typed for the chosen kind (empty fields: keep or default)."""
        kind = self.kind()
        values: dict[str, Any] = {"ca_bundle": self.ca_edit.text().strip() or None}
        if kind is ChannelKind.EMAIL:
            port = self.port_edit.text().strip()
            values.update(
                host=self.host_edit.text().strip(),
                port=int(port) if port.isdigit() else None,
                security=self.security_combo.currentText(),
                user=self.user_edit.text().strip(),
                to=[t.strip() for t in self.to_edit.text().split(",") if t.strip()],
            )
            values["from"] = self.from_edit.text().strip()
        else:
            values["url"] = self.url_edit.text().strip()
        if kind is ChannelKind.BLUESKY:
            values["handle"] = self.handle_edit.text().strip()
        return values

    def kind_changed(self) -> None:
        """Show the fields of the chosen kind and name its secret."""
        kind = self.kind()
        email = kind is ChannelKind.EMAIL
        for widget in (
            self.host_edit,
            self.port_edit,
            self.security_combo,
            self.user_edit,
            self.from_edit,
            self.to_edit,
        ):
            self.form.setRowVisible(widget, email)
        self.form.setRowVisible(self.url_edit, not email)
        self.form.setRowVisible(self.handle_edit, kind is ChannelKind.BLUESKY)
        self.url_edit.setPlaceholderText(URL_HINTS.get(kind, ""))
        self.secret_label.setText(SECRET_NAMES[kind])
        self.update_secret_hint(self._is_configured(self.name_edit.text().strip()))

    def update_secret_hint(self, configured: bool) -> None:
        """Say whether an empty secret field keeps the stored secret or means none."""
        name = SECRET_NAMES[self.kind()]
        what = name if name.split()[0].isupper() else name.lower()  # keep "SMTP" upper case
        self.secret_edit.setPlaceholderText(
            f"empty: keep the stored {what}" if configured else f"the {what} (empty: none)"
        )
        self.secret_edit.setAccessibleName(SECRET_NAMES[self.kind()])

    def _browse_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "CA bundle", "", "PEM files (*.pem *.crt);;All files (*)"
        )
        if path:
            self.ca_edit.setText(path)
