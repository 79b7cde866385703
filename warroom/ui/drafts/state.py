"""The drafts pane as a state model without Qt: what is edited, what is unsaved, what
conflicts, and what each action may do now.

The pane's widgets feed events in (a view arrived, a row was chosen, a save came back) and
apply the :class:`Effects` that come out (load this into the editor, show this notice, read
that history). Nothing here touches a widget, a thread or the database, so every transition
is tested without Qt (tests/unit/ui/drafts/test_drafts_state.py).

States (:class:`Mode`): no incident -> browsing (an incident, nothing chosen) -> editing a
saved statement, or writing a new draft. Unsaved text is never thrown away: it is kept per
statement when another is chosen, survives views that arrive meanwhile, and a save refused
because someone else saved first keeps it until the person loads their version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.domain.permissions import StatementRefusals, closed_refusal
from warroom.domain.statements import Statement, StatementState
from warroom.domain.template_signoff import stale_signoff_of
from warroom.ui.drafts.content import EditorContent, content_of, same_content
from warroom.ui.drafts.kept import KeptDraft, kept_buffers, match_kept
from warroom.ui.drafts.rules import heading_text, pane_refusals, reason_lines, state_badge


class Mode(StrEnum):
    """Where the pane is."""

    NO_INCIDENT = "no incident"
    BROWSING = "browsing"
    EDITING = "editing"
    NEW_DRAFT = "new draft"


@dataclass(frozen=True)
class Notice:
    """A line for the banner and the status bar; a conflict offers 'Load their version'."""

    text: str
    error: bool = False
    conflict: bool = False


@dataclass(frozen=True)
class Effects:
    """What the widgets must do after a transition (None/False: nothing)."""

    editor: EditorContent | None = None
    notice: Notice | None = None
    clear_notice: bool = False
    revisions_of: int | None = None
    clear_history: bool = False

    def then(self, later: Effects) -> Effects:
        """Return both, ``later`` winning where both say something."""
        return Effects(
            editor=later.editor or self.editor,
            notice=later.notice or (None if later.clear_notice else self.notice),
            clear_notice=self.clear_notice or later.clear_notice,
            revisions_of=later.revisions_of or self.revisions_of,
            clear_history=(self.clear_history and not later.revisions_of) or later.clear_history,
        )


NOTHING = Effects()


@dataclass(frozen=True)
class ActionState:
    """Whether an action is available, and the tooltip that says what it does or why not."""

    enabled: bool
    tip: str

    @classmethod
    def judge(cls, refusal: str | None, tip: str) -> ActionState:
        """Return the state for ``refusal`` (None: allowed)."""
        return cls(refusal is None, f"Not now: {refusal}" if refusal else tip)


#: Tooltips of the available actions (a refused one says why instead).
TIPS = {
    "new": "Write a new statement",
    "template": "Start from a playbook template",
    "fill": "Fill the {placeholders} left in the text",
    "save": "Save the statement",
    "submit": "Send the draft for review",
    "approve": "Approve this exact text",
    "reject": "Send back to draft with a reason",
    "release": "Preview what goes out, then release",
}
BUSY = "busy: waiting for the last action to finish"
LOADING = "loading…"


@dataclass
class DraftsState:
    """The drafts pane's memory and rules; see the module docstring."""

    actor: str
    incident: Incident | None = None
    view: IncidentView | None = None
    current: int | None = None  # the chosen statement's id
    new_mode: bool = False  # editing a draft that is not saved yet
    base: Statement | None = None  # what the editor's text was loaded from
    buffers: dict[int, tuple[EditorContent, Statement | None]] = field(default_factory=dict)
    pending: int = 0  # actions sent and not back yet
    conflict_id: int | None = None  # the statement whose save was refused
    seen_version: int = 0  # newest version of the edited statement already reported
    kept: dict[int, KeptDraft] = field(default_factory=dict)  # from disk, not yet matched
    restored_focus: int | None = None  # a restored buffer to show (statement id, -incident)

    # -- reading ------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        """Return where the pane is."""
        if self.incident is None:
            return Mode.NO_INCIDENT
        if self.new_mode:
            return Mode.NEW_DRAFT
        return Mode.EDITING if self.current is not None else Mode.BROWSING

    def current_statement(self) -> Statement | None:
        """Return the chosen statement as last read (None for a new, unsaved draft)."""
        if self.view is None or self.current is None:
            return None
        found = self.view.statement(self.current)
        return found.statement if found else None

    def is_dirty(self, content: EditorContent) -> bool:
        """Tell whether the editor holds text that is not saved."""
        if self.new_mode:
            return bool(content.text.strip())
        return self.base is not None and not same_content(content, content_of(self.base))

    def unsaved_ids(self, content: EditorContent) -> set[int]:
        """Return the statements with unsaved text in this pane."""
        unsaved = {key for key in self.buffers if key > 0}
        if self.current is not None and not self.new_mode and self.is_dirty(content):
            unsaved.add(self.current)
        return unsaved

    def unsaved_drafts(self, content: EditorContent) -> list[KeptDraft]:
        """Return every unsaved text of this pane, as the keeper writes it to disk: the
        editor's (when dirty), the ones kept aside, and those restored but not yet shown."""
        found = kept_buffers(self.buffers, self.kept)
        key = self._buffer_key()
        if key is not None and self.is_dirty(content) and self.incident is not None:
            base = self.base
            if self.new_mode:
                found[key] = KeptDraft(self.incident.id, None, content)
            elif base is not None:
                found[key] = KeptDraft(base.incident_id, key, content, base.version, base.revision)
        return [found[k] for k in sorted(found)]

    def refusals(self, content: EditorContent) -> StatementRefusals:
        """Return why each workflow action on the chosen statement is refused now."""
        return pane_refusals(
            self.incident,
            self.view,
            self.current_statement(),
            self.actor,
            new_mode=self.new_mode,
            dirty=self.is_dirty(content),
        )

    def actions(self, content: EditorContent) -> dict[str, ActionState]:
        """Return every action's availability and tooltip, by name (see TIPS)."""
        refusals = self.refusals(content)
        busy = BUSY if self.pending else None
        dirty = self.is_dirty(content)
        draft = self._draft_refusal()
        no_templates = None if self.view is None or self.view.templates else "no templates"
        editable = (self.new_mode or self.base is not None) and refusals.edit is None
        no_fill = None if content.placeholders else "no {placeholders} left in the text"
        refused = {
            "new": draft,
            "template": draft or no_templates,
            "fill": (None if editable else refusals.edit or "choose a statement first") or no_fill,
            "save": refusals.edit or (None if dirty else "nothing to save") or busy,
            "submit": refusals.submit or busy,
            "approve": refusals.approve or busy,
            "reject": refusals.reject or busy,
            "release": refusals.release or busy,
        }
        return {name: ActionState.judge(refused[name], TIPS[name]) for name in TIPS}

    def editor_enabled(self) -> bool:
        """Tell whether the editor shows anything (a statement or a new draft)."""
        return self.new_mode or self.base is not None

    def editor_read_only(self, content: EditorContent) -> bool:
        """Tell whether the shown text may not be changed (released, closed, role)."""
        return not self.editor_enabled() or self.refusals(content).edit is not None

    def heading(self) -> str:
        """Return the line above the editor."""
        statement = self.current_statement()
        found = self.view.statement(statement.id) if self.view and statement else None
        return heading_text(
            statement,
            self.incident,
            new_mode=self.new_mode,
            deliveries=found.deliveries if found else (),
        )

    def reasons(self, content: EditorContent, now: datetime | None = None) -> str:
        """Return the lines under the buttons: countdowns (a scheduled release, an approval
        expiring; ``now`` defaults to when the view was read), why next steps are not
        possible, deliveries."""
        statement = self.current_statement()
        found = self.view.statement(statement.id) if self.view and statement else None
        return reason_lines(
            statement,
            self.refusals(content),
            new_mode=self.new_mode,
            deliveries=found.deliveries if found else (),
            signoff=self.stale_signoff(statement),
            incident=self.incident,
            now=now or (self.view.read_at if self.view else None),
        )

    def counting_down(self) -> bool:
        """Tell whether the chosen statement shows a countdown (scheduled, or approved with
        an approval that will expire): the pane ticks only then."""
        statement = None if self.new_mode else self.current_statement()
        return statement is not None and statement.state in (
            StatementState.SCHEDULED,
            StatementState.APPROVED,
        )

    def stale_signoff(self, statement: Statement | None) -> str | None:
        """Say that the template ``statement`` was made from has a stale sign-off."""
        if statement is None or self.view is None:
            return None
        return stale_signoff_of(statement.template_key, self.view.templates, self.view.today)

    def _draft_refusal(self) -> str | None:
        if self.incident is None:
            return "no incident is open"
        closed = closed_refusal(self.incident)
        if closed:
            return closed
        if self.view is None or self.view.actor != self.actor:
            return LOADING
        return self.view.refusal(Action.DRAFT)

    # -- transitions --------------------------------------------------------------------

    def set_incident(self, incident: Incident | None, content: EditorContent) -> Effects:
        """Show another incident (None: nothing); the same one again keeps the work."""
        if incident is not None and self.incident is not None and incident.id == self.incident.id:
            self.incident = incident
            return NOTHING
        self._stash(content)
        self.incident, self.view = incident, None
        self.current, self.base, self.new_mode = None, None, False
        self.conflict_id, self.seen_version = None, 0
        return Effects(editor=EditorContent(), clear_notice=True, clear_history=True)

    def view_arrived(
        self, view: IncidentView, content: EditorContent, history_rows: int
    ) -> Effects:
        """Take a fresh view; unsaved text and the choice stay as they are."""
        if self.incident is None or view.incident.id != self.incident.id:
            return NOTHING
        self.view, self.incident = view, view.incident
        effects = NOTHING
        fresh = self.current_statement()
        base = self.base
        if fresh is not None and base is not None and fresh.version >= base.version:
            # (An older copy is a read that started before our own save landed: ignore it.)
            if not self.is_dirty(content):
                self.base = fresh
                if not same_content(content, content_of(fresh)):
                    effects = Effects(editor=content_of(fresh))
            elif fresh.version != base.version:
                effects = self.changed_elsewhere(fresh)
            if history_rows != fresh.revision:
                effects = effects.then(Effects(revisions_of=fresh.id))
        if view.template_problem:
            effects = effects.then(Effects(notice=Notice(view.template_problem, error=True)))
        return effects.then(self._take_kept(view))

    def choose(self, statement: Statement | None, content: EditorContent) -> Effects:
        """The person chose a row (None: no row); their unsaved text is kept aside."""
        new_id = statement.id if statement else None
        if new_id == self.current and not self.new_mode:
            return NOTHING
        self._stash(content)
        self.new_mode = False
        self.current, self.base, self.seen_version = new_id, statement, 0
        self.conflict_id = None
        if statement is None:
            return Effects(editor=EditorContent(), clear_notice=True, clear_history=True)
        effects = Effects(clear_notice=True, revisions_of=statement.id)
        saved = self.buffers.pop(statement.id, None)
        if saved is None:
            return effects.then(Effects(editor=content_of(statement)))
        kept, self.base = saved
        effects = effects.then(Effects(editor=kept))
        if self.base is not None and self.base.version != statement.version:
            effects = effects.then(self.changed_elsewhere(statement))
        return effects

    def new_draft(self, content: EditorContent) -> Effects:
        """Start a new statement (what was typed into an earlier new one comes back)."""
        if self.incident is None:
            return NOTHING
        self._stash(content)
        self.current, self.base, self.new_mode = None, None, True
        self.conflict_id = None
        saved = self.buffers.pop(-self.incident.id, None)
        return Effects(
            editor=saved[0] if saved else EditorContent(), clear_notice=True, clear_history=True
        )

    def saved(
        self, statement: Statement, sent: EditorContent, content: EditorContent, what: str
    ) -> Effects:
        """A save came back: that text is now the base (text typed meanwhile stays)."""
        if self.new_mode and self.incident is not None:
            self.buffers.pop(-self.incident.id, None)
        self.new_mode = False
        self.current, self.base = statement.id, statement
        self.conflict_id, self.seen_version = None, 0
        editor = content_of(statement) if same_content(content, sent) else None
        return Effects(editor=editor, notice=Notice(f"Statement #{statement.id} {what}"))

    def save_conflicted(self, message: str, statement_id: int) -> Effects:
        """A save was refused because someone else saved first; the text stays."""
        self.conflict_id = statement_id
        refusal = (
            f"{message.rstrip('.')}. Your text is kept in the editor; "
            "'Load their version' replaces it with theirs."
        )
        return Effects(notice=Notice(refusal, error=True, conflict=True))

    def changed_elsewhere(self, fresh: Statement, *, refusal: str = "") -> Effects:
        """A newer copy of the statement being edited exists; keep the person's text."""
        base = self.base
        if base is None or self.current != fresh.id or fresh.version == self.seen_version:
            return NOTHING
        self.seen_version = fresh.version
        if fresh.revision == base.revision:
            # Only its state or approvals changed: the text being edited is still the latest,
            # so the edit can be based on the new copy without overwriting anyone's words.
            self.base = fresh
            required = self.incident.approvals_required if self.incident else 1
            note = (
                f"Statement #{fresh.id} is now {state_badge(fresh, required)} (changed "
                "elsewhere); your unsaved text is kept"
            )
            if fresh.valid_approvals:
                note += "; saving it will void those approvals"
            if refusal:
                note = f"Not saved yet. {note}. Save again to save your text."
            return Effects(notice=Notice(note + "."))
        self.conflict_id = fresh.id
        text = refusal or (
            f"Statement #{fresh.id} was changed by {fresh.revision_author} since you "
            f"opened it (now revision {fresh.revision}). Your text is kept; saving it "
            "will be refused until you load their version."
        )
        return Effects(notice=Notice(text, error=True, conflict=True))

    def their_version(self, statement: Statement) -> Effects:
        """'Load their version' came back: their text replaces the person's."""
        if self.current != statement.id:
            return NOTHING
        self.base = statement
        self.conflict_id, self.seen_version = None, 0
        return Effects(
            editor=content_of(statement),
            notice=Notice(
                f"Loaded revision {statement.revision} of statement #{statement.id} "
                f"by {statement.revision_author}"
            ),
        )

    def drafted_from_template(self, statement: Statement, content: EditorContent) -> Effects:
        """A draft made from a template came back: edit it."""
        self._stash(content)
        self.new_mode = False
        self.current, self.base = statement.id, statement
        return Effects(
            editor=content_of(statement),
            notice=Notice(f"Statement #{statement.id} drafted from template"),
        )

    def done(self, statement: Statement, what: str) -> Effects:
        """A workflow step came back."""
        return Effects(notice=Notice(f"Statement #{statement.id} {what} by {self.actor}"))

    def set_actor(self, actor: str) -> None:
        """Act as ``actor`` from now on (refusals wait for a view judged for them)."""
        self.actor = actor

    # -- text kept on disk --------------------------------------------------------------

    def restore(self, drafts: Iterable[KeptDraft]) -> None:
        """Take back unsaved text kept on disk; each comes back when its incident is shown."""
        for draft in drafts:
            if draft.key not in self.buffers and draft.key != self._buffer_key():
                self.kept[draft.key] = draft

    def take_restored_focus(self) -> int | None:
        """Return (once) the restored buffer to show when nothing else is being edited."""
        key, self.restored_focus = self.restored_focus, None
        return key if self.mode is Mode.BROWSING else None

    def _take_kept(self, view: IncidentView) -> Effects:
        """Match kept text with the statements of the incident just read."""
        restored = match_kept(self.kept, self.buffers, view)
        if restored and self.restored_focus is None:
            self.restored_focus = restored[0].key
        if not restored:
            return NOTHING
        return Effects(
            notice=Notice(
                f"Restored your unsaved text of {', '.join(d.describe() for d in restored)} "
                "(typed before the window closed); it is not saved yet."
            )
        )

    def _stash(self, content: EditorContent) -> None:
        key = self._buffer_key()
        if key is None:
            return
        if self.is_dirty(content):
            self.buffers[key] = (content, self.base)
        else:
            self.buffers.pop(key, None)

    def _buffer_key(self) -> int | None:
        if self.new_mode and self.incident is not None:
            return -self.incident.id
        return self.current
