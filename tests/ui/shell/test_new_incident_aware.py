"""The New incident dialog asks when we became aware (default now) and says why it matters:
regulator deadlines run from awareness."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from tests.ui.conftest import WAIT_MS
from warroom.ui.incident.dialogs import from_qt
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.new_incident_dialog import AWARE_WHY, NewIncidentDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_awareness_defaults_to_now_and_explains_itself(qtbot: Any) -> None:
    dialog = NewIncidentDialog([])
    qtbot.addWidget(dialog)
    assert dialog.request().aware_at is None  # now, at declaration
    why = dialog.findChild(QLabel, "incidentAwareWhy")
    assert why is not None and why.text() == AWARE_WHY and "72 h" in AWARE_WHY
    assert dialog.aware_edit.accessibleDescription() == AWARE_WHY
    earlier = dialog.aware_edit.dateTime().addSecs(-3 * 3600)
    dialog.aware_edit.setDateTime(earlier)
    assert dialog.request().aware_at == from_qt(earlier)
    future = dialog.aware_edit.dateTime().addSecs(86_400)
    dialog.aware_edit.setDateTime(future)
    assert dialog.aware_edit.dateTime() < future  # the field refuses the future


def test_declaring_with_an_earlier_awareness_starts_the_regulator_clock_there(
    qtbot: Any, make_window: Callable[..., MainWindow], services: Any
) -> None:
    window = make_window()
    window.open_new_incident_dialog()
    qtbot.waitUntil(lambda: window.new_incident_dialog is not None, timeout=WAIT_MS)
    dialog = window.new_incident_dialog
    assert dialog is not None
    dialog.title_edit.setText("Customer data exposed")
    dialog.select_playbook("data-breach")
    dialog.aware_edit.setDateTime(dialog.aware_edit.dateTime().addSecs(-5 * 3600))
    aware = from_qt(dialog.aware_edit.dateTime())
    dialog.accept()
    qtbot.waitUntil(lambda: bool(services.incidents.all()), timeout=WAIT_MS)
    (incident,) = services.incidents.all()
    assert incident.aware_at == aware
    assert services.incidents.regulator(incident.id).due_at == aware + timedelta(hours=72)
