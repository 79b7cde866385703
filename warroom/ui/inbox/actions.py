"""Keyboard triage of the inbox: 1-4 priority, R reply, A attach, H handled, I ignore.

Each key is a QAction of the pane (shortcut limited to the pane, so typing a digit in the
drafts editor never triages anything), shown in the pane's Triage menu and the list's
context menu, enabled from :func:`~warroom.ui.inbox.rules.triage_refusals` with the reason
as its tooltip. Every call runs on the task runner; a committed write updates its row at
once and makes the pane emit ``wrote`` (the window then reads the change feed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from warroom.domain.errors import WarRoomError
from warroom.domain.inbox import InboxItem, InboxState
from warroom.domain.playbooks import StatementTemplate
from warroom.domain.statements import Statement, StatementState
from warroom.services.inbox import InboxService
from warroom.services.inbox_replies import InboxReplyService
from warroom.ui.inbox.reply_dialog import ReplyDialog
from warroom.ui.inbox.rules import TriageRefusals
from warroom.ui.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from warroom.ui.inbox.pane import InboxPane

log = logging.getLogger(__name__)

_WHAT = {
    "priority": "Set the priority (a person's decision; the suggestion stays visible)",
    "handled": "Mark as handled: no answer needed any more",
    "ignored": "Ignore: not relevant",
    "attach": "Attach to the incident shown (quoted on its timeline)",
    "reply": "Answer in the item's thread, through the incident's approvals",
}


def _action(pane: InboxPane, text: str, key: str, name: str) -> QAction:
    action = QAction(text, pane)
    action.setObjectName(name)
    action.setShortcut(QKeySequence(key))
    # Only while the pane has the focus: single keys must not fire in an editor elsewhere.
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    pane.addAction(action)
    return action


class InboxActions:
    """The triage actions of one pane and what they do."""

    def __init__(
        self,
        pane: InboxPane,
        inbox: InboxService,
        replies: InboxReplyService,
        runner: TaskRunner,
        today: Callable[[], date],
    ) -> None:
        self._pane = pane
        self._inbox = inbox
        self._replies = replies
        self._runner = runner
        self._today = today
        self.pending = 0
        self.reply_dialog: ReplyDialog | None = None
        self.priority = [
            _action(pane, f"Priority &{n}", str(n), f"inboxPriority{n}") for n in (1, 2, 3, 4)
        ]
        self.reply = _action(pane, "&Reply…", "R", "inboxReply")
        self.attach = _action(pane, "&Attach to this incident", "A", "inboxAttach")
        self.handled = _action(pane, "Mark &handled", "H", "inboxHandled")
        self.ignored = _action(pane, "&Ignore", "I", "inboxIgnored")
        for number, action in enumerate(self.priority, start=1):
            action.triggered.connect(lambda _c=False, n=number: self.set_priority(n))
        self.reply.triggered.connect(self.open_reply_dialog)
        self.attach.triggered.connect(self.attach_to_incident)
        self.handled.triggered.connect(lambda: self.set_state(InboxState.HANDLED))
        self.ignored.triggered.connect(lambda: self.set_state(InboxState.IGNORED))

    def all(self) -> list[QAction]:
        """Return the actions in menu order."""
        return [*self.priority, self.reply, self.attach, self.handled, self.ignored]

    def show_refusals(self, refusals: TriageRefusals) -> None:
        """Enable what is allowed; a disabled action's tooltip says why."""
        pairs: list[tuple[QAction, str | None, str]] = [
            (action, refusals.of_priority(n), _WHAT["priority"])
            for n, action in enumerate(self.priority, start=1)
        ]
        pairs += [
            (self.reply, refusals.reply, _WHAT["reply"]),
            (self.attach, refusals.attach, _WHAT["attach"]),
            (self.handled, refusals.handled, _WHAT["handled"]),
            (self.ignored, refusals.ignored, _WHAT["ignored"]),
        ]
        for action, refusal, what in pairs:
            action.setEnabled(refusal is None)
            tip = what if refusal is None else f"Not now: {refusal}"
            action.setToolTip(tip)
            action.setStatusTip(tip)

    # -- triage -------------------------------------------------------------------------------

    def set_priority(self, priority: int) -> None:
        """1-4: set the chosen item's priority."""
        if self.priority[priority - 1].isEnabled():
            self._triage(f"priority P{priority}", priority=priority)

    def set_state(self, state: InboxState) -> None:
        """H, I: mark the chosen item handled or ignored."""
        action = self.handled if state is InboxState.HANDLED else self.ignored
        if action.isEnabled():
            self._triage(state.value, state=state)

    def _triage(self, what: str, **change: Any) -> None:
        item, actor = self._pane.current_item(), self._pane.actor
        if item is None:
            return
        inbox = self._inbox
        self._run(
            lambda: inbox.triage(item.id, actor, **change),
            lambda fresh: self._wrote(fresh, f"Inbox item #{item.id}: {what}"),
        )

    def attach_to_incident(self) -> None:
        """A: attach the chosen item to the incident shown."""
        item, incident, actor = self._pane.current_item(), self._pane.incident, self._pane.actor
        if item is None or incident is None or not self.attach.isEnabled():
            return
        inbox, incident_id = self._inbox, incident.id
        self._run(
            lambda: inbox.attach(item.id, incident_id, actor),
            lambda fresh: self._wrote(
                fresh, f"Inbox item #{item.id} attached to incident #{incident_id}"
            ),
        )

    def _wrote(self, item: InboxItem, text: str) -> None:
        self._pane.model.update_item(item)
        self._pane.item_updated(item)
        self._pane.clear_message()
        self._pane.status_message.emit(text)
        self._pane.wrote.emit()

    # -- replies --------------------------------------------------------------------------------

    def open_reply_dialog(self) -> None:
        """R: read the playbook's reply templates, then ask for the answer."""
        item = self._pane.current_item()
        if item is None or not self.reply.isEnabled():
            return
        replies = self._replies
        self._run(lambda: replies.templates(item.id), lambda t: self._show_dialog(item, t))

    def _show_dialog(self, item: InboxItem, templates: list[StatementTemplate]) -> None:
        dialog = ReplyDialog(item, templates, self._today(), self._pane)
        actor, replies = self._pane.actor, self._replies

        def submit() -> None:
            asked = dialog.request()
            self._run(
                lambda: replies.reply(
                    item.id,
                    actor,
                    text=asked.text,
                    template_key=asked.template_key,
                    values=asked.values,
                ),
                lambda statement: self._replied(item, statement),
            )

        dialog.accepted.connect(submit)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: setattr(self, "reply_dialog", None))
        self.reply_dialog = dialog
        dialog.open()

    def _replied(self, item: InboxItem, statement: Statement) -> None:
        if statement.state is StatementState.APPROVED:
            how = "pre-approved by its template: ready to release in the drafts"
        else:
            how = "submitted for review in the drafts"
        self._pane.status_message.emit(
            f"Reply to inbox item #{item.id} is statement #{statement.id}, {how}"
        )
        self._pane.clear_message()
        self._pane.wrote.emit()

    # -- running --------------------------------------------------------------------------------

    def _run(self, call: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.pending += 1
        self._pane.update_actions()

        def finished(result: Any) -> None:
            self.pending -= 1
            done(result)
            self._pane.update_actions()

        def failed(error: Exception) -> None:
            self.pending -= 1
            self._pane.show_error(error)
            self._pane.update_actions()

        self._runner.run(call, finished, failed)


def error_text(error: Exception) -> str:
    """Return the one line a person reads for a failure."""
    if isinstance(error, WarRoomError):
        return " ".join(str(error).split())
    log.error("inbox pane: unexpected failure", exc_info=error)
    return f"unexpected error: {type(error).__name__}: {error}"
