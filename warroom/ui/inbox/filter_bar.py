"""The inbox's filters: which incident, which states, which priority, which source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from warroom.domain.inbox import WAITING_STATES, InboxFilter, InboxState

WAITING = tuple(state for state in InboxState if state in WAITING_STATES)


class Scope(StrEnum):
    """Which items by incident."""

    ALL = "all"
    INCIDENT = "incident"  # attached to the incident shown
    UNASSIGNED = "unassigned"  # attached to none


#: No incident has this id: "this incident" with none shown lists nothing.
NO_INCIDENT = 0


@dataclass(frozen=True, slots=True)
class FilterChoice:
    """What the person chose; the incident shown completes it into an InboxFilter."""

    scope: Scope = Scope.ALL
    states: tuple[InboxState, ...] = WAITING
    priority: int | None = None
    source: str | None = None

    def resolve(self, incident_id: int | None) -> InboxFilter:
        """Return the filter for the incident shown (None: no incident)."""
        return InboxFilter(
            incident_id=(incident_id or NO_INCIDENT) if self.scope is Scope.INCIDENT else None,
            unassigned=self.scope is Scope.UNASSIGNED,
            states=self.states,
            priority=self.priority,
            source=self.source,
        )


class InboxFilterBar(QWidget):
    """Four combo boxes and the number of items that pass them."""

    changed = Signal(object)  # FilterChoice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxFilters")
        self.scope_combo = self._combo("inboxScope", "Incident")
        for text, scope in (
            ("All items", Scope.ALL),
            ("This incident", Scope.INCIDENT),
            ("Unassigned", Scope.UNASSIGNED),
        ):
            self.scope_combo.addItem(text, scope)
        self.state_combo = self._combo("inboxState", "State")
        self.state_combo.addItem("Waiting", WAITING)
        self.state_combo.setItemData(
            0, "New, needs reply or escalated", Qt.ItemDataRole.ToolTipRole
        )
        self.state_combo.addItem("Any state", ())
        for state in InboxState:
            self.state_combo.addItem(state.value, (state,))
        self.priority_combo = self._combo("inboxPriority", "Priority")
        self.priority_combo.addItem("Any priority", None)
        for priority in (1, 2, 3, 4):
            self.priority_combo.addItem(f"P{priority}", priority)
        self.source_combo = self._combo("inboxSource", "Source")
        self.source_combo.addItem("Any source", None)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("inboxCount")
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for combo in (self.scope_combo, self.state_combo, self.priority_combo, self.source_combo):
            layout.addWidget(combo)
            combo.currentIndexChanged.connect(self._emit)
        layout.addWidget(self.count_label, 1)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setToolTip(f"Show items by {accessible.lower()}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def choice(self) -> FilterChoice:
        """Return what the combo boxes say now."""
        return FilterChoice(
            scope=Scope(self.scope_combo.currentData()),
            states=tuple(self.state_combo.currentData() or ()),
            priority=self.priority_combo.currentData(),
            source=self.source_combo.currentData(),
        )

    def set_sources(self, names: Sequence[str]) -> None:
        """Offer these source names (the one chosen stays chosen, even if it is gone)."""
        chosen = self.source_combo.currentData()
        wanted = sorted(set(names) | ({chosen} if chosen else set()))
        present = [self.source_combo.itemData(i) for i in range(1, self.source_combo.count())]
        if present == wanted:
            return
        self.source_combo.blockSignals(True)
        try:
            while self.source_combo.count() > 1:
                self.source_combo.removeItem(1)
            for name in wanted:
                self.source_combo.addItem(name, name)
            self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(chosen)))
        finally:
            self.source_combo.blockSignals(False)

    def show_count(self, text: str) -> None:
        """Say how many items pass the filter."""
        self.count_label.setText(text)
        self.count_label.setToolTip(text)

    def _emit(self) -> None:
        self.changed.emit(self.choice())
