"""Nothing typed is lost: editors' unsaved text goes to a private file as people type, comes
back at the next start, and quitting with unsaved text asks first.

:class:`UnsavedKeeper` debounces the writes (a quiet moment after typing, never a write per
keystroke) and runs them on the task runner, so the GUI thread never waits for the disk.
:func:`install_unsaved` wires the window's editors to it: the statement editor (every
draft's unsaved text, see :mod:`warroom.ui.drafts.kept`), the timeline's quick add box, and
(through :mod:`warroom.ui.records.review_actions`) the lessons learned.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from warroom.domain.timeline import EntryKind
from warroom.services.unsaved import Payload, UnsavedStore
from warroom.ui.drafts.kept import PREFIX as DRAFT_PREFIX
from warroom.ui.drafts.kept import kept_from
from warroom.ui.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

#: Quiet time after the last keystroke before the text is written.
DELAY_MS = 400
ENTRY_KEY = "entry"
LESSONS_KEY = "lessons:"  # the review window keeps lessons under lessons:<incident>


class UnsavedKeeper(QObject):
    """Keep editors' unsaved text on disk, a moment after each change."""

    failed = Signal(str)

    def __init__(
        self,
        store: UnsavedStore,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        delay_ms: int = DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._runner = runner
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._flush_in_background)
        self._reported = False

    def entries(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """Return the kept text under ``prefix`` (what the last run left, at first)."""
        return self.store.entries(prefix)

    def keep(self, key: str, payload: Payload | None) -> None:
        """Keep ``payload`` under ``key`` (None: nothing unsaved there any more)."""
        if self.store.stage(key, payload):
            self._timer.start()

    def keep_all(self, prefix: str, entries: Mapping[str, Payload]) -> None:
        """Keep exactly ``entries`` under ``prefix``."""
        if self.store.stage_all(prefix, entries):
            self._timer.start()

    def flush_now(self) -> None:
        """Write now, on this thread (the window is closing)."""
        self._timer.stop()
        try:
            self.store.flush()
        except OSError as error:
            log.warning("unsaved text not kept: %s", error)

    def _flush_in_background(self) -> None:
        self._runner.run(self.store.flush, lambda _none: self._written(), self._failed)

    def _written(self) -> None:
        self._reported = False

    def _failed(self, error: Exception) -> None:
        log.warning("unsaved text not kept: %s", error)
        if not self._reported:  # once until it works again, not on every keystroke
            self._reported = True
            self.failed.emit(f"Unsaved text could not be kept on disk: {error}")


class UnsavedGuard(QObject):
    """Ask before the window closes while text is unsaved; keep or discard it then."""

    def __init__(self, window: MainWindow, keeper: UnsavedKeeper) -> None:
        super().__init__(window)
        self._window = window
        self._keeper = keeper
        self._leaving = False
        self.box: QMessageBox | None = None
        window.installEventFilter(self)

    def unsaved(self) -> list[str]:
        """Describe the window's unsaved texts ('statement #3', 'a new draft for #1', …)."""
        found = [
            f"{d.describe()} of incident #{d.incident_id}"
            for d in self._window.drafts.unsaved_drafts()
        ]
        if self._window.timeline.add_box.toPlainText().strip():
            found.append("the timeline entry being typed")
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            pending = [] if self._leaving else self.unsaved()
            if pending:
                event.ignore()
                self.ask(pending)
                return True
            self._keeper.flush_now()
        return super().eventFilter(watched, event)

    def ask(self, pending: list[str]) -> QMessageBox:
        """Ask whether to quit keeping the text, discard it, or go back to it."""
        if self.box is not None:
            return self.box
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved text",
            "Not saved yet: " + "; ".join(pending) + ".\n\nQuitting keeps it on this computer: "
            "it comes back at the next start. Discarding throws it away.",
            QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setObjectName("unsavedQuitBox")
        keep = box.addButton("&Quit and keep it", QMessageBox.ButtonRole.AcceptRole)
        keep.setObjectName("unsavedKeep")
        discard = box.addButton("&Discard and quit", QMessageBox.ButtonRole.DestructiveRole)
        discard.setObjectName("unsavedDiscard")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered() -> None:
            self.box = None
            box.deleteLater()
            clicked = box.clickedButton()
            if clicked is discard:
                self._keeper.keep_all(DRAFT_PREFIX, {})
                self._keeper.keep(ENTRY_KEY, None)
            if clicked in (keep, discard):
                self._keeper.flush_now()
                self._leaving = True
                if not self._window.close():
                    self._leaving = False  # someone else (the lessons) asked to stay

        box.finished.connect(answered)
        self.box = box
        box.open()
        return box


def keep_quick_add(window: MainWindow, keeper: UnsavedKeeper) -> None:
    """Keep what is typed in the timeline's quick add box, and put back what was kept."""
    pane = window.timeline
    kept = keeper.entries(ENTRY_KEY).get(ENTRY_KEY)
    if kept and not pane.add_box.toPlainText() and str(kept.get("text", "")).strip():
        pane.add_box.setPlainText(str(kept["text"]))
        index = pane.add_kind.findData(kept.get("kind"))
        if index >= 0:
            pane.add_kind.setCurrentIndex(index)
        where = kept.get("incident")
        for_incident = f" (typed for incident #{where})" if where else ""
        window.status.say(f"Restored your unsaved timeline entry{for_incident}")

    def typed() -> None:
        text = pane.add_box.toPlainText()
        if not text.strip():
            keeper.keep(ENTRY_KEY, None)
            return
        incident = window.current_incident()
        kind = pane.add_kind.currentData()
        keeper.keep(
            ENTRY_KEY,
            {
                "text": text,
                "kind": str(kind or EntryKind.NOTE),
                "incident": incident.id if incident else None,
            },
        )

    pane.add_box.textChanged.connect(typed)
    pane.add_kind.currentIndexChanged.connect(lambda _index: typed())


def keep_drafts(window: MainWindow, keeper: UnsavedKeeper) -> None:
    """Keep every unsaved statement text of the drafts pane, and put back what was kept."""
    pane = window.drafts
    drafts = [kept_from(payload) for payload in keeper.entries(DRAFT_PREFIX).values()]
    pane.restore_drafts([draft for draft in drafts if draft is not None])

    def edited() -> None:
        keeper.keep_all(DRAFT_PREFIX, {d.store_key: d.payload() for d in pane.unsaved_drafts()})

    pane.edited.connect(edited)


def install_unsaved(window: MainWindow, keeper: UnsavedKeeper) -> UnsavedGuard:
    """Keep the window's unsaved text and ask before quitting with some (install last: the
    question comes before any other feature's)."""
    keeper.setParent(window)
    keeper.failed.connect(window.status.say)
    keep_drafts(window, keeper)
    keep_quick_add(window, keeper)
    lessons = sorted(str(p.get("incident", "?")) for p in keeper.entries(LESSONS_KEY).values())
    if lessons:
        window.status.say(
            "Unsaved lessons learned kept for incident #"
            + ", #".join(lessons)
            + ": Tools > Post-incident review shows them"
        )
    return UnsavedGuard(window, keeper)
