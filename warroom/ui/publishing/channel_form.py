"""The form of Tools > Channels…: one channel's kind, settings and secret (never shown).

Only the rows of the chosen kind are shown (the settings it accepts, ``KIND_SETTINGS``); a
kind without a secret (the status folder) hides the secret row.
"""

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

from warroom.domain.channels import Channel, ChannelKind, WebhookFormat
from warroom.services.channel_settings import KIND_SETTINGS
from warroom.services.channel_setup import SECURITY_CHOICES

SECRET_NAMES = {
    ChannelKind.EMAIL: "SMTP password",
    ChannelKind.MASTODON: "Access token",
    ChannelKind.BLUESKY: "App password",
    ChannelKind.WEBHOOK: "Signing secret",
    ChannelKind.MATRIX: "Access token",
    ChannelKind.STATUSPAGE: "API key",
    ChannelKind.STATUSDIR: "No secret",
}
URL_HINTS = {
    ChannelKind.MASTODON: "https://mastodon.example (the instance)",
    ChannelKind.BLUESKY: "https://bsky.social (the PDS; empty: bsky.social)",
    ChannelKind.WEBHOOK: "https://hooks.example/warroom",
    ChannelKind.MATRIX: "https://matrix.example.org (the homeserver)",
    ChannelKind.STATUSPAGE: "empty: https://api.statuspage.io",
}


def parse_groups(text: str) -> dict[str, list[str]]:
    """Read 'press=a@x, b@y; staff=c@z' into {name: [addresses]} ('NAME=' keeps no one)."""
    groups: dict[str, list[str]] = {}
    for part in text.split(";"):
        name, _equals, addresses = part.partition("=")
        if name.strip():
            groups[name.strip()] = [a.strip() for a in addresses.split(",") if a.strip()]
    return groups


def show_groups(groups: Any) -> str:
    """Write recipient groups the way :func:`parse_groups` reads them."""
    if not isinstance(groups, dict):
        return ""
    return "; ".join(f"{name}={', '.join(members)}" for name, members in groups.items())


