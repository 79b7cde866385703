"""What the drafts pane's actions do: service calls on the task runner, and their dialogs.

Each call runs off the GUI thread; its outcome goes through the pane's state model
(:class:`~warroom.ui.drafts.state.DraftsState`), whose effects the pane applies. A write
that committed makes the pane emit ``wrote``: the window then looks at the change feed, and
the one fresh view that follows updates every pane it concerns (no re-read here).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from warroom.domain.errors import ConflictError, WarRoomError
from warroom.domain.statements import Revision, Statement, StatementState
from warroom.services.statements import StatementService
from warroom.ui.drafts.content import variant_edits, with_filled
from warroom.ui.drafts.release_preview import ReleasePreviewDialog
from warroom.ui.drafts.state import Effects
from warroom.ui.drafts.template_form import PlaceholderDialog, TemplateDialog
from warroom.ui.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from warroom.ui.drafts.pane import DraftsPane

log = logging.getLogger(__name__)

NEEDS_REASON = "A rejection needs a reason: the author will read it. Why?"


class ReasonDialog(QInputDialog):
    """A text question that stays open while the answer is empty (OK does nothing then)."""

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and not self.textValue().strip():
            self.setLabelText(NEEDS_REASON)
            return
        super().done(result)


class DraftActions:
    """Save, submit, approve, reject, release, templates and placeholders for one pane."""

    def __init__(self, pane: DraftsPane, statements: StatementService, runner: TaskRunner):
        self._pane = pane
        self._statements = statements
        self._runner = runner

    # -- saving ---------------------------------------------------------------------------
    def save(self, *, voiding_confirmed: bool = False) -> None:
        """Save the editor: a new draft, or a new revision guarded by the version read.

        Saving over approved text voids its approvals: the person is told so first.
        """
        pane, state = self._pane, self._pane.state
        if state.incident is None or not pane.save_action.isEnabled():
            return
        base = state.base
        approved = not state.new_mode and base is not None and bool(base.valid_approvals)
        if approved and base is not None and not voiding_confirmed:
            self._confirm_voiding(base)
            return
        content, actor, incident_id = pane.editor.content(), state.actor, state.incident.id
        statements = self._statements

        def saved(what: Callable[[Statement], str]) -> Callable[[Statement], None]:
            def done(statement: Statement) -> None:
                now = pane.editor.content()
                pane.apply(state.saved(statement, content, now, what(statement)))
                pane.wrote.emit()

            return done

        if state.new_mode:
            self._run(
                lambda: statements.draft(
                    incident_id,
                    content.channel_names,
                    content.text,
                    actor,
                    subject=content.subject,
                    next_update_by=content.next_update_by,
                    variants=variant_edits(content, None),
                ),
                saved(lambda _s: "drafted"),
            )
            return
        base = state.base
        if base is None:
            return
        self._run(
            lambda: statements.edit(
                base.id,
                actor,
                text=content.text,
                subject=content.subject,
                channel_names=content.channel_names,
                next_update_by=content.next_update_by,
                expected_version=base.version,
                variants=variant_edits(content, base),
            ),
            saved(lambda s: f"saved as revision {s.revision}"),
            lambda error: self._save_failed(error, base.id),
        )

    def _confirm_voiding(self, statement: Statement) -> None:
        pane = self._pane
        if pane.void_box is not None:
            return
        approvers = ", ".join(a.approver for a in statement.valid_approvals)
        count = len(statement.valid_approvals)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Saving voids approvals",
            f"Statement #{statement.id} has {count} approval(s) of its current text "
            f"(by {approvers}). Saving your edit voids them: the new text needs to be "
            "submitted and approved again before it can be released."
            + (
                f" It also calls off its release scheduled for "
                f"{statement.scheduled_for.astimezone():%H:%M} ({statement.scheduled_for:%H:%M} "
                "UTC)."
                if statement.scheduled_for is not None
                and statement.state is StatementState.SCHEDULED
                else ""
            ),
            QMessageBox.StandardButton.Cancel,
            pane,
        )
        box.setObjectName("voidApprovalsBox")
        save = box.addButton("Save and void approvals", QMessageBox.ButtonRole.AcceptRole)
        save.setObjectName("voidApprovalsSave")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered() -> None:
            pane.void_box = None
            box.deleteLater()
            if box.clickedButton() is save:
                self.save(voiding_confirmed=True)

        box.finished.connect(answered)
        pane.void_box = box
        box.open()

    def _save_failed(self, error: Exception, statement_id: int) -> None:
        if not isinstance(error, ConflictError):
            self.show_error(error)
            return
        pane, state = self._pane, self._pane.state
        pane.apply(state.save_conflicted(str(error), statement_id))
        refusal = pane.message.text()

        def reread(fresh: Statement) -> None:
            pane.apply(state.changed_elsewhere(fresh, refusal=refusal))

        self._run(lambda: self._statements.get(statement_id), reread)

    def load_their_version(self) -> None:
        """After a conflict: replace the editor's text with the version saved elsewhere."""
        state = self._pane.state
        statement_id = state.conflict_id or state.current
        if statement_id is None:
            return
        self._run(
            lambda: self._statements.get(statement_id),
            lambda statement: self._pane.apply(state.their_version(statement)),
        )

    def load_revisions(self, statement_id: int) -> None:
        """Read a statement's history for the History tab."""

        def shown(revisions: list[Revision]) -> None:
            if self._pane.state.current == statement_id:
                self._pane.history.set_revisions(revisions)

        self._runner.run(lambda: self._statements.revisions(statement_id), shown, self.show_error)

    # -- the workflow ---------------------------------------------------------------------
    def submit(self) -> None:
        """Send the chosen draft for review."""
        if self._pane.submit_action.isEnabled():
            self._step(self._statements.submit, "submitted for review")

    def approve(self) -> None:
        """Approve (and sign) the revision shown: refused if it changed since it was read."""
        statement, actor = self._pane.current_statement(), self._pane.state.actor
        if statement is None or not self._pane.approve_action.isEnabled():
            return
        shown = statement.revision
        self._run(
            lambda: self._statements.approve(statement.id, actor, revision=shown),
            lambda s: self._done(s, "approved"),
        )

    def _step(self, call: Callable[[int, str], Statement], what: str) -> None:
        statement, actor = self._pane.current_statement(), self._pane.state.actor
        if statement is not None:
            self._run(lambda: call(statement.id, actor), lambda s: self._done(s, what))

    def _done(self, statement: Statement, what: str) -> None:
        self._pane.apply(self._pane.state.done(statement, what))
        self._pane.wrote.emit()

    def open_reject_dialog(self) -> None:
        """Ask for a reason, then send the statement back to draft."""
        pane = self._pane
        statement = pane.current_statement()
        if statement is None or not pane.reject_action.isEnabled():
            return
        dialog = ReasonDialog(pane)
        dialog.setObjectName("rejectDialog")
        dialog.setWindowTitle(f"Reject statement #{statement.id}")
        dialog.setLabelText("Why? The author will read this:")
        dialog.setOkButtonText("Reject")
        actor, statement_id = pane.state.actor, statement.id

        def rejected(reason: str) -> None:
            self._run(
                lambda: self._statements.reject(statement_id, actor, reason),
                lambda s: self._done(s, "sent back to draft"),
            )

        dialog.textValueSelected.connect(rejected)
        dialog.finished.connect(dialog.deleteLater)
        pane.reject_dialog = dialog
        dialog.open()

    def open_release_preview(self) -> None:
        """Read the statement afresh, then show what releasing will do on each channel."""
        pane = self._pane
        statement, view = pane.current_statement(), pane.state.view
        if statement is None or view is None or not pane.release_action.isEnabled():
            return
        statement_id, channels = statement.id, list(view.channels)
        self._run(
            lambda: self._statements.get(statement_id),
            lambda fresh: self._show_release_preview(fresh, channels),
        )

    def _show_release_preview(self, statement: Statement, channels: list[Any]) -> None:
        pane = self._pane
        view = pane.state.view
        dialog = ReleasePreviewDialog(
            statement,
            channels,
            pane,
            signoff=pane.state.stale_signoff(statement),
            now=pane.now(),
            incident_title=view.incident.title if view else "",
        )
        actor = pane.state.actor

        def confirmed() -> None:
            at = dialog.release_at()
            self._run(
                lambda: self._statements.release(statement.id, actor, at=at),
                lambda s: self._done(s, _released_text(s)),
            )

        dialog.accepted.connect(confirmed)
        dialog.finished.connect(dialog.deleteLater)
        pane.release_dialog = dialog
        dialog.open()

    # -- templates and placeholders -------------------------------------------------------
    def open_template_dialog(self) -> None:
        """Pick a playbook template and fill its placeholders into a new draft."""
        pane, view = self._pane, self._pane.state.view
        if view is None or not view.templates or not pane.template_action.isEnabled():
            return
        dialog = TemplateDialog(view.templates, view.today, pane)
        incident_id, actor = view.incident.id, pane.state.actor

        def create() -> None:
            template = dialog.template()
            if template is None:
                return
            values = dialog.values()
            self._run(
                lambda: self._statements.draft_from_template(
                    incident_id, template.key, values, actor
                ),
                self._drafted_from_template,
            )

        dialog.accepted.connect(create)
        dialog.finished.connect(dialog.deleteLater)
        pane.template_dialog = dialog
        dialog.open()

    def _drafted_from_template(self, statement: Statement) -> None:
        pane = self._pane
        pane.apply(pane.state.drafted_from_template(statement, pane.editor.content()))
        pane.wrote.emit()

    def open_placeholder_dialog(self) -> None:
        """Ask for values of the placeholders still in the editor and fill them in."""
        pane = self._pane
        names = pane.editor.content().placeholders
        if not names or not pane.fill_action.isEnabled():
            return
        dialog = PlaceholderDialog(names, pane)

        def fill() -> None:
            pane.apply(Effects(editor=with_filled(pane.editor.content(), dialog.values())))
            pane.editor.text.setFocus()

        dialog.accepted.connect(fill)
        dialog.finished.connect(dialog.deleteLater)
        pane.placeholder_dialog = dialog
        dialog.open()

    # -- running and errors ---------------------------------------------------------------
    def _run(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        state = self._pane.state
        state.pending += 1
        self._pane.update_actions()

        def done(result: Any) -> None:
            state.pending -= 1
            on_done(result)
            self._pane.update_actions()

        def failed(error: Exception) -> None:
            state.pending -= 1
            (on_error or self.show_error)(error)
            self._pane.update_actions()

        self._runner.run(function, done, failed)

    def show_error(self, error: Exception) -> None:
        """Say what went wrong, keeping the person's text (a conflict offers their version)."""
        pane = self._pane
        if isinstance(error, ConflictError):
            current = pane.state.current
            text = f"{str(error).rstrip('.')}. Your text is kept in the editor."
            pane.state.conflict_id = current
            pane.banner.show_error(text, conflict=True)
            pane.status_message.emit(text)
        elif isinstance(error, WarRoomError):
            pane.show_text(str(error), error=True)
        else:
            log.error("drafts pane: unexpected failure", exc_info=error)
            pane.show_text(f"unexpected error: {error}", error=True)


def _released_text(statement: Statement) -> str:
    """Say what a release did: released now, or scheduled for a time."""
    names = ", ".join(statement.channel_names)
    if statement.scheduled_for is not None and statement.released_at is None:
        return f"scheduled for {statement.scheduled_for.astimezone():%H:%M} to {names}"
    return f"released to {names}"
