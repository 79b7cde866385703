"""The post-incident review of one incident: its metrics, and the editable lessons learned.

A non-modal window beside the war room. The metrics follow every write (``refresh`` on the
window's ``data_changed``); the lessons text is replaced by a fresh read only while it has no
unsaved edits, as in the drafts pane. Saving is allowed on closed incidents too.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.incidents import Incident
from warroom.domain.review import LESSONS_MAX, Review
from warroom.export.labels import when
from warroom.services.incidents import IncidentService
from warroom.services.review import ReviewService
from warroom.ui.records.review_model import COL_METRIC, COL_VALUE, ReviewModel
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.unsaved import LESSONS_KEY, UnsavedKeeper

log = logging.getLogger(__name__)

ERROR_COLOUR = "#e0314b"  # readable on the light and the dark theme


class ReviewWindow(QWidget):
    """Show the review of one incident and edit its lessons learned."""

    loaded = Signal(object)  # Review
    saved = Signal(object)  # Incident
    status_message = Signal(str)

    def __init__(
        self,
        review: ReviewService,
        incidents: IncidentService,
        runner: TaskRunner,
        incident: Incident,
        actor: str,
        parent: QWidget | None = None,
        *,
        keeper: UnsavedKeeper | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        # Closing the war room ends the program even while this window is open.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self._review = review
        self._incidents = incidents
        self._runner = runner
        self._incident = incident
        self._actor = actor
        self._base = incident.lessons_learned  # the lessons as last read or saved
        self._read_seq = 0
        self._saving = False
        self._pending = False
        self._closing = False
        self._notice = ""
        self._keeper = keeper
        self.close_box: QMessageBox | None = None

        self.heading = QLabel()
        self.heading.setObjectName("reviewHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.model = ReviewModel(self)
        self.view = QTreeView()
        self.view.setObjectName("reviewView")
        self.view.setAccessibleName("Review metrics")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(True)
        self.view.setUniformRowHeights(False)
        self.view.setSelectionBehavior(QTreeView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_METRIC, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_VALUE, QHeaderView.ResizeMode.Stretch)

        lessons_label = QLabel("&Lessons learned")
        lessons_label.setObjectName("lessonsLabel")
        font = lessons_label.font()
        font.setBold(True)
        lessons_label.setFont(font)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("lessonsEditor")
        self.editor.setAccessibleName("Lessons learned")
        self.editor.setPlaceholderText(
            "What went well, what did not, what to change before the next incident…"
        )
        self.editor.setTabChangesFocus(True)
        lessons_label.setBuddy(self.editor)
        self.lessons_status = QLabel("")
        self.lessons_status.setObjectName("lessonsStatus")
        self.lessons_status.setWordWrap(True)
        self.save_action = QAction("&Save lessons", self)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.save_action.setToolTip("Save the lessons learned (Ctrl+S)")
        self.save_action.triggered.connect(self.save)
        self.addAction(self.save_action)
        self.save_button = QPushButton("&Save lessons")
        self.save_button.setObjectName("lessonsSave")
        self.save_button.setToolTip("Save the lessons learned (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Recompute the metrics now")
        self.refresh_button.clicked.connect(self.refresh)

        lessons = QWidget()
        lessons_layout = QVBoxLayout(lessons)
        lessons_layout.setContentsMargins(0, 0, 0, 0)
        lessons_layout.addWidget(lessons_label)
        lessons_layout.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addWidget(self.lessons_status, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.save_button)
        lessons_layout.addLayout(row)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lessons)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.splitter, 1)

        self.editor.setPlainText(self._base)
        self._restore_kept()
        self.editor.textChanged.connect(self._update_state)
        self.editor.textChanged.connect(self._keep)
        self._show_incident(incident)
        self._update_state()
        self.resize(920, 760)
        self.splitter.setSizes([520, 180])  # the metrics are what people read first

    # -- reading --------------------------------------------------------------------------------

    def incident_id(self) -> int:
        """Return the id of the incident reviewed."""
        return self._incident.id

    def set_actor(self, actor: str) -> None:
        """Save as ``actor`` from now on."""
        self._actor = actor

    def is_dirty(self) -> bool:
        """Tell whether the lessons editor holds text that is not saved."""
        return self.editor.toPlainText().strip() != self._base.strip()

    def is_loading(self) -> bool:
        """Tell whether a read or a save is under way."""
        return self._saving or self._pending

    def refresh(self) -> None:
        """Re-read the incident and recompute the review in the background."""
        self._read_seq += 1
        seq, incident_id = self._read_seq, self._incident.id
        review, incidents = self._review, self._incidents

        def read() -> tuple[Incident, Review]:
            return incidents.get(incident_id), review.review(incident_id)

        self._pending = True
        self._runner.run(
            read,
            lambda result: self._loaded(seq, *result),
            lambda error: self._read_failed(seq, error),
        )

    def _loaded(self, seq: int, incident: Incident, review: Review) -> None:
        if seq != self._read_seq:
            return  # a newer read (or our own save) superseded this one
        self._pending = False
        self.model.set_review(review)
        self._show_incident(incident)
        if not self.is_dirty():
            self._base = review.lessons_learned
            if self.editor.toPlainText().strip() != self._base:
                self.editor.setPlainText(self._base)
        elif review.lessons_learned.strip() != self._base.strip():
            self._say(
                "Someone else changed the lessons learned meanwhile; saving replaces their "
                "text with yours.",
                error=True,
                kind="elsewhere",
            )
        self._update_state()
        self.loaded.emit(review)

    def _read_failed(self, seq: int, error: Exception) -> None:
        if seq != self._read_seq:
            return
        self._pending = False
        self._say(f"Review not updated: {_one_line(error)}", error=True)

    def _show_incident(self, incident: Incident) -> None:
        self._incident = incident
        state = "open" if incident.is_open else f"closed {when(incident.closed_at)}"
        self.setWindowTitle(f"Review of #{incident.id} {incident.title} — War Room")
        review = self.model.review()
        computed = f"; figures as of {when(review.computed_at)}" if review else ""
        self.heading.setText(
            f"<b>Post-incident review: #{incident.id} {html.escape(incident.title)}</b><br>"
            f"{incident.severity.label}, {state}{computed}"
        )

    # -- lessons ----------------------------------------------------------------------------------

    def save(self) -> None:
        """Ctrl+S: save the lessons learned (the incident may be closed)."""
        if self._saving:
            return
        text = self.editor.toPlainText()
        if len(text.strip()) > LESSONS_MAX:
            self._say(f"Too long: at most {LESSONS_MAX} characters.", error=True)
            return
        review, incident_id, actor = self._review, self._incident.id, self._actor
        self._saving = True
        self._read_seq += 1  # a read under way may predate the save: ignore it
        self._update_state()
        self._say("Saving…", kind="saving")
        self._runner.run(
            lambda: review.set_lessons_learned(incident_id, text, actor),
            self._saved,
            self._save_failed,
        )

    def _saved(self, incident: Incident) -> None:
        self._saving = False
        self._base = incident.lessons_learned
        self._keep()
        self._say(f"Lessons learned saved by {self._actor}.")
        self.status_message.emit(f"Lessons learned of incident #{incident.id} saved")
        self._update_state()
        self.saved.emit(incident)
        self.refresh()
        if self._closing:
            self.close()
            self._closing = False

    def _save_failed(self, error: Exception) -> None:
        self._saving = False
        self._closing = False
        self._say(f"Not saved: {_one_line(error)}", error=True)
        self._update_state()
        self.refresh()  # the save dropped any read under way; the text stays, unsaved

    # -- unsaved lessons kept on disk -----------------------------------------------------------

    def _kept_key(self) -> str:
        return f"{LESSONS_KEY}{self._incident.id}"

    def _restore_kept(self) -> None:
        """Put back lessons typed before the window closed (a crash, a refused save)."""
        if self._keeper is None:
            return
        kept = self._keeper.entries(self._kept_key()).get(self._kept_key())
        text = str(kept.get("text", "")) if kept else ""
        if text.strip() and text.strip() != self._base.strip():
            self.editor.setPlainText(text)
            self._say(
                "Restored your unsaved lessons learned (typed before the window closed); "
                "they are not saved yet.",
                kind="unsaved",
            )

    def _keep(self) -> None:
        if self._keeper is None:
            return
        payload = {"incident": self._incident.id, "text": self.editor.toPlainText()}
        self._keeper.keep(self._kept_key(), payload if self.is_dirty() else None)

    def _update_state(self) -> None:
        dirty = self.is_dirty()
        can_save = dirty and not self._saving
        self.save_action.setEnabled(can_save)
        self.save_button.setEnabled(can_save)
        title = self.windowTitle().removeprefix("* ")
        self.setWindowTitle(f"* {title}" if dirty else title)
        if dirty and not self._saving and self._notice in ("", "saved"):
            self._say("Unsaved changes (Ctrl+S saves).", kind="unsaved")
        elif not dirty and self._notice in ("unsaved", "elsewhere"):
            self._say("")

    def _say(self, text: str, *, error: bool = False, kind: str = "") -> None:
        self._notice = kind or ("error" if error else ("saved" if text else ""))
        if error:
            self.lessons_status.setText(
                f"<span style='color:{ERROR_COLOUR}'>{html.escape(text)}</span>"
            )
        else:
            self.lessons_status.setText(html.escape(text))

    # -- closing with unsaved lessons -----------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty() and not self._closing:
            event.ignore()
            self.ask_before_closing()
            return
        super().closeEvent(event)

    def ask_before_closing(self) -> QMessageBox:
        """Ask whether to save, discard or keep editing the unsaved lessons."""
        if self.close_box is not None:
            return self.close_box
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved lessons learned",
            f"The lessons learned of incident #{self._incident.id} have unsaved changes.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("lessonsCloseBox")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.finished.connect(self._close_answered)
        self.close_box = box
        box.open()
        return box

    def _close_answered(self, answer: int) -> None:
        box, self.close_box = self.close_box, None
        if box is not None:
            box.deleteLater()
        if answer == QMessageBox.StandardButton.Save:
            self._closing = True  # close once saved
            self.save()
        elif answer == QMessageBox.StandardButton.Discard:
            self._closing = True
            self.editor.setPlainText(self._base)
            self.close()
            self._closing = False

    def showEvent(self, event: QShowEvent) -> None:
        self._closing = False
        super().showEvent(event)


def _one_line(error: Exception) -> str:
    text = str(error)
    return text.splitlines()[0] if text else type(error).__name__
