"""The top bar: which incident is shown (the switcher), its state, and 'New incident…'."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from warroom.domain.incidents import Incident
from warroom.services.incidents import IncidentService
from warroom.ui.shell.tasks import TaskRunner

LATE_MARK = "⚠ LATE"
LATE_STYLE = "QLabel#lateIndicator { color: #ffffff; background: #c62828; border-radius: 3px; "
LATE_STYLE += "padding: 1px 6px; font-weight: bold; }"


def _label(incident: Incident, late: tuple[str, ...] = ()) -> str:
    state = "" if incident.is_open else " (closed)"
    mark = f"{LATE_MARK}  " if late else ""
    return f"{mark}#{incident.id}  {incident.severity.label}  {incident.title}{state}"


class IncidentBar(QWidget):
    """Lists incidents (read in the background) and says which one is chosen.

    ``incident_selected`` carries the chosen Incident (or None), also when the same incident
    comes back with fresh details (e.g. closed by someone else).
    """

    incident_selected = Signal(object)  # Incident | None
    status_message = Signal(str)

    def __init__(
        self, incidents: IncidentService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentBar")
        self._service = incidents
        self._runner = runner
        self._incidents: list[Incident] = []
        self._current: Incident | None = None
        self._pending_select: int | None = None
        self._loading = False
        self._again = False

        self.switcher = QComboBox()
        self.switcher.setObjectName("incidentSwitcher")
        self.switcher.setAccessibleName("Incident")
        self.switcher.setMinimumContentsLength(40)
        self.switcher.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.switcher.currentIndexChanged.connect(self._moved)
        label = QLabel("&Incident:")
        label.setBuddy(self.switcher)
        self.state = QLabel("")
        self.state.setObjectName("incidentState")
        self._late: dict[int, tuple[str, ...]] = {}
        # Says how many incidents have a late clock; its accessible description is the
        # latest announcement (a live region for screen readers without announcements).
        self.late_label = QLabel("")
        self.late_label.setObjectName("lateIndicator")
        self.late_label.setAccessibleName("Late clocks")
        self.late_label.setStyleSheet(LATE_STYLE)
        self.late_label.hide()
        self.new_button = QPushButton("New incident…")
        self.new_button.setObjectName("newIncidentButton")
        self.new_button.setToolTip("Declare a new incident (Ctrl+N)")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(label)
        row.addWidget(self.switcher, 1)
        row.addWidget(self.late_label)
        row.addWidget(self.state)
        row.addWidget(self.new_button)

    def current(self) -> Incident | None:
        """Return the incident chosen."""
        return self._current

    def refresh(self, select: int | None = None) -> None:
        """Re-read the list; ``select`` an incident by id once it is listed."""
        if select is not None:
            self._pending_select = select
        if self._loading:
            self._again = True
            return
        self._loading = True

        def failed(error: Exception) -> None:
            self._loading = False
            self.status_message.emit(f"Incidents not loaded: {error}")

        self._runner.run(self._service.all, self._loaded, failed)

    def select(self, incident_id: int) -> None:
        """Show the incident ``incident_id`` (reloading the list if it is new)."""
        index = self.switcher.findData(incident_id)
        if index >= 0:
            self.switcher.setCurrentIndex(index)
        else:
            self.refresh(select=incident_id)

    def focus_switcher(self) -> None:
        """Put the focus on the switcher and open its list."""
        self.switcher.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.isVisible() and self.switcher.count() > 1:
            self.switcher.showPopup()

    def _loaded(self, incidents: list[Incident]) -> None:
        self._loading = False
        wanted = self._pending_select
        self._pending_select = None
        if wanted is None and self._current is not None:
            wanted = self._current.id
        if wanted is None and incidents:
            wanted = incidents[0].id
        labels = [(i.id, _label(i, self._late.get(i.id, ()))) for i in incidents]
        if labels != [(i.id, self.switcher.itemText(n)) for n, i in enumerate(self._incidents)]:
            # Only a changed list is rebuilt: an open drop-down is not closed for nothing.
            self.switcher.blockSignals(True)
            self.switcher.clear()
            for incident_id, text in labels:
                self.switcher.addItem(text, incident_id)
            self.switcher.blockSignals(False)
        self._incidents = incidents
        index = self.switcher.findData(wanted) if wanted is not None else -1
        self.switcher.blockSignals(True)
        self.switcher.setCurrentIndex(index)
        self.switcher.blockSignals(False)
        self._choose(incidents[index] if index >= 0 else None)
        if self._again:
            self._again = False
            self.refresh()

    def mark_late(self, late: dict[int, tuple[str, ...]], summary: str = "") -> None:
        """Mark the incidents with a late clock (id -> what is late) in the switcher."""
        self._late = dict(late)
        for index, incident in enumerate(self._incidents):
            clocks = self._late.get(incident.id, ())
            text = _label(incident, clocks)
            if self.switcher.itemText(index) != text:
                self.switcher.setItemText(index, text)  # in place: an open list stays open
            tip = "Late: " + ", ".join(clocks) if clocks else ""
            self.switcher.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        count = len(self._late)
        self.late_label.setVisible(count > 0)
        self.late_label.setText(f"{LATE_MARK}: {count}" if count else "")
        self.late_label.setToolTip(summary)
        self.switcher.setAccessibleDescription(summary)

    def _moved(self, index: int) -> None:
        self._choose(self._incidents[index] if 0 <= index < len(self._incidents) else None)

    def _choose(self, incident: Incident | None) -> None:
        self._current = incident
        self._show_state(incident)
        self.incident_selected.emit(incident)

    def _show_state(self, incident: Incident | None) -> None:
        if incident is None:
            self.state.setText("no incident — declare one with Ctrl+N")
            return
        state = "OPEN" if incident.is_open else "CLOSED (read-only)"
        approvals = incident.approvals_required
        self.state.setText(
            f"{incident.severity.label} · {state} · {approvals} approval(s) to release"
        )
