"""The clocks bar: cadence, the public promise and the regulator deadline change colour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.ui.conftest import Live
from warroom.domain.incidents import Incident
from warroom.ui.clocks.bar import ClocksBar
from warroom.ui.shell.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")


@pytest.fixture
def make_bar(
    qtbot: Any, services: Any, runner: TaskRunner, clock: Any, live: Live
) -> Iterator[Any]:
    bars: list[ClocksBar] = []

    def make(incident: Incident) -> ClocksBar:
        bar = ClocksBar(live.loader, clock)
        bars.append(bar)
        bar.resize(1200, 110)
        bar.show()
        with qtbot.waitSignal(bar.data_loaded):
            bar.set_incident(incident.id)
            live.show(incident.id, "alice")
        return bar

    yield make
    for bar in bars:
        bar.stop()
    qtbot.waitUntil(runner.is_idle)
    for bar in bars:
        bar.close()
        bar.deleteLater()


def release(services: Any, incident: Incident, promise_minutes: float | None) -> int:
    """Release a statement to the webhook (it stays queued: nothing is configured)."""
    now = services.incidents.now()
    promise = now + timedelta(minutes=promise_minutes) if promise_minutes else None
    draft = services.statements.draft(
        incident.id, ["webhook"], "We are investigating.", "alice", next_update_by=promise
    )
    services.statements.submit(draft.id, "alice")
    for approver in ("bob", "carol")[: incident.approvals_required]:
        services.statements.approve(draft.id, approver)
    services.statements.release(draft.id, "dave")
    return int(draft.id)


def test_cadence_turns_amber_then_red(make_bar: Any, services: Any, clock: Any) -> None:
    incident = services.incidents.open("Outage", 1, "alice")  # SEV1: every 30 minutes
    bar = make_bar(incident)
    clock.advance(minutes=10)
    bar.tick()
    assert bar.cadence.alarm() == "ok"
    assert bar.cadence.value.text() == "10:00"
    assert "every 30 min" in bar.cadence.detail.text()
    assert "UTC" in bar.cadence.detail.text()
    clock.advance(minutes=13)
    bar.tick()
    assert bar.cadence.alarm() == "amber"
    clock.advance(minutes=8)
    bar.tick()
    assert bar.cadence.alarm() == "red"
    assert bar.age.value.text() == "31:00"
    assert bar.promise.alarm() == "none"
    assert not bar.regulator.isVisible()


def test_sev4_has_no_cadence(make_bar: Any, services: Any, clock: Any) -> None:
    bar = make_bar(services.incidents.open("Typo on the website", 4, "alice"))
    clock.advance(hours=30)
    bar.tick()
    assert bar.cadence.alarm() == "none"
    assert "no cadence" in bar.cadence.detail.text()


def test_a_missed_promise_is_the_loudest_alarm(
    make_bar: Any, services: Any, clock: Any, qtbot: Any
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    bar = make_bar(incident)
    clock.advance(minutes=3)
    statement_id = release(services, incident, promise_minutes=20)
    with qtbot.waitSignal(bar.data_loaded):
        bar.refresh()
    # Released but only queued: not public, so no promise runs and the cadence goes on.
    assert bar.promise.alarm() == "none"
    assert "no promise made in a public statement" in bar.promise.detail.text()
    assert bar.cadence.value.text() == "03:00"
    services.publication.posted(statement_id, "webhook", "dave")  # a post by hand is public
    with qtbot.waitSignal(bar.data_loaded):
        bar.refresh()
    assert bar.promise.alarm() == "ok"
    assert bar.promise.value.text() == "in 20:00"
    assert bar.cadence.value.text() == "00:00"  # the public update reset the cadence clock
    clock.advance(minutes=16)
    bar.tick()
    assert bar.promise.alarm() == "amber"
    clock.advance(minutes=5)
    bar.tick()
    assert bar.promise.alarm() == "critical"
    assert bar.promise.value.text() == "MISSED by 01:00"
    bar.tick()  # it blinks, and stays critical
    assert bar.promise.alarm() == "critical"
    services.incidents.close(incident.id, "alice", anyway="all clear")
    with qtbot.waitSignal(bar.data_loaded):
        bar.refresh()
    clock.advance(hours=5)
    bar.tick()  # closing stops the promise clock: no MISSED running on
    assert bar.promise.alarm() == "none" and bar.promise.value.text() == "stopped"
    assert bar.cadence.detail.text() == "incident closed"


def test_regulator_deadline_shows_for_a_breach(make_bar: Any, services: Any, clock: Any) -> None:
    incident = services.incidents.open("Leak", 2, "alice", playbook_key="data-breach")
    bar = make_bar(incident)
    assert bar.regulator.isVisible()
    assert bar.regulator.alarm() == "ok"
    assert bar.regulator.value.text() == "in 3d 00:00"
    assert "GDPR" in bar.regulator.toolTip()
    clock.advance(hours=61)
    bar.tick()
    assert bar.regulator.alarm() == "amber"
    clock.advance(hours=12)
    bar.tick()
    assert bar.regulator.alarm() == "red"
    assert bar.regulator.value.text().startswith("OVERDUE")


def tick_notification(services: Any, incident: Incident) -> None:
    (step,) = [i for i in services.checklist.items(incident.id) if i.stops_regulator_clock]
    services.checklist.done(incident.id, step.id, "dpo")


def test_regulator_clock_stops_when_the_regulator_is_notified(
    make_bar: Any, services: Any, clock: Any, qtbot: Any
) -> None:
    incident = services.incidents.open("Leak", 2, "alice", playbook_key="data-breach")
    bar = make_bar(incident)
    clock.advance(hours=30)
    tick_notification(services, incident)
    with qtbot.waitSignal(bar.data_loaded):
        bar.refresh()
    assert bar.regulator.isVisible()
    assert bar.regulator.objectName() == "clockTile"
    assert bar.regulator.property("clock") == "regulator"
    assert bar.regulator.alarm() == "none"
    assert bar.regulator.value.text() == "notified"
    assert bar.regulator.detail.text().startswith("at ")
    assert "was due" in bar.regulator.detail.text()
    clock.advance(hours=60)  # long past the deadline: the stopped clock stays quiet
    bar.tick()
    assert bar.regulator.alarm() == "none"
    assert bar.regulator.value.text() == "notified"
    assert "notified" in bar.regulator.accessibleDescription()


def test_a_late_notification_still_says_it_was_late(
    make_bar: Any, services: Any, clock: Any, qtbot: Any
) -> None:
    incident = services.incidents.open("Leak", 2, "alice", playbook_key="data-breach")
    bar = make_bar(incident)
    clock.advance(hours=75)
    bar.tick()
    assert bar.regulator.alarm() == "red"
    tick_notification(services, incident)
    with qtbot.waitSignal(bar.data_loaded):
        bar.refresh()
    assert bar.regulator.alarm() == "none"
    assert bar.regulator.value.text() == "notified 3:00:00 late"
    assert not bar.regulator.value.text().startswith("OVERDUE")


def test_the_tick_reads_no_database(
    make_bar: Any, services: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = services.incidents.open("Outage", 2, "alice")
    bar = make_bar(incident)

    def forbidden(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("database read in the tick")

    monkeypatch.setattr(services.db, "reading", forbidden)
    for _ in range(5):
        clock.advance(seconds=1)
        bar.tick()
    assert bar.age.value.text() == "00:05"


def test_closing_without_a_recorded_notification_stops_the_clock_and_says_so(
    make_bar: Any, services: Any, clock: Any, qtbot: Any
) -> None:
    incident = services.incidents.open("Leak", 2, "alice", playbook_key="data-breach")
    bar = make_bar(incident)
    clock.advance(hours=80)
    bar.tick()
    assert bar.regulator.alarm() == "red"
    services.incidents.close(incident.id, "alice", anyway="wrapping up the test")
    with qtbot.waitSignal(bar.data_loaded):
        bar.refresh()
    assert bar.regulator.alarm() == "none"
    assert bar.regulator.value.text() == "stopped"
    assert bar.regulator.detail.text().startswith("incident closed; no notification recorded")
