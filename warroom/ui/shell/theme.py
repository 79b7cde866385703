"""The two looks: the platform's own (default) and a dark theme for a wall display."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from warroom.resource_paths import resource

log = logging.getLogger(__name__)

SYSTEM = "system"
DARK = "dark"


def dark_palette() -> QPalette:
    """Return a high-contrast dark palette (the QSS file refines widgets on top of it)."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#15191e",
        QPalette.ColorRole.WindowText: "#e8ecf1",
        QPalette.ColorRole.Base: "#0f1215",
        QPalette.ColorRole.AlternateBase: "#1a1f25",
        QPalette.ColorRole.ToolTipBase: "#262d35",
        QPalette.ColorRole.ToolTipText: "#e8ecf1",
        QPalette.ColorRole.Text: "#e8ecf1",
        QPalette.ColorRole.Button: "#232a31",
        QPalette.ColorRole.ButtonText: "#e8ecf1",
        QPalette.ColorRole.BrightText: "#ff5252",
        QPalette.ColorRole.Highlight: "#2f6fb5",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6cb4ff",
        QPalette.ColorRole.PlaceholderText: "#7d8894",
    }
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b747e"))
    return palette


class ThemeController:
    """Switch the application's look; built by the composition root around the one app."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._system_style = app.style().name()
        self._system_palette = app.palette()
        self.current = SYSTEM

    def apply(self, name: str) -> None:
        """Apply ``name`` ('system' or 'dark')."""
        if name == DARK:
            self._app.setStyle(QStyleFactory.create("Fusion"))
            self._app.setPalette(dark_palette())
            self._app.setStyleSheet(load_stylesheet(DARK))
        else:
            self._app.setStyleSheet("")
            style = QStyleFactory.create(self._system_style)
            if style is not None:
                self._app.setStyle(style)
            self._app.setPalette(self._system_palette)
            name = SYSTEM
        self.current = name


def load_stylesheet(name: str) -> str:
    """Return the QSS of theme ``name`` from resources/styles (empty if missing)."""
    path = resource("styles", f"{name}.qss")
    try:
        # Qt resolves url() against the working directory, so point it at the styles folder
        # (checkout or frozen bundle alike).
        return path.read_text(encoding="utf-8").replace("@STYLES@", path.parent.as_posix())
    except OSError as error:
        log.warning("theme %s has no stylesheet at %s: %s", name, path, error)
        return ""
