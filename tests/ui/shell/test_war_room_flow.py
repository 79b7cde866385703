"""End to end through the widgets: one crisis from declaration to a released statement.

New incident from a playbook, log entries, a draft from a template, submit, the author's
Approve disabled with its reason, approval as a second user, release, a checklist item done;
every step shows up on the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeView

from warroom.domain.statements import StatementState
from warroom.domain.timeline import EntryKind
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.timeline.model import ENTRY_ROLE
from warroom.ui.timeline.presentation import COL_TEXT

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")


def timeline_texts(window: MainWindow) -> list[str]:
    model = window.timeline.model
    return [model.index(row, COL_TEXT).data(ENTRY_ROLE).text for row in range(model.rowCount())]


def test_a_crisis_from_declaration_to_release(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    services: Any,
    qtbot: Any,
) -> None:
    window = make_window("Dana Reyes", "lead", poll_ms=250)
    wait_loaded(window)
    runner = window.runner

    def on_timeline(fragment: str) -> None:
        qtbot.waitUntil(lambda: any(fragment in text for text in timeline_texts(window)))

    # 1. Declare the incident from a playbook (Ctrl+N).
    window.new_incident_action.trigger()
    qtbot.waitUntil(lambda: window.new_incident_dialog is not None)
    dialog = window.new_incident_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.title_edit, "Checkout outage")
    dialog.severity_combo.setCurrentIndex(2)  # SEV3: one approval releases
    dialog.select_playbook("service-outage")
    dialog.accept()
    on_timeline("Incident opened: Checkout outage (SEV3), playbook")
    wait_loaded(window)
    incident = window.current_incident()
    assert incident is not None and incident.playbook_key == "service-outage"

    # 2. Log two entries from the quick add box.
    window.activateWindow()  # the dialog had the focus; a window manager would do this
    qtbot.waitUntil(window.isActiveWindow)
    pane = window.timeline
    for text, kind in (("Gateway 502s in eu-west-1", "Note"), ("Fail over to US", "Decision")):
        pane.add_kind.setCurrentIndex(pane.add_kind.findText(kind))
        pane.add_box.setFocus()
        qtbot.keyClicks(pane.add_box, text)
        qtbot.keyClick(pane.add_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        on_timeline(text)
    assert pane.model.entry_at(pane.model.rowCount() - 1).kind is EntryKind.DECISION

    # 3. A draft from the playbook's holding template.
    drafts: Any = window.drafts_widget
    qtbot.waitUntil(lambda: runner.is_idle() and drafts.template_action.isEnabled())
    drafts.template_action.trigger()
    template = drafts.template_dialog
    assert template is not None
    qtbot.waitUntil(runner.is_idle)
    template.picker.setCurrentIndex(0)
    template.fields["product"].setText("checkout")
    template.fields["impact"].setText("Card payments fail.")
    template.fields["next_update"].setText("10:30 UTC")
    qtbot.mouseClick(template.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: runner.is_idle() and drafts.current_statement() is not None)
    statement = drafts.current_statement()
    assert statement.template_key == "holding"
    on_timeline(f"Statement #{statement.id} drafted")

    # 4. Submit; the author may not approve, and the window says why.
    qtbot.waitUntil(lambda: runner.is_idle() and drafts.submit_action.isEnabled())
    drafts.submit_action.trigger()
    on_timeline(f"Statement #{statement.id} submitted for review")
    qtbot.waitUntil(runner.is_idle)
    assert not drafts.approve_action.isEnabled()
    assert "another approver must approve" in drafts.approve_action.toolTip()
    assert statement.id in [a.id for a in services.statements.for_incident(incident.id)]

    # 5. Switch user (File > Switch user…) and approve as the second person.
    window.switch_user_action.trigger()
    who = window.identity_dialog
    assert who is not None
    who.name_edit.setText("Priya Nair")
    who.role_combo.setCurrentIndex(who.role_combo.findData("approver"))
    who.accept()
    qtbot.waitUntil(lambda: runner.is_idle() and drafts.approve_action.isEnabled())
    drafts.approve_action.trigger()
    on_timeline(f"Statement #{statement.id} approved by Priya Nair (1 of 1)")

    # 6. Release through the preview.
    qtbot.waitUntil(lambda: runner.is_idle() and drafts.release_action.isEnabled())
    drafts.release_action.trigger()
    qtbot.waitUntil(lambda: drafts.release_dialog is not None)
    qtbot.mouseClick(drafts.release_dialog.release_button, Qt.MouseButton.LeftButton)
    on_timeline(f"Statement #{statement.id} released by Priya Nair")
    assert services.statements.get(statement.id).state is StatementState.RELEASED
    outbox = window.findChild(QLabel, "outboxIndicator")
    depth = len(statement.channel_names)
    qtbot.waitUntil(lambda: outbox.text() == f"Outbox: {depth}")
    qtbot.waitUntil(lambda: window.clocks.promise.alarm() != "" and runner.is_idle())

    # 7. Tick a checklist item.
    checklist: Any = window.checklist_widget
    view = window.findChild(QTreeView, "checklistView")
    qtbot.waitUntil(lambda: runner.is_idle() and checklist.model.rowCount() > 0)
    first_phase = checklist.model.index(0, 0)
    item_index = checklist.model.index(0, 0, first_phase)
    view.setCurrentIndex(item_index)
    qtbot.waitUntil(checklist.mark_done_action.isEnabled)
    checklist.mark_done_action.trigger()
    on_timeline("Checklist done (First 15 minutes)")
    assert services.checklist.items(incident.id)[0].done_by == "Priya Nair"

    # Every step is on the timeline, attributed to who did it.
    authors = {
        e.text.split(":")[0]: e.author
        for e in (pane.model.entry_at(r) for r in range(pane.model.rowCount()))
    }
    assert authors["Gateway 502s in eu-west-1"] == "Dana Reyes"
    assert any(a == "Priya Nair" for a in authors.values())
