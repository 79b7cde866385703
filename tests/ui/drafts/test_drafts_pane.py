"""The drafts pane: templates, counters, the approval workflow, conflicts, live refresh."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from tests.ui.conftest import Live
from warroom.domain.incidents import Incident
from warroom.domain.statements import Statement, StatementState
from warroom.ui.drafts.pane import DraftsPane
from warroom.ui.drafts.revision_diff import diff_html
from warroom.ui.shell.tasks import TaskRunner

#: The offscreen platform says this whenever a dialog window is shown; it is not our problem.
OFFSCREEN_DIALOG = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 18 bytes
ACCENTED = "e\u0301"  # one grapheme, two code points


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


def _act_as(qtbot: Any, pane: DraftsPane, live: Live, runner: TaskRunner, actor: str) -> None:
    """Switch who acts, as File > Switch user… does: the pane and its view follow."""
    pane.set_actor(actor)
    assert pane._incident is not None
    live.show(pane._incident.id, actor)
    qtbot.waitUntil(runner.is_idle)


def _draft(services: Any, incident: Incident, text: str = "All systems go.") -> Statement:
    statement: Statement = services.statements.draft(incident.id, ["mastodon"], text, "alice")
    return statement


def _select(qtbot: Any, pane: DraftsPane, runner: TaskRunner, statement_id: int) -> None:
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    pane.select_statement(statement_id)
    qtbot.waitUntil(runner.is_idle)
    assert pane.current_statement() is not None
    assert pane.current_statement().id == statement_id  # type: ignore[union-attr]


def _editor(pane: DraftsPane) -> QPlainTextEdit:
    editor = pane.findChild(QPlainTextEdit, "draftEditor")
    assert editor is not None
    return editor


def test_models_pass_the_model_tester(
    qtmodeltester: Any, qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any
) -> None:
    assert pane.objectName() == "draftsPane"
    assert pane.list_model.rowCount() == 2
    qtmodeltester.check(pane.list_model)
    qtmodeltester.check(pane.editor.channel_model)
    _select(qtbot, pane, runner, 1)
    qtmodeltester.check(pane.history.model)
    # The testers stay attached: appended rows, changed rows and unsaved marks are checked.
    incident = pane._incident
    assert incident is not None
    _draft(services, incident, "Appended.")
    services.statements.edit(1, "bob", text="Changed in place.")
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    assert pane.list_model.rowCount() == 3
    _editor(pane).setPlainText("Unsaved.")
    assert "•" in pane.list_model.index(0, 0).data()
    pane.editor.channel_model.set_checked(["email"])
    qtmodeltester.check(pane.list_model)


@OFFSCREEN_DIALOG
def test_draft_from_a_template_with_placeholders_filled(
    qtmodeltester: Any,
    qtbot: Any,
    pane: DraftsPane,
    runner: TaskRunner,
    services: Any,
    incident: Incident,
) -> None:
    assert pane.template_action.isEnabled()
    pane.template_action.trigger()
    dialog = pane.template_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(runner.is_idle)
    qtmodeltester.check(dialog.model)
    dialog.picker.setCurrentIndex(0)  # Holding statement
    assert "Comms director" in dialog.sign_off.text()
    assert set(dialog.fields) == {"product", "impact", "next_update"}
    dialog.fields["product"].setText("checkout")
    dialog.fields["impact"].setText("Card payments fail.")
    dialog.fields["next_update"].setText("10:30 UTC")
    assert "problems with checkout. Card payments fail." in dialog.preview.text()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(runner.is_idle)
    newest = services.statements.for_incident(incident.id)[-1]
    assert newest.text == (
        "We are investigating problems with checkout. Card payments fail. Next update by 10:30 UTC."
    )
    assert newest.template_key == "holding"
    assert newest.channel_names == ("mastodon", "bluesky")
    assert pane.current_statement() == newest
    assert _editor(pane).toPlainText() == newest.text
    assert pane.submit_action.isEnabled()


@OFFSCREEN_DIALOG
def test_stale_template_sign_off_is_shown(qtbot: Any, services: Any, pane: DraftsPane) -> None:
    from datetime import date

    from warroom.ui.drafts.template_form import TemplateDialog

    templates = services.statements.templates(pane._incident.id)  # type: ignore[union-attr]
    dialog = TemplateDialog(templates, date(2028, 1, 1))
    qtbot.addWidget(dialog)
    assert "STALE" in dialog.sign_off.text()
    assert "review by 2027-06-30 has passed" in dialog.sign_off.text()
    assert "stale" in dialog.picker.currentText()


def test_counter_turns_red_over_bluesky_grapheme_limit(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner
) -> None:
    pane.new_action.trigger()
    pane.editor.channel_model.set_checked(["bluesky", "mastodon"])
    editor = _editor(pane)
    editor.setPlainText(ACCENTED * 300)
    bluesky = pane.editor.counters["bluesky"]
    mastodon = pane.editor.counters["mastodon"]
    assert bluesky.text().startswith("bluesky: 300 / 300 graphemes")
    assert bluesky.property("over") is False
    assert mastodon.property("over") is True  # 600 code points
    editor.setPlainText(ACCENTED * 301)
    assert bluesky.property("over") is True
    assert "#b00020" in bluesky.styleSheet()
    assert "too long" in bluesky.text()
    assert pane.editor.over_limit() == ["bluesky", "mastodon"]


def test_the_counter_says_what_the_service_will_refuse(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner
) -> None:
    """Under Bluesky's grapheme limit but over its byte limit: the counter is red too."""
    pane.new_action.trigger()
    pane.editor.channel_model.set_checked(["bluesky"])
    _editor(pane).setPlainText(FAMILY * 200)  # 200 graphemes, 3,600 bytes
    bluesky = pane.editor.counters["bluesky"]
    assert bluesky.property("over") is True
    assert "over 3000 bytes" in bluesky.text()
    with qtbot.waitSignal(pane.status_message) as refused:
        pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert "3000-byte limit" in refused.args[0]


