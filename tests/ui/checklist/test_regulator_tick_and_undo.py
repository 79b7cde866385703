"""Ticking the step that notifies the regulator asks when the authority was notified; a tick
can be undone from the window with a reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.ui.conftest import WAIT_MS, Live
from warroom.ui.checklist.dialogs import NotificationTimeDialog, UndoTickDialog
from warroom.ui.checklist.model import ITEM_ROLE
from warroom.ui.checklist.pane import ChecklistPane
from warroom.ui.incident.dialogs import to_qt
from warroom.ui.shell.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def breach(services: Any, clock: Any) -> Any:
    aware = clock.now - timedelta(hours=6)
    return services.incidents.open(
        "Leak", 2, "alice", playbook_key="data-breach", aware_at=aware, began_at=aware
    )


@pytest.fixture
def pane(qtbot: Any, services: Any, runner: TaskRunner, breach: Any, live: Live) -> ChecklistPane:
    widget = ChecklistPane(services.checklist, live.loader, runner, "alice", services.incidents.now)
    qtbot.addWidget(widget)
    live.follow(widget)
    widget.set_incident(breach)
    live.show(breach.id, "alice")
    qtbot.waitUntil(runner.is_idle)
    return widget


def _select(pane: ChecklistPane, wanted: Any) -> None:
    model = pane.model
    for row in range(model.rowCount()):
        phase = model.index(row, 0)
        for child in range(model.rowCount(phase)):
            index = model.index(child, 0, phase)
            if index.data(ITEM_ROLE).id == wanted.id:
                pane.view.setCurrentIndex(index)
                return
    raise AssertionError("item not shown")


def _regulator_step(services: Any, incident_id: int) -> Any:
    return next(i for i in services.checklist.items(incident_id) if i.stops_regulator_clock)


def test_the_regulator_step_asks_for_the_notification_time(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, breach: Any, clock: Any
) -> None:
    step = _regulator_step(services, breach.id)
    assert step.due_at == breach.aware_at + timedelta(hours=72)
    _select(pane, step)
    pane.mark_done_action.trigger()
    dialog = pane.dialog
    assert isinstance(dialog, NotificationTimeDialog) and dialog.isVisible()
    assert services.checklist.items(breach.id) == services.checklist.items(breach.id)
    assert not _regulator_step(services, breach.id).is_done  # nothing recorded yet
    told = (clock.now - timedelta(hours=2)).replace(second=0, microsecond=0)
    dialog.time_edit.setDateTime(to_qt(told))
    dialog.accept()
    qtbot.waitUntil(lambda: _regulator_step(services, breach.id).is_done, timeout=WAIT_MS)
    assert _regulator_step(services, breach.id).done_at == told
    assert services.incidents.regulator(breach.id).notified_at == told
    qtbot.waitUntil(lambda: "1 of" in pane.summary.text(), timeout=WAIT_MS)
    qtbot.waitUntil(runner.is_idle)


def test_cancelling_the_question_ticks_nothing(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, breach: Any
) -> None:
    step = _regulator_step(services, breach.id)
    _select(pane, step)
    pane.mark_done_action.trigger()
    assert isinstance(pane.dialog, NotificationTimeDialog)
    pane.dialog.reject()
    qtbot.waitUntil(runner.is_idle)
    assert not _regulator_step(services, breach.id).is_done


def test_a_tick_is_undone_with_a_reason(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, breach: Any
) -> None:
    first = services.checklist.items(breach.id)[0]
    _select(pane, first)
    assert not pane.undo_action.isEnabled() and "not done" in pane.undo_action.toolTip()
    pane.mark_done_action.trigger()
    qtbot.waitUntil(lambda: services.checklist.items(breach.id)[0].is_done, timeout=WAIT_MS)
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    _select(pane, first)
    qtbot.waitUntil(pane.undo_action.isEnabled, timeout=WAIT_MS)
    assert pane.undo_action in pane.menu_actions()
    pane.undo_action.trigger()
    dialog = pane.dialog
    assert isinstance(dialog, UndoTickDialog) and not dialog.ok_button.isEnabled()
    dialog.accept()  # no reason: stays open, nothing happens
    assert dialog.isVisible()
    dialog.reason_edit.setText("ticked the wrong row")
    dialog.accept()
    qtbot.waitUntil(lambda: not services.checklist.items(breach.id)[0].is_done, timeout=WAIT_MS)
    undone = [
        e for e in services.timeline.entries(breach.id) if e.data.get("event") == "checklist.undone"
    ]
    assert undone[0].data["reason"] == "ticked the wrong row"
    qtbot.waitUntil(lambda: "0 of" in pane.summary.text(), timeout=WAIT_MS)
    qtbot.waitUntil(runner.is_idle)
