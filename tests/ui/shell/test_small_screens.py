"""1366x768 must work: every pane usable, nothing overlapping, the status bar whole; the
window's minimum size fits a 1280x720 screen (with room for its frame)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from warroom.domain.incidents import Incident
from warroom.services.demo import load_demo
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.theme import DARK, LIGHT, ThemeController

pytestmark = [pytest.mark.sqlite_only, pytest.mark.qt_log_ignore(r"This plugin does not support ")]
#: What a window manager takes for the title bar and the frame on a 720-line screen.
FRAME = 40


def rect_in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def rows_shown(view: Any) -> int:
    height = view.sizeHintForRow(0) if view.model().rowCount() else view.fontMetrics().height()
    return view.viewport().height() // max(1, height)


@pytest.fixture
def demo_window(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    services: Any,
    clock: Any,
) -> MainWindow:
    incident: Incident = load_demo(services.db, now=clock())
    window = make_window(incident_id=incident.id)
    wait_loaded(window)
    window.drafts.select_statement(3)
    wait_loaded(window)
    return window


@pytest.mark.parametrize("name", [LIGHT, DARK])
def test_minimum_size_fits_1280x720(
    demo_window: MainWindow, theme: ThemeController, qtbot: Any, name: str
) -> None:
    theme.apply(name)
    QApplication.processEvents()
    hint = demo_window.minimumSizeHint()
    assert hint.width() <= 1280
    assert hint.height() <= 720 - FRAME, hint


@pytest.mark.parametrize(
    ("width", "height", "checklist_rows"),
    [(1366, 768, 4), (1280, 720 - FRAME, 2)],  # 1366x768, and the smallest the window goes
)
def test_every_pane_is_usable_on_a_small_screen(
    demo_window: MainWindow,
    theme: ThemeController,
    qtbot: Any,
    width: int,
    height: int,
    checklist_rows: int,
) -> None:
    theme.apply(DARK)
    window = demo_window
    qtbot.wait(50)  # the new theme's sizes settle before the window is made small

    def resized() -> bool:
        window.resize(width, height)
        QApplication.processEvents()
        return window.width() == width and window.height() == height

    qtbot.waitUntil(resized)
    QApplication.processEvents()
    whole = window.rect()

    # The big parts lie inside the window, one below the other, without overlapping.
    parts = {
        "menu bar": window.menuBar(),
        "incident bar": window.top_bar,
        "clocks": window.clocks,
        "timeline": window.timeline,
        "drafts": window.drafts,
        "checklist": window.checklist,
        "status bar": window.status,
    }
    rects = {name: rect_in_window(window, widget) for name, widget in parts.items()}
    for name, rect in rects.items():
        assert parts[name].isVisible(), name
        assert whole.contains(rect), f"{name} {rect} leaves the window {whole}"
        hint = parts[name].minimumSizeHint()
        assert rect.height() >= hint.height(), f"{name} squeezed: {rect} < {hint}"
    names = list(rects)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            overlap = rects[first].intersected(rects[second])
            assert overlap.isEmpty(), f"{first} and {second} overlap at {overlap}"

    # The status bar is whole: every indicator shows its full text.
    status = window.status
    assert status.height() >= status.sizeHint().height()
    for label in status.findChildren(QLabel):
        if label.isVisible() and label.text() and label is not status.database_label:
            assert label.width() >= label.minimumSizeHint().width(), label.objectName()
            assert rect_in_window(window, label).right() <= whole.right(), label.objectName()
    outbox = status.outbox_label
    assert outbox.isVisible() and outbox.width() >= outbox.sizeHint().width()

    # Each pane still does its job.
    assert rows_shown(window.timeline.view) >= 8
    assert rows_shown(window.checklist.view) >= checklist_rows
    assert rows_shown(window.drafts.list_view) >= 3
    editor = window.drafts.editor.text
    assert editor.isVisible() and editor.height() >= 3 * editor.fontMetrics().lineSpacing()
    assert window.timeline.add_box.isVisible()
    for button in (window.drafts.save_action, window.drafts.release_action):
        shown = [w for w in button.associatedObjects() if isinstance(w, QWidget) and w.isVisible()]
        assert shown, button.text()
        for widget in shown:
            assert whole.contains(rect_in_window(window, widget)), button.text()
    assert window.clocks.age.value.isVisible() and window.clocks.promise.value.isVisible()
