"""The drafts and checklist panes as the window sees them: an agreed interface.

The panes are built by another part of the team; a build without one shows a placeholder
instead (the window imports them by name, in this one place).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Protocol, cast

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from warroom.domain.incidents import Incident

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
