"""The war-room window: incident switcher and clocks on top, three panes, a status bar.

Hooks for features that plug in later (each takes what it needs from the constructor's
arguments, never from a global):

- ``file_menu`` / ``add_file_action(action)``: e.g. File > Export… (placed above Quit);
- ``tools_menu``: e.g. Channels…, Review…;
- ``status.add_indicator(widget)``: e.g. the sync worker's online/offline per channel;
- ``incident_changed`` (Incident | None) and ``data_changed`` (Changes): to follow the
  incident shown and what anyone wrote.

Live refresh: the change poller says which areas of which incidents changed; the timeline
reads new entries only when its incident's timeline changed, the incident list only when an
incident did, and one :class:`IncidentView` read serves the drafts, checklist and clocks
panes, each re-rendering only when one of its own areas is named. A pane that wrote asks
for a look at once (``wrote``) instead of re-reading itself, so one write means one refresh.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter, QTabWidget, QVBoxLayout, QWidget

from warroom.domain.incidents import Incident
from warroom.services import Services
from warroom.services.preferences import Identity, PreferencesStore
from warroom.ui.checklist.pane import ChecklistPane
from warroom.ui.clocks.bar import FONT_SCALES, ClocksBar
from warroom.ui.drafts.pane import DraftsPane
from warroom.ui.shell.change_poller import ChangePoller
from warroom.ui.shell.incident_bar import IncidentBar
from warroom.ui.shell.live_refresh import LiveRefresh
from warroom.ui.shell.new_incident_dialog import IncidentDeclaration, NewIncidentDialog
from warroom.ui.shell.shortcuts_dialog import ShortcutsDialog
from warroom.ui.shell.status_bar import WarRoomStatusBar
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.theme import DARK, LIGHT, ThemeController
from warroom.ui.shell.view_loader import IncidentViewLoader
from warroom.ui.shell.window_layout import restore_layout, save_layout
from warroom.ui.shell.zoom import ZoomController
from warroom.ui.team.identity_dialog import IdentityDialog
from warroom.ui.timeline.pane import TimelinePane

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The one window. Everything it needs comes in through the constructor."""

    incident_changed = Signal(object)  # Incident | None
    data_changed = Signal(object)  # Changes: what anyone wrote since the last look
    identity_changed = Signal(object)  # Identity

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        identity: Identity,
        preferences: PreferencesStore,
        theme: ThemeController | None = None,
        parent: QWidget | None = None,
        *,
        poll_ms: int = 1000,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("War Room")
        self.runner = runner
        self.identity = identity
        self._preferences = preferences
        self._theme = theme
        self._incident: Incident | None = None
        self._view_after_timeline = False
        self._sized = False
        self.identity_dialog: IdentityDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None

        self.poller = ChangePoller(services.changes, runner, self, poll_ms)
        self.view_loader = IncidentViewLoader(services.views.incident, runner, self)
        self.top_bar = IncidentBar(services.incidents, runner)
        self.incident_switcher = self.top_bar.switcher
        self.incident_state = self.top_bar.state
        self.top_bar.new_button.clicked.connect(self.open_new_incident_dialog)
        self.top_bar.incident_selected.connect(self._show_incident)
        self.clocks = ClocksBar(self.view_loader, services.incidents.now)
        self.timeline = TimelinePane(services.timeline, runner, identity.name)
        self.drafts = DraftsPane(services.statements, self.view_loader, runner, identity.name)
        self.checklist = ChecklistPane(
            services.checklist, self.view_loader, runner, identity.name, services.incidents.now
        )
        self.drafts_widget: QWidget = self.drafts
        self.checklist_widget: QWidget = self.checklist

        # Panes that plug in (the inbox) share the drafts' place as tabs (bar hidden alone).
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.setTabBarAutoHide(True)
        self.side_tabs.addTab(self.drafts_widget, "Drafts")
        self.side_splitter = QSplitter(Qt.Orientation.Vertical)
        self.side_splitter.setObjectName("sideSplitter")
        self.side_splitter.addWidget(self.side_tabs)
        self.side_splitter.addWidget(self.checklist_widget)
        self.side_splitter.setStretchFactor(0, 7)
        self.side_splitter.setStretchFactor(1, 3)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.timeline)
        self.splitter.addWidget(self.side_splitter)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        for splitter in (self.splitter, self.side_splitter):
            splitter.setChildrenCollapsible(False)
            splitter.setHandleWidth(6)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.top_bar)
        layout.addWidget(self.clocks)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = WarRoomStatusBar(services.db.location, services.channels, runner)
        self.setStatusBar(self.status)
        self.status.show_identity(identity)
        runner.busy_changed.connect(self.status.show_busy)
        runner.task_failed.connect(self.status.say)
        for pane in (self.timeline, self.drafts, self.checklist, self.clocks, self.top_bar):
            pane.status_message.connect(self.status.say)
        for writer in (self.timeline, self.drafts, self.checklist):
            writer.wrote.connect(self.poller.poll)
        self.view_loader.failed.connect(lambda text: self.status.say(f"Not refreshed: {text}"))
        self.timeline.model.first_page_loaded.connect(self._timeline_loaded)
        self.timeline.model.load_failed.connect(self._timeline_loaded)

        self.declaring = IncidentDeclaration(
            self,
            services.playbooks.load,
            lambda request: services.incidents.open(
                request.title,
                request.severity,
                self.identity.name,
                playbook_key=request.playbook_key,
                aware_at=request.aware_at,
            ),
            runner,
            services.incidents.now,
        )
        self.declaring.declared.connect(self._declared)
        self.declaring.refused.connect(
            lambda text: self.status.say(f"Incident not declared: {text}")
        )
        self._build_menus()
        self.live = LiveRefresh(self, services.views)
        self.poller.failed.connect(lambda text: self.status.say(f"Database unreachable: {text}"))
        self.resize(1400, 850)

    # -- start and stop ---------------------------------------------------------------------

    def start(self, incident_id: int | None = None) -> None:
        """Look at the change feed, load the incident list (showing ``incident_id`` or the
        newest open one), then keep looking."""
        self.poller.poll()  # first: what is read from here on is at least this fresh
        self.top_bar.refresh(select=incident_id)
        self.status.refresh_outbox()
        self.poller.start()

    def stop(self) -> None:
        """Stop timers so nothing new starts; the composition root shuts the runner down."""
        self.poller.stop()
        self.clocks.stop()
        self.drafts.stop()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized:
            self._sized = True
            if not self._restore_layout():
                # The timeline is the pane people read most: give it the larger share.
                width = max(self.splitter.width(), self.width() - 16)
                self.splitter.setSizes([width * 11 // 20, width * 9 // 20])
                # The statement being written comes before the checklist (the editor
                # scrolls, so what the checklist does not get goes to it).
                height = max(self.side_splitter.height(), 400)
                self.side_splitter.setSizes([height * 7 // 10, height * 3 // 10])
        super().showEvent(event)

    def _restore_layout(self) -> bool:
        return restore_layout(self, self.splitter, self.side_splitter, self._preferences)

    def save_layout(self) -> None:
        """Remember the window's size and the splitter positions for the next start."""
        save_layout(self, self.splitter, self.side_splitter, self._preferences)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._sized:
            self.save_layout()
        self.stop()
        super().closeEvent(event)

    # -- building ---------------------------------------------------------------------------

    def _action(
        self, menu: QMenu, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: Any
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.new_incident_action = self._action(
            self.file_menu, "&New incident…", "Ctrl+N", self.open_new_incident_dialog
        )
        self.switch_incident_action = self._action(
            self.file_menu, "S&witch incident…", "Ctrl+K", self.focus_incident_switcher
        )
        self.switch_user_action = self._action(
            self.file_menu, "Switch &user…", "Ctrl+Alt+U", self.open_identity_dialog
        )
        self._file_end = self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, "&Quit", "Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.view_menu = bar.addMenu("&View")
        self.focus_actions = [
            self._action(self.view_menu, "Focus &timeline", "Alt+1", self.focus_timeline),
            self._action(self.view_menu, "Focus &drafts", "Alt+2", self.focus_drafts),
            self._action(self.view_menu, "Focus &checklist", "Alt+3", self.focus_checklist),
        ]
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.timeline.find_action)
        self.view_menu.addSeparator()
        self.dark_action = self._action(
            self.view_menu, "&Dark theme (wall display)", "Ctrl+Alt+D", self._toggle_dark
        )
        self.dark_action.setCheckable(True)
        self.dark_action.setChecked(self._theme is not None and self._theme.current == DARK)
        self.dark_action.setEnabled(self._theme is not None)
        self.view_menu.addSeparator()
        self.zoom = ZoomController(self, "main", self._preferences, relative=FONT_SCALES)
        self.view_menu.addActions(self.zoom.actions())

        self.incident_menu = bar.addMenu("&Incident")
        self.incident_menu.addAction(self.timeline.focus_add_action)
        self.incident_menu.addAction(self.timeline.add_action)
        self.incident_menu.addAction(self.timeline.correct_action)
        self._add_pane_actions(self.incident_menu, self.checklist.menu_actions())
        self.statement_menu = bar.addMenu("&Statement")
        self._add_pane_actions(self.statement_menu, self.drafts.menu_actions())
        self.tools_menu = bar.addMenu("&Tools")
        self.tools_menu.menuAction().setVisible(False)  # shown once a feature adds to it
        self.help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._action(
            self.help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts
        )

    def _add_pane_actions(self, menu: QMenu, actions: list[QAction]) -> None:
        if actions and not menu.isEmpty():
            menu.addSeparator()
        for action in actions:
            menu.addAction(action)
        menu.menuAction().setVisible(not menu.isEmpty())

    def show_shortcuts(self) -> None:
        """F1: list every shortcut, as the menus have them now."""
        dialog = ShortcutsDialog(self.menuBar(), self)
        dialog.finished.connect(dialog.deleteLater)
        self.shortcuts_dialog = dialog
        dialog.open()

    def add_file_action(self, action: QAction) -> None:
        """Add a File menu action above Quit (e.g. Export…)."""
        self.file_menu.insertAction(self._file_end, action)
        self.addAction(action)

    def add_side_pane(self, pane: QWidget, title: str) -> None:
        """Add a pane beside the drafts, as a tab of their place (e.g. the Inbox)."""
        self.side_tabs.addTab(pane, title)

    def add_tools_action(self, action: QAction) -> None:
        """Add an action to the Tools menu (e.g. Channels…, Review…)."""
        self.tools_menu.addAction(action)
        self.tools_menu.menuAction().setVisible(True)
        self.addAction(action)

    # -- incidents --------------------------------------------------------------------------

    def current_incident(self) -> Incident | None:
        """Return the incident shown."""
        return self._incident

    def look_for_changes(self) -> None:
        """Look at the change feed now (e.g. the sync worker just delivered something)."""
        self.poller.poll()

    def refresh_incidents(self) -> None:
        """Re-read the incident list in the background and update the switcher."""
        self.top_bar.refresh()

    def select_incident(self, incident_id: int) -> None:
        """Show the incident ``incident_id`` (reloading the list if it is new)."""
        self.top_bar.select(incident_id)

    def focus_incident_switcher(self) -> None:
        """Ctrl+K: jump to the incident switcher and open it."""
        self.top_bar.focus_switcher()

    def _show_incident(self, incident: Incident | None) -> None:
        previous = self._incident
        self._incident = incident
        read_only = incident is not None and not incident.is_open
        self.timeline.set_incident(incident.id if incident else None, read_only=read_only)
        if previous is not None and incident is not None and previous.id == incident.id:
            return  # fresh details of the same incident: the change feed refreshes the panes
        self.clocks.set_incident(incident.id if incident else None)
        self.drafts.set_incident(incident)
        self.checklist.set_incident(incident)
        title = f"#{incident.id} {incident.title} — War Room" if incident else "War Room"
        self.setWindowTitle(title)
        if incident is None:
            self.view_loader.show(None, self.identity.name)
            self.refresh_permissions()
        else:
            # The timeline is what people read first: its first page is read before the
            # other panes' view, so the two reads do not compete for the interpreter.
            self._view_after_timeline = True
        self.incident_changed.emit(incident)

    def _timeline_loaded(self) -> None:
        if self._view_after_timeline:
            self._view_after_timeline = False
            self.view_loader.show(self._incident.id if self._incident else None, self.identity.name)

    def open_new_incident_dialog(self) -> None:
        """Ctrl+N: read the playbooks in the background, then ask for the incident."""
        self.declaring.ask()

    @property
    def new_incident_dialog(self) -> NewIncidentDialog | None:
        """Return the New incident dialog while it is open."""
        return self.declaring.dialog

    def _declared(self, incident: Incident) -> None:
        self.status.say(f"Incident #{incident.id} declared")
        self.select_incident(incident.id)

    # -- who acts -----------------------------------------------------------------------------

    def open_identity_dialog(self) -> None:
        """File > Switch user…: ask who acts from now on."""
        dialog = IdentityDialog(self.identity, self)
        dialog.accepted.connect(lambda: self.set_identity(dialog.identity()))
        dialog.finished.connect(dialog.deleteLater)
        self.identity_dialog = dialog
        dialog.open()

    def set_identity(self, identity: Identity, *, remember: bool = True) -> None:
        """Act as ``identity`` from now on (and remember it for the next start)."""
        self.identity = identity
        self.identity_dialog = None
        self.timeline.set_actor(identity.name)
        self.drafts.set_actor(identity.name)
        self.checklist.set_actor(identity.name)
        self.status.show_identity(identity)
        self.status.say(f"Now acting as {identity.describe()}")
        self.refresh_permissions()
        if remember:
            try:
                self._preferences.save(self._preferences.load().with_identity(identity))
            except OSError as error:
                self.status.say(f"Could not remember the user: {error}")
        self.identity_changed.emit(identity)

    def refresh_permissions(self) -> None:
        """Read again what the acting person may do and enable the window to match."""
        self.live.refresh_permissions()

    # -- view -----------------------------------------------------------------------------------

    def focus_timeline(self) -> None:
        """Alt+1."""
        self.timeline.focus_view()

    def focus_drafts(self) -> None:
        """Alt+2: the draft editor if there is one, else the pane."""
        self._focus_pane(self.drafts_widget, "draftEditor")

    def focus_checklist(self) -> None:
        """Alt+3: the checklist tree."""
        self._focus_pane(self.checklist_widget, "checklistView")

    def _focus_pane(self, pane: QWidget, child_name: str) -> None:
        if self.side_tabs.indexOf(pane) >= 0:
            self.side_tabs.setCurrentWidget(pane)
        child = pane.findChild(QWidget, child_name)
        target = child if child is not None and child.isEnabled() else pane
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _toggle_dark(self, checked: bool) -> None:
        if self._theme is None:
            return
        name = DARK if checked else LIGHT
        self._theme.apply(name)
        try:
            self._preferences.save(self._preferences.load().with_theme(name))
        except OSError as error:
            self.status.say(f"Could not remember the theme: {error}")
