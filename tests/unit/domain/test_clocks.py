"""Crisis clocks: cadence, the public promise and the regulator deadline."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from warroom.domain.checklist import ChecklistItem, Phase, regulator_notified_at
from warroom.domain.clocks import (
    Alarm,
    RegulatorDeadline,
    cadence_clock,
    format_duration,
    promise_clock,
    regulator_clock,
)
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.statements import Statement, StatementState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def incident(severity: int = 1) -> Incident:
    return Incident(1, "x", Severity(severity), IncidentState.OPEN, None, T0, T0, T0, None, "a")


def released_at(minutes: int, promise_minutes: int | None = None) -> Statement:
    at = T0 + timedelta(minutes=minutes)
    promise = T0 + timedelta(minutes=promise_minutes) if promise_minutes is not None else None
    return Statement(
        minutes,
        1,
        (),
        "",
        "t",
        StatementState.RELEASED,
        1,
        "a",
        "a",
        at,
        at,
        1,
        next_update_by=promise,
        released_at=at,
    )


def test_cadence_runs_from_declaration_until_the_first_statement() -> None:
    reading = cadence_clock(incident(1), [], T0 + timedelta(minutes=10))
    assert reading.alarm is Alarm.OK and reading.remaining == timedelta(minutes=20)


def test_cadence_turns_amber_then_red() -> None:
    statements = [released_at(0)]
    assert cadence_clock(incident(1), statements, T0 + timedelta(minutes=23)).alarm is Alarm.AMBER
    assert cadence_clock(incident(1), statements, T0 + timedelta(minutes=31)).alarm is Alarm.RED
    assert cadence_clock(incident(2), statements, T0 + timedelta(minutes=31)).alarm is Alarm.OK


def test_sev4_and_closed_incidents_have_no_cadence() -> None:
    assert cadence_clock(incident(4), [], T0 + timedelta(days=1)).alarm is Alarm.NONE
    closed = replace(incident(1), state=IncidentState.CLOSED)
    assert cadence_clock(closed, [], T0 + timedelta(days=1)).alarm is Alarm.NONE


def test_unreleased_statements_do_not_count_as_public() -> None:
    draft = replace(released_at(5), state=StatementState.APPROVED)
    assert cadence_clock(incident(1), [draft], T0 + timedelta(minutes=31)).alarm is Alarm.RED


def test_promise_follows_the_last_released_statement() -> None:
    statements = [released_at(0, promise_minutes=30), released_at(20, promise_minutes=80)]
    reading = promise_clock(statements, T0 + timedelta(minutes=40))
    assert reading.due_at == T0 + timedelta(minutes=80) and reading.alarm is Alarm.OK
    assert promise_clock(statements, T0 + timedelta(minutes=77)).alarm is Alarm.AMBER
    missed = promise_clock(statements, T0 + timedelta(minutes=81))
    assert missed.alarm is Alarm.RED and missed.remaining == timedelta(minutes=-1)


def test_no_promise_no_alarm() -> None:
    assert promise_clock([released_at(0)], T0).alarm is Alarm.NONE
    assert promise_clock([], T0).alarm is Alarm.NONE


def test_regulator_deadline() -> None:
    deadline = T0 + timedelta(hours=72)
    assert regulator_clock(deadline, T0).alarm is Alarm.OK
    assert regulator_clock(deadline, T0 + timedelta(hours=61)).alarm is Alarm.AMBER
    assert regulator_clock(deadline, T0 + timedelta(hours=73)).alarm is Alarm.RED
    assert regulator_clock(deadline, T0 + timedelta(hours=73), done=True).alarm is Alarm.NONE
    assert regulator_clock(None, T0).alarm is Alarm.NONE


def test_format_duration() -> None:
    assert format_duration(timedelta(minutes=7, seconds=5)) == "07:05"
    assert format_duration(timedelta(hours=2, minutes=3, seconds=4)) == "2:03:04"
    assert format_duration(timedelta(days=1, hours=4, minutes=5)) == "1d 04:05"
    assert format_duration(-timedelta(minutes=7)) == "-07:00"


def test_regulator_deadline_knows_when_and_how_late_the_regulator_was_told() -> None:
    due = T0 + timedelta(hours=72)
    assert not RegulatorDeadline(due, "GDPR", None).is_notified
    assert RegulatorDeadline(due, "GDPR", None).late_by is None
    on_time = RegulatorDeadline(due, "GDPR", due - timedelta(hours=1))
    assert on_time.is_notified and on_time.late_by is None
    assert RegulatorDeadline(due, "GDPR", due).late_by is None
    late = RegulatorDeadline(due, "GDPR", due + timedelta(hours=3))
    assert late.late_by == timedelta(hours=3)
    assert RegulatorDeadline(None, "", T0).late_by is None


def test_regulator_notified_at_is_when_the_flagged_item_was_ticked() -> None:
    def item(position: int, *, flagged: bool, done_at: datetime | None) -> ChecklistItem:
        return ChecklistItem(
            id=position,
            incident_id=1,
            phase=Phase.ONGOING,
            position=position,
            text=f"step {position}",
            owner_role="lead",
            due_offset=None,
            due_at=None,
            done_by="ana" if done_at else None,
            done_at=done_at,
            stops_regulator_clock=flagged,
        )

    ticked = T0 + timedelta(hours=5)
    other = item(1, flagged=False, done_at=T0)
    assert regulator_notified_at([other, item(2, flagged=True, done_at=None)]) is None
    assert regulator_notified_at([other, item(2, flagged=True, done_at=ticked)]) == ticked
    assert regulator_notified_at([other]) is None
