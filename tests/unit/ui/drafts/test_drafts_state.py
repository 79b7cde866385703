"""The drafts pane's state model, driven without Qt: transitions, kept text, conflicts,
and what every action may do."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.clocks import RegulatorDeadline
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.people import Person, Role
from warroom.domain.statements import Approval, Statement, StatementState
from warroom.ui.drafts.content import EditorContent, content_of, with_filled
from warroom.ui.drafts.rules import CHECKING, UNSAVED
from warroom.ui.drafts.state import BUSY, DraftsState, Mode

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MASTODON = Channel(1, "mastodon", ChannelKind.MASTODON)
INCIDENT = Incident(
    1, "Outage", Severity.SEV3, IncidentState.OPEN, None, NOW, NOW, NOW, None, "alice"
)


def _statement(**changes: object) -> Statement:
    base = Statement(
        id=7,
        incident_id=1,
        channels=(MASTODON,),
        subject="",
        text="We are on it.",
        state=StatementState.DRAFT,
        revision=1,
        author="alice",
        revision_author="alice",
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _view(
    *statements: Statement,
    actor: str = "alice",
    incident: Incident = INCIDENT,
    people: tuple[Person, ...] = (),
) -> IncidentView:
    return IncidentView.build(
        incident=incident,
        read_at=NOW,
        actor=actor,
        statements=statements,
        deliveries=(),
        channels=(MASTODON,),
        checklist=(),
        regulator=RegulatorDeadline(None, ""),
        people=people,
    )


def _editing(statement: Statement, actor: str = "alice") -> DraftsState:
    state = DraftsState(actor)
    state.set_incident(INCIDENT, EditorContent())
    state.view_arrived(_view(statement, actor=actor), EditorContent(), 0)
    effects = state.choose(statement, EditorContent())
    assert effects.editor == content_of(statement)
    assert effects.revisions_of == statement.id
    return state


def test_the_model_needs_no_qt() -> None:
    """Importing the state model (and its rules) loads no Qt at all."""
    code = (
        "import sys, warroom.ui.drafts.state, warroom.ui.drafts.content; "
        "sys.exit('PySide6' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[4]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_states_from_no_incident_to_browsing_to_editing_to_a_new_draft() -> None:
    state = DraftsState("alice")
    assert state.mode is Mode.NO_INCIDENT
    assert state.actions(EditorContent())["new"].tip == "Not now: no incident is open"
    state.set_incident(INCIDENT, EditorContent())
    assert state.mode is Mode.BROWSING
    assert not state.actions(EditorContent())["new"].enabled  # no view yet: loading
    statement = _statement()
    state.view_arrived(_view(statement), EditorContent(), 0)
    assert state.actions(EditorContent())["new"].enabled
    state.choose(statement, EditorContent())
    assert state.mode is Mode.EDITING and state.current_statement() == statement
    effects = state.new_draft(content_of(statement))
    assert state.mode is Mode.NEW_DRAFT and effects.editor == EditorContent()
    assert effects.clear_history and effects.clear_notice
    assert state.set_incident(None, EditorContent()).editor == EditorContent()
    assert state.mode is Mode.NO_INCIDENT


def test_unsaved_text_is_kept_per_statement_and_comes_back() -> None:
    first, second = _statement(), _statement(id=8, text="Second.")
    state = _editing(first)
    state.view_arrived(_view(first, second), content_of(first), 1)
    typed = replace(content_of(first), text="First, edited.")
    assert state.is_dirty(typed) and state.unsaved_ids(typed) == {7}
    assert state.choose(second, typed).editor == content_of(second)
    assert state.unsaved_ids(content_of(second)) == {7}
    back = state.choose(first, content_of(second))
    assert back.editor == typed and state.is_dirty(typed)


def test_a_new_draft_keeps_its_text_when_someone_chooses_a_statement_meanwhile() -> None:
    statement = _statement()
    state = _editing(statement)
    state.new_draft(content_of(statement))
    typed = EditorContent(("mastodon",), "", "Half a new statement")
    state.choose(statement, typed)
    assert state.new_draft(content_of(statement)).editor == typed


def test_a_fresh_view_updates_a_clean_editor_but_never_a_dirty_one() -> None:
    statement = _statement()
    state = _editing(statement)
    theirs = _statement(text="Updated elsewhere.", revision=2, version=2, revision_author="carol")
    clean = state.view_arrived(_view(theirs), content_of(statement), 1)
    assert clean.editor == content_of(theirs) and clean.revisions_of == 7
    assert state.base == theirs

    typed = replace(content_of(theirs), text="My careful rewording.")
    newer = replace(theirs, text="Carol again.", revision=3, version=3)
    dirty = state.view_arrived(_view(newer), typed, 2)
    assert dirty.editor is None  # the person's text stays
    assert dirty.notice is not None and dirty.notice.conflict
    assert "changed by carol" in dirty.notice.text
    assert state.conflict_id == 7
    # Reported once: the same version again says nothing new.
    assert state.view_arrived(_view(newer), typed, 3).notice is None


def test_an_older_view_than_our_own_save_is_ignored() -> None:
    statement = _statement()
    state = _editing(statement)
    saved = replace(statement, text="Saved.", revision=2, version=2)
    state.saved(saved, content_of(saved), content_of(saved), "saved as revision 2")
    stale = state.view_arrived(_view(statement), content_of(saved), 2)
    assert stale.editor is None and state.base == saved


def test_a_state_change_elsewhere_keeps_the_text_and_lets_the_save_go_through() -> None:
    statement = _statement(state=StatementState.IN_REVIEW)
    state = _editing(statement, "alice")
    typed = replace(content_of(statement), text="Better text.")
    approved = replace(
        statement,
        state=StatementState.APPROVED,
        version=2,
        approvals=(Approval(7, "bob", NOW, statement.content_hash, 1),),
    )
    effects = state.changed_elsewhere(approved, refusal="x")
    assert effects.notice is not None and not effects.notice.error
    assert "Not saved yet" in effects.notice.text and "void" in effects.notice.text
    assert state.base == approved  # the next save is based on it
    assert state.is_dirty(typed)


def test_a_refused_save_then_their_version() -> None:
    statement = _statement()
    state = _editing(statement)
    effects = state.save_conflicted("statement 7 was changed by carol.", 7)
    assert effects.notice is not None and effects.notice.conflict
    assert "'Load their version'" in effects.notice.text
    theirs = replace(statement, text="Carol's.", revision=2, version=2, revision_author="carol")
    loaded = state.their_version(theirs)
    assert loaded.editor == content_of(theirs)
    assert state.conflict_id is None and state.base == theirs
    assert loaded.notice is not None and "by carol" in loaded.notice.text


def test_a_save_keeps_what_was_typed_while_it_ran() -> None:
    state = _editing(_statement())
    sent = EditorContent(("mastodon",), "", "Sent text.")
    later = EditorContent(("mastodon",), "", "Sent text. And more typed meanwhile.")
    saved = _statement(text="Sent text.", revision=2, version=2)
    effects = state.saved(saved, sent, later, "saved as revision 2")
    assert effects.editor is None  # the newer typing is not overwritten
    assert state.is_dirty(later)
    assert effects.notice is not None and effects.notice.text == "Statement #7 saved as revision 2"


def test_actions_follow_the_rules_the_text_and_the_person() -> None:
    statement = _statement(state=StatementState.IN_REVIEW)
    state = _editing(statement, "alice")
    clean = content_of(statement)
    actions = state.actions(clean)
    assert not actions["approve"].enabled
    assert actions["approve"].tip == "Not now: you wrote this: another approver must approve"
    assert actions["save"].tip == "Not now: nothing to save"
    typed = replace(clean, text="Changed {product}.")
    actions = state.actions(typed)
    assert actions["save"].enabled and actions["fill"].enabled
    assert actions["release"].tip == f"Not now: {UNSAVED}"
    state.pending = 1
    assert state.actions(typed)["save"].tip == f"Not now: {BUSY}"
    state.pending = 0
    state.set_actor("bob")  # the view was judged for alice: wait for bob's
    assert state.actions(clean)["approve"].tip == f"Not now: {CHECKING}"
    state.view_arrived(_view(statement, actor="bob"), clean, 1)
    assert state.actions(clean)["approve"].enabled


def test_a_viewer_is_told_why_for_every_action() -> None:
    people = (
        Person("alice", Role.LEAD, "alice", NOW),
        Person("vic", Role.VIEWER, "alice", NOW),
    )
    statement = _statement(state=StatementState.IN_REVIEW)
    state = DraftsState("vic")
    state.set_incident(INCIDENT, EditorContent())
    state.view_arrived(_view(statement, actor="vic", people=people), EditorContent(), 0)
    state.choose(statement, EditorContent())
    actions = state.actions(content_of(statement))
    assert not any(a.enabled for a in actions.values())
    assert actions["approve"].tip == (
        "Not now: vic is a viewer and may not approve or reject statements "
        "(that needs: lead, approver)"
    )
    assert "may not draft" in actions["new"].tip
    assert state.editor_read_only(content_of(statement))
    assert "Approve: vic is a viewer" in state.reasons(content_of(statement))


def test_a_closed_incident_is_read_only() -> None:
    closed = replace(INCIDENT, state=IncidentState.CLOSED, closed_at=NOW)
    statement = _statement()
    state = DraftsState("alice")
    state.set_incident(closed, EditorContent())
    state.view_arrived(_view(statement, incident=closed), EditorContent(), 0)
    state.choose(statement, EditorContent())
    assert state.actions(content_of(statement))["new"].tip == (
        "Not now: incident 1 is closed and read-only"
    )
    assert state.editor_read_only(content_of(statement))


def test_placeholders_are_filled_where_there_is_a_value() -> None:
    content = EditorContent(("email",), "{product}: outage", "Hello {company}, {impact}.")
    assert content.placeholders == ["product", "company", "impact"]
    filled = with_filled(content, {"product": "Checkout", "company": "Shopwise"})
    assert filled.subject == "Checkout: outage"
    assert filled.text == "Hello Shopwise, {impact}."
