"""Zoom for every window (Ctrl+= / Ctrl+- / Ctrl+0), remembered per window in the preferences.

A zoomed window carries a small stylesheet of its own: the application font's size times
the zoom for every widget, and the named big texts (the clocks' values) at their multiple
of it. A stylesheet, not ``setFont``: under the theme's stylesheet Qt stops propagating
fonts set on a parent (a styled widget keeps the font it was polished with), while
stylesheet font sizes cascade to every child, dialogs included. The theme's stylesheet sets
no font size for that reason, and neither does any pane.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget

from warroom.services.preferences import PreferencesStore

log = logging.getLogger(__name__)

#: The zoom steps in percent; Ctrl+= and Ctrl+- move one step.
STEPS = (50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
DEFAULT = 100


def next_step(percent: int, direction: int) -> int:
    """Return the zoom step after ``percent`` in ``direction`` (+1 in, -1 out, 0 reset)."""
    if direction == 0:
        return DEFAULT
    if direction > 0:
        return next((s for s in STEPS if s > percent), STEPS[-1])
    return next((s for s in reversed(STEPS) if s < percent), STEPS[0])


def font_size_rule(font: QFont, factor: float) -> str:
    """Return a QSS ``font-size`` of ``font`` times ``factor`` (in its own unit)."""
    if font.pointSizeF() > 0:
        return f"font-size: {font.pointSizeF() * factor:.2f}pt;"
    return f"font-size: {max(1, round(font.pixelSize() * factor))}px;"


def zoom_stylesheet(font: QFont, factor: float, relative: Mapping[str, float]) -> str:
    """Return the stylesheet that shows a window at ``factor`` of ``font``; ``relative``
    sizes named widgets (object name -> multiple of the zoomed size)."""
    rules = [f"QWidget {{ {font_size_rule(font, factor)} }}"]
    rules += [
        f"QWidget#{name} {{ {font_size_rule(font, factor * scale)} }}"
        for name, scale in sorted(relative.items())
    ]
    return "\n".join(rules)


class ZoomController(QObject):
    """Zoom one window: its actions, its stylesheet, and the remembered level (``name``)."""

    zoomed = Signal(int)  # the new zoom in percent

    def __init__(
        self,
        window: QWidget,
        name: str,
        preferences: PreferencesStore | None = None,
        *,
        relative: Mapping[str, float] | None = None,
        base: Callable[[], QFont] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._name = name
        self._preferences = preferences
        self._relative = dict(relative or {})
        #: The font 100 % stands for (default: the application's; the wall's grows with
        #: the screen).
        self._base = base or QGuiApplication.font
        self.percent = DEFAULT
        if preferences is not None:
            self.percent = preferences.load().zoom.get(name, DEFAULT)
        self.zoom_in_action = self._action("Zoom &in", ["Ctrl+=", "Ctrl++"], 1)
        self.zoom_out_action = self._action("Zoom &out", ["Ctrl+-"], -1)
        self.reset_action = self._action("&Actual size", ["Ctrl+0"], 0)
        self.apply()

    def actions(self) -> list[QAction]:
        """Return Zoom in, Zoom out and Actual size (for a View menu)."""
        return [self.zoom_in_action, self.zoom_out_action, self.reset_action]

    def factor(self) -> float:
        """Return the zoom as a factor (1.0 is 100 %)."""
        return self.percent / 100

    def _action(self, text: str, keys: list[str], direction: int) -> QAction:
        action = QAction(text, self._window)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda: self.step(direction))
        self._window.addAction(action)
        return action

    def step(self, direction: int) -> None:
        """Zoom in (+1), out (-1) or back to 100 % (0), and remember it."""
        self.set_percent(next_step(self.percent, direction))

    def set_percent(self, percent: int) -> None:
        """Show the window at ``percent`` and remember it."""
        percent = max(STEPS[0], min(STEPS[-1], int(percent)))
        if percent == self.percent:
            return
        self.percent = percent
        self.apply()
        if self._preferences is not None:
            try:
                self._preferences.save(self._preferences.load().with_zoom(self._name, percent))
            except OSError as error:
                log.warning("zoom not remembered: %s", error)
        self.zoomed.emit(percent)

    def apply(self) -> None:
        """Size the window's texts for the zoom and the base font as they are now."""
        sheet = zoom_stylesheet(self._base(), self.factor(), self._relative)
        if self._window.styleSheet() != sheet:
            self._window.setStyleSheet(sheet)
