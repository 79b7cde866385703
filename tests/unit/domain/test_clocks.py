"""Crisis clocks: age, cadence, the public promise and the regulator deadline.

"Public" means confirmed delivered or posted by hand (domain.publication): a released
statement still in the outbox resets nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from warroom.domain.cadence import CadencePeriod, cadence_periods, silence_due
from warroom.domain.checklist import ChecklistItem, Phase, regulator_notified_at
from warroom.domain.clocks import (
    Alarm,
    ClockState,
    RegulatorDeadline,
    cadence_clock,
    format_duration,
    promise_clock,
    read_clocks,
    regulator_clock,
)
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.publication import PublicStatement, public_statements
from warroom.domain.statements import Statement, StatementState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def incident(severity: int = 1, **changes: object) -> Incident:
    base = Incident(1, "x", Severity(severity), IncidentState.OPEN, None, T0, T0, T0, None, "a")
    return replace(base, **changes)  # type: ignore[arg-type]


def statement(sid: int, released: float, promise: float | None = None) -> Statement:
    return Statement(
        sid,
        1,
        (),
        "",
        "t",
        StatementState.RELEASED,
        1,
        "a",
        "a",
        at(released),
        at(released),
        1,
        next_update_by=at(promise) if promise is not None else None,
        released_at=at(released),
    )


def row(sid: int, state: DeliveryState, updated: float, *, posted: float | None = None) -> Delivery:
    return Delivery(
        sid * 10,
        sid,
        1,
        1,
        "mastodon",
        state,
        f"key{sid}",
        "",
        "t",
        1,
        at(0),
        at(updated),
        posted_by="ana" if posted is not None else "",
        posted_at=at(posted) if posted is not None else None,
    )


def public_at(sid: int, minutes: float, promise: float | None = None) -> PublicStatement:
    return PublicStatement(statement(sid, minutes, promise), at(minutes), ("mastodon",))


def periods(inc: Incident) -> tuple[CadencePeriod, ...]:
    return cadence_periods(inc, ())


def cadence(inc: Incident, public: list[PublicStatement], minutes: float):  # type: ignore[no-untyped-def]
    return cadence_clock(inc, public, periods(inc), at(minutes))


def test_cadence_runs_from_declaration_until_the_first_public_statement() -> None:
    reading = cadence(incident(1), [], 10)
    assert reading.alarm is Alarm.OK and reading.remaining == timedelta(minutes=20)
    assert reading.state is ClockState.OK and reading.turns_at == at(22.5)


def test_cadence_turns_due_then_late_saying_when() -> None:
    public = [public_at(1, 0)]
    due = cadence(incident(1), public, 23)
    assert due.alarm is Alarm.AMBER and due.state is ClockState.DUE and due.turns_at == at(30)
    late = cadence(incident(1), public, 31)
    assert late.alarm is Alarm.RED and late.state is ClockState.LATE and late.turns_at is None
    assert cadence(incident(2), public, 31).alarm is Alarm.OK


def test_sev4_has_no_cadence_and_closing_stops_it() -> None:
    assert cadence(incident(4), [], 24 * 60).state is ClockState.OFF
    closed = incident(1, state=IncidentState.CLOSED, closed_at=at(20))
    stopped = cadence(closed, [], 24 * 60)
    assert stopped.state is ClockState.STOPPED and stopped.alarm is Alarm.NONE


def test_the_incident_own_cadence_wins_over_the_severity() -> None:
    assert cadence(incident(4, cadence_minutes=15), [], 16).state is ClockState.LATE
    assert cadence(incident(1, cadence_minutes=0), [], 500).state is ClockState.OFF


def test_released_but_queued_is_not_public() -> None:
    released = [statement(1, 5)]
    queued = [row(1, DeliveryState.QUEUED, 5)]
    assert public_statements(released, queued) == []
    clocks = read_clocks(
        incident(1), released, queued, periods(incident(1)), RegulatorDeadline(None, ""), at(31)
    )
    assert clocks.cadence.state is ClockState.LATE and clocks.last_public is None
    sent = [row(1, DeliveryState.SENT, 12)]
    clocks = read_clocks(
        incident(1), released, sent, periods(incident(1)), RegulatorDeadline(None, ""), at(31)
    )
    assert clocks.cadence.state is ClockState.OK and clocks.cadence.since == at(12)


def test_a_post_by_hand_counts_from_the_time_the_person_gave() -> None:
    posted = [row(1, DeliveryState.SENT, updated=40, posted=25)]
    (public,) = public_statements([statement(1, 5)], posted)
    assert public.public_at == at(25) and public.by_hand


def test_promise_follows_the_last_public_statement() -> None:
    public = [public_at(1, 0, promise=30), public_at(2, 20, promise=80)]
    reading = promise_clock(incident(), public, at(40))
    assert reading.due_at == at(80) and reading.alarm is Alarm.OK
    assert promise_clock(incident(), public, at(77)).alarm is Alarm.AMBER
    missed = promise_clock(incident(), public, at(81))
    assert missed.alarm is Alarm.RED and missed.remaining == timedelta(minutes=-1)


def test_closing_stops_the_promise_clock() -> None:
    closed = incident(state=IncidentState.CLOSED, closed_at=at(50))
    reading = promise_clock(closed, [public_at(1, 0, promise=60)], at(500))
    assert reading.state is ClockState.STOPPED and reading.alarm is Alarm.NONE
    assert reading.remaining is None and reading.due_at == at(60)


def test_no_promise_no_alarm() -> None:
    assert promise_clock(incident(), [public_at(1, 0)], T0).alarm is Alarm.NONE
    assert promise_clock(incident(), [], T0).state is ClockState.OFF


def test_regulator_deadline() -> None:
    deadline = RegulatorDeadline(T0 + timedelta(hours=72), "GDPR")
    assert regulator_clock(deadline, incident(), T0).alarm is Alarm.OK
    assert regulator_clock(deadline, incident(), T0 + timedelta(hours=61)).alarm is Alarm.AMBER
    assert regulator_clock(deadline, incident(), T0 + timedelta(hours=73)).alarm is Alarm.RED
    notified = replace(deadline, notified_at=T0 + timedelta(hours=73))
    assert regulator_clock(notified, incident(), at(1)).state is ClockState.STOPPED
    closed = incident(state=IncidentState.CLOSED, closed_at=at(5))
    assert regulator_clock(deadline, closed, at(4000)).state is ClockState.STOPPED
    assert regulator_clock(RegulatorDeadline(None, ""), incident(), T0).state is ClockState.OFF


def test_escalation_gives_the_new_cadence_from_the_change() -> None:
    sev3 = CadencePeriod(at(0), Severity.SEV3, timedelta(hours=4))
    sev1 = CadencePeriod(at(180), Severity.SEV1, timedelta(minutes=30))
    # Silent since 0: under SEV3 due at 240; escalated at 180: due 30 min after the change.
    assert silence_due(at(0), [sev3, sev1]) == at(210)
    # A silence that was already late before the change stays late.
    sev2_late = CadencePeriod(at(0), Severity.SEV2, timedelta(minutes=60))
    assert silence_due(at(0), [sev2_late, replace(sev1, start=at(90))]) == at(60)
    # A silence beginning after the change is judged by the new cadence alone.
    assert silence_due(at(200), [sev3, sev1]) == at(230)
    # De-escalating to SEV4 (no cadence) ends the countdown; a later cadence restarts it.
    sev4 = CadencePeriod(at(10), Severity.SEV4, None)
    assert silence_due(at(0), [sev1, sev4]) is None
    back = CadencePeriod(at(100), Severity.SEV2, timedelta(hours=1))
    assert silence_due(at(0), [sev1, sev4, back]) == at(160)


def test_cadence_periods_come_from_the_chained_header_entries() -> None:
    from tests.unit.export.test_review_metrics import Event

    inc = incident(3)
    events = [
        Event(at(0), {"event": "incident.opened", "v": 2, "severity": 3}),
        Event(at(5), {"event": "entry.corrected"}),
        Event(at(60), {"event": "incident.updated", "set": {"status": "identified"}}),
        Event(at(90), {"event": "incident.updated", "set": {"severity": 1}}),
        Event(at(120), {"event": "incident.updated", "set": {"cadence_minutes": 0}}),
    ]
    found = cadence_periods(inc, events)
    assert [(p.start, p.severity, p.cadence) for p in found] == [
        (T0, Severity.SEV3, timedelta(hours=4)),
        (at(90), Severity.SEV1, timedelta(minutes=30)),
        (at(120), Severity.SEV1, None),
    ]
    assert cadence_periods(inc, [])[0].cadence == timedelta(hours=4)


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
