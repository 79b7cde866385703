"""Ticking the playbook's "notify the regulator" step stops the regulator clock."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from warroom.domain.clocks import Alarm
from warroom.export.formats import ExportFormat
from warroom.export.labels import clock_rows

Services = Any

pytestmark = pytest.mark.both_databases


def open_breach(services: Services) -> Any:
    return services.incidents.open("Leak", 2, "alice", playbook_key="data-breach")


def notification_step(services: Services, incident_id: int) -> Any:
    (step,) = [i for i in services.checklist.items(incident_id) if i.stops_regulator_clock]
    return step


def test_the_notification_step_is_flagged_from_the_playbook(services: Services) -> None:
    incident = open_breach(services)
    step = notification_step(services, incident.id)
    assert step.text.startswith("Notify the supervisory authority")
    assert sum(i.stops_regulator_clock for i in services.checklist.items(incident.id)) == 1


def test_notified_at_is_when_the_step_was_ticked(services: Services, clock: Any) -> None:
    incident = open_breach(services)
    before = services.incidents.regulator(incident.id)
    assert before.notified_at is None and not before.is_notified
    assert before.due_at == incident.aware_at + timedelta(hours=72)
    first = services.checklist.items(incident.id)[0]
    services.checklist.done(incident.id, first.id, "bob")  # any other step: still running
    assert services.incidents.regulator(incident.id).notified_at is None
    ticked_at = clock.advance(hours=20)
    services.checklist.done(incident.id, notification_step(services, incident.id).id, "dpo")
    after = services.incidents.regulator(incident.id)
    assert after.notified_at == ticked_at and after.late_by is None
    assert after.due_at == before.due_at and after.label == before.label


def test_an_incident_without_a_deadline_has_no_regulator(services: Services) -> None:
    incident = services.incidents.open("Outage", 2, "alice", playbook_key="service-outage")
    regulator = services.incidents.regulator(incident.id)
    assert regulator.due_at is None and regulator.notified_at is None


def test_export_stops_the_regulator_clock_once_notified(
    services: Services, clock: Any, tmp_path: Path
) -> None:
    incident = open_breach(services)
    clock.advance(hours=71)
    running = services.export.snapshot(incident.id, "auditor").clocks
    assert running.regulator.alarm is Alarm.AMBER and running.regulator_notified_at is None
    ticked_at = clock.advance(hours=4)  # three hours past the 72 h deadline
    services.checklist.done(incident.id, notification_step(services, incident.id).id, "dpo")
    clock.advance(hours=10)
    clocks = services.export.snapshot(incident.id, "auditor").clocks
    assert clocks.regulator.alarm is Alarm.NONE and clocks.regulator.remaining is None
    assert clocks.regulator_notified_at == ticked_at
    assert incident.is_open  # stopped by the notification, not by closing
    rows = dict(clock_rows(services.export.snapshot(incident.id, "auditor")))
    regulator_row = next(v for k, v in rows.items() if k.startswith("Regulator deadline"))
    assert "notified at 2026-11-26 12:00:00 UTC (3:00:00 late)" in regulator_row
    path = tmp_path / "log.json"
    services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
    exported = json.loads(path.read_text(encoding="utf-8"))["clocks"]["regulator"]
    assert exported["notified_at"] == "2026-11-26T12:00:00.000000Z"
    assert exported["alarm"] == "none" and exported["remaining_seconds"] is None
    assert services.export.verify_file(path).ok


def test_export_of_an_unnotified_breach_keeps_the_clock_running(
    services: Services, tmp_path: Path
) -> None:
    incident = open_breach(services)
    path = tmp_path / "log.json"
    services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
    exported = json.loads(path.read_text(encoding="utf-8"))["clocks"]["regulator"]
    assert exported["notified_at"] is None and exported["alarm"] == "ok"
    assert exported["remaining_seconds"] == 72 * 3600
