"""Scribe speed in the window: Ctrl+L from anywhere, Ctrl+Enter from anywhere in the box,
/d /a /i /s prefixes, the kind back to note after each entry, long entries grow the box."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from warroom.domain.incidents import Incident
from warroom.domain.timeline import EntryKind
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.timeline.quick_add import MAX_LINES, MIN_LINES, split_prefix

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")
CTRL = Qt.KeyboardModifier.ControlModifier
WAIT_MS = 10_000


def test_prefixes_choose_the_kind() -> None:
    assert split_prefix("/d Fail over to the US") == (EntryKind.DECISION, "Fail over to the US")
    assert split_prefix("/A restart") == (EntryKind.ACTION, "restart")
    assert split_prefix("/i caller") == (EntryKind.INBOUND, "caller")
    assert split_prefix("/s monitoring") == (EntryKind.STATUS, "monitoring")
    assert split_prefix("/n plain") == (EntryKind.NOTE, "plain")
    assert split_prefix("/dev/null is full") == (None, "/dev/null is full")
    assert split_prefix(" /d no") == (None, " /d no")


def test_a_scribe_logs_from_the_keyboard_alone(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    incident: Incident,
    services: Any,
    qtbot: Any,
) -> None:
    window = make_window()
    wait_loaded(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    pane = window.timeline
    window.drafts.editor.text.setFocus()
    assert window.focusWidget() is not pane.add_box

    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_L, CTRL)
    assert window.focusWidget() is pane.add_box
    qtbot.keyClicks(pane.add_box, "/d Fail over to the US region")
    assert pane.add_box.toPlainText() == "Fail over to the US region"
    assert pane.quick_add.chosen_kind() is EntryKind.DECISION

    # Ctrl+Enter from the kind box adds too.
    pane.add_kind.setFocus()
    qtbot.keyClick(pane.add_kind, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: pane.add_box.toPlainText() == "", timeout=WAIT_MS)
    last = services.timeline.entries(incident.id)[-1]
    assert (last.text, last.kind) == ("Fail over to the US region", EntryKind.DECISION)
    assert pane.quick_add.chosen_kind() is EntryKind.NOTE  # back to note

    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_L, CTRL)
    qtbot.keyClicks(pane.add_box, "/i Caller: charged twice")
    qtbot.keyClick(pane.add_box, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: pane.add_box.toPlainText() == "", timeout=WAIT_MS)
    last = services.timeline.entries(incident.id)[-1]
    assert (last.text, last.kind) == ("Caller: charged twice", EntryKind.INBOUND)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)


def test_a_long_entry_grows_the_box_up_to_a_limit(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    incident: Incident,
    qtbot: Any,
) -> None:
    window = make_window()
    wait_loaded(window)
    box = window.timeline.add_box
    line = box.fontMetrics().lineSpacing()
    empty = box.height()
    assert empty >= MIN_LINES * line
    box.setPlainText("\n".join(f"line {n}" for n in range(5)))
    qtbot.waitUntil(lambda: box.height() >= empty + 2 * line - 1)
    box.setPlainText("A very long sentence that wraps around. " * 60)
    qtbot.waitUntil(lambda: box.height() >= MAX_LINES * line)
    assert box.height() < (MAX_LINES + 2) * line
    assert box.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    box.clear()
    qtbot.waitUntil(lambda: box.height() == empty)
