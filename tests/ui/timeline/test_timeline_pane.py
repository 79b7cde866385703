"""The timeline pane through its widgets: quick add, filter, search, corrections, the model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from warroom.domain.timeline import EntryKind, TimelineEntry
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.timeline.model import (
    CORRECTED_ROLE,
    ENTRY_ROLE,
    SORT_ROLE,
    TimelineFilter,
    TimelineModel,
)
from warroom.ui.timeline.pane import TimelinePane
from warroom.ui.timeline.presentation import COL_KIND, COL_TEXT, COL_TIME

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")


@pytest.fixture
def incident_id(services: Any, clock: Any) -> int:
    incident = services.incidents.open("Checkout down", 2, "alice")
    entries = [
        ("Gateway returns 502", EntryKind.NOTE),
        ("Fail over to the US region", EntryKind.DECISION),
        ("Rolled back the gateway config", EntryKind.ACTION),
        ("Customer: card declined three times", EntryKind.INBOUND),
        ("Error rate down to 4%", EntryKind.NOTE),
    ]
    for text, kind in entries:
        clock.advance(minutes=1)
        services.timeline.add(incident.id, text, "bob", kind)
    return int(incident.id)


@pytest.fixture
def pane(qtbot: Any, services: Any, runner: TaskRunner, incident_id: int) -> Iterator[TimelinePane]:
    widget = TimelinePane(services.timeline, runner, "carol")
    widget.wrote.connect(widget.refresh)  # what the window's change feed does for its writes
    widget.resize(900, 500)
    widget.show()
    widget.set_incident(incident_id)
    qtbot.waitUntil(lambda: runner.is_idle() and widget.model.rowCount() == 6)
    yield widget
    qtbot.waitUntil(runner.is_idle)
    widget.close()
    widget.deleteLater()


def shown(pane: TimelinePane) -> list[TimelineEntry]:
    return [pane.model.entry_at(row) for row in range(pane.model.rowCount())]


def settle(qtbot: Any, pane: TimelinePane, runner: TaskRunner) -> None:
    qtbot.waitUntil(lambda: runner.is_idle() and not pane.model.is_loading())


def test_model_passes_the_model_tester(qtmodeltester: Any, pane: TimelinePane) -> None:
    qtmodeltester.check(pane.model, force_py=True)
    qtmodeltester.check(pane.model)


def test_model_tester_follows_inserts_and_resets(
    qtmodeltester: Any, qtbot: Any, services: Any, runner: TaskRunner, incident_id: int
) -> None:
    model = TimelineModel(services.timeline, runner)
    qtmodeltester.check(model)
    model.set_incident(incident_id)
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    services.timeline.add(incident_id, "One more", "bob")
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == 7)
    model.set_filter(TimelineFilter(kinds=(EntryKind.NOTE,)))
    qtbot.waitUntil(lambda: runner.is_idle() and model.rowCount() == 3)
    model.set_incident(None)
    qtbot.waitUntil(runner.is_idle)
    assert model.rowCount() == 0


def test_rows_show_local_time_utc_tooltip_author_kind_and_roles(pane: TimelinePane) -> None:
    model = pane.model
    row = 2
    entry = model.index(row, 0).data(ENTRY_ROLE)
    assert entry.text == "Fail over to the US region"
    local = entry.created_at.astimezone()
    shape = "%H:%M:%S" if local.date() == date.today() else "%a %H:%M"
    assert model.index(row, COL_TIME).data() == local.strftime(shape)
    assert "UTC" in model.index(row, COL_TIME).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, COL_KIND).data() == "Decision"
    assert model.index(row, COL_KIND).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(row, 0).data(SORT_ROLE) == entry.seq
    assert (
        model.index(row, COL_TEXT)
        .data(Qt.ItemDataRole.AccessibleTextRole)
        .startswith(f"Entry {entry.seq}, Decision")
    )


def test_quick_add_with_ctrl_enter_and_kind_selector(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    pane.add_box.setFocus()
    qtbot.keyClicks(pane.add_box, "Escalated to vendor, P1 #88231")
    pane.add_kind.setCurrentIndex(pane.add_kind.findText("Decision"))
    with qtbot.waitSignal(pane.entry_added):
        qtbot.keyClick(pane.add_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 7)
    newest = shown(pane)[-1]
    assert (newest.text, newest.kind, newest.author) == (
        "Escalated to vendor, P1 #88231",
        EntryKind.DECISION,
        "carol",
    )
    assert pane.add_box.toPlainText() == ""


def test_quick_add_refusal_keeps_the_text(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any, incident_id: int
) -> None:
    services.incidents.close(incident_id, "alice", anyway="wrapping up the test")
    pane.add_box.setPlainText("Too late")
    with qtbot.waitSignal(pane.status_message) as message:
        pane.add_entry()
    assert "closed" in message.args[0]
    assert pane.add_box.toPlainText() == "Too late"


def test_filter_by_kind_and_search(qtbot: Any, pane: TimelinePane, runner: TaskRunner) -> None:
    pane.kind_filter.setCurrentIndex(pane.kind_filter.findText("Note"))
    qtbot.waitUntil(lambda: runner.is_idle() and pane.model.rowCount() == 2)
    assert {e.kind for e in shown(pane)} == {EntryKind.NOTE}

    pane.kind_filter.setCurrentIndex(0)
    qtbot.keyClicks(pane.search, "GATEWAY")
    qtbot.waitUntil(lambda: runner.is_idle() and pane.model.rowCount() == 2, timeout=3000)
    assert [e.text for e in shown(pane)] == [
        "Gateway returns 502",
        "Rolled back the gateway config",
    ]
    pane.search.clear()
    qtbot.waitUntil(lambda: runner.is_idle() and pane.model.rowCount() == 6, timeout=3000)


def test_filtered_view_appends_only_matching_new_entries(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any, incident_id: int
) -> None:
    pane.kind_filter.setCurrentIndex(pane.kind_filter.findText("Decision"))
    qtbot.waitUntil(lambda: runner.is_idle() and pane.model.rowCount() == 1)
    services.timeline.add(incident_id, "A note", "bob", EntryKind.NOTE)
    services.timeline.add(incident_id, "A decision", "bob", EntryKind.DECISION)
    pane.refresh()
    settle(qtbot, pane, runner)
    assert [e.text for e in shown(pane)] == ["Fail over to the US region", "A decision"]


def test_correct_an_entry_from_the_context_shortcut(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    model = pane.model
    wrong_row = 5
    assert model.entry_at(wrong_row).text == "Error rate down to 4%"
    pane.view.setFocus()
    pane.view.setCurrentIndex(model.index(wrong_row, COL_TEXT))
    qtbot.keyClick(
        pane.view,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = pane.correction_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.text() == "Error rate down to 4%"
    dialog.editor.setPlainText("Error rate down to 14%")
    dialog.accept()
    qtbot.waitUntil(lambda: model.rowCount() == 7)
    settle(qtbot, pane, runner)
    correction = model.entry_at(6)
    original = model.entry_at(wrong_row)
    assert correction.corrects_id == original.id
    assert correction.text == "Error rate down to 14%"
    assert correction.author == "carol"
    assert model.index(6, COL_TEXT).data().startswith(f"Correction of #{original.seq}")
    assert model.index(wrong_row, 0).data(CORRECTED_ROLE) is True
    font = model.index(wrong_row, COL_TEXT).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert model.index(6, COL_TEXT).data(Qt.ItemDataRole.FontRole) is None


def test_corrections_from_elsewhere_strike_the_original(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any, incident_id: int
) -> None:
    first = pane.model.entry_at(1)
    services.timeline.correct(incident_id, first.id, "Gateway returns 503", "dave")
    pane.refresh()
    qtbot.waitUntil(lambda: pane.model.index(1, 0).data(CORRECTED_ROLE) is True)


def test_context_menu_offers_correction(qtbot: Any, pane: TimelinePane) -> None:
    rect = pane.view.visualRect(pane.model.index(2, COL_TEXT))
    pane.view.customContextMenuRequested.emit(rect.center())
    assert pane.view.currentIndex().row() == 2
    pane.correct_action.trigger()
    assert pane.correction_dialog is not None
    assert pane.correction_dialog.entry.seq == 3
    pane.correction_dialog.reject()


def test_find_shortcut_focuses_search(qtbot: Any, pane: TimelinePane) -> None:
    pane.view.setFocus()
    pane.activateWindow()
    pane.find_action.trigger()
    assert pane.focusWidget() is pane.search


def test_fetch_more_is_gated_to_the_top_of_the_view(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    model = pane.model
    assert not model.has_older()
    assert not model.canFetchMore(QModelIndex())


def test_new_entries_below_a_reader_show_a_jump_button(
    qtbot: Any, services: Any, runner: TaskRunner, incident_id: int
) -> None:
    for n in range(60):
        services.timeline.add(incident_id, f"Filler {n}", "bob")
    widget = TimelinePane(services.timeline, runner, "carol")
    widget.resize(700, 300)
    widget.show()
    try:
        widget.set_incident(incident_id)
        qtbot.waitUntil(lambda: runner.is_idle() and widget.model.rowCount() == 66)
        assert widget.is_following()
        widget.view.verticalScrollBar().setValue(5)
        assert not widget.is_following()
        services.timeline.add(incident_id, "Arrived while reading", "bob")
        services.timeline.add(incident_id, "And another", "bob")
        widget.refresh()
        qtbot.waitUntil(lambda: widget.model.rowCount() == 68)
        assert widget.view.verticalScrollBar().value() == 5
        assert widget.jump_button.isVisible()
        assert widget.jump_button.text() == "↓ 2 new entries"
        qtbot.mouseClick(widget.jump_button, Qt.MouseButton.LeftButton)
        assert widget.is_following()
        assert not widget.jump_button.isVisible()
        bar = widget.view.verticalScrollBar()
        assert bar.value() == bar.maximum()
    finally:
        qtbot.waitUntil(runner.is_idle)
        widget.close()
        widget.deleteLater()


def test_a_following_view_stays_at_the_bottom_when_resized(
    qtbot: Any, services: Any, runner: TaskRunner, incident_id: int
) -> None:
    for n in range(60):
        services.timeline.add(incident_id, f"Filler {n}", "bob")
    widget = TimelinePane(services.timeline, runner, "carol")
    widget.resize(700, 600)
    widget.show()
    try:
        widget.set_incident(incident_id)
        qtbot.waitUntil(lambda: runner.is_idle() and widget.model.rowCount() == 66)
        widget.resize(700, 300)  # more rows hidden: the newest must stay in view
        qtbot.wait(50)
        bar = widget.view.verticalScrollBar()
        assert widget.is_following()
        assert bar.value() == bar.maximum()
    finally:
        qtbot.waitUntil(runner.is_idle)
        widget.close()
        widget.deleteLater()


def test_menu_key_opens_the_menu_at_the_current_row(qtbot: Any, pane: TimelinePane) -> None:
    pane.view.setCurrentIndex(pane.model.index(3, COL_TEXT))
    pane.view.customContextMenuRequested.emit(pane.view.viewport().rect().bottomRight())
    assert pane.view.currentIndex().row() == 3


def test_copy_an_entry(qtbot: Any, pane: TimelinePane, qapp: Any) -> None:
    pane.view.setCurrentIndex(pane.model.index(2, COL_TEXT))
    pane.view.setFocus()
    pane.copy_action.trigger()
    copied = qapp.clipboard().text()
    assert copied.startswith("#3 ")
    assert copied.endswith("bob [decision] Fail over to the US region")


def test_entries_of_earlier_days_show_the_weekday(
    qtbot: Any, services: Any, runner: TaskRunner, clock: Any
) -> None:
    clock.now = clock.now.replace(year=2020, month=3, day=2)  # a Monday, long ago
    incident = services.incidents.open("Old", 3, "alice")
    clock.advance(days=1)
    services.timeline.add(incident.id, "Next day", "bob")
    model = TimelineModel(services.timeline, runner)
    model.set_incident(incident.id)
    qtbot.waitUntil(lambda: runner.is_idle() and model.rowCount() == 2)
    first = model.entry_at(0).created_at.astimezone()
    assert model.index(0, COL_TIME).data() == first.strftime("%a %H:%M")
    assert model.index(1, COL_TIME).data().startswith((first + timedelta(days=1)).strftime("%a"))
