"""Incident > Status…, Severity…, Update cadence…, Correct times…, Close…: the window's face
of ``warroom incident status|severity|cadence|times|close``.

Each action opens a small dialog, then calls the lifecycle service on the task runner; a
write that committed makes the window look at the change feed (every pane then refreshes
what it shows). The actions are enabled from the shown incident's view: a closed incident,
or a person whose role may not manage incidents, gets them disabled with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox

from warroom.domain.changes import Area
from warroom.domain.errors import WarRoomError
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.domain.lifecycle import OpenWork
from warroom.domain.people import Action
from warroom.services.incidents import IncidentService
from warroom.services.lifecycle import LifecycleService
from warroom.ui.incident.dialogs import (
    CadenceDialog,
    CloseDialog,
    SeverityDialog,
    StatusDialog,
    TimesDialog,
)
from warroom.ui.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)


class IncidentActions(QObject):
    """The Incident menu's header changes and Close…, for the incident shown."""

    def __init__(
        self,
        window: MainWindow,
        lifecycle: LifecycleService,
        incidents: IncidentService,
        runner: TaskRunner,
    ) -> None:
        super().__init__(window)
        self.setObjectName("incidentActions")
        self._window = window
        self._lifecycle = lifecycle
        self._incidents = incidents
        self._runner = runner
        self._view: IncidentView | None = None
        self.dialog: QDialog | None = None
        menu = window.incident_menu
        menu.addSeparator()
        self.status_action = self._action("Set &status…", self.open_status_dialog)
        self.severity_action = self._action("Change se&verity…", self.open_severity_dialog)
        self.cadence_action = self._action("Update &cadence…", self.open_cadence_dialog)
        self.times_action = self._action("Correct &times…", self.open_times_dialog)
        menu.addSeparator()
        self.close_action = self._action("C&lose incident…", self.open_close_dialog)
        self.actions = [
            self.status_action,
            self.severity_action,
            self.cadence_action,
            self.times_action,
            self.close_action,
        ]
        window.view_loader.loaded.connect(self._view_loaded)
        window.incident_changed.connect(self._incident_changed)
        self._update(None)

    def _action(self, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self._window)
        action.triggered.connect(slot)
        self._window.incident_menu.addAction(action)
        self._window.addAction(action)
        return action

    # -- which incident, and may the person change it -------------------------------------

    def incident(self) -> Incident | None:
        """Return the incident shown, as freshly as the window knows it."""
        shown = self._window.current_incident()
        if shown is None:
            return None
        view = self._view
        return view.incident if view is not None and view.incident.id == shown.id else shown

    def _view_loaded(self, view: IncidentView, areas: frozenset[Area]) -> None:
        if areas & {Area.INCIDENT, Area.PEOPLE}:
            self._view = view
            self._update(view)

    def _incident_changed(self, incident: Incident | None) -> None:
        if incident is None or self._view is None or self._view.incident.id != incident.id:
            self._view = None
            self._update(None)

    def refusal(self) -> str | None:
        """Say why the shown incident may not be changed now (None: it may)."""
        view = self._view
        shown = self._window.current_incident()
        if shown is None:
            return "no incident is open"
        if view is None or view.incident.id != shown.id:
            return "checking what you may do…"
        return view.refusal(Action.MANAGE_INCIDENT)

    def _update(self, _view: IncidentView | None) -> None:
        refusal = self.refusal()
        for action in self.actions:
            action.setEnabled(refusal is None)
            action.setToolTip(f"Not now: {refusal}" if refusal else action.text().strip("…"))

    # -- the dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog, on_accept: Callable[[], None]) -> None:
        dialog.accepted.connect(on_accept)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget)
        self.dialog = dialog
        dialog.open()

    def _forget(self) -> None:
        self.dialog = None

    def open_status_dialog(self) -> None:
        """Incident > Set status…"""
        incident = self.incident()
        if incident is None or self.refusal():
            return
        dialog = StatusDialog(incident, self._window)
        lifecycle = self._lifecycle

        def accepted() -> None:  # read the dialog here, on the GUI thread
            status, note = dialog.status(), dialog.note_edit.text()
            self._change(
                lambda actor: lifecycle.set_status(incident.id, status, actor, note=note),
                lambda i: f"Incident #{i.id} is {i.status.value}",
            )

        self._open(dialog, accepted)

    def open_severity_dialog(self) -> None:
        """Incident > Change severity…"""
        incident = self.incident()
        if incident is None or self.refusal():
            return
        dialog = SeverityDialog(incident, self._window)
        lifecycle = self._lifecycle

        def accepted() -> None:
            severity, reason = dialog.severity(), dialog.reason()
            self._change(
                lambda actor: lifecycle.set_severity(incident.id, severity, actor, reason=reason),
                lambda i: f"Incident #{i.id} is {i.severity.label} from now on",
            )

        self._open(dialog, accepted)

    def open_cadence_dialog(self) -> None:
        """Incident > Update cadence…"""
        incident = self.incident()
        if incident is None or self.refusal():
            return
        dialog = CadenceDialog(incident, self._window)
        lifecycle = self._lifecycle

        def accepted() -> None:
            cadence = dialog.cadence()
            self._change(
                lambda actor: lifecycle.set_cadence(incident.id, cadence, actor),
                lambda i: f"Incident #{i.id}: update cadence changed",
            )

        self._open(dialog, accepted)

    def open_times_dialog(self) -> None:
        """Incident > Correct times…"""
        incident = self.incident()
        if incident is None or self.refusal():
            return
        dialog = TimesDialog(incident, self._window)
        lifecycle = self._lifecycle

        def accepted() -> None:
            reason, began, aware = dialog.reason(), dialog.began_at(), dialog.aware_at()
            self._change(
                lambda actor: lifecycle.set_times(
                    incident.id, actor, reason=reason, began_at=began, aware_at=aware
                ),
                lambda i: f"Incident #{i.id}: times corrected",
            )

        self._open(dialog, accepted)

    def open_close_dialog(self) -> None:
        """Incident > Close…: read what is open (in the background), ask, then close."""
        incident = self.incident()
        if incident is None or self.refusal():
            return
        dialog = CloseDialog(incident, self._window)
        incidents = self._incidents

        def close() -> None:
            reason = dialog.reason()
            self._change(
                lambda actor: incidents.close(incident.id, actor, anyway=reason),
                lambda i: f"Incident #{i.id} closed: every clock has stopped",
            )

        self._open(dialog, close)

        def shown(work: OpenWork) -> None:
            if self.dialog is dialog:
                dialog.show_work(work)

        self._runner.run(lambda: incidents.open_work(incident.id), shown, self._failed)

    # -- running ------------------------------------------------------------------------------

    def _change(self, call: Callable[[str], Incident], said: Callable[[Incident], str]) -> None:
        actor = self._window.identity.name
        window = self._window

        def done(incident: Incident) -> None:
            window.status.say(said(incident))
            window.look_for_changes()

        self._runner.run(lambda: call(actor), done, self._failed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, WarRoomError):
            text = str(error)
        else:
            log.error("incident action failed unexpectedly", exc_info=error)
            text = f"unexpected error: {error}"
        self._window.status.say(f"Not changed: {text}")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Incident not changed",
            text,
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setObjectName("incidentChangeRefused")
        box.finished.connect(box.deleteLater)
        self.message: Any = box
        box.open()


def install_incident_actions(
    window: MainWindow, lifecycle: LifecycleService, incidents: IncidentService, runner: TaskRunner
) -> IncidentActions:
    """Add the incident's header changes and Close… to the Incident menu."""
    return IncidentActions(window, lifecycle, incidents, runner)
