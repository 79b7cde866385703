"""Unsaved statement text kept between starts, driven without Qt: what is written out, what
comes back, and how text typed over an older version comes back as a conflict."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.ui.drafts.test_drafts_state import INCIDENT, _editing, _statement, _view
from warroom.ui.drafts.content import EditorContent, content_of
from warroom.ui.drafts.kept import KeptDraft, kept_from
from warroom.ui.drafts.state import DraftsState, Mode

TYPED = EditorContent(("mastodon",), "", "We are on it. Next update at noon.", None)


def test_unsaved_drafts_lists_the_editor_the_set_aside_and_the_new_draft() -> None:
    first = _statement()
    second = _statement(id=8, text="Second")
    state = _editing(first)
    state.view_arrived(_view(first, second), EditorContent(), 0)
    assert state.unsaved_drafts(content_of(first)) == []  # nothing typed
    state.choose(second, TYPED)  # the typed text of #7 is set aside
    state.new_draft(content_of(second))
    typed_new = EditorContent(("mastodon",), "", "Draft in progress", None)
    kept = {d.key: d for d in state.unsaved_drafts(typed_new)}
    assert set(kept) == {-1, 7}
    assert kept[7] == KeptDraft(1, 7, TYPED, first.version, first.revision)
    assert kept[-1] == KeptDraft(1, None, typed_new)
    assert kept[-1].store_key == "draft:1:new" and kept[7].store_key == "draft:1:7"


def test_kept_text_round_trips_through_its_payload() -> None:
    promise = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    draft = KeptDraft(3, 9, EditorContent(("email", "mastodon"), "Subj", "Body", promise), 4, 2)
    assert kept_from(draft.payload()) == draft
    assert kept_from({"statement": 1}) is None  # no incident: not a kept draft


def test_restored_text_comes_back_when_its_incident_is_read_and_is_shown() -> None:
    statement = _statement()
    state = DraftsState("alice")
    state.restore([KeptDraft(1, 7, TYPED, statement.version, statement.revision)])
    # Until its incident is read, it is still listed for the file (nothing lost meanwhile).
    assert [d.statement_id for d in state.unsaved_drafts(EditorContent())] == [7]
    state.set_incident(INCIDENT, EditorContent())
    effects = state.view_arrived(_view(statement), EditorContent(), 0)
    assert effects.notice is not None and "statement #7" in effects.notice.text
    assert state.take_restored_focus() == 7
    assert state.take_restored_focus() is None  # once
    shown = state.choose(statement, EditorContent())
    assert shown.editor == TYPED
    assert state.is_dirty(TYPED) and state.mode is Mode.EDITING
    assert state.actions(TYPED)["save"].enabled


def test_text_typed_over_an_older_version_comes_back_as_a_conflict() -> None:
    newer = _statement(version=3, revision=2, text="Someone else's text", revision_author="bob")
    state = DraftsState("alice")
    state.restore([KeptDraft(1, 7, TYPED, 1, 1)])
    state.set_incident(INCIDENT, EditorContent())
    state.view_arrived(_view(newer), EditorContent(), 0)
    effects = state.choose(newer, EditorContent())
    assert effects.editor == TYPED  # their text is not loaded over the person's
    assert effects.notice is not None and effects.notice.conflict
    assert state.conflict_id == 7


def test_text_that_was_saved_after_all_is_dropped_and_a_new_draft_comes_back() -> None:
    statement = _statement()
    state = DraftsState("alice")
    new = EditorContent(("mastodon",), "", "Half a new statement", None)
    state.restore(
        [
            KeptDraft(1, 7, content_of(statement), statement.version, statement.revision),
            KeptDraft(1, None, new),
            KeptDraft(2, None, new),  # another incident: waits for it
        ]
    )
    state.set_incident(INCIDENT, EditorContent())
    effects = state.view_arrived(_view(statement), EditorContent(), 0)
    assert effects.notice is not None and "a new draft" in effects.notice.text
    assert "#7" not in effects.notice.text
    assert state.take_restored_focus() == -1
    assert state.new_draft(EditorContent()).editor == new
    assert {d.incident_id for d in state.unsaved_drafts(new)} == {1, 2}
