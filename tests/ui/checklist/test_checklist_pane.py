"""The checklist pane: grouped by phase, overdue marks, ticking writes the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import Live
from warroom.domain.checklist import Phase
from warroom.domain.incidents import Incident
from warroom.ui.checklist.model import ITEM_ROLE, OVERDUE_ROLE
from warroom.ui.checklist.pane import ChecklistPane
from warroom.ui.shell.tasks import TaskRunner


def _pane(
    qtbot: Any, services: Any, runner: TaskRunner, live: Live, incident: Incident
) -> ChecklistPane:
    widget = ChecklistPane(services.checklist, live.loader, runner, "alice", services.incidents.now)
    qtbot.addWidget(widget)
    live.follow(widget)
    widget.set_incident(incident)
    live.show(incident.id, "alice")
    qtbot.waitUntil(runner.is_idle)
    return widget


@pytest.fixture
def pane(
    qtbot: Any, services: Any, runner: TaskRunner, incident: Incident, live: Live
) -> ChecklistPane:
    return _pane(qtbot, services, runner, live, incident)


def _phase_rows(pane: ChecklistPane) -> list[str]:
    model = pane.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester: Any, pane: ChecklistPane) -> None:
    qtmodeltester.check(pane.model)


def test_items_are_grouped_by_phase_in_playbook_order(pane: ChecklistPane) -> None:
    headings = _phase_rows(pane)
    assert [h.split(" (")[0] for h in headings] == [phase.heading for phase in Phase]
    first_phase = pane.model.index(0, 0)
    assert pane.model.rowCount(first_phase) == 3
    item = pane.model.index(0, 0, first_phase).data(ITEM_ROLE)
    assert item.phase is Phase.FIRST_15_MINUTES
    assert pane.model.index(0, 1, first_phase).data() == "lead"
    assert "UTC" in pane.model.index(0, 2, first_phase).data(Qt.ItemDataRole.ToolTipRole)
    assert pane.findChild(type(pane.view), "checklistView") is pane.view


def test_overdue_items_are_marked_when_time_passes(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, clock: Any, qtmodeltester: Any
) -> None:
    first = pane.model.index(0, 0, pane.model.index(0, 0))
    assert first.data(OVERDUE_ROLE) is False
    clock.advance(minutes=12)  # items due at +5 and +10 minutes are now late
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    first = pane.model.index(0, 0, pane.model.index(0, 0))
    assert first.data(OVERDUE_ROLE) is True
    assert "OVERDUE" in pane.model.index(0, 2, pane.model.index(0, 0)).data()
    assert "2 overdue" in pane.model.index(0, 0).data()
    assert "2 overdue" in pane.summary.text()
    qtmodeltester.check(pane.model)


def test_space_on_an_item_marks_it_done_and_logs_it(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    phase = pane.model.index(0, 0)
    target = pane.model.index(1, 0, phase)
    item = target.data(ITEM_ROLE)
    pane.view.setFocus()
    pane.view.setCurrentIndex(target)
    with qtbot.waitSignal(pane.status_message):
        qtbot.keyClick(pane.view, Qt.Key.Key_Space)
    qtbot.waitUntil(runner.is_idle)
    done = next(i for i in services.checklist.items(incident.id) if i.id == item.id)
    assert done.done_by == "alice"
    texts = [e.text for e in services.timeline.entries(incident.id)]
    assert any("Checklist done" in t and item.text in t for t in texts)
    refreshed = pane.model.index(1, 0, pane.model.index(0, 0))
    assert refreshed.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert "alice at" in pane.model.index(1, 3, pane.model.index(0, 0)).data()
    assert not pane.model.flags(refreshed) & Qt.ItemFlag.ItemIsUserCheckable
    assert not pane.mark_done_action.isEnabled()


def test_mark_done_action_uses_the_acting_person(
    qtbot: Any,
    pane: ChecklistPane,
    runner: TaskRunner,
    services: Any,
    incident: Incident,
    live: Live,
) -> None:
    pane.set_actor("bob")
    live.show(incident.id, "bob")  # as the window does when the user is switched
    qtbot.waitUntil(runner.is_idle)
    target = pane.model.index(0, 0, pane.model.index(1, 0))
    pane.view.setCurrentIndex(target)
    assert pane.mark_done_action.isEnabled()
    assert pane.mark_done_action in pane.menu_actions()
    pane.mark_done_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    item = target.data(ITEM_ROLE)
    entries = services.timeline.entries(incident.id)
    assert entries[-1].author == "bob"
    assert item.text in entries[-1].text


def test_a_refused_tick_is_shown(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    target = pane.model.index(0, 0, pane.model.index(0, 0))
    item = target.data(ITEM_ROLE)
    services.checklist.done(incident.id, item.id, "carol")  # someone else, elsewhere
    with qtbot.waitSignal(pane.status_message) as signal:
        pane.mark_done(item)
    qtbot.waitUntil(runner.is_idle)
    assert "already done by carol" in signal.args[0]
    assert pane.message.isVisibleTo(pane)


def test_the_checkbox_ticks_through_the_service(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    target = pane.model.index(2, 0, pane.model.index(0, 0))
    item = target.data(ITEM_ROLE)
    assert pane.model.flags(target) & Qt.ItemFlag.ItemIsUserCheckable
    # What the delegate does when the checkbox is clicked.
    assert pane.model.setData(target, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(runner.is_idle)
    assert any(i.id == item.id and i.is_done for i in services.checklist.items(incident.id))
    # Unticking is not offered: what was done stays on the record.
    done = pane.model.index(2, 0, pane.model.index(0, 0))
    assert not pane.model.setData(done, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)


def test_closed_incident_checklist_is_read_only(
    qtbot: Any, pane: ChecklistPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    services.incidents.close(incident.id, "alice", anyway="wrapping up the test")
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    target = pane.model.index(0, 0, pane.model.index(0, 0))
    assert not pane.model.flags(target) & Qt.ItemFlag.ItemIsUserCheckable
    pane.view.setCurrentIndex(target)
    assert not pane.mark_done_action.isEnabled()
    assert "closed" in pane.mark_done_action.toolTip()
    assert "read-only" in pane.summary.text()


def test_no_incident_shows_nothing(qtbot: Any, pane: ChecklistPane, runner: TaskRunner) -> None:
    pane.set_incident(None)
    qtbot.waitUntil(runner.is_idle)
    assert pane.model.rowCount() == 0
    assert not pane.mark_done_action.isEnabled()


def test_the_step_that_stops_the_regulator_clock_says_so(
    qtbot: Any, services: Any, runner: TaskRunner, live: Live
) -> None:
    leak = services.incidents.open("Leak", 2, "alice", playbook_key="data-breach")
    widget = _pane(qtbot, services, runner, live, leak)
    model = widget.model
    notes = {}
    for phase_row in range(model.rowCount()):
        phase = model.index(phase_row, 0)
        for row in range(model.rowCount(phase)):
            index = model.index(row, 0, phase)
            notes[index.data(ITEM_ROLE).stops_regulator_clock] = (
                index.data(Qt.ItemDataRole.ToolTipRole),
                index.data(Qt.ItemDataRole.AccessibleTextRole),
            )
    tooltip, accessible = notes[True]
    assert tooltip.startswith("Notify the supervisory authority")
    assert tooltip.endswith("stops the regulator clock")
    assert accessible.endswith("stops the regulator clock")
    assert "regulator clock" not in notes[False][0]
