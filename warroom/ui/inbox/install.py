"""The inbox in the window: the pane beside the drafts, Tools > Sources…, and their wiring.

:func:`install_inbox` is called by the composition root with the window and the services
the inbox needs (never looked up). The pane follows the incident shown, who acts and what
they may do (from the shared incident view, or the room's permissions when no incident is
shown), and refreshes when the change feed names the inbox; its writes make the window
look at the feed at once. Nothing is read before the pane is first shown, so a window that
never shows its inbox pays nothing for it. Pulling the sources is the sync worker's job
(ui/publishing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from warroom.domain.changes import Area, Changes
from warroom.domain.inbox import Source
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.domain.permissions import Permissions
from warroom.services.channels import ChannelService
from warroom.services.inbox import InboxService
from warroom.services.inbox_replies import InboxReplyService
from warroom.services.preferences import Identity
from warroom.services.sources import SourceService
from warroom.services.views import ViewService
from warroom.ui.inbox.pane import InboxPane
from warroom.ui.inbox.sources_dialog import SourcesDialog
from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)


class InboxServices(Protocol):
    """What the inbox needs of the services (``warroom.services.Services`` has it all)."""

    @property
    def inbox(self) -> InboxService: ...
    @property
    def inbox_replies(self) -> InboxReplyService: ...
    @property
    def sources(self) -> SourceService: ...
    @property
    def channels(self) -> ChannelService: ...
    @property
    def views(self) -> ViewService: ...


class InboxController(QObject):
    """Owns the pane's wiring to the window and the Sources dialog."""

    def __init__(
        self, window: MainWindow, services: InboxServices, today: Callable[[], date]
    ) -> None:
        super().__init__(window)
        self.setObjectName("inboxController")
        self._window = window
        self._services = services
        self.sources_dialog: SourcesDialog | None = None
        self.pane = InboxPane(
            services.inbox,
            services.inbox_replies,
            window.runner,
            window.identity.name,
            today,
        )
        window.add_side_pane(self.pane, "Inbox")

        self.sources_action = QAction("&Sources…", window)
        self.sources_action.setObjectName("sourcesAction")
        self.sources_action.setStatusTip("Where War Room listens: mentions, mailboxes, feeds")
        self.sources_action.triggered.connect(self.open_sources_dialog)
        window.add_tools_action(self.sources_action)
        self.focus_action = QAction("Focus &inbox", window)
        self.focus_action.setShortcut(QKeySequence("Alt+4"))
        self.focus_action.triggered.connect(self.focus_inbox)
        window.addAction(self.focus_action)
        menu = window.view_menu.actions()
        position = menu.index(window.focus_actions[-1]) + 1
        if position < len(menu):
            window.view_menu.insertAction(menu[position], self.focus_action)
        else:
            window.view_menu.addAction(self.focus_action)

        self.pane.status_message.connect(window.status.say)
        self.pane.wrote.connect(window.poller.poll)
        window.data_changed.connect(self._data_changed)
        window.incident_changed.connect(self._incident_changed)
        window.identity_changed.connect(self._identity_changed)
        window.view_loader.loaded.connect(self._view_loaded)
        self.pane.activated.connect(self.refresh_sources)
        self.pane.activated.connect(self._read_permissions)

    # -- following the window ------------------------------------------------------------------

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches([Area.INBOX]):
            self.pane.inbox_changed()
            if self.pane.active:
                self.refresh_sources()
        if changes.touches([Area.PEOPLE]) and self._window.current_incident() is None:
            self._read_permissions()

    def _incident_changed(self, incident: Incident | None) -> None:
        self.pane.set_incident(incident)
        if incident is None:
            self._read_permissions()

    def _identity_changed(self, identity: Identity) -> None:
        self.pane.set_actor(identity.name)
        if self._window.current_incident() is None:
            self._read_permissions()

    def _view_loaded(self, view: IncidentView, _areas: frozenset[Area]) -> None:
        current = self._window.current_incident()
        if current is not None and current.id == view.incident.id:
            self.pane.set_incident(view.incident)  # fresh: it may have been closed
            self.pane.set_permissions(view.permissions)

    def _read_permissions(self) -> None:
        if not self.pane.active:
            return  # read when first shown
        actor, views = self._window.identity.name, self._services.views

        def done(permissions: Permissions) -> None:
            if self._window.current_incident() is None:
                self.pane.set_permissions(permissions)

        self._window.runner.run(lambda: views.permissions(actor), done, lambda _e: None)

    def refresh_sources(self) -> None:
        """Re-read the sources: the pane's filter offers them, the dialog lists them."""

        def done(sources: list[Source]) -> None:
            self.pane.set_sources([source.name for source in sources])
            if self.sources_dialog is not None:
                self.sources_dialog.show_sources(sources)

        self._window.runner.run(self._services.sources.all, done, lambda _e: None)

    def focus_inbox(self) -> None:
        """Alt+4: show the inbox and put the keyboard in its list."""
        self._window.side_tabs.setCurrentWidget(self.pane)
        self.pane.focus_view()

    # -- Tools > Sources… ----------------------------------------------------------------------

    def open_sources_dialog(self) -> None:
        """List, add, test and remove the listening sources."""
        if self.sources_dialog is not None:
            self.sources_dialog.raise_()
            self.sources_dialog.activateWindow()
            return
        window = self._window
        dialog = SourcesDialog(
            self._services.sources,
            self._services.channels,
            window.runner,
            window,
            actor=lambda: window.identity.name,
        )
        dialog.finished.connect(self._sources_dialog_closed)
        self.sources_dialog = dialog
        dialog.open()
        dialog.refresh()

    def _sources_dialog_closed(self) -> None:
        dialog, self.sources_dialog = self.sources_dialog, None
        if dialog is not None:
            dialog.deleteLater()


def install_inbox(
    window: MainWindow, services: InboxServices, today: Callable[[], date]
) -> InboxController:
    """Add the Inbox pane and Tools > Sources… to ``window``."""
    return InboxController(window, services, today)