def test_new_draft_saves_and_refuses_clearly(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    pane.new_action.trigger()
    _editor(pane).setPlainText("Short update.")
    with qtbot.waitSignal(pane.status_message) as refused:
        pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert "at least one channel" in refused.args[0]
    assert _editor(pane).toPlainText() == "Short update."
    pane.editor.channel_model.set_checked(["webhook"])
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    newest = services.statements.for_incident(incident.id)[-1]
    assert newest.text == "Short update." and newest.channel_names == ("webhook",)
    assert pane.current_statement() == newest
    assert not pane.is_dirty()


def test_submit_then_only_someone_else_may_approve(
    qtbot: Any,
    pane: DraftsPane,
    runner: TaskRunner,
    services: Any,
    incident: Incident,
    live: Live,
) -> None:
    statement = _draft(services, incident)
    _select(qtbot, pane, runner, statement.id)
    assert pane.submit_action.isEnabled()
    pane.submit_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(statement.id).state is StatementState.IN_REVIEW
    assert not pane.approve_action.isEnabled()
    reason = "you wrote this: another approver must approve"
    assert reason in pane.reasons.text()
    assert pane.reasons.isVisibleTo(pane)
    assert reason in pane.approve_action.toolTip()
    assert not pane.release_action.isEnabled()

    _act_as(qtbot, pane, live, runner, "someone else")
    assert pane.approve_action.isEnabled()
    assert reason not in pane.reasons.text()
    pane.approve_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    approved = services.statements.get(statement.id)
    assert approved.state is StatementState.APPROVED
    assert [a.approver for a in approved.valid_approvals] == ["someone else"]
    assert pane.release_action.isEnabled()
    assert "approved" in pane.list_model.index(pane.list_model.row_of(statement.id), 1).data()


def test_approving_signs_the_revision_shown_and_refuses_one_that_changed(
    qtbot: Any, pane: DraftsPane, live: Live, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident)
    services.statements.submit(statement.id, statement.author)
    _act_as(qtbot, pane, live, runner, "someone else")
    _select(qtbot, pane, runner, statement.id)
    assert pane.approve_action.isEnabled()
    # Another workstation edits it after this pane read revision 1.
    services.statements.edit(statement.id, statement.author, text="Changed meanwhile.")
    pane.approve_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(statement.id).approvals == ()
    assert "changed since you read it" in pane.message.text()
    _select(qtbot, pane, runner, statement.id)
    qtbot.waitUntil(lambda: pane.current_statement().revision == 2)  # type: ignore[union-attr]
    pane.approve_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    (approval,) = services.statements.get(statement.id).valid_approvals
    assert approval.revision == 2 and len(approval.signature) == 128


def test_placeholders_block_submission_with_a_reason(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner
) -> None:
    _select(qtbot, pane, runner, 1)  # the playbook's holding template, unfilled
    assert not pane.submit_action.isEnabled()
    assert "placeholders to fill" in pane.reasons.text()
    assert "{product}" in pane.submit_action.toolTip()


@OFFSCREEN_DIALOG
def test_release_goes_through_the_preview(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident)
    services.statements.submit(statement.id, "alice")
    services.statements.approve(statement.id, "bob")
    _select(qtbot, pane, runner, statement.id)
    assert pane.release_action.isEnabled()
    pane.release_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    dialog = pane.release_dialog
    assert dialog is not None and dialog.isVisible()
    assert "mastodon" in dialog.summary.text()
    assert services.statements.get(statement.id).state is StatementState.APPROVED
    qtbot.mouseClick(dialog.release_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(runner.is_idle)
    released = services.statements.get(statement.id)
    assert released.state is StatementState.RELEASED
    assert released.released_by == "alice"
    assert len(services.channels.outbox(statement_id=statement.id)) == 1
    assert not pane.release_action.isEnabled()
    assert _editor(pane).isReadOnly()


@OFFSCREEN_DIALOG
def test_cancelled_preview_releases_nothing(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident)
    services.statements.submit(statement.id, "alice")
    services.statements.approve(statement.id, "bob")
    _select(qtbot, pane, runner, statement.id)
    pane.release_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert pane.release_dialog is not None
    qtbot.mouseClick(pane.release_dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(statement.id).state is StatementState.APPROVED
    assert services.channels.outbox(statement_id=statement.id) == []


@OFFSCREEN_DIALOG
def test_reject_needs_a_reason_and_sends_back(
    qtbot: Any,
    pane: DraftsPane,
    runner: TaskRunner,
    services: Any,
    incident: Incident,
    live: Live,
) -> None:
    statement = _draft(services, incident)
    services.statements.submit(statement.id, "alice")
    _select(qtbot, pane, runner, statement.id)
    _act_as(qtbot, pane, live, runner, "bob")
    pane.reject_action.trigger()
    dialog = pane.reject_dialog
    assert dialog is not None
    dialog.setTextValue("Too vague")
    dialog.accept()
    qtbot.waitUntil(runner.is_idle)
    rejected = services.statements.get(statement.id)
    assert rejected.state is StatementState.DRAFT
    assert rejected.rejection_reason == "Too vague"
    assert "Rejected: Too vague" in pane.reasons.text()


def test_concurrent_edit_is_a_clear_conflict_that_keeps_my_text(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident, "Version one.")
    _select(qtbot, pane, runner, statement.id)
    _editor(pane).setPlainText("My careful rewording.")
    assert pane.save_action.isEnabled()
    services.statements.edit(statement.id, "carol", text="Carol's version.")
    with qtbot.waitSignal(pane.status_message) as message:
        pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert "changed by carol" in message.args[0]
    assert "changed by carol" in pane.message.text()
    assert pane.load_theirs_button.isVisibleTo(pane)
    assert _editor(pane).toPlainText() == "My careful rewording."
    assert services.statements.get(statement.id).text == "Carol's version."

    qtbot.mouseClick(pane.load_theirs_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(runner.is_idle)
    assert _editor(pane).toPlainText() == "Carol's version."
    assert not pane.is_dirty()
    _editor(pane).setPlainText("Agreed wording.")
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(statement.id).text == "Agreed wording."


def test_refresh_keeps_unsaved_text_and_selection(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    mine = _draft(services, incident, "Original.")
    _select(qtbot, pane, runner, mine.id)
    editor = _editor(pane)
    editor.setPlainText("Half-typed sentence")
    other = _draft(services, incident, "Another process wrote this.")
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    assert pane.list_model.row_of(other.id) >= 0
    assert pane.current_statement().id == mine.id  # type: ignore[union-attr]
    assert pane.list_view.currentIndex().row() == pane.list_model.row_of(mine.id)
    assert editor.toPlainText() == "Half-typed sentence"
    assert pane.is_dirty()

    services.statements.edit(mine.id, "carol", text="Carol changed it.")
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    assert editor.toPlainText() == "Half-typed sentence"
    assert "changed by carol" in pane.message.text()
    assert pane.load_theirs_button.isVisibleTo(pane)


def test_refresh_shows_a_clean_statement_changed_elsewhere(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident, "Original.")
    _select(qtbot, pane, runner, statement.id)
    services.statements.edit(statement.id, "carol", text="Updated elsewhere.")
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    assert _editor(pane).toPlainText() == "Updated elsewhere."
    assert pane.history.model.rowCount() == 2


def test_unsaved_text_survives_switching_statements(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    first = _draft(services, incident, "First.")
    second = _draft(services, incident, "Second.")
    _select(qtbot, pane, runner, first.id)
    _editor(pane).setPlainText("First, edited.")
    pane.select_statement(second.id)
    qtbot.waitUntil(runner.is_idle)
    assert _editor(pane).toPlainText() == "Second."
    assert "•" in pane.list_model.index(pane.list_model.row_of(first.id), 0).data()
    services.statements.edit(first.id, "carol", text="First, by Carol.")
    pane.refresh()
    qtbot.waitUntil(runner.is_idle)
    pane.select_statement(first.id)
    qtbot.waitUntil(runner.is_idle)
    assert _editor(pane).toPlainText() == "First, edited."
    assert "changed by carol" in pane.message.text()


def test_history_shows_an_escaped_word_diff(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident, "Payments <b>fail</b> in Europe.")
    services.statements.edit(statement.id, "alice", text="Payments <b>work</b> in Europe.")
    _select(qtbot, pane, runner, statement.id)
    assert pane.history.model.rowCount() == 2
    html = diff_html("Payments <b>fail</b>", "Payments <b>work</b>")
    assert "&lt;b&gt;fail&lt;/b&gt;" in html and "<b>fail" not in html
    assert "line-through" in html
    shown = pane.history.diff.toPlainText()
    assert "<b>work</b>" in shown and "<b>fail</b>" in shown


def test_menu_actions_have_shortcuts(pane: DraftsPane) -> None:
    actions = {a.text().replace("&", ""): a.shortcut().toString() for a in pane.menu_actions()}
    assert actions["New draft"] == "Ctrl+Shift+N"
    assert actions["Save draft"] == "Ctrl+S"
    assert all(actions.values())
    assert pane.editor.text.accessibleName()


def test_a_state_change_elsewhere_keeps_my_text_and_lets_me_save(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    statement = _draft(services, incident, "Draft text.")
    services.statements.submit(statement.id, "alice")
    _select(qtbot, pane, runner, statement.id)
    _editor(pane).setPlainText("Better text.")
    services.statements.approve(statement.id, "bob")  # only the state changes
    with qtbot.waitSignal(pane.status_message):
        pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert "Not saved yet" in pane.message.text()
    assert "approved" in pane.message.text() and "void" in pane.message.text()
    assert _editor(pane).toPlainText() == "Better text."
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    saved = services.statements.get(statement.id)
    assert saved.text == "Better text." and saved.state is StatementState.IN_REVIEW
    assert saved.valid_approvals == ()


def test_promise_field_saves_next_update_by(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    from datetime import UTC, datetime

    from PySide6.QtCore import QDateTime

    statement = _draft(services, incident, "We will update you.")
    _select(qtbot, pane, runner, statement.id)
    promise = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
    pane.editor.promise_check.setChecked(True)
    pane.editor.promise_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(promise.timestamp())))
    assert pane.is_dirty()
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(statement.id).next_update_by == promise
    assert not pane.is_dirty()


def test_closed_incident_is_read_only(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    services.incidents.close(incident.id, "alice")
    _select(qtbot, pane, runner, 1)
    assert not pane.new_action.isEnabled()
    assert _editor(pane).isReadOnly()
    assert "closed and read-only" in pane.submit_action.toolTip()


def test_setting_the_same_incident_again_keeps_the_work(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any, incident: Incident
) -> None:
    _select(qtbot, pane, runner, 2)
    _editor(pane).setPlainText("Typing...")
    pane.set_incident(services.incidents.get(incident.id))
    qtbot.waitUntil(runner.is_idle)
    assert pane.current_statement().id == 2  # type: ignore[union-attr]
    assert _editor(pane).toPlainText() == "Typing..."


@OFFSCREEN_DIALOG
def test_fill_placeholders_of_a_playbook_draft(
    qtbot: Any, pane: DraftsPane, runner: TaskRunner, services: Any
) -> None:
    _select(qtbot, pane, runner, 2)  # the playbook's customer email, unfilled
    assert pane.fill_action.isEnabled()
    pane.fill_action.trigger()
    dialog = pane.placeholder_dialog
    assert dialog is not None and dialog.isVisible()
    assert set(dialog.fields) == {"product", "start_time", "impact", "next_update", "company"}
    dialog.fields["product"].setText("Checkout")
    dialog.fields["company"].setText("Shopwise")
    qtbot.mouseClick(dialog.fill_button, Qt.MouseButton.LeftButton)
    assert pane.editor.subject.text() == "Checkout: service disruption"
    assert "The Shopwise team" in _editor(pane).toPlainText()
    assert "{impact}" in _editor(pane).toPlainText()
    assert pane.is_dirty()
    pane.save_action.trigger()
    qtbot.waitUntil(runner.is_idle)
    assert services.statements.get(2).subject == "Checkout: service disruption"
    assert "still has placeholders to fill: {start_time}, {impact}" in pane.reasons.text()


def test_keyboard_reaches_every_control(qtbot: Any, pane: DraftsPane, runner: TaskRunner) -> None:
    from PySide6.QtWidgets import QToolButton

    _select(qtbot, pane, runner, 1)
    buttons = pane.findChildren(QToolButton)
    assert {b.defaultAction() for b in buttons} >= set(pane.menu_actions())
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in buttons)
    view = pane.editor.channel_list
    view.setCurrentIndex(pane.editor.channel_model.index(3))  # webhook
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "webhook" in pane.editor.channel_model.checked_names()
    for widget in (pane.list_view, view, pane.editor.subject, _editor(pane)):
        assert widget.accessibleName()


def test_no_incident_shows_nothing(qtbot: Any, pane: DraftsPane, runner: TaskRunner) -> None:
    _select(qtbot, pane, runner, 1)
    pane.set_incident(None)
    qtbot.waitUntil(runner.is_idle)
    assert pane.list_model.rowCount() == 0
    assert not pane.new_action.isEnabled() and not pane.save_action.isEnabled()
    assert not pane.editor.isEnabled()
