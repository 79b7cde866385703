"""Which change reaches which part of the window, and who may do what in it.

The change poller says which areas of which incidents changed (anyone's writes, this
window's included); :class:`LiveRefresh` refreshes only what they touch: the incident list
for an incident change, the outbox depth for an outbox change, the timeline's new entries
for the shown incident's timeline, and one incident view for the panes (each pane then
re-renders only for its own areas). The view's permissions enable the window's own actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from warroom.domain.changes import Area, Changes
from warroom.domain.incident_view import IncidentView
from warroom.domain.people import Action
from warroom.domain.permissions import Permissions
from warroom.services.views import ViewService

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow


class LiveRefresh(QObject):
    """Routes the change feed and the incident view to the window's parts."""

    def __init__(self, window: MainWindow, views: ViewService) -> None:
        super().__init__(window)
        self._window = window
        self._views = views
        window.poller.changed.connect(self.changed)
        window.view_loader.loaded.connect(self._view_loaded)

    def changed(self, changes: Changes) -> None:
        """Someone (this window, the CLI, another workstation) wrote: refresh what it touched."""
        window = self._window
        if changes.touches([Area.INCIDENT]):
            window.refresh_incidents()
        if changes.touches([Area.OUTBOX]):
            window.status.refresh_outbox()
        incident = window.current_incident()
        if incident is not None:
            if changes.touches([Area.TIMELINE], incident.id):
                window.timeline.refresh()
            window.view_loader.follow(changes)
        elif changes.touches([Area.PEOPLE]):
            self.refresh_permissions()
        window.data_changed.emit(changes)

    def refresh_permissions(self) -> None:
        """Read again what the acting person may do.

        With an incident shown this is its view, judged for the person (every pane follows);
        without one, only the room's permissions (who may declare an incident).
        """
        window = self._window
        actor, incident = window.identity.name, window.current_incident()
        if incident is not None:
            window.view_loader.show(incident.id, actor)
            return

        def done(permissions: Permissions) -> None:
            if window.current_incident() is None:
                self._show(permissions, None)

        window.runner.run(lambda: self._views.permissions(actor), done)

    def _view_loaded(self, view: IncidentView, areas: frozenset[Area]) -> None:
        if areas & {Area.PEOPLE, Area.INCIDENT}:
            self._show(view.permissions, view)

    def _show(self, permissions: Permissions, view: IncidentView | None) -> None:
        """Show who acts and enable what they may do; a refusal is the tooltip and the
        accessible description of what it disables."""
        window = self._window
        if permissions.actor != window.identity.name:
            return  # the user was switched meanwhile; a newer read is on its way
        window.status.show_identity(window.identity, permissions.membership)
        log_refusal = view.refusal(Action.LOG) if view else permissions.refusal(Action.LOG)
        window.timeline.set_log_refusal(log_refusal)
        open_refusal = permissions.refusal(Action.OPEN_INCIDENT)
        window.new_incident_action.setEnabled(open_refusal is None)
        window.new_incident_action.setToolTip(open_refusal or "Declare a new incident")
        button = window.top_bar.new_button
        button.setEnabled(open_refusal is None)
        button.setToolTip(open_refusal or "Declare a new incident (Ctrl+N)")
        button.setAccessibleDescription(open_refusal or "")
