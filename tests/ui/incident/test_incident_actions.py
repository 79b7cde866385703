"""The Incident menu: status, severity, cadence, times and Close… change the incident from
the window (the same chained changes as the CLI), and the clocks follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.ui.conftest import WAIT_MS
from warroom.domain.clocks import ClockState
from warroom.domain.incidents import IncidentStatus, Severity
from warroom.ui.incident.actions import IncidentActions, install_incident_actions
from warroom.ui.incident.dialogs import (
    CadenceDialog,
    CloseDialog,
    SeverityDialog,
    StatusDialog,
    TimesDialog,
    to_qt,
)
from warroom.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

Make = Callable[..., MainWindow]


@pytest.fixture
def actions(make_window: Make, wait_loaded: Any, services: Any, incident: Any) -> IncidentActions:
    window = make_window(incident_id=incident.id)
    installed = install_incident_actions(
        window, services.lifecycle, services.incidents, window.runner
    )
    wait_loaded(window)
    window.refresh_permissions()
    wait_loaded(window)
    return installed


def _window(actions: IncidentActions) -> MainWindow:
    window = actions.parent()
    assert isinstance(window, MainWindow)
    return window


def test_the_actions_are_in_the_incident_menu_and_enabled_for_a_lead(
    actions: IncidentActions,
) -> None:
    menu = _window(actions).incident_menu.actions()
    for action in actions.actions:
        assert action in menu and action.isEnabled(), action.text()


def test_status_and_severity_from_the_window(
    qtbot: Any, actions: IncidentActions, services: Any, incident: Any, wait_loaded: Any
) -> None:
    window = _window(actions)
    actions.status_action.trigger()
    dialog = actions.dialog
    assert isinstance(dialog, StatusDialog) and not dialog.ok_button.isEnabled()  # unchanged
    dialog.status_combo.setCurrentIndex(list(IncidentStatus).index(IncidentStatus.MONITORING))
    dialog.note_edit.setText("fix deployed, watching")
    dialog.accept()
    qtbot.waitUntil(
        lambda: services.incidents.get(incident.id).status is IncidentStatus.MONITORING,
        timeout=WAIT_MS,
    )
    wait_loaded(window)

    actions.severity_action.trigger()
    severity = actions.dialog
    assert isinstance(severity, SeverityDialog)
    severity.severity_combo.setCurrentIndex(0)  # SEV1
    assert not severity.ok_button.isEnabled()  # a severity change needs a reason
    severity.reason_edit.setText("EU payments down")
    assert severity.ok_button.isEnabled()
    severity.accept()
    qtbot.waitUntil(
        lambda: services.incidents.get(incident.id).severity is Severity.SEV1, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: "every 30 min for SEV1" in window.clocks.cadence.detail.text(),
                    timeout=WAIT_MS)  # fmt: skip
    assert "monitoring" in window.clocks.age.detail.text()
    assert services.export.verify_incident(incident.id).ok


def test_cadence_and_times_from_the_window(
    qtbot: Any, actions: IncidentActions, services: Any, incident: Any
) -> None:
    actions.cadence_action.trigger()
    dialog = actions.dialog
    assert isinstance(dialog, CadenceDialog) and dialog.default_radio.isChecked()
    dialog.every_radio.setChecked(True)
    dialog.minutes_spin.setValue(15)
    dialog.accept()
    qtbot.waitUntil(
        lambda: services.incidents.get(incident.id).cadence_minutes == 15, timeout=WAIT_MS
    )
    actions.times_action.trigger()
    times = actions.dialog
    assert isinstance(times, TimesDialog) and not times.ok_button.isEnabled()
    earlier = incident.aware_at - timedelta(hours=3)
    times.began_edit.setDateTime(to_qt(earlier))
    times.aware_edit.setDateTime(to_qt(earlier))
    assert not times.ok_button.isEnabled()  # needs a reason
    times.reason_edit.setText("first alert was earlier")
    times.accept()
    qtbot.waitUntil(
        lambda: services.incidents.get(incident.id).aware_at == earlier.replace(microsecond=0),
        timeout=WAIT_MS,
    )


def test_close_lists_what_is_open_and_needs_a_reason(
    qtbot: Any, actions: IncidentActions, services: Any, incident: Any, wait_loaded: Any
) -> None:
    window = _window(actions)
    actions.close_action.trigger()
    dialog = actions.dialog
    assert isinstance(dialog, CloseDialog)
    qtbot.waitUntil(lambda: dialog.work is not None, timeout=WAIT_MS)
    assert dialog.open_list.count() >= 10  # the playbook's unticked items
    assert any(
        "not done" in dialog.open_list.item(i).text() for i in range(dialog.open_list.count())
    )
    assert not dialog.ok_button.isEnabled() and "anyway" in dialog.ok_button.text()
    dialog.accept()  # refused without a reason: nothing happens
    assert services.incidents.get(incident.id).is_open
    dialog.reason_edit.setText("drill over")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: not services.incidents.get(incident.id).is_open, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.clocks.cadence.detail.text() == "incident closed",
                    timeout=WAIT_MS)  # fmt: skip
    clocks = window.clocks.last_clocks
    assert clocks is not None
    assert all(r.state in (ClockState.STOPPED, ClockState.OFF) for _n, r in clocks.named())
    wait_loaded(window)
    qtbot.waitUntil(lambda: not actions.close_action.isEnabled(), timeout=WAIT_MS)
    assert "closed and read-only" in actions.close_action.toolTip()


def test_a_viewer_gets_the_actions_disabled_with_the_reason(
    qtbot: Any, make_window: Make, services: Any, incident: Any, wait_loaded: Any
) -> None:
    services.people.put("Dana Reyes", "lead", "Dana Reyes")
    services.people.put("Vic", "viewer", "Dana Reyes")
    window = make_window("Vic", "viewer", incident_id=incident.id)
    actions = install_incident_actions(
        window, services.lifecycle, services.incidents, window.runner
    )
    wait_loaded(window)
    window.refresh_permissions()
    qtbot.waitUntil(lambda: "viewer" in actions.status_action.toolTip(), timeout=WAIT_MS)
    assert not any(action.isEnabled() for action in actions.actions)
