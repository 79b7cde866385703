"""Tools > Post-incident review… (Ctrl+R): one review window per incident, kept up to date.

:func:`install_review_action` is called by the composition root with the built window.
Closing the war room with unsaved lessons learned first asks about them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence

from warroom.domain.changes import Area, Changes
from warroom.domain.incidents import Incident
from warroom.services.incidents import IncidentService
from warroom.services.preferences import Identity
from warroom.services.review import ReviewService
from warroom.ui.records.review_window import ReviewWindow
from warroom.ui.shell.unsaved import UnsavedKeeper

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow


class ReviewActions(QObject):
    """Own the review action of one window and the review windows it opened."""

    def __init__(
        self,
        window: MainWindow,
        review: ReviewService,
        incidents: IncidentService,
        keeper: UnsavedKeeper | None = None,
    ) -> None:
        super().__init__(window)
        self._keeper = keeper
        self._window = window
        self._review = review
        self._incidents = incidents
        self.windows: dict[int, ReviewWindow] = {}
        self.review_action = QAction("Post-incident &review…", window)
        self.review_action.setObjectName("reviewAction")
        self.review_action.setShortcut(QKeySequence("Ctrl+R"))
        self.review_action.setStatusTip("Review metrics and lessons learned of this incident")
        self.review_action.triggered.connect(self.open_review)
        window.add_tools_action(self.review_action)
        window.incident_changed.connect(self._incident_changed)
        window.data_changed.connect(self._data_changed)
        window.identity_changed.connect(self._identity_changed)
        window.installEventFilter(self)
        self._incident_changed(window.current_incident())

    def _incident_changed(self, incident: Incident | None) -> None:
        self.review_action.setEnabled(incident is not None)

    def open_review(self) -> ReviewWindow | None:
        """Ctrl+R: show (or bring forward) the review of the incident shown."""
        incident = self._window.current_incident()
        if incident is None:
            return None
        view = self.windows.get(incident.id)
        if view is None:
            view = ReviewWindow(
                self._review,
                self._incidents,
                self._window.runner,
                incident,
                self._window.identity.name,
                self._window,
                keeper=self._keeper,
            )
            view.status_message.connect(self._window.status.say)
            view.destroyed.connect(lambda _obj=None, key=incident.id: self.windows.pop(key, None))
            self.windows[incident.id] = view
        view.show()
        view.raise_()
        view.activateWindow()
        view.refresh()
        return view

    def _data_changed(self, changes: Changes) -> None:
        # The review is computed from the whole record: any change of its incident counts.
        for incident_id, view in self.windows.items():
            if view.isVisible() and changes.touches(list(Area), incident_id):
                view.refresh()

    def _identity_changed(self, identity: Identity) -> None:
        for view in self.windows.values():
            view.set_actor(identity.name)

    def unsaved(self) -> list[ReviewWindow]:
        """Return the review windows holding unsaved lessons learned."""
        return [view for view in self.windows.values() if view.isVisible() and view.is_dirty()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            pending = self.unsaved()
            if pending:
                event.ignore()  # the review window asks first; closing again then works
                view = pending[0]
                view.show()
                view.raise_()
                view.activateWindow()
                view.ask_before_closing()
                return True
        return super().eventFilter(watched, event)


def install_review_action(
    window: MainWindow,
    review: ReviewService,
    incidents: IncidentService,
    keeper: UnsavedKeeper | None = None,
) -> ReviewActions:
    """Add Tools > Post-incident review… to ``window`` (``keeper``: keep unsaved lessons)."""
    return ReviewActions(window, review, incidents, keeper)
