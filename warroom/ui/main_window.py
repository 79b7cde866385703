"""The war-room window: incident switcher and clocks on top, three panes, a status bar.

Hooks for features that plug in later (each takes what it needs from the constructor's
arguments, never from a global):

- ``file_menu`` / ``add_file_action(action)``: e.g. File > Export… (placed above Quit);
- ``tools_menu``: e.g. Channels…, Review…;
- ``status.add_indicator(widget)``: e.g. the sync worker's online/offline per channel;
- ``incident_changed`` (Incident | None) and ``data_changed`` (change counter): to follow
  the incident shown and writes by anyone.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Protocol, cast

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.incidents import Incident
from warroom.domain.playbooks import Playbook
from warroom.services import Services
from warroom.services.playbooks import PlaybookProblem
from warroom.services.preferences import Identity, PreferencesStore
from warroom.ui.change_poller import ChangePoller
from warroom.ui.clocks_bar import ClocksBar
from warroom.ui.identity_dialog import IdentityDialog
from warroom.ui.new_incident_dialog import NewIncidentDialog, NewIncidentRequest
from warroom.ui.status_bar import WarRoomStatusBar
from warroom.ui.tasks import TaskRunner
from warroom.ui.theme import DARK, SYSTEM, ThemeController
from warroom.ui.timeline_pane import TimelinePane

log = logging.getLogger(__name__)


class SidePane(Protocol):
    """The interface agreed with the drafts and checklist panes."""

    status_message: SignalInstance

    def set_incident(self, incident: Incident | None) -> None: ...
    def refresh(self) -> None: ...
    def set_actor(self, actor: str) -> None: ...
    def menu_actions(self) -> list[QAction]: ...


class PlaceholderPane(QWidget):
    """Stands in for a pane whose module is not in this build."""

    status_message = Signal(str)

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        label = QLabel(f"{title}\n(not available in this build)")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)

    def set_incident(self, incident: Incident | None) -> None:
        """Nothing to show."""

    def refresh(self) -> None:
        """Nothing to refresh."""

    def set_actor(self, actor: str) -> None:
        """Nothing acts."""

    def menu_actions(self) -> list[QAction]:
        """No actions."""
        return []


def build_side_pane(
    module: str, class_name: str, title: str, object_name: str, *args: Any
) -> QWidget:
    """Build the pane ``module.class_name(*args)``, or a placeholder if it is not there."""
    try:
        pane_class = getattr(importlib.import_module(f"warroom.ui.{module}"), class_name)
    except ModuleNotFoundError as error:
        if error.name != f"warroom.ui.{module}":
            raise
        log.warning("no %s in this build; showing a placeholder", module)
        return PlaceholderPane(title, object_name)
    return cast(QWidget, pane_class(*args))


class MainWindow(QMainWindow):
    """The one window. Everything it needs comes in through the constructor."""

    incident_changed = Signal(object)  # Incident | None
    data_changed = Signal(int)  # the database change counter moved (anyone wrote)
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
        self.services = services
        self.runner = runner
        self.identity = identity
        self._preferences = preferences
        self._theme = theme
        self._incidents: list[Incident] = []
        self._incident: Incident | None = None
        self._pending_select: int | None = None
        self._incidents_loading = False
        self._sized = False
        self.identity_dialog: IdentityDialog | None = None
        self.new_incident_dialog: NewIncidentDialog | None = None

        self._build_top_bar()
        self.clocks = ClocksBar(
            services.incidents, services.statements, runner, services.incidents.now
        )
        self.timeline = TimelinePane(services.timeline, runner, identity.name)
        self.drafts_widget = build_side_pane(
            "drafts_pane", "DraftsPane", "Drafts", "draftsPane", services, runner, identity.name
        )
        self.checklist_widget = build_side_pane(
            "checklist_pane",
            "ChecklistPane",
            "Checklist",
            "checklistPane",
            services,
            runner,
            identity.name,
        )
        self.drafts = cast(SidePane, self.drafts_widget)
        self.checklist = cast(SidePane, self.checklist_widget)
        self.drafts_widget.setAccessibleName("Drafts")
        self.checklist_widget.setAccessibleName("Checklist")

        self.side_splitter = QSplitter(Qt.Orientation.Vertical)
        self.side_splitter.setObjectName("sideSplitter")
        self.side_splitter.addWidget(self.drafts_widget)
        self.side_splitter.addWidget(self.checklist_widget)
        self.side_splitter.setStretchFactor(0, 3)
        self.side_splitter.setStretchFactor(1, 2)
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
        for pane in (self.timeline, self.drafts, self.checklist, self.clocks):
            pane.status_message.connect(self.status.say)

        self._build_menus()
        self.poller = ChangePoller(services.incidents.change_counter, runner, self, poll_ms)
        self.poller.changed.connect(self._database_changed)
        self.poller.failed.connect(lambda text: self.status.say(f"Database unreachable: {text}"))
        self.resize(1400, 850)

    # -- start and stop ---------------------------------------------------------------------

    def start(self, incident_id: int | None = None) -> None:
        """Load the incident list (showing ``incident_id`` or the newest open one), poll."""
        self._pending_select = incident_id
        self.refresh_incidents()
        self.status.refresh_outbox()
        self.poller.poll()
        self.poller.start()

    def stop(self) -> None:
        """Stop timers so nothing new starts; the composition root shuts the runner down."""
        self.poller.stop()
        self.clocks.stop()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized:
            # The timeline is the pane people read most: give it the larger share.
            self._sized = True
            width = max(self.splitter.width(), self.width() - 16)
            self.splitter.setSizes([width * 11 // 20, width * 9 // 20])
            height = max(self.side_splitter.height(), 400)
            self.side_splitter.setSizes([height * 3 // 5, height * 2 // 5])
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)

    # -- building ---------------------------------------------------------------------------

    def _build_top_bar(self) -> None:
        self.top_bar = QWidget()
        self.top_bar.setObjectName("incidentBar")
        self.incident_switcher = QComboBox()
        self.incident_switcher.setObjectName("incidentSwitcher")
        self.incident_switcher.setAccessibleName("Incident")
        self.incident_switcher.setMinimumContentsLength(40)
        self.incident_switcher.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.incident_switcher.currentIndexChanged.connect(self._switcher_moved)
        label = QLabel("&Incident:")
        label.setBuddy(self.incident_switcher)
        self.incident_state = QLabel("")
        self.incident_state.setObjectName("incidentState")
        self.new_incident_button = QPushButton("New incident…")
        self.new_incident_button.setObjectName("newIncidentButton")
        self.new_incident_button.setToolTip("Declare a new incident (Ctrl+N)")
        self.new_incident_button.clicked.connect(self.open_new_incident_dialog)
        row = QHBoxLayout(self.top_bar)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(label)
        row.addWidget(self.incident_switcher, 1)
        row.addWidget(self.incident_state)
        row.addWidget(self.new_incident_button)

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

        self.incident_menu = bar.addMenu("&Incident")
        self.incident_menu.addAction(self.timeline.add_action)
        self.incident_menu.addAction(self.timeline.correct_action)
        self._add_pane_actions(self.incident_menu, self.checklist.menu_actions())
        self.statement_menu = bar.addMenu("&Statement")
        self._add_pane_actions(self.statement_menu, self.drafts.menu_actions())
        self.tools_menu = bar.addMenu("&Tools")
        self.tools_menu.menuAction().setVisible(False)  # shown once a feature adds to it

    def _add_pane_actions(self, menu: QMenu, actions: list[QAction]) -> None:
        if actions and not menu.isEmpty():
            menu.addSeparator()
        for action in actions:
            menu.addAction(action)
        menu.menuAction().setVisible(not menu.isEmpty())

    def add_file_action(self, action: QAction) -> None:
        """Add a File menu action above Quit (e.g. Export…)."""
        self.file_menu.insertAction(self._file_end, action)
        self.addAction(action)

    def add_tools_action(self, action: QAction) -> None:
        """Add an action to the Tools menu (e.g. Channels…, Review…)."""
        self.tools_menu.addAction(action)
        self.tools_menu.menuAction().setVisible(True)
        self.addAction(action)

    # -- incidents --------------------------------------------------------------------------

    def current_incident(self) -> Incident | None:
        """Return the incident shown."""
        return self._incident

    def refresh_incidents(self) -> None:
        """Re-read the incident list in the background and update the switcher."""
        if self._incidents_loading:
            return
        self._incidents_loading = True

        def failed(error: Exception) -> None:
            self._incidents_loading = False
            self.status.say(f"Incidents not loaded: {error}")

        self.runner.run(self.services.incidents.all, self._incidents_loaded, failed)

    def _incidents_loaded(self, incidents: list[Incident]) -> None:
        self._incidents_loading = False
        self._incidents = incidents
        wanted = self._pending_select
        if wanted is None and self._incident is not None:
            wanted = self._incident.id
        if wanted is None and incidents:
            wanted = incidents[0].id
        self._pending_select = None
        switcher = self.incident_switcher
        switcher.blockSignals(True)
        switcher.clear()
        for incident in incidents:
            state = "" if incident.is_open else " (closed)"
            switcher.addItem(
                f"#{incident.id}  {incident.severity.label}  {incident.title}{state}", incident.id
            )
        index = switcher.findData(wanted) if wanted is not None else -1
        switcher.setCurrentIndex(index)
        switcher.blockSignals(False)
        self._show_incident(incidents[index] if index >= 0 else None)

    def _switcher_moved(self, index: int) -> None:
        self._show_incident(self._incidents[index] if 0 <= index < len(self._incidents) else None)

    def select_incident(self, incident_id: int) -> None:
        """Show the incident ``incident_id`` (reloading the list if it is new)."""
        index = self.incident_switcher.findData(incident_id)
        if index >= 0:
            self.incident_switcher.setCurrentIndex(index)
        else:
            self._pending_select = incident_id
            self.refresh_incidents()

    def _show_incident(self, incident: Incident | None) -> None:
        previous = self._incident
        self._incident = incident
        same = previous is not None and incident is not None and previous.id == incident.id
        read_only = incident is not None and not incident.is_open
        self.timeline.set_incident(incident.id if incident else None, read_only=read_only)
        self._show_incident_state(incident)
        if same:
            if previous != incident:
                self.clocks.refresh()
            return
        self.clocks.set_incident(incident.id if incident else None)
        self.drafts.set_incident(incident)
        self.checklist.set_incident(incident)
        title = f"#{incident.id} {incident.title} — War Room" if incident else "War Room"
        self.setWindowTitle(title)
        self.incident_changed.emit(incident)

    def _show_incident_state(self, incident: Incident | None) -> None:
        if incident is None:
            self.incident_state.setText("no incident — declare one with Ctrl+N")
            return
        state = "OPEN" if incident.is_open else "CLOSED (read-only)"
        approvals = incident.approvals_required
        self.incident_state.setText(
            f"{incident.severity.label} · {state} · {approvals} approval(s) to release"
        )

    def focus_incident_switcher(self) -> None:
        """Ctrl+K: jump to the incident switcher and open it."""
        self.incident_switcher.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.isVisible() and self.incident_switcher.count() > 1:
            self.incident_switcher.showPopup()

    def open_new_incident_dialog(self) -> None:
        """Ctrl+N: read the playbooks in the background, then ask for the incident."""

        def loaded(result: tuple[list[Playbook], list[PlaybookProblem]]) -> None:
            playbooks, problems = result
            dialog = NewIncidentDialog(
                playbooks, [f"{p.path.name}: {p.message}" for p in problems], self
            )
            dialog.accepted.connect(lambda: self._open_incident(dialog.request()))
            dialog.finished.connect(dialog.deleteLater)
            dialog.finished.connect(self._forget_new_incident_dialog)
            self.new_incident_dialog = dialog
            dialog.open()

        self.runner.run(self.services.playbooks.load, loaded)

    def _forget_new_incident_dialog(self) -> None:
        self.new_incident_dialog = None

    def _open_incident(self, request: NewIncidentRequest) -> None:
        actor = self.identity.name
        incidents = self.services.incidents

        def opened(incident: Incident) -> None:
            self.status.say(f"Incident #{incident.id} declared")
            self.select_incident(incident.id)

        def failed(error: Exception) -> None:
            self.status.say(f"Incident not declared: {error}")
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Incident not declared",
                str(error),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setObjectName("errorMessage")
            box.finished.connect(box.deleteLater)
            box.open()

        self.runner.run(
            lambda: incidents.open(
                request.title, request.severity, actor, playbook_key=request.playbook_key
            ),
            opened,
            failed,
        )

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
        if remember:
            try:
                self._preferences.save(self._preferences.load().with_identity(identity))
            except OSError as error:
                self.status.say(f"Could not remember the user: {error}")
        self.identity_changed.emit(identity)

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
        child = pane.findChild(QWidget, child_name)
        target = child if child is not None and child.isEnabled() else pane
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _toggle_dark(self, checked: bool) -> None:
        if self._theme is None:
            return
        name = DARK if checked else SYSTEM
        self._theme.apply(name)
        try:
            self._preferences.save(self._preferences.load().with_theme(name))
        except OSError as error:
            self.status.say(f"Could not remember the theme: {error}")

    # -- live refresh ---------------------------------------------------------------------------

    def _database_changed(self, counter: int) -> None:
        """Someone (this window, the CLI, another workstation) wrote: refresh what is shown."""
        self.timeline.refresh()
        self.clocks.refresh()
        self.status.refresh_outbox()
        self.refresh_incidents()
        self.drafts.refresh()
        self.checklist.refresh()
        self.data_changed.emit(counter)
