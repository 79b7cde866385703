"""The Inbox pane in the window: a tab beside the drafts, keyboard triage, live arrivals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.integration.inbound.fake_listening import FakeListening
from tests.support.bulk_inbox import seed_inbox
from tests.ui.inbox.conftest import WAIT_MS, add_source
from warroom.domain.inbox import InboxState
from warroom.domain.timeline import EntryKind
from warroom.ui.inbox.filter_bar import Scope

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
Make = Callable[..., Any]


def _press(qtbot: Any, pane: Any, key: str) -> None:
    """Press ``key`` in the list, as a person would (its window active, the list focused)."""
    window = pane.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    pane.focus_view()
    QTest.keyClick(pane.view, key)


def test_the_inbox_is_a_tab_beside_the_drafts_and_reads_only_once_shown(
    qtbot: Any, services: Any, incident: Any, inbox_window: Make
) -> None:
    seed_inbox(services.db, services, 150, answered_every=0)
    window, controller = inbox_window(show_inbox=False, incident_id=incident.id)
    pane = controller.pane
    tabs = window.side_tabs
    assert tabs.indexOf(pane) == 1 and tabs.tabText(1) == "Inbox"
    assert not tabs.tabBar().isHidden() and tabs.currentWidget() is window.drafts_widget
    assert pane.model.reads == 0  # hidden: nothing read
    assert "&Sources…" in [a.text() for a in window.tools_menu.actions()]

    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert tabs.currentWidget() is pane
    qtbot.waitUntil(lambda: pane.model.total == 150 and not pane.model.is_loading())
    rows = pane.model.rowCount()  # a page, or two when the view asked for more to fill itself
    expected = "150 items" if rows == 150 else f"{rows} of 150 read"
    assert rows in (100, 150) and pane.filters.count_label.text() == expected
    assert pane.view.hasFocus()
    window.focus_drafts()  # Alt+2 brings the drafts tab back
    assert tabs.currentWidget() is window.drafts_widget

    pane.filters.priority_combo.setCurrentIndex(pane.filters.priority_combo.findData(1))
    qtbot.waitUntil(lambda: pane.model.total is not None and pane.model.total < 150)
    shown = [pane.model.item_at(r) for r in range(pane.model.rowCount())]
    assert shown and all(item.effective_priority == 1 for item in shown)
    pane.filters.scope_combo.setCurrentIndex(pane.filters.scope_combo.findData(Scope.INCIDENT))
    qtbot.waitUntil(lambda: pane.filters.count_label.text() == "0 items", timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            sorted(pane.filters.source_combo.itemText(i) for i in (1, 2, 3))
            == ["bsky", "mail", "masto"]
        ),
        timeout=WAIT_MS,
    )


def test_keyboard_triage_sets_priority_handles_ignores_and_attaches(
    qtbot: Any, services: Any, incident: Any, inbox_window: Make
) -> None:
    seed_inbox(services.db, services, 12, answered_every=0)
    _window, controller = inbox_window(incident_id=incident.id)
    pane = controller.pane
    qtbot.waitUntil(lambda: pane.model.rowCount() == 12, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: pane.permissions is not None, timeout=WAIT_MS)
    pane.select_item(pane.model.item_at(0).id)
    first = pane.current_item()
    assert first is not None and first.text in pane.detail.toPlainText()
    menu = [a.text() for a in pane.triage_menu.actions() if a.text()]
    assert menu == [
        "Priority &1",
        "Priority &2",
        "Priority &3",
        "Priority &4",
        "&Reply…",
        "&Attach to this incident",
        "Mark &handled",
        "&Ignore",
    ]

    _press(qtbot, pane, "2")
    qtbot.waitUntil(lambda: services.inbox.get(first.id).priority == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: pane.model.index(0, 0).data() == "P2", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "already P2" in pane.triage.priority[1].toolTip(), timeout=WAIT_MS)
    assert not pane.triage.priority[1].isEnabled()

    _press(qtbot, pane, "A")
    qtbot.waitUntil(lambda: services.inbox.get(first.id).incident_id == incident.id)
    entries = services.timeline.entries(incident.id)
    assert entries[-1].kind is EntryKind.INBOUND and first.text in entries[-1].text
    qtbot.waitUntil(
        lambda: f"already attached to incident {incident.id}" in pane.triage.attach.toolTip(),
        timeout=WAIT_MS,
    )
    assert not pane.triage.attach.isEnabled()

    _press(qtbot, pane, "H")  # handled: it leaves the "Waiting" list; the next one is chosen
    qtbot.waitUntil(lambda: pane.model.row_of(first.id) < 0, timeout=WAIT_MS)
    assert services.inbox.get(first.id).state is InboxState.HANDLED
    following = pane.current_item()
    assert following is not None and following.id != first.id
    _press(qtbot, pane, "I")
    qtbot.waitUntil(
        lambda: services.inbox.get(following.id).state is InboxState.IGNORED, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: pane.model.rowCount() == 10, timeout=WAIT_MS)


def test_a_viewer_cannot_triage_and_keys_typed_elsewhere_never_triage(
    qtbot: Any, services: Any, incident: Any, inbox_window: Make
) -> None:
    services.people.put("alice", "lead", "alice")
    services.people.put("vic", "viewer", "alice")
    seed_inbox(services.db, services, 3, answered_every=0)
    window, controller = inbox_window("vic", "viewer", incident_id=incident.id)
    pane = controller.pane
    qtbot.waitUntil(lambda: pane.permissions is not None, timeout=WAIT_MS)
    pane.select_item(pane.model.item_at(0).id)
    item = pane.current_item()
    for action in (*pane.triage.priority, pane.triage.handled, pane.triage.attach):
        assert not action.isEnabled()
        assert "vic is a viewer and may not log timeline entries" in action.toolTip()
    assert "may not draft, edit and submit statements" in pane.triage.reply.toolTip()
    _press(qtbot, pane, "1")
    qtbot.wait(200)
    assert services.inbox.get(item.id).priority is None

    window.set_identity(window.identity.__class__("alice", "lead"), remember=False)
    qtbot.waitUntil(lambda: pane.triage.priority[0].isEnabled(), timeout=WAIT_MS)
    window.focus_drafts()
    window.drafts.new_draft()
    QTest.keyClicks(window.drafts.editor.text, "1 2 H")  # typed in the editor: no triage
    qtbot.wait(200)
    assert services.inbox.get(item.id).priority is None
    assert services.inbox.get(item.id).state is InboxState.NEW


def test_new_items_arrive_live_without_moving_the_selection(
    qtbot: Any, services: Any, incident: Any, inbox_window: Make, listening: FakeListening
) -> None:
    add_source(services, listening)
    for n in range(30):
        listening.mention(f"Complaint number {n}")
    services.inbox_pull.pull_once()
    _window, controller = inbox_window(incident_id=incident.id, poll_ms=200)
    pane = controller.pane
    qtbot.waitUntil(lambda: pane.model.rowCount() == 30, timeout=WAIT_MS)
    pane.view.scrollTo(pane.model.index(8, 0))
    pane.select_item(pane.model.item_at(8).id)
    chosen = pane.current_item()
    assert chosen is not None
    before = pane.view.visualRect(pane.view.currentIndex()).top()

    for n in range(5):
        listening.mention(f"Later complaint {n}")
    services.inbox_pull.pull_once()  # as the sync worker (or another workstation) would
    qtbot.waitUntil(lambda: pane.model.rowCount() == 35, timeout=WAIT_MS)

    current = pane.current_item()
    assert current is not None and current.id == chosen.id  # the same item stays chosen
    assert pane.view.visualRect(pane.view.currentIndex()).top() == before  # and in place
    assert pane.model.item_at(0).text == "Later complaint 4"
    assert chosen.text in pane.detail.toPlainText()


def test_r_answers_in_the_thread_with_a_template_or_a_text(
    qtbot: Any, services: Any, inbox_window: Make, listening: FakeListening
) -> None:
    from tests.integration.sync.conftest import MASTODON_TOKEN
    from warroom.domain.channels import ChannelKind
    from warroom.domain.statements import StatementState

    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": listening.url}, MASTODON_TOKEN
    )
    add_source(services, listening, reply_channel="mastodon")
    listening.mention("Where is my refund?", acct="carol@example.social")
    listening.mention("Still waiting for my refund", acct="dave@example.social")
    services.inbox_pull.pull_once()
    incident = services.incidents.open(
        "Angry customers", 2, "alice", playbook_key="social-media-firestorm"
    )
    by_text = {item.text: item for item in services.inbox.items()}
    first, second = by_text["Where is my refund?"], by_text["Still waiting for my refund"]
    _window, controller = inbox_window(incident_id=incident.id)
    pane = controller.pane
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2 and pane.permissions is not None)
    pane.select_item(first.id)
    assert not pane.triage.reply.isEnabled()
    assert "attach it to an incident first" in pane.triage.reply.toolTip()
    _press(qtbot, pane, "A")
    qtbot.waitUntil(pane.triage.reply.isEnabled, timeout=WAIT_MS)

    _press(qtbot, pane, "R")
    qtbot.waitUntil(lambda: pane.triage.reply_dialog is not None, timeout=WAIT_MS)
    dialog = pane.triage.reply_dialog
    assert dialog.findChild(object, "inboxReplyQuote").text().endswith("Where is my refund?")
    assert not dialog.submit_button.isEnabled()  # nothing written yet
    dialog.picker.setCurrentIndex(dialog.picker.findData("looking-into-it"))
    assert dialog.text_edit.isReadOnly()
    assert dialog.text_edit.toPlainText().startswith("Thank you Carol, we have seen this")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: services.inbox.replies(first.id) != [], timeout=WAIT_MS)
    (reply,) = services.inbox.replies(first.id)
    assert reply.state is StatementState.APPROVED  # a fresh, signed-off template
    assert reply.text.startswith("@carol@example.social Thank you Carol")

    services.inbox.attach(second.id, incident.id, "alice")
    row = pane.model.row_of(second.id)
    qtbot.waitUntil(lambda: pane.model.item_at(row).incident_id == incident.id, timeout=WAIT_MS)
    pane.select_item(second.id)
    _press(qtbot, pane, "R")
    qtbot.waitUntil(lambda: pane.triage.reply_dialog not in (None, dialog), timeout=WAIT_MS)
    written = pane.triage.reply_dialog
    written.text_edit.setPlainText("Sorry Dave, we are on it.")
    written.submit_button.click()
    qtbot.waitUntil(lambda: services.inbox.replies(second.id) != [], timeout=WAIT_MS)
    (answer,) = services.inbox.replies(second.id)
    assert answer.state is StatementState.IN_REVIEW  # a written reply needs its approval
    assert answer.text == "@dave@example.social Sorry Dave, we are on it."
