"""The form of Tools > Sources…: one source's kind, settings and secret (never shown).

Only the fields of the chosen kind are shown. An empty field keeps what the source has
(as ``warroom source add`` does for an option not given); the secret goes straight to the
service, which puts it in the keychain. "Reuse channel" takes a channel's server and
credentials instead of a secret of the source's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from warroom.domain.channels import Channel
from warroom.domain.inbox import Source, SourceKind
from warroom.services.sources import CHANNEL_KIND, KIND_SETTINGS

SECRET_NAMES = {
    SourceKind.MASTODON: "Access token",
    SourceKind.BLUESKY: "App password",
    SourceKind.IMAP: "Mailbox password",
    SourceKind.FEED: "Secret",
}
URL_HINTS = {
    SourceKind.MASTODON: "https://mastodon.example (the instance)",
    SourceKind.BLUESKY: "https://bsky.social (empty: bsky.social)",
    SourceKind.FEED: "https://reviews.example/feed.xml (RSS, Atom or JSON Feed)",
}
NO_CHANNEL = ""


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class SourceForm(QGroupBox):
    """The fields of one source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add or reconfigure a source", parent)
        self.form = QFormLayout(self)
        self._channels: list[Channel] = []
        self.name_edit = self._line("sourceName", "e.g. support-mail, masto-mentions")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("sourceKind")
        for kind in SourceKind:
            self.kind_combo.addItem(kind.value, kind)
        self.kind_combo.currentIndexChanged.connect(self.kind_changed)
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("sourceFromChannel")
        self.channel_combo.setToolTip("Read with this channel's server and keychain credentials")
        self.url_edit = self._line("sourceUrl", "")
        self.handle_edit = self._line("sourceHandle", "e.g. example.bsky.social")
        self.host_edit = self._line("sourceHost", "imap.example.com")
        self.port_edit = self._line("sourcePort", "empty: 993 (ssl) or 143 (starttls)")
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.security_combo = QComboBox(self)
        self.security_combo.setObjectName("sourceSecurity")
        self.security_combo.addItems(["ssl", "starttls"])
        self.user_edit = self._line("sourceUser", "the mailbox login")
        self.mailbox_edit = self._line("sourceMailbox", "empty: INBOX")
        self.mark_seen = QCheckBox("Mark messages read on the server", self)
        self.mark_seen.setObjectName("sourceMarkSeen")
        self.queries_edit = self._line("sourceQueries", "tracked terms, separated by commas")
        self.tags_edit = self._line("sourceTags", "hashtags without #, separated by commas")
        self.interval_edit = self._line("sourceInterval", "seconds between pulls (empty: 60)")
        self.interval_edit.setValidator(QIntValidator(10, 86_400, self.interval_edit))
        self.reply_combo = QComboBox(self)
        self.reply_combo.setObjectName("sourceReplyChannel")
        self.reply_combo.setToolTip("The channel that answers this source's items in-thread")
        self.secret_edit = self._line("sourceSecret", "")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("Reuse &channel", self.channel_combo)
        self.form.addRow("&URL", self.url_edit)
        self.form.addRow("&Handle", self.handle_edit)
        self.form.addRow("IMAP &host", self.host_edit)
        self.form.addRow("&Port", self.port_edit)
        self.form.addRow("&Security", self.security_combo)
        self.form.addRow("Us&er", self.user_edit)
        self.form.addRow("&Mailbox", self.mailbox_edit)
        self.form.addRow("", self.mark_seen)
        self.form.addRow("Search &terms", self.queries_edit)
        self.form.addRow("Hash&tags", self.tags_edit)
        self.form.addRow("&Interval", self.interval_edit)
        self.form.addRow("Reply channe&l", self.reply_combo)
        self.form.addRow("Secret", self.secret_edit)
        self.kind_changed()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def kind(self) -> SourceKind:
        """Return the kind chosen."""
        return SourceKind(self.kind_combo.currentData())

    def set_channels(self, channels: Sequence[Channel]) -> None:
        """Offer these channels to reuse and to reply through (those of the kind's type)."""
        self._channels = list(channels)
        self._fill_channel_combos()

    def _fill_channel_combos(self) -> None:
        wanted = CHANNEL_KIND.get(self.kind())
        names = [c.name for c in self._channels if wanted is not None and c.kind is wanted]
        for combo, empty in ((self.channel_combo, "(none)"), (self.reply_combo, "(automatic)")):
            chosen = combo.currentData()
            combo.clear()
            combo.addItem(empty, NO_CHANNEL)
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))

    def fill(self, source: Source) -> None:
        """Put ``source``'s settings into the form (never its secret)."""
        settings = source.settings
        self.name_edit.setText(source.name)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(source.kind))
        self.url_edit.setText(str(settings.get("url", "")))
        self.handle_edit.setText(str(settings.get("handle", "")))
        self.host_edit.setText(str(settings.get("host", "")))
        self.port_edit.setText(str(settings.get("port", "")))
        self.security_combo.setCurrentText(str(settings.get("security", "ssl")))
        self.user_edit.setText(str(settings.get("user", "")))
        self.mailbox_edit.setText(str(settings.get("mailbox", "")))
        self.mark_seen.setChecked(bool(settings.get("mark_seen")))
        self.queries_edit.setText(", ".join(settings.get("queries", [])))
        self.tags_edit.setText(", ".join(settings.get("tags", [])))
        interval = settings.get("interval")
        self.interval_edit.setText(str(int(interval)) if interval else "")
        for combo, key in (
            (self.channel_combo, "from_channel"),
            (self.reply_combo, "reply_channel"),
        ):
            combo.setCurrentIndex(max(0, combo.findData(settings.get(key, NO_CHANNEL))))
        self.secret_edit.clear()
        self._secret_hint(configured=True)

    def clear(self) -> None:
        """Empty every field for a new source."""
        for edit in self.findChildren(QLineEdit):
            edit.clear()
        self.mark_seen.setChecked(False)
        self.channel_combo.setCurrentIndex(0)
        self.reply_combo.setCurrentIndex(0)
        self._secret_hint(configured=False)
        self.name_edit.setFocus()

    def from_channel(self) -> str | None:
        """Return the channel whose server and credentials to reuse, if any."""
        return self.channel_combo.currentData() or None

    def settings(self) -> dict[str, Any]:
        """Return the settings typed for the chosen kind (empty fields: keep or default)."""
        kind = self.kind()
        port, interval = self.port_edit.text().strip(), self.interval_edit.text().strip()
        values: dict[str, Any] = {
            "url": self.url_edit.text().strip(),
            "handle": self.handle_edit.text().strip(),
            "host": self.host_edit.text().strip(),
            "port": int(port) if port.isdigit() else None,
            "security": self.security_combo.currentText(),
            "user": self.user_edit.text().strip(),
            "mailbox": self.mailbox_edit.text().strip(),
            "mark_seen": self.mark_seen.isChecked(),
            "queries": _listed(self.queries_edit.text()),
            "tags": _listed(self.tags_edit.text()),
            "interval": float(interval) if interval.isdigit() else None,
            "reply_channel": self.reply_combo.currentData() or None,
        }
        accepted = set(KIND_SETTINGS[kind]) | {"interval", "reply_channel"}
        if kind is SourceKind.FEED:
            accepted.discard("reply_channel")
        return {key: value for key, value in values.items() if key in accepted}

    def secret(self) -> str | None:
        """Return the secret typed (None: keep the stored one, or none)."""
        return self.secret_edit.text() or None

    def kind_changed(self) -> None:
        """Show the fields of the chosen kind and name its secret."""
        kind = self.kind()
        settings = set(KIND_SETTINGS[kind])
        rows = {
            "url": self.url_edit,
            "handle": self.handle_edit,
            "host": self.host_edit,
            "port": self.port_edit,
            "security": self.security_combo,
            "user": self.user_edit,
            "mailbox": self.mailbox_edit,
            "mark_seen": self.mark_seen,
            "queries": self.queries_edit,
            "tags": self.tags_edit,
        }
        for key, widget in rows.items():
            self.form.setRowVisible(widget, key in settings)
        answerable = kind in CHANNEL_KIND
        self.form.setRowVisible(self.channel_combo, answerable)
        self.form.setRowVisible(self.reply_combo, answerable)
        self.url_edit.setPlaceholderText(URL_HINTS.get(kind, ""))
        label = self.form.labelForField(self.secret_edit)
        if isinstance(label, QLabel):
            label.setText(SECRET_NAMES[kind])
        self.secret_edit.setAccessibleName(SECRET_NAMES[kind])
        self._fill_channel_combos()
        self._secret_hint(configured=False)

    def _secret_hint(self, *, configured: bool) -> None:
        what = SECRET_NAMES[self.kind()].lower()
        self.secret_edit.setPlaceholderText(
            f"empty: keep the stored {what}" if configured else f"the {what} (kept in the keychain)"
        )
