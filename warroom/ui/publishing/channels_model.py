"""The channels as a table: name, kind, configured, reachability, last error, last OK."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from warroom.domain.channels import Channel
from warroom.ui.publishing.sync_indicator import OFFLINE, ONLINE, reachability
from warroom.ui.shell.row_table_model import Index, RowTableModel

CHANNEL_ROLE = Qt.ItemDataRole.UserRole + 1  # the Channel itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value to sort by

COLUMNS = ("Name", "Kind", "Configured", "Reachability", "Last error", "Last OK")
NAME, KIND, CONFIGURED, REACHABILITY, LAST_ERROR, LAST_OK = range(len(COLUMNS))
_STATE_COLOURS = {ONLINE: QColor("#1a7f37"), OFFLINE: QColor("#c62828")}


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else ""


class ChannelsModel(RowTableModel):
    """One row per channel, in the order the service lists them (by name)."""

    headers = COLUMNS

    def set_channels(self, channels: Sequence[Channel]) -> None:
        """Show ``channels``: changed rows in place when the names are the same, else reset."""
        self.replace_rows(channels, key=lambda c: c.name)

    def channel(self, row: int) -> Channel | None:
        """Return the channel shown in ``row``."""
        channel: Channel | None = self.row_object(row)
        return channel

    def row_of(self, name: str) -> int:
        """Return the row of the channel called ``name``, or -1."""
        return self.find_row(lambda c: c.name == name)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        channel: Channel | None = self.index_object(index)
        if channel is None:
            return None
        column = index.column()
        if role == CHANNEL_ROLE:
            return channel
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(channel, column)
        if role == SORT_ROLE:
            return self._sort_value(channel, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == REACHABILITY:
            colour = _STATE_COLOURS.get(self._state(channel))
            return QBrush(colour) if colour is not None else None
        return None

    @staticmethod
    def _state(channel: Channel) -> str:
        return reachability(channel) if channel.configured else "not configured"

    def _text(self, channel: Channel, column: int) -> str:
        return {
            NAME: channel.name,
            KIND: channel.kind.value,
            CONFIGURED: "yes" if channel.configured else "no",
            REACHABILITY: self._state(channel),
            LAST_ERROR: channel.last_error,
            LAST_OK: _when(channel.last_ok_at),
        }.get(column, "")

    def _sort_value(self, channel: Channel, column: int) -> Any:
        if column == LAST_OK:
            return channel.last_ok_at.timestamp() if channel.last_ok_at else 0.0
        if column == CONFIGURED:
            return int(channel.configured)
        return self._text(channel, column)