def _listed(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list | tuple) else str(value or "")


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
        self.to_edit = self._line("channelTo", "visible addressees (optional), comma-separated")
        self.bcc_edit = self._line("channelBcc", "hidden recipients, comma-separated")
        self.reply_to_edit = self._line("channelReplyTo", "optional: where answers go")
        self.groups_edit = self._line("channelGroups", "press=a@x.org, b@y.org; customers=c@z.com")
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("channelFormat")
        for fmt in WebhookFormat:
            self.format_combo.addItem(fmt.value, fmt.value)
        self.room_edit = self._line("channelRoom", "!roomid or #alias:server.example")
        self.page_edit = self._line("channelPage", "the page id")
        self.component_edit = self._line("channelComponent", "optional: the affected component id")
        self.path_edit = self._line("channelPath", "the folder the status page is written to")
        self.title_edit = self._line("channelTitle", "optional: the page title (Service status)")
        self._filled_groups: dict[str, Any] = {}
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
        self.form.addRow("&Bcc", self.bcc_edit)
        self.form.addRow("&Reply-To", self.reply_to_edit)
        self.form.addRow("&Groups", self.groups_edit)
        self.form.addRow("F&ormat", self.format_combo)
        self.form.addRow("&Room", self.room_edit)
        self.form.addRow("Pa&ge", self.page_edit)
        self.form.addRow("Co&mponent", self.component_edit)
        self.form.addRow("Fol&der", self.path_edit)
        self.form.addRow("T&itle", self.title_edit)
        self.form.addRow("&CA bundle", self.ca_row)
        self._rows: dict[str, QWidget] = {
            "url": self.url_edit,
            "handle": self.handle_edit,
            "host": self.host_edit,
            "port": self.port_edit,
            "security": self.security_combo,
            "user": self.user_edit,
            "from": self.from_edit,
            "to": self.to_edit,
            "bcc": self.bcc_edit,
            "reply_to": self.reply_to_edit,
            "groups": self.groups_edit,
            "format": self.format_combo,
            "room": self.room_edit,
            "page": self.page_edit,
            "component": self.component_edit,
            "path": self.path_edit,
            "title": self.title_edit,
        }
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
        self.to_edit.setText(_listed(settings.get("to")))
        self.bcc_edit.setText(_listed(settings.get("bcc")))
        self.reply_to_edit.setText(str(settings.get("reply_to", "")))
        self._filled_groups = dict(settings.get("groups") or {})
        self.groups_edit.setText(show_groups(self._filled_groups))
        self.format_combo.setCurrentIndex(
            max(0, self.format_combo.findData(str(settings.get("format") or "generic")))
        )
        self.room_edit.setText(str(settings.get("room", "")))
        self.page_edit.setText(str(settings.get("page", "")))
        self.component_edit.setText(str(settings.get("component", "")))
        self.path_edit.setText(str(settings.get("path", "")))
        self.title_edit.setText(str(settings.get("title", "")))
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
            self.bcc_edit,
            self.reply_to_edit,
            self.groups_edit,
            self.room_edit,
            self.page_edit,
            self.component_edit,
            self.path_edit,
            self.title_edit,
            self.ca_edit,
            self.secret_edit,
        ):
            edit.clear()
        self._filled_groups = {}
        self.security_combo.setCurrentIndex(0)
        self.format_combo.setCurrentIndex(0)
        self.update_secret_hint(False)
        self.name_edit.setFocus()

    def settings(self) -> dict[str, Any]:
        """Return the settings typed for the chosen kind (empty fields: keep or default)."""
        kind = self.kind()
        values: dict[str, Any] = {"ca_bundle": self.ca_edit.text().strip() or None}
        if kind is ChannelKind.EMAIL:
            values.update(self._email_settings())
        elif kind is ChannelKind.STATUSDIR:
            values.update(path=self.path_edit.text().strip(), title=self.title_edit.text().strip())
        else:
            values["url"] = self.url_edit.text().strip()
        if kind is ChannelKind.BLUESKY:
            values["handle"] = self.handle_edit.text().strip()
        if kind is ChannelKind.WEBHOOK:
            values["format"] = self.format_combo.currentData()
        if kind is ChannelKind.MATRIX:
            values["room"] = self.room_edit.text().strip()
        if kind is ChannelKind.STATUSPAGE:
            values.update(
                page=self.page_edit.text().strip(), component=self.component_edit.text().strip()
            )
        return values

    def remember_groups(self, groups: Any) -> None:
        """Take ``groups`` as the ones stored (after a save): deleting one later removes it."""
        self._filled_groups = dict(groups or {})

    def _email_settings(self) -> dict[str, Any]:
        port = self.port_edit.text().strip()
        typed = parse_groups(self.groups_edit.text())
        # A group the form showed and the person deleted is removed (NAME with no one).
        groups = {**{name: [] for name in self._filled_groups if name not in typed}, **typed}
        return {
            "host": self.host_edit.text().strip(),
            "port": int(port) if port.isdigit() else None,
            "security": self.security_combo.currentText(),
            "user": self.user_edit.text().strip(),
            "from": self.from_edit.text().strip(),
            "to": [t.strip() for t in self.to_edit.text().split(",") if t.strip()],
            "bcc": [t.strip() for t in self.bcc_edit.text().split(",") if t.strip()],
            "reply_to": self.reply_to_edit.text().strip(),
            "groups": groups or None,
        }

    def kind_changed(self) -> None:
        """Show the fields of the chosen kind and name its secret."""
        kind = self.kind()
        shown = KIND_SETTINGS[kind]
        for key, widget in self._rows.items():
            self.form.setRowVisible(widget, key in shown)
        self.form.setRowVisible(self.secret_edit, kind is not ChannelKind.STATUSDIR)
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
