"""The two looks, light and dark, each complete: one style, a full palette and a stylesheet.

Switching never "undoes" a theme by restoring what the platform had: a widget the old
stylesheet had polished kept that theme's palette, so turning dark off left dark tables in a
light window. Both themes are built from one colour table each, pushed through the same
palette roles and the same stylesheet template (``resources/styles/theme.qss``), so
whatever one theme styles, the other styles too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from types import MappingProxyType

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from warroom.resource_paths import resource

log = logging.getLogger(__name__)

LIGHT = "light"
DARK = "dark"
#: What older preference files called the light look (the platform's own, then).
SYSTEM = "system"
THEMES = (LIGHT, DARK)

_DARK_COLOURS = {
    "window": "#15191e",
    "text": "#e8ecf1",
    "base": "#0f1215",
    "alt_base": "#171c21",
    "panel": "#1d232a",
    "button": "#232a31",
    "border": "#2e363f",
    "border_strong": "#3a444f",
    "muted": "#9fb3c8",
    "faint": "#8a96a3",
    "heading": "#ffffff",
    "focus": "#6cb4ff",
    "highlight": "#2f6fb5",
    "highlighted_text": "#ffffff",
    "disabled": "#6b747e",
    "disabled_border": "#2a3139",
    "tooltip": "#262d35",
    "clocks": "#101418",
    "bar": "#0f1215",
    "bar_text": "#c9d3dd",
    "scroll": "#101418",
    "scroll_handle": "#3a444f",
    "link": "#6cb4ff",
    "placeholder": "#7d8894",
    "bright": "#ff5252",
}

_LIGHT_COLOURS = {
    "window": "#f3f5f7",
    "text": "#15191e",
    "base": "#ffffff",
    "alt_base": "#f3f5f8",
    "panel": "#e6eaee",
    "button": "#fbfcfd",
    "border": "#c3cad2",
    "border_strong": "#a5afb9",
    "muted": "#3f4b57",
    "faint": "#56616c",
    "heading": "#0b1116",
    "focus": "#2f6fb5",
    "highlight": "#2f6fb5",
    "highlighted_text": "#ffffff",
    "disabled": "#8a939d",
    "disabled_border": "#d5dae0",
    "tooltip": "#ffffff",
    "clocks": "#e6eaee",
    "bar": "#e6eaee",
    "bar_text": "#2a323b",
    "scroll": "#eef1f4",
    "scroll_handle": "#b3bcc5",
    "link": "#0b57a4",
    "placeholder": "#67727d",
    "bright": "#b00020",
}

#: Each theme's colours by role name (what the stylesheet template's @role@ stand for).
COLOURS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {LIGHT: MappingProxyType(_LIGHT_COLOURS), DARK: MappingProxyType(_DARK_COLOURS)}
)


def theme_name(name: str) -> str:
    """Return the theme ``name`` stands for ('system', from older preferences, is light)."""
    return DARK if name == DARK else LIGHT


def palette_of(name: str) -> QPalette:
    """Return the full palette of theme ``name`` (every role, every colour group)."""
    colours = COLOURS[theme_name(name)]
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "window",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.Base: "base",
        QPalette.ColorRole.AlternateBase: "alt_base",
        QPalette.ColorRole.ToolTipBase: "tooltip",
        QPalette.ColorRole.ToolTipText: "text",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.Button: "button",
        QPalette.ColorRole.ButtonText: "text",
        QPalette.ColorRole.BrightText: "bright",
        QPalette.ColorRole.Highlight: "highlight",
        QPalette.ColorRole.HighlightedText: "highlighted_text",
        QPalette.ColorRole.Link: "link",
        QPalette.ColorRole.LinkVisited: "link",
        QPalette.ColorRole.PlaceholderText: "placeholder",
        QPalette.ColorRole.Light: "button",
        QPalette.ColorRole.Midlight: "panel",
        QPalette.ColorRole.Mid: "border_strong",
        QPalette.ColorRole.Dark: "border_strong",
        QPalette.ColorRole.Shadow: "border",
    }
    for role, key in roles.items():
        palette.setColor(role, QColor(colours[key]))  # every group: active, inactive, disabled
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colours["disabled"]))
    return palette


class ThemeController:
    """Switch the application's look; built by the composition root around the one app.

    Both themes use the Fusion style (the same shapes everywhere, so a stylesheet and a
    palette mean the same on every platform); only colours differ.
    """

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self.current = LIGHT
        self._styled = False

    def apply(self, name: str) -> None:
        """Apply theme ``name`` ('light' or 'dark'; 'system' means light): the palette and
        the stylesheet in full, whatever was applied before."""
        chosen = theme_name(name)
        if not self._styled:
            style = QStyleFactory.create("Fusion")
            if style is not None:
                self._app.setStyle(style)
            self._styled = True
        self._app.setPalette(palette_of(chosen))
        self._app.setStyleSheet(stylesheet_of(chosen))
        self.current = chosen


def stylesheet_of(name: str) -> str:
    """Return the stylesheet of theme ``name``: the template with the theme's colours."""
    colours = COLOURS[theme_name(name)]
    template = load_template()

    def colour(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "STYLES":
            return resource("styles").as_posix()
        return colours.get(key, match.group(0))

    return re.sub(r"@([A-Za-z_]+)@", colour, template)


def load_template() -> str:
    """Return the stylesheet template from resources/styles (empty if missing)."""
    path = resource("styles", "theme.qss")
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        log.warning("no stylesheet at %s: %s", path, error)
        return ""
