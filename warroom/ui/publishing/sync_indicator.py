"""The status bar's publishing indicator: online/offline per configured channel."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from warroom.domain.channels import Channel
from warroom.services.delivery import channel_online

ONLINE, OFFLINE, UNTRIED = "online", "offline", "never tried"
_COLOURS = {ONLINE: "#1a7f37", OFFLINE: "#c62828", UNTRIED: "#8a8a8a"}


def reachability(channel: Channel) -> str:
    """Return 'online', 'offline' or 'never tried' from the channel's last check."""
    return {True: ONLINE, False: OFFLINE, None: UNTRIED}[channel_online(channel)]


class ChannelIndicator(QWidget):
    """One small label per configured channel ('mastodon ●'), plus the publishing state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channelIndicator")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.publishing_label = QLabel("")
        self.publishing_label.setObjectName("publishingIndicator")
        self._layout.addWidget(self.publishing_label)
        self.labels: dict[str, QLabel] = {}
        self.states: dict[str, str] = {}
        self.set_publishing(True)

    def set_publishing(self, enabled: bool, problem: str = "") -> None:
        """Show whether the window publishes on its own (and why passes stopped, if so)."""
        if not enabled:
            text, tip = "Publishing off", "Publish automatically when online is turned off"
        elif problem:
            text, tip = "Publishing stalled", f"Publishing stalled: {problem}"
        else:
            text, tip = "", ""
        self.publishing_label.setText(text)
        self.publishing_label.setToolTip(tip)
        self.publishing_label.setAccessibleName(tip or "Publishing automatically")
        self.publishing_label.setVisible(bool(text))

    def show_channels(self, channels: Sequence[Channel]) -> None:
        """Show each configured channel's reachability (others are left out)."""
        configured = [c for c in channels if c.configured]
        names = {c.name for c in configured}
        for name in list(self.labels):
            if name not in names:
                label = self.labels.pop(name)
                self.states.pop(name, None)
                self._layout.removeWidget(label)
                label.deleteLater()
        for channel in configured:
            existing = self.labels.get(channel.name)
            if existing is not None:
                label = existing
            else:
                label = QLabel(self)
                label.setTextFormat(Qt.TextFormat.RichText)  # names are [A-Za-z0-9._-] only
                label.setObjectName(f"channelState_{channel.name}")
                self.labels[channel.name] = label
                self._layout.addWidget(label)
            state = reachability(channel)
            self.states[channel.name] = state
            label.setText(f'{channel.name} <span style="color:{_COLOURS[state]}">●</span>')
            tip = f"{channel.name} ({channel.kind.value}): {state}"
            if channel.last_error:
                tip += f": {channel.last_error}"
            label.setToolTip(tip)
            label.setAccessibleName(tip)
