"""Remember the window's size and splitter positions between starts (in the preferences)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from warroom.services.preferences import PreferencesStore

log = logging.getLogger(__name__)


def restore_layout(
    window: QMainWindow, main: QSplitter, side: QSplitter, preferences: PreferencesStore
) -> bool:
    """Put back what :func:`save_layout` remembered; False if nothing usable was there."""
    layout = preferences.load().layout
    parts = {
        "geometry": window.restoreGeometry,
        "main_splitter": main.restoreState,
        "side_splitter": side.restoreState,
    }
    restored = False
    for name, restore in parts.items():
        value = layout.get(name, "")
        if value and value.isascii():
            restored = bool(restore(QByteArray.fromBase64(value.encode("ascii")))) or restored
    return restored


def save_layout(
    window: QMainWindow, main: QSplitter, side: QSplitter, preferences: PreferencesStore
) -> None:
    """Remember the window's size and the splitter positions for the next start."""
    layout = {
        "geometry": window.saveGeometry(),
        "main_splitter": main.saveState(),
        "side_splitter": side.saveState(),
    }
    encoded = {
        name: bytes(value.toBase64().data()).decode("ascii") for name, value in layout.items()
    }
    try:
        preferences.save(preferences.load().with_layout(encoded))
    except OSError as error:
        log.warning("window layout not saved: %s", error)
