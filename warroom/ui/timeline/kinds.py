"""How each kind of timeline entry looks: a colour and a small round icon."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from warroom.domain.timeline import EntryKind

#: Mid-tone colours that read on the light platform look and on the dark wall theme.
KIND_COLOURS: dict[EntryKind, str] = {
    EntryKind.NOTE: "#7f8c9a",
    EntryKind.DECISION: "#a569d8",
    EntryKind.ACTION: "#2fa862",
    EntryKind.INBOUND: "#e08a2c",
    EntryKind.STATEMENT: "#3d8fe0",
    EntryKind.STATUS: "#1fa7a0",
}

KIND_LABELS: dict[EntryKind, str] = {
    EntryKind.NOTE: "Note",
    EntryKind.DECISION: "Decision",
    EntryKind.ACTION: "Action",
    EntryKind.INBOUND: "Inbound",
    EntryKind.STATEMENT: "Statement",
    EntryKind.STATUS: "Status",
}


def kind_colour(kind: EntryKind) -> QColor:
    """Return the colour of ``kind``."""
    return QColor(KIND_COLOURS[kind])


def kind_icon(kind: EntryKind, size: int = 12) -> QIcon:
    """Return a filled dot in the kind's colour (drawn, so no image files to bundle)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(kind_colour(kind))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)
