"""Every action of every pane follows the read model's permissions for the person acting:
disabled with the reason as its tooltip and accessible description, enabled live once a
lead changes the role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from warroom.domain.incidents import Incident
from warroom.services import Services
from warroom.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

WAIT_MS = 10_000
Make = Callable[..., MainWindow]
APPROVE = "vic is a viewer and may not approve or reject statements (that needs: lead, approver)"


def _button(pane: Any, action: Any) -> QToolButton:
    (button,) = [b for b in pane.findChildren(QToolButton) if b.defaultAction() is action]
    return button


def test_a_viewer_sees_approve_disabled_with_the_reason_and_so_every_other_action(
    make_window: Make, services: Services, incident: Incident, qtbot: Any
) -> None:
    services.people.put("alice", "lead", "alice")
    services.people.put("vic", "viewer", "alice")
    draft = services.statements.draft(
        incident.id, ["email"], "We are on it.", "alice", subject="Checkout"
    )
    services.statements.submit(draft.id, "alice")
    window = make_window("vic", "viewer", incident_id=incident.id, poll_ms=200)
    qtbot.waitUntil(lambda: window.view_loader.view is not None, timeout=WAIT_MS)
    pane = window.drafts
    # The panes take their turn with a view one after the other: wait for the drafts pane's.
    qtbot.waitUntil(lambda: pane.list_model.row_of(draft.id) >= 0, timeout=WAIT_MS)
    pane.select_statement(draft.id)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)

    assert not pane.approve_action.isEnabled()
    assert pane.approve_action.toolTip() == f"Not now: {APPROVE}"
    assert _button(pane.panel, pane.approve_action).accessibleDescription() == (
        f"Not now: {APPROVE}"
    )
    assert f"Approve: {APPROVE}" in pane.reasons.text()
    for action in (pane.new_action, pane.template_action, pane.submit_action):
        assert not action.isEnabled()
        assert "vic is a viewer and may not draft, edit and submit statements" in action.toolTip()
    assert not pane.reject_action.isEnabled() and APPROVE in pane.reject_action.toolTip()
    assert not pane.release_action.isEnabled()
    assert "may not release statements" in pane.release_action.toolTip()
    assert pane.editor.text.isReadOnly()

    checklist = window.checklist
    first = checklist.model.index(0, 0, checklist.model.index(0, 0))
    checklist.view.setCurrentIndex(first)
    assert not checklist.mark_done_action.isEnabled()
    tick = checklist.mark_done_action.toolTip()
    assert tick == "Not now: vic is a viewer and may not work the checklist (that needs: " + (
        "lead, comms, approver, scribe)"
    )
    assert checklist.mark_done_button.accessibleDescription() == tick
    assert not checklist.model.flags(first) & Qt.ItemFlag.ItemIsUserCheckable

    timeline = window.timeline
    assert not timeline.add_box.isEnabled()
    assert "vic is a viewer and may not log timeline entries" in timeline.add_button.toolTip()
    assert timeline.add_button.accessibleDescription() == timeline.add_button.toolTip()
    assert not window.new_incident_action.isEnabled()
    assert "may not open incidents" in window.new_incident_action.toolTip()
    assert "may not open incidents" in window.top_bar.new_button.accessibleDescription()
    assert "viewer, registered" in window.status.user_label.text()

    # A lead, elsewhere, makes vic an approver: the change feed names 'people' and the
    # window follows without being told.
    services.people.put("vic", "approver", "alice")
    qtbot.waitUntil(pane.approve_action.isEnabled, timeout=WAIT_MS)
    assert pane.approve_action.toolTip() == "Approve this exact text"
    assert _button(pane.panel, pane.approve_action).accessibleDescription() == (
        "Approve this exact text"
    )
    assert timeline.add_box.isEnabled()
    qtbot.waitUntil(checklist.mark_done_action.isEnabled, timeout=WAIT_MS)
