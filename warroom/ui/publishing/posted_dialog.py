"""Statement > Posted by hand…: record that a released statement was posted by hand.

A war room without network posts from a phone; recording it makes the statement public on
that channel from the time given (the clocks count it) and settles the channel's outbox row,
so the worker never posts it again. The window's face of ``warroom draft posted``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from warroom.domain.changes import Area
from warroom.domain.clock import Clock
from warroom.domain.errors import WarRoomError
from warroom.domain.incident_view import IncidentView
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.people import Action
from warroom.domain.statements import Statement, StatementState
from warroom.services.publication import PublicationService
from warroom.ui.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

#: rows a post by hand may settle (not one sent, or being sent right now)
POSTABLE = frozenset(
    {
        DeliveryState.QUEUED,
        DeliveryState.HELD,
        DeliveryState.FAILED,
        DeliveryState.UNCERTAIN,
        DeliveryState.WITHDRAWN,
    }
)


def postable(rows: Sequence[Delivery]) -> list[Delivery]:
    """Return the rows that have not gone out and are not being sent."""
    return [row for row in rows if row.state in POSTABLE]


class PostedDialog(QDialog):
    """Which channel, where (URL) and when the statement was posted by hand."""

    def __init__(
        self,
        statement: Statement,
        rows: Sequence[Delivery],
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("postedDialog")
        self.setWindowTitle(f"Statement #{statement.id} posted by hand")
        form = QFormLayout(self)
        intro = QLabel(
            "Record a post you made yourself (e.g. from a phone while offline). The statement "
            "counts as public on that channel from the time you give, and War Room will not "
            "post it there again.",
            self,
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("postedChannel")
        self.channel_combo.setAccessibleName("Channel")
        for row in rows:
            self.channel_combo.addItem(f"{row.channel_name} ({row.state.value})", row.channel_name)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("postedUrl")
        self.url_edit.setAccessibleName("Address of the post")
        self.url_edit.setPlaceholderText("optional: https://…")
        self._now = QDateTime.fromSecsSinceEpoch(int(now.timestamp()))
        self.time_edit = QDateTimeEdit(self._now, self)
        self.time_edit.setObjectName("postedAt")
        self.time_edit.setAccessibleName("When it was posted (local time)")
        self.time_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time_edit.setCalendarPopup(True)
        self.time_edit.setMaximumDateTime(self._now.addSecs(60))
        form.addRow("&Channel:", self.channel_combo)
        form.addRow("&URL:", self.url_edit)
        form.addRow("&Posted at:", self.time_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Record post")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def channel(self) -> str:
        """Return the channel chosen."""
        return str(self.channel_combo.currentData())

    def url(self) -> str:
        """Return the address typed."""
        return self.url_edit.text().strip()

    def posted_at(self) -> datetime:
        """Return when it was posted, in UTC (now if left at the default)."""
        chosen = self.time_edit.dateTime()
        if chosen.toSecsSinceEpoch() // 60 == self._now.toSecsSinceEpoch() // 60:
            chosen = self._now
        return datetime.fromtimestamp(chosen.toSecsSinceEpoch(), UTC)


class PostedAction(QObject):
    """The Statement menu's "Posted by hand…" for the statement chosen in the drafts pane."""

    def __init__(
        self,
        window: MainWindow,
        publication: PublicationService,
        runner: TaskRunner,
        now: Clock,
    ) -> None:
        super().__init__(window)
        self.setObjectName("postedAction")
        self._now = now
        self._window = window
        self._publication = publication
        self._runner = runner
        self._view: IncidentView | None = None
        self.dialog: PostedDialog | None = None
        self.action = QAction("Posted by &hand…", window)
        self.action.setStatusTip("Record that you posted a released statement yourself")
        self.action.triggered.connect(self.open_dialog)
        window.statement_menu.addSeparator()
        window.statement_menu.addAction(self.action)
        window.statement_menu.menuAction().setVisible(True)
        window.addAction(self.action)
        window.view_loader.loaded.connect(self._view_loaded)
        window.statement_menu.aboutToShow.connect(self.update)
        window.drafts.list_view.selectionModel().currentRowChanged.connect(self.update)
        self.update()

    def _view_loaded(self, view: IncidentView, _areas: frozenset[Area]) -> None:
        self._view = view
        self.update()

    def _target(self) -> tuple[Statement | None, list[Delivery], str | None]:
        """Return the chosen statement, its rows a post may settle, and why not (or None)."""
        statement = self._window.drafts.current_statement()
        view = self._view
        if statement is None:
            return None, [], "choose a released statement"
        if view is None or view.incident.id != statement.incident_id:
            return statement, [], "checking what you may do…"
        refusal = view.refusal(Action.RELEASE)
        if refusal:
            return statement, [], refusal
        found = view.statement(statement.id)
        if found is None or found.statement.state is not StatementState.RELEASED:
            return statement, [], "only a released statement can be recorded as posted"
        rows = postable(found.deliveries)
        if not rows:
            return found.statement, [], "every channel of this statement has it already"
        return found.statement, rows, None

    def update(self) -> None:
        """Enable the action for a released statement that is not out everywhere yet."""
        _statement, _rows, refusal = self._target()
        self.action.setEnabled(refusal is None)
        self.action.setToolTip(
            f"Not now: {refusal}" if refusal else "Record that you posted it yourself"
        )

    def open_dialog(self) -> None:
        """Ask which channel, where and when; then record it."""
        statement, rows, refusal = self._target()
        if statement is None or refusal is not None:
            return
        dialog = PostedDialog(statement, rows, self._now(), self._window)
        actor, publication, window = self._window.identity.name, self._publication, self._window

        def record() -> None:
            channel, url, at = dialog.channel(), dialog.url(), dialog.posted_at()

            def done(row: Delivery) -> None:
                window.status.say(
                    f"Statement #{row.statement_id} recorded as posted on {row.channel_name}"
                )
                window.look_for_changes()

            self._runner.run(
                lambda: publication.posted(statement.id, channel, actor, url=url, at=at),
                done,
                self._failed,
            )

        dialog.accepted.connect(record)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget)
        self.dialog = dialog
        dialog.open()

    def _forget(self) -> None:
        self.dialog = None

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, WarRoomError):
            log.error("recording a post by hand failed unexpectedly", exc_info=error)
        self._window.status.say(f"Not recorded: {error}")
        self._window.drafts.show_text(f"Not recorded: {error}", error=True)


def install_posted_action(
    window: MainWindow, publication: PublicationService, runner: TaskRunner, now: Clock
) -> PostedAction:
    """Add Statement > Posted by hand… to the window."""
    return PostedAction(window, publication, runner, now)
