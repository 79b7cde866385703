"""Variants and scheduled release in the window: a tab per channel with its counter and
marker, one approval over all, each variant previewed as it will appear, a release scheduled
from the preview with its countdown, and an edit that calls the schedule off."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QTextBrowser

from tests.ui.conftest import WAIT_MS, Live
from warroom.domain.incidents import Incident
from warroom.domain.outbox import DeliveryState
from warroom.domain.statements import Statement, StatementState
from warroom.domain.variants import VariantEdit
from warroom.ui.drafts.pane import DraftsPane
from warroom.ui.publishing.outbox_dialog import OutboxDialog
from warroom.ui.shell.tasks import TaskRunner

OFFSCREEN_DIALOG = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
LONG = "Dear customer, " + "here is everything we know. " * 25


@pytest.fixture
def pane(
    qtbot: Any, services: Any, runner: TaskRunner, incident: Incident, live: Live
) -> DraftsPane:
    widget = DraftsPane(services.statements, live.loader, runner, "alice")
    qtbot.addWidget(widget)
    live.follow(widget)
    widget.set_incident(incident)
    live.show(incident.id, "alice")
    qtbot.waitUntil(runner.is_idle)
    return widget


def _select(qtbot: Any, pane: DraftsPane, runner: TaskRunner, statement_id: int) -> None:
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    pane.select_statement(statement_id)
    qtbot.waitUntil(runner.is_idle)
    current = pane.current_statement()
    assert current is not None and current.id == statement_id


def _child(pane: Any, kind: Any, name: str) -> Any:
    found = pane.findChild(kind, name)
    assert found is not None, name
    return found


def _draft(services: Any, incident: Incident, **kwargs: Any) -> Statement:
    statement: Statement = services.statements.draft(
        incident.id, ["mastodon", "email"], "We are on it.", "alice", **kwargs
    )
    return statement


def test_each_channel_has_a_tab_with_its_counter_and_marker(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident)
    _select(qtbot, pane, runner, statement.id)
    tabs = pane.editor.variants
    assert tabs.objectName() == "draftVariants"
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Main text", "email", "mastodon"]
    email_text = _child(pane, QPlainTextEdit, "variantEditor_email")
    assert email_text.toPlainText() == "We are on it."
    assert _child(pane, QLabel, "variantMarker_email").text() == "same as main text"
    assert _child(pane, QLabel, "variantCounter_mastodon").text() == (
        "mastodon: 13 / 500 characters"
    )
    # Typing in the main text moves the channels that follow it.
    pane.editor.text.setPlainText("Checkout is down.")
    assert email_text.toPlainText() == "Checkout is down."
    # Typing in the email tab gives email its own text.
    tabs.setCurrentIndex(1)
    email_text.setPlainText(LONG)
    assert _child(pane, QLabel, "variantMarker_email").text() == "edited: its own text"
    assert tabs.tabText(1) == "email ✎"
    assert "(own text)" in _child(pane, QLabel, "counter_email").text()
    pane.editor.text.setPlainText("Checkout is down!")
    assert email_text.toPlainText() == LONG  # an edited tab keeps its own text
    assert pane.save_action.isEnabled()
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    saved = services.statements.get(statement.id)
    assert saved.revision == 2 and saved.text == "Checkout is down!"
    assert [(v.channel, v.text) for v in saved.edited_variants] == [("email", LONG.strip())]
    assert not pane.is_dirty()
    # A Mastodon text over 500 characters: the tab says so, and the save is refused.
    mastodon_text = _child(pane, QPlainTextEdit, "variantEditor_mastodon")
    mastodon_text.setPlainText("x" * 501)
    assert _child(pane, QLabel, "variantCounter_mastodon").property("over") is True
    assert tabs.tabText(2) == "mastodon ✎ ⚠"
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert "501 characters but channel 'mastodon'" in pane.message.text()
    assert services.statements.get(statement.id).revision == 2
    # "Use the main text" sends a channel back to the main text.
    qtbot.mouseClick(_child(pane, QPushButton, "variantReset_mastodon"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_child(pane, QPushButton, "variantReset_email"), Qt.MouseButton.LeftButton)
    assert email_text.toPlainText() == "Checkout is down!"
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(statement.id).edited_variants == ()


@OFFSCREEN_DIALOG
def test_one_approval_previews_and_a_scheduled_release_from_the_window(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(
        services, incident, variants={"email": VariantEdit(subject="Checkout", text=LONG)}
    )
    services.statements.submit(statement.id, "alice")
    approved = services.statements.approve(statement.id, "bob")
    assert approved.state is StatementState.APPROVED  # one approval covers both channels
    _select(qtbot, pane, runner, statement.id)
    assert "Approval expires at" in pane.reasons.text()
    pane.release_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    dialog = pane.release_dialog
    assert dialog is not None
    assert "With their own text: email" in dialog.summary.text()
    email = _child(dialog, QTextBrowser, "preview_email").toPlainText()
    assert "Subject:\nCheckout" in email and "Dear customer" in email
    post = _child(dialog, QTextBrowser, "preview_mastodon").toPlainText()
    assert "We are on it." in post and "mastodon: 13 / 500 characters" in post
    dialog.later.setChecked(True)
    at = dialog.release_at()
    assert at is not None and dialog.release_button.text().startswith("&Schedule for")
    qtbot.mouseClick(dialog.release_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(runner.is_idle)
    scheduled = services.statements.get(statement.id)
    assert scheduled.state is StatementState.SCHEDULED and scheduled.scheduled_for == at
    rows = services.channels.outbox(statement_id=statement.id)
    assert {(r.channel_name, r.text) for r in rows} == {
        ("mastodon", "We are on it."),
        ("email", LONG.strip()),
    }
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    qtbot.waitUntil(lambda: "Scheduled: goes out at" in pane.reasons.text(), timeout=WAIT_MS)
    assert re.search(r"\(in (29|30) min", pane.reasons.text()) and pane.countdown.isActive()
    before = pane.reasons.text()
    qtbot.waitUntil(lambda: pane.reasons.text() != before, timeout=WAIT_MS)  # it ticks

    # The outbox shows the held rows with the same countdown.
    outbox = OutboxDialog(services.delivery, runner, lambda: "alice")
    qtbot.addWidget(outbox)
    outbox.refresh()
    qtbot.waitUntil(runner.is_idle)
    text = outbox.scheduled.text()
    assert f"statement #{statement.id} goes out to mastodon, email at" in text
    assert re.search(r"\(in (29|30) min", text)
    outbox.reject()  # Close
    assert not outbox.countdown.isActive()

    # Editing before the time calls the release off and voids the approval.
    pane.editor.text.setPlainText("We are still on it.")
    pane.save_action.trigger()
    # Saving over approved text asks first, and says the scheduled release is called off.
    assert pane.void_box is not None and "calls off its release" in pane.void_box.text()
    save = pane.void_box.findChild(QPushButton, "voidApprovalsSave")
    assert save is not None
    save.click()
    qtbot.waitUntil(lambda: pane.void_box is None)
    qtbot.waitUntil(runner.is_idle)
    edited = services.statements.get(statement.id)
    assert edited.state is StatementState.IN_REVIEW and edited.valid_approvals == ()
    states = {r.state for r in services.channels.outbox(statement_id=statement.id)}
    assert states == {DeliveryState.CANCELLED}
    newest = services.timeline.entries(incident.id)[-1]
    assert "is cancelled" in newest.text
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    assert not pane.countdown.isActive()
