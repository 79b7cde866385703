"""Zoom: Ctrl+= / Ctrl+- / Ctrl+0 scale a whole window, and the level is remembered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from warroom.services.preferences import PreferencesStore
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.theme import ThemeController
from warroom.ui.shell.zoom import STEPS, next_step

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
]
CTRL = Qt.KeyboardModifier.ControlModifier


def size(widget: Any) -> float:
    return float(widget.font().pointSizeF())


def test_zoom_steps() -> None:
    assert next_step(100, 1) == 110
    assert next_step(100, -1) == 90
    assert next_step(137, 0) == 100
    assert next_step(STEPS[-1], 1) == STEPS[-1]
    assert next_step(STEPS[0], -1) == STEPS[0]


def test_keys_zoom_every_pane_and_the_level_is_remembered(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    store: PreferencesStore,
    incident: Any,
    theme: ThemeController,
    qtbot: Any,
) -> None:
    theme.apply("dark")  # under a theme's stylesheet, as in the app
    window = make_window()
    wait_loaded(window)
    base = QApplication.font().pointSizeF()
    value_before = size(window.clocks.age.value)
    assert size(window.timeline.view) == pytest.approx(base)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)
    assert window.zoom.percent == 125
    for widget in (window.timeline.view, window.drafts.editor.text, window.checklist.view):
        assert size(widget) == pytest.approx(base * 1.25)
    # The clocks' big values grow with everything else.
    assert size(window.clocks.age.value) == pytest.approx(value_before * 1.25)
    assert store.load().zoom["main"] == 125

    # A theme switch keeps the zoom.
    theme.apply("light")
    assert size(window.timeline.view) == pytest.approx(base * 1.25)
    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL)
    assert window.zoom.percent == 110
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    assert window.zoom.percent == 100
    assert size(window.timeline.view) == pytest.approx(base)
    window.zoom.set_percent(150)

    again = make_window()
    assert again.zoom.percent == 150
    assert size(again.timeline.view) == pytest.approx(base * 1.5)


def test_the_review_window_and_dialogs_follow_the_window_zoom(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    services: Any,
    incident: Any,
    theme: ThemeController,
    qtbot: Any,
) -> None:
    from warroom.ui.records.review_actions import install_review_action

    theme.apply("light")
    window = make_window()
    wait_loaded(window)
    review = install_review_action(window, services.review, services.incidents).open_review()
    assert review is not None
    base = size(review.editor)
    window.zoom.set_percent(150)
    assert size(review.editor) == pytest.approx(base * 1.5)
    window.new_incident_action.trigger()
    qtbot.waitUntil(lambda: window.new_incident_dialog is not None)
    dialog = window.new_incident_dialog
    assert dialog is not None and size(dialog.title_edit) == pytest.approx(base * 1.5)
    dialog.reject()
    qtbot.waitUntil(lambda: not review.is_loading())
    qtbot.waitUntil(window.runner.is_idle)
